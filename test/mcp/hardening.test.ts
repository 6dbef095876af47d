import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";

/**
 * One test per finding of the adversarial pass (issue 12) that concerns tool input: each
 * call must come back as a clear error that names its field and limit, quickly, with
 * nothing written. The store is checked through what a write leaves: events.
 */

let t: TestApp;
let client: Client;
let contactId: string;
let columnId: string;

const eventCount = async () =>
  (await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId, 100_000))).length;

/** Calls a tool that must refuse; returns its message after checking nothing was written. */
async function refused(name: string, args: Record<string, unknown>): Promise<string> {
  const before = await eventCount();
  const r = await call(client, name, args);
  expect(r.isError, `${name} should fail: ${r.text.slice(0, 200)}`).toBe(true);
  expect(r.text).not.toMatch(/Internal error/);
  expect(await eventCount()).toBe(before);
  return r.text;
}

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  client = await connect(t.app, t.owner);
  contactId = (await ok(client, "create_contacts", { contacts: [{ firstName: "Ada" }] })).items[0].id;
  columnId = (
    await ok(client, "create_custom_column", { entityType: "contact", label: "Note", type: "text" })
  ).id;
});
afterAll(async () => {
  await client?.close();
  await t?.close();
});

describe("array inputs are bounded before any work", () => {
  it("search_all_entities takes at most the five entity types", async () => {
    const entities = Array.from({ length: 100_000 }, () => "contact");
    const started = performance.now();
    const text = await refused("search_all_entities", { searchTerm: "a", entities });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(text).toBe("entities: has 100000 items; the limit is 5");
    // The five, each once, still work.
    const all = await ok(client, "search_all_entities", { searchTerm: "Ada", entities: ["contact"] });
    expect(all.results[0].items[0].id).toBe(contactId);
  });

  it("update_entity_custom_fields takes as many values per record as create and update (200)", async () => {
    const customFieldValues = Array.from({ length: 75_000 }, () => ({ columnId, value: "x" }));
    const text = await refused("update_entity_custom_fields", {
      entity: "contact",
      items: [{ id: contactId, customFieldValues }],
    });
    expect(text).toBe("items[0].customFieldValues: has 75000 items; the limit is 200");
    const direct = await t.app.crm
      .setCustomFields(t.owner, "contact", [{ id: contactId, customFieldValues }])
      .catch((e: Error) => e.message);
    expect(direct).toBe(text);
  });

  it("custom column options are bounded in length (100) and count (100), and unique", async () => {
    const long = await refused("create_custom_column", {
      entityType: "contact",
      label: "Tier",
      type: "singleSelect",
      options: ["gold", "x".repeat(1_000_000)],
    });
    expect(long).toBe("options[1]: is 1000000 characters long; the limit is 100");
    const many = await refused("create_custom_column", {
      entityType: "contact",
      label: "Tier",
      type: "singleSelect",
      options: Array.from({ length: 101 }, (_, i) => `o${i}`),
    });
    expect(many).toBe("options: has 101 items; the limit is 100");
    const twice = await refused("update_custom_column", { id: columnId, options: ["a", "a"] });
    expect(twice).toBe('options[1]: "a" appears twice; give each option once');
  });
});

describe("what used to be an internal error is a clear one", () => {
  it("a deeply nested custom value names its field and the depth limit", async () => {
    let value: unknown = "leaf";
    for (let i = 0; i < 10_000; i++) value = [value];
    const text = await refused("update_entity_custom_fields", {
      entity: "contact",
      items: [{ id: contactId, customFieldValues: [{ columnId, value }] }],
    });
    expect(text).toMatch(
      /^items\[0\]\.customFieldValues\[0\]\.value(\[0\])+: is nested deeper than 128 levels/,
    );
  });

  it("a cursor past the furthest page is refused as a cursor", async () => {
    const cursor = Buffer.from('{"o":1e308}').toString("base64url");
    const text = await refused("filter_entity", { entity: "contact", cursor });
    expect(text).toMatch(/^cursor: is not a cursor from this server/);
    const long = await refused("filter_entity", { entity: "contact", cursor: "a".repeat(101) });
    expect(long).toBe("cursor: is 101 characters long; the limit is 100");
  });

  it("filters hold at most 1000 values together", async () => {
    const filters = Array.from({ length: 50 }, () => ({
      field: "firstName",
      operator: "in",
      value: Array.from({ length: 1000 }, (_, i) => `n${i}`),
    }));
    const text = await refused("filter_entity", { entity: "contact", filters });
    expect(text).toMatch(/^filters\[1\]\.value: the filters hold more than 1000 values together/);
  });

  it("a filter's text is at most 10000 characters", async () => {
    const text = await refused("filter_entity", {
      entity: "contact",
      filters: [{ field: "firstName", operator: "contains", value: "x".repeat(60_000) }],
    });
    expect(text).toBe("filters[0].value: is 60000 characters long; the limit is 10000");
  });

  it("a searchTerm with a NUL character is refused, and says where", async () => {
    const text = await refused("filter_entity", { entity: "contact", searchTerm: "a\u0000b" });
    expect(text).toBe("searchTerm: contains a NUL character (\\u0000) at position 1; remove it");
  });
});

describe("strings are kept exactly or refused", () => {
  it("refuses lone surrogates anywhere, naming the field, instead of changing them", async () => {
    const text = await refused("create_contacts", { contacts: [{ firstName: "Ada", lastName: "x\ud800y" }] });
    expect(text).toMatch(/^contacts\[0\]\.lastName: contains a lone surrogate \(\\ud800\) at position 1/);
    const low = await refused("create_contacts", { contacts: [{ firstName: "\udc00" }] });
    expect(low).toMatch(/^contacts\[0\]\.firstName: contains a lone surrogate \(\\udc00\) at position 0/);
    const inNotes = await refused("update_entity_notes", {
      entity: "contact",
      items: [{ id: contactId, notes: "a\ud83d" }],
    });
    expect(inNotes).toMatch(/^items\[0\]\.notes: contains a lone surrogate/);
    // A well-formed pair is kept as it came.
    const pair = await ok(client, "create_contacts", { contacts: [{ firstName: "Ada \ud83d\ude00" }] });
    expect(pair.items[0].name).toBe("Ada \ud83d\ude00");
  });
});

describe("__proto__ is an unknown field at every level", () => {
  it("at the top level, as a value or as an object, as nested", async () => {
    const top = JSON.parse('{"entity":"contact","__proto__":1}');
    expect(await refused("filter_entity", top)).toBe('unknown field "__proto__"; remove it');
    const asObject = JSON.parse('{"entity":"contact","__proto__":{"limit":5}}');
    expect(await refused("filter_entity", asObject)).toBe('unknown field "__proto__"; remove it');
    const nested = JSON.parse(
      '{"entity":"contact","filters":[{"field":"firstName","operator":"equals","value":"a","__proto__":1}]}',
    );
    expect(await refused("filter_entity", nested)).toBe('filters[0]: unknown field "__proto__"; remove it');
    const write = JSON.parse('{"contacts":[{"firstName":"P"}],"__proto__":{"x":1}}');
    expect(await refused("create_contacts", write)).toBe('unknown field "__proto__"; remove it');
    // A service called directly reads no field from a prototype either.
    const inherited = { __proto__: { firstName: "Inherited" } };
    const direct = await t.app.crm.create(t.owner, "contact", [inherited]).catch((e: Error) => e.message);
    expect(direct).toBe('contacts[0]: unknown field "__proto__"; remove it');
    // The next call on the same connection is not affected.
    expect((await ok(client, "count_entity", { entity: "contact" })).count).toBeGreaterThan(0);
  });
});

describe("errors quote at most a short prefix of the input", () => {
  it("a wrong-type 1 MB value gives a short error", async () => {
    const huge = "x".repeat(1_000_000);
    const cases: [string, Record<string, unknown>][] = [
      ["filter_entity", { entity: huge }],
      ["update_tasks", { tasks: [{ id: "task_x", status: huge }] }],
      [
        "update_entity_custom_fields",
        { entity: "contact", items: [{ id: contactId, customFieldValues: [{ columnId: huge, value: 1 }] }] },
      ],
      [
        "update_entity_custom_fields",
        { entity: "contact", items: [{ id: contactId, customFieldValues: [{ columnId, value: [huge] }] }] },
      ],
      ["filter_entity", { entity: "contact", filters: [{ field: huge, operator: "equals", value: 1 }] }],
      [
        "filter_entity",
        { entity: "contact", filters: [{ field: "firstName", operator: "equals", value: [huge] }] },
      ],
      ["filter_entity", { entity: "contact", [huge]: 1 }],
      ["link_entities", { entity: "contact", id: contactId, relation: huge, ids: ["org_x"] }],
      ["get_webhook", { id: huge }],
      ["create_webhook", { url: "https://example.com/h", events: [huge] }],
      ["create_contacts", { contacts: [{ firstName: "A", emails: [huge] }] }],
    ];
    for (const [name, args] of cases) {
      const text = await refused(name, args);
      expect(text.length, `${name}: ${text.slice(0, 300)}`).toBeLessThan(600);
      expect(text, name).toMatch(/^[A-Za-z_[\]0-9.]*:? ?/);
    }
    // A value that is refused for its kind is quoted by a short prefix.
    const quoted = await refused("update_entity_custom_fields", {
      entity: "contact",
      items: [{ id: contactId, customFieldValues: [{ columnId: `${"c".repeat(50)}`, value: 1 }] }],
    });
    expect(quoted).toContain(`"${"c".repeat(40)}..." (50 characters)`);
  });
});

describe("API keys", () => {
  it("a key longer than any key we make is not looked up", async () => {
    const { key } = await t.app.tenants.createApiKey(t.owner, "bound");
    expect(await t.app.tenants.authenticate(` ${key} `)).toEqual(t.owner);
    // Trimmed it would match; at over 100 characters it is refused before hashing.
    expect(await t.app.tenants.authenticate(`${key}${" ".repeat(100)}`)).toBeNull();
  });
});
