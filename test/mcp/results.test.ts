import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let client: Client;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  client = await connect(t.app, t.owner);
});
afterAll(async () => {
  await client?.close();
  await t?.close();
});

describe("results with meaning", () => {
  it("give linked records with names and the fields asked for, on request", async () => {
    const org = (await ok(client, "create_organizations", { organizations: [{ name: "Acme GmbH" }] }))
      .items[0];
    const ada = (
      await ok(client, "create_contacts", {
        contacts: [
          { firstName: "Ada", lastName: "Lovelace", organizationIds: [org.id], userIds: [t.owner.userId] },
        ],
      })
    ).items[0];
    const plain = await ok(client, "get_entities", { items: [{ id: ada.id }] });
    expect(plain.items[0].record.organizationIds).toEqual([org.id]);

    const named = await ok(client, "get_entities", {
      items: [{ id: ada.id }],
      linked: true,
      fields: ["organizationIds", "userIds", "lastName"],
    });
    const user = (await ok(client, "get_current_user")).name;
    expect(named.items[0].record).toEqual({
      id: ada.id,
      lastName: "Lovelace",
      organizationIds: [{ id: org.id, name: "Acme GmbH" }],
      userIds: [{ id: t.owner.userId, name: user }],
    });
    const found = await ok(client, "filter_entity", {
      entity: "organization",
      searchTerm: "Acme",
      linked: true,
      fields: ["contactIds"],
    });
    expect(found.items).toEqual([{ id: org.id, contactIds: [{ id: ada.id, name: "Ada Lovelace" }] }]);
    const bad = await call(client, "filter_entity", { entity: "organization", fields: ["shoeSize"] });
    expect(bad.text).toMatch(/^fields\[0\]: "shoeSize" is not a field of organization\. Fields: id, name/);
  });

  it("return the resulting id array from link and unlink, and the moved fields from updates", async () => {
    const [a, b] = (
      await ok(client, "create_deals", { deals: [{ name: "One" }, { name: "Two" }] })
    ).items.map((d: { id: string }) => d.id);
    const org = (await ok(client, "create_organizations", { organizations: [{ name: "Linker" }] })).items[0]
      .id;
    expect(
      await ok(client, "link_entities", { entity: "organization", id: org, relation: "dealIds", ids: [a] }),
    ).toEqual({
      id: org,
      name: "Linker",
      relation: "dealIds",
      ids: [a],
    });
    expect(
      (
        await ok(client, "link_entities", { entity: "organization", id: org, relation: "dealIds", ids: [b] })
      ).ids.sort(),
    ).toEqual([a, b].sort());
    expect(
      (
        await ok(client, "unlink_entities", {
          entity: "organization",
          id: org,
          relation: "dealIds",
          ids: [a],
        })
      ).ids,
    ).toEqual([b]);

    const svc = (await ok(client, "create_services", { services: [{ name: "Audit", amount: 10 }] })).items[0]
      .id;
    expect(
      (await ok(client, "link_entities", { entity: "deal", id: a, relation: "serviceIds", ids: [svc] })).ids,
    ).toEqual([svc]);

    const upd = await ok(client, "update_organizations", { organizations: [{ id: org, name: "Linker AG" }] });
    expect(upd.items).toEqual([{ id: org, name: "Linker AG", changed: ["name"] }]);
    const same = await ok(client, "update_organizations", {
      organizations: [{ id: org, name: "Linker AG" }],
    });
    expect(same.items[0].changed).toEqual([]);
    const notes = await ok(client, "update_entity_notes", {
      entity: "organization",
      items: [{ id: org, notes: "hi" }],
    });
    expect(notes.items[0].changed).toEqual(["notes"]);
  });

  it("report the records whose value a column's new options leave out", async () => {
    const column = await ok(client, "create_custom_column", {
      entityType: "deal",
      label: "Priority",
      type: "singleSelect",
      options: ["high", "low"],
    });
    const deals = (
      await ok(client, "create_deals", {
        deals: [
          { name: "H", customFieldValues: [{ columnId: "Priority", value: "high" }] },
          { name: "L", customFieldValues: [{ columnId: column.id, value: "low" }] },
        ],
      })
    ).items;
    const changed = await ok(client, "update_custom_column", { id: column.id, options: ["high", "medium"] });
    expect(changed.mismatchedCount).toBe(1);
    expect(changed.mismatched).toEqual([{ id: deals[1].id, value: "low" }]);
    expect("mismatched" in (await ok(client, "update_custom_column", { id: column.id, label: "Prio" }))).toBe(
      false,
    );
  });
});

describe("result size", () => {
  it("stops get_entities before 100 KB and says which ids are left", async () => {
    const paragraph = `${"Long notes about the account, the people and the plans. ".repeat(20)}\n\n`;
    const notes = paragraph.repeat(10);
    const ids: string[] = [];
    for (let batch = 0; batch < 2; batch++) {
      const made = await ok(client, "create_contacts", {
        contacts: Array.from({ length: 50 }, (_, i) => ({ firstName: `Bulk${batch}-${i}`, notes })),
      });
      ids.push(...made.items.map((c: { id: string }) => c.id));
    }
    const r = await call(client, "get_entities", {
      items: ids.map((id) => ({ id, include: "withNotes" })),
    });
    expect(r.isError).toBe(false);
    expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(100_000);
    const got = r.data as { items: { id: string }[]; remaining: string[]; note: string };
    expect(got.items.length).toBeGreaterThan(0);
    expect([...got.items.map((i) => i.id), ...got.remaining]).toEqual(ids);
    expect(got.note).toMatch(/call get_entities again with the ids in remaining/);
    const rest = await ok(client, "get_entities", {
      items: got.remaining.slice(0, 5).map((id) => ({ id, include: "withNotes" })),
    });
    expect(rest.items).toHaveLength(5);
    expect(rest.remaining).toBeUndefined();
  });
  it("ends a filter_entity page early under 100 KB, and nextCursor goes on from there", async () => {
    const column = await ok(client, "create_custom_column", {
      entityType: "service",
      label: "Spec",
      type: "text",
    });
    const spec = "x".repeat(9_000);
    await ok(client, "create_services", {
      services: Array.from({ length: 15 }, (_, i) => ({
        name: `Spec ${String(i).padStart(2, "0")}`,
        customFieldValues: [{ columnId: column.id, value: spec }],
      })),
    });
    const query = { entity: "service", searchTerm: "Spec", sort: { field: "name" }, limit: 15 };
    const first = await call(client, "filter_entity", query);
    expect(Buffer.byteLength(first.text)).toBeLessThanOrEqual(100_000);
    const page = first.data as { items: { name: string }[]; nextCursor: string; total: number; note: string };
    expect(page.total).toBe(15);
    expect(page.items.length).toBeLessThan(15);
    expect(page.note).toMatch(/nextCursor continues/);
    const rest = await ok(client, "filter_entity", { ...query, cursor: page.nextCursor });
    expect([...page.items, ...rest.items].map((r: { name: string }) => r.name)).toEqual(
      Array.from({ length: 15 }, (_, i) => `Spec ${String(i).padStart(2, "0")}`),
    );
  });
});
