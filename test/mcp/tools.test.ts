import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../../src/mcp/server.js";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

let t: TestApp;
let client: Client;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver({ respond: { status: 200, body: "ok" } });
  t = await openTestApp({ ca: receiver.ca, timeoutMs: 2000 });
  client = await connect(t.app, t.owner);
});
afterAll(async () => {
  await client?.close();
  await t?.close();
  await receiver?.close();
});

describe("tools/list", () => {
  it("lists every tool with a title, description, schemas and annotations", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual(ALL_TOOLS.map((x) => x.name).sort());
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[a-z][a-z0-9_]{1,63}$/);
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description!.length, tool.name).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      // Each hint is said where its absence would read differently from what the tool does.
      const a = tool.annotations ?? {};
      expect(typeof a.openWorldHint, tool.name).toBe("boolean");
      if (a.readOnlyHint !== true) expect(typeof a.destructiveHint, tool.name).toBe("boolean");
      // No empty schema anywhere: every node says its type (or refers to one).
      const untyped: string[] = [];
      const walk = (node: unknown, at: string) => {
        if (node === null || typeof node !== "object" || Array.isArray(node)) return;
        const n = node as Record<string, unknown>;
        if (!("type" in n) && !("$ref" in n) && !("enum" in n)) untyped.push(at);
        if (n.type === "object" && !n.properties && at.endsWith("Schema"))
          untyped.push(`${at} (no properties)`);
        for (const [k, v] of Object.entries((n.properties as Record<string, unknown>) ?? {}))
          walk(v, `${at}.${k}`);
        for (const [k, v] of Object.entries((n.$defs as Record<string, unknown>) ?? {}))
          walk(v, `${at}.$defs.${k}`);
        if (n.items) walk(n.items, `${at}[]`);
      };
      walk(tool.inputSchema, `${tool.name}.inputSchema`);
      walk(tool.outputSchema, `${tool.name}.outputSchema`);
      expect(untyped).toEqual([]);
    }
    // Replacing links or notes loses what the call leaves out.
    const replacing = tools.filter((x) =>
      /^update_(contacts|organizations|deals|services|tasks|entity_notes)$/.test(x.name),
    );
    expect(replacing).toHaveLength(6);
    for (const u of replacing) expect(u.annotations?.destructiveHint, u.name).toBe(true);
    expect(tools.find((x) => x.name === "update_entity_notes")?.annotations?.destructiveHint).toBe(true);
    const deletes = tools.filter((x) => x.name.startsWith("delete_"));
    for (const d of deletes) {
      expect(d.annotations?.destructiveHint).toBe(true);
      expect(d.description).toMatch(/Irreversible/);
    }
  });

  it("matches the committed snapshot of every tool's listed schema", async () => {
    const { tools } = await client.listTools();
    await expect(`${JSON.stringify(tools, null, 2)}\n`).toMatchFileSnapshot("../__snapshots__/tools.json");
  });

  it("keeps tools/list small enough for an agent's context", async () => {
    const size = async (selection: Parameters<typeof connect>[2]) => {
      const c = await connect(t.app, t.owner, selection);
      const bytes = Buffer.byteLength(JSON.stringify(await c.listTools()));
      await c.close();
      return bytes;
    };
    // The limit an agent's context allows for the whole list: 40 KB.
    expect(await size({})).toBeLessThan(40_000);
    expect(await size({ toolsets: ["webhooks"] })).toBeLessThan(10_000);
  });

  it("selects toolsets, and read-only follows readOnlyHint", async () => {
    const c = await connect(t.app, t.owner, { toolsets: ["webhooks"], readOnly: true });
    const { tools } = await c.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual([
      "get_webhook",
      "get_webhook_delivery",
      "list_webhook_deliveries",
      "list_webhook_events",
      "list_webhooks",
    ]);
    await c.close();
  });
});

describe("crm tools", () => {
  it("creates, reads, finds, counts, links, notes and deletes", async () => {
    const orgs = await ok(client, "create_organizations", { organizations: [{ name: "Acme" }] });
    const orgId = orgs.items[0].id;
    expect(orgs.items[0].name).toBe("Acme");
    const created = await ok(client, "create_contacts", {
      contacts: [
        {
          firstName: "Ada",
          lastName: "Lovelace",
          emails: ["ada@acme.io"],
          notes: "# Met at **expo**",
          organizationIds: [orgId],
        },
      ],
    });
    const contactId = created.items[0].id;
    expect(created.items[0]).toEqual({ id: contactId, name: "Ada Lovelace" });

    const got = await ok(client, "get_entities", {
      items: [
        { entity: "contact", id: contactId, include: "withNotes" },
        { entity: "organization", id: orgId },
        { entity: "contact", id: "ct_missing" },
      ],
    });
    expect(got.items[0].record.notes).toBe("# Met at **expo**");
    expect(got.items[1].record.contactIds).toEqual([contactId]);
    expect("notes" in got.items[1].record).toBe(false);
    expect(got.items[2].error).toMatch(/No contact with id "ct_missing"/);

    const found = await ok(client, "filter_entity", { entity: "contact", searchTerm: "lovel" });
    expect(found.total).toBe(1);
    expect(found.items[0].id).toBe(contactId);
    expect("notes" in found.items[0]).toBe(false);
    expect(await ok(client, "count_entity", { entity: "contact" })).toEqual({ entity: "contact", count: 1 });
    const search = await ok(client, "search_all_entities", { searchTerm: "acme" });
    expect(search.results.find((r: { entity: string }) => r.entity === "organization").items[0].id).toBe(
      orgId,
    );
    const config = await ok(client, "get_entity_configuration", { entity: "contact" });
    expect(config.fields.map((f: { name: string }) => f.name)).toContain("organizationIds");

    await ok(client, "update_contacts", { contacts: [{ id: contactId, lastName: "King" }] });
    await ok(client, "append_entity_notes", {
      entity: "contact",
      items: [{ id: contactId, notes: "- follow up" }],
    });
    const notes = await ok(client, "get_entities", {
      items: [{ entity: "contact", id: contactId, include: "withNotes" }],
    });
    expect(notes.items[0].record.notes).toBe("# Met at **expo**\n\n- follow up");
    await ok(client, "update_entity_notes", {
      entity: "contact",
      items: [{ id: contactId, notes: "plain" }],
    });

    const [deal] = (await ok(client, "create_deals", { deals: [{ name: "D1" }] })).items;
    await ok(client, "link_entities", {
      entity: "contact",
      id: contactId,
      relation: "dealIds",
      ids: [deal.id],
    });
    const d = await ok(client, "get_entities", { items: [{ entity: "deal", id: deal.id }] });
    expect(d.items[0].record.contactIds).toEqual([contactId]);
    await ok(client, "unlink_entities", {
      entity: "deal",
      id: deal.id,
      relation: "contactIds",
      ids: [contactId],
    });

    const column = await ok(client, "create_custom_column", {
      entityType: "contact",
      label: "Score",
      type: "number",
    });
    await ok(client, "update_entity_custom_fields", {
      entity: "contact",
      items: [{ id: contactId, customFieldValues: [{ columnId: column.id, value: 7 }] }],
    });
    const scored = await ok(client, "filter_entity", {
      entity: "contact",
      filters: [{ field: column.id, operator: "gte", value: 5 }],
    });
    expect(scored.total).toBe(1);

    for (const [tool, key, item] of [
      ["create_services", "services", { name: "Audit", amount: 100 }],
      ["create_tasks", "tasks", { name: "Call back", dueDate: "2026-12-24" }],
    ] as const) {
      const r = await ok(client, tool, { [key]: [item] });
      const update = tool.replace("create", "update");
      await ok(client, update, { [key]: [{ id: r.items[0].id, name: "Renamed" }] });
    }
    await ok(client, "update_organizations", { organizations: [{ id: orgId, name: "Acme Inc" }] });
    await ok(client, "update_deals", { deals: [{ id: deal.id, name: "D2" }] });
    expect(await ok(client, "delete_entities", { entity: "contact", ids: [contactId] })).toEqual({
      deleted: [contactId],
    });
  });

  it("answers bad input with isError naming the field and the fix, and writes nothing", async () => {
    const before = (await ok(client, "count_entity", { entity: "contact" })).count;
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "create_contacts",
        { contacts: [{ firstName: "A" }, { emails: ["nope"] }] },
        /^contacts\[1\]\.emails\[0\]: must be an email address/,
      ],
      ["create_organizations", { organizations: [{}] }, /^organizations\[0\]\.name: is required/],
      [
        "create_deals",
        { deals: [{ name: "x", services: [{ serviceId: "svc_x", quantity: 1 }] }] },
        /deals\[0\]\.services\[0\]: no service/,
      ],
      [
        "create_services",
        { services: [{ name: "x", amount: "ten" }] },
        /^services\[0\]\.amount: expected a number/,
      ],
      [
        "create_tasks",
        { tasks: [{ name: "x", dueDate: "tomorrow" }] },
        /^tasks\[0\]\.dueDate: must be an ISO date/,
      ],
      [
        "update_contacts",
        { contacts: [{ id: "ct_nope" }] },
        /^contacts\[0\]\.id: no contact with id "ct_nope"/,
      ],
      [
        "update_organizations",
        { organizations: [{ id: "org_x", contactIds: null }] },
        /contactIds: cannot be null.*link_entities/,
      ],
      ["update_deals", { deals: [{ id: "deal_x", bogus: 1 }] }, /unknown field "bogus"/],
      ["update_services", { services: [] }, /^services: /],
      ["update_tasks", { tasks: [{ id: "task_x", status: "later" }] }, /^tasks\[0\]\.status: /],
      [
        "filter_entity",
        { entity: "contact", filters: [{ field: "shoeSize", operator: "equals", value: 1 }] },
        /filters\[0\]\.field: "shoeSize" is not a field of contact\. Valid fields: id, firstName/,
      ],
      ["filter_entity", { entity: "contact", limit: 500 }, /^limit: /],
      ["filter_entity", { entity: "contact", cursor: "garbage" }, /^cursor: is not a cursor/],
      ["count_entity", { entity: "planet" }, /^entity: /],
      ["search_all_entities", { searchTerm: "" }, /^searchTerm: /],
      ["get_entities", { items: [] }, /^items: /],
      ["get_entity_configuration", {}, /^entity: is required/],
      ["get_entity_history", { id: "ct_nope" }, /^id: no contact with id "ct_nope"/],
      ["delete_entities", { entity: "contact", ids: ["ct_nope"] }, /^ids\[0\]: no contact with id "ct_nope"/],
      [
        "link_entities",
        { entity: "contact", id: "ct_x", relation: "friends", ids: ["ct_y"] },
        /^relation: "friends" is not a relationship of contact\. Use one of: organizationIds/,
      ],
      [
        "unlink_entities",
        { entity: "contact", id: "ct_x", relation: "dealIds", ids: ["deal_y"] },
        /^id: no contact with id "ct_x"/,
      ],
      [
        "update_entity_notes",
        { entity: "contact", items: [{ id: "ct_x", notes: "hi" }] },
        /^items\[0\]\.id: no contact/,
      ],
      [
        "append_entity_notes",
        { entity: "contact", items: [{ id: "ct_x", notes: "" }] },
        /^items\[0\]\.notes: /,
      ],
      [
        "update_entity_custom_fields",
        { entity: "contact", items: [{ id: "ct_x", customFieldValues: [] }] },
        /^items\[0\]\.customFieldValues: /,
      ],
      ["create_webhook", { url: "http://example.com/hook", events: ["contact.created"] }, /^url: .*https/i],
      [
        "create_webhook",
        { url: "https://example.com/hook", events: ["contact.exploded"] },
        /^events\[0\]: "contact.exploded" is not an event/,
      ],
      [
        "create_webhook",
        { url: "https://example.com/hook", events: [] },
        /^events: choose at least one event/,
      ],
      ["update_webhook", { id: "wh_nope", enabled: false }, /^id: no webhook with id "wh_nope"/],
      ["delete_webhook", { id: "wh_nope" }, /^id: no webhook/],
      ["rotate_webhook_secret", { id: "wh_nope", graceHours: 200 }, /^graceHours: /],
      ["get_webhook", {}, /^id: is required/],
      ["list_webhooks", { limit: 0 }, /^limit: /],
      ["list_webhook_deliveries", { status: "lost" }, /^status: /],
      ["list_webhook_deliveries", { since: "yesterday" }, /^since: must be an ISO 8601 time/],
      ["get_webhook_delivery", { id: "whd_nope" }, /^id: no webhook delivery/],
      ["resend_webhook_delivery", { id: "whd_nope" }, /^id: no webhook delivery/],
      ["resend_failed_webhook_deliveries", {}, /^since: is required/],
      ["list_webhook_events", { extra: 1 }, /unknown field "extra"/],
      ["list_webhook_events", { events: ["deal.moved"] }, /^events\[0\]: "deal.moved" is not an event/],
      ["list_custom_columns", { entityType: "planet" }, /^entityType: /],
      [
        "create_custom_column",
        { entityType: "contact", label: "Stage", type: "singleSelect" },
        /^options: a singleSelect column needs at least one option/,
      ],
      ["update_custom_column", { id: "col_nope", label: "x" }, /^id: no custom column/],
      ["delete_custom_column", { id: "col_nope" }, /^id: no custom column/],
      ["get_current_user", { x: 1 }, /unknown field "x"/],
      ["list_users", { x: 1 }, /unknown field "x"/],
      ["get_company", { x: 1 }, /unknown field "x"/],
      [
        "import_records",
        { entity: "contact", csv: "Email\na@example.com\n", mapping: { Mail: "emails" } },
        /^mapping\["Mail"\]: the file has no column "Mail"/,
      ],
    ];
    const covered = new Set(cases.map((c) => c[0]));
    for (const tool of ALL_TOOLS)
      expect(covered.has(tool.name), `bad-input case for ${tool.name}`).toBe(true);
    for (const [name, args, message] of cases) {
      const r = await call(client, name, args);
      expect(r.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(r.text, name).toMatch(message);
    }
    expect((await ok(client, "count_entity", { entity: "contact" })).count).toBe(before);
  });
});

describe("webhook tools", () => {
  it("creates a webhook, delivers, lists, inspects and resends", async () => {
    const hook = await ok(client, "create_webhook", {
      url: receiver.url,
      events: ["organization.created"],
      secret: "s3cret-value",
      description: "test receiver",
    });
    expect(hook.hasSecret).toBe(true);
    expect("secret" in hook).toBe(false);
    expect((await ok(client, "get_webhook", { id: hook.id })).url).toBe(receiver.url);
    expect((await ok(client, "list_webhooks", { searchTerm: "test receiver" })).items[0].id).toBe(hook.id);
    await ok(client, "update_webhook", { id: hook.id, description: "renamed" });

    receiver.clear();
    await ok(client, "create_organizations", { organizations: [{ name: "Hooked" }] });
    await receiver.waitFor(1, 5000);
    let list = await ok(client, "list_webhook_deliveries", { searchTerm: "organization.created" });
    await until(
      async () => {
        list = await ok(client, "list_webhook_deliveries", { searchTerm: "organization.created" });
        return list.items[0]?.status === "succeeded";
      },
      5000,
      "the delivery recorded as succeeded",
    );
    const delivery = list.items[0];
    expect(delivery.status).toBe("succeeded");
    const detail = await ok(client, "get_webhook_delivery", { id: delivery.id });
    expect(detail.statusCode).toBe(200);
    expect(JSON.parse(detail.requestBody).event).toBe("organization.created");
    expect(detail.requestHeaders["X-Webhook-Signature"]).toMatch(/^[0-9a-f]{64}$/);

    const resent = await ok(client, "resend_webhook_delivery", { id: delivery.id });
    expect(resent.resendOf).toBe(delivery.id);
    expect(resent.status).toBe("succeeded");
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await ok(client, "resend_failed_webhook_deliveries", { since })).resent).toEqual([]);
    // By default a line per event; payload schemas only for the events asked for.
    const events = await ok(client, "list_webhook_events");
    expect(events.events).toHaveLength(15);
    expect(events.events[0]).toEqual({
      name: "contact.created",
      when: expect.any(String),
      payloadKeys: ["contact"],
    });
    expect(Buffer.byteLength(JSON.stringify(events))).toBeLessThan(3000);
    const asked = await ok(client, "list_webhook_events", { events: ["deal.updated"] });
    const withSchema = asked.events.filter((e: { payloadSchema?: unknown }) => e.payloadSchema);
    expect(withSchema.map((e: { name: string }) => e.name)).toEqual(["deal.updated"]);
    expect(withSchema[0].payloadSchema.type).toBe("object");
    expect(await ok(client, "delete_webhook", { id: hook.id })).toEqual({ deleted: [hook.id] });
  });

  it("exposes the event catalog as a resource", async () => {
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain("crm://webhooks/events");
    const read = await client.readResource({ uri: "crm://webhooks/events" });
    expect(JSON.parse((read.contents[0] as { text: string }).text).events).toHaveLength(15);
  });
});

describe("admin tools", () => {
  it("reports the user, users, company and columns", async () => {
    expect((await ok(client, "get_current_user")).id).toBe(t.owner.userId);
    expect((await ok(client, "list_users")).items.map((u: { id: string }) => u.id)).toContain(t.owner.userId);
    expect((await ok(client, "get_company")).id).toBe(t.owner.companyId);
    const col = await ok(client, "create_custom_column", {
      entityType: "deal",
      label: "Stage",
      type: "singleSelect",
      options: ["a", "b"],
    });
    expect((await ok(client, "update_custom_column", { id: col.id, label: "Phase" })).label).toBe("Phase");
    expect(
      (await ok(client, "list_custom_columns", { entityType: "deal" })).items.map(
        (c: { id: string }) => c.id,
      ),
    ).toContain(col.id);
    expect(await ok(client, "delete_custom_column", { id: col.id })).toEqual({ deleted: [col.id] });
  });
});

describe("tenancy", () => {
  it("treats another company's ids as unknown in every tool that takes an id", async () => {
    const other = await t.app.tenants.createCompany("Other", "Eve");
    const theirs = await connect(t.app, other);
    const contact = (await ok(theirs, "create_contacts", { contacts: [{ firstName: "Secret" }] })).items[0]
      .id;
    const hook = await ok(theirs, "create_webhook", { url: receiver.url, events: ["contact.updated"] });
    const column = await ok(theirs, "create_custom_column", {
      entityType: "contact",
      label: "X",
      type: "text",
    });
    await ok(theirs, "update_contacts", { contacts: [{ id: contact, firstName: "Changed" }] });
    let deliveries = await ok(theirs, "list_webhook_deliveries", {});
    await until(
      async () => {
        deliveries = await ok(theirs, "list_webhook_deliveries", {});
        return deliveries.items.length > 0;
      },
      5000,
      "their delivery",
    );
    const delivery = deliveries.items[0].id;

    const mine = client;
    const refused: [string, Record<string, unknown>][] = [
      ["update_contacts", { contacts: [{ id: contact, firstName: "Hacked" }] }],
      ["delete_entities", { entity: "contact", ids: [contact] }],
      ["link_entities", { entity: "contact", id: contact, relation: "userIds", ids: [t.owner.userId] }],
      ["unlink_entities", { entity: "contact", id: contact, relation: "userIds", ids: [t.owner.userId] }],
      ["update_entity_notes", { entity: "contact", items: [{ id: contact, notes: "x" }] }],
      ["append_entity_notes", { entity: "contact", items: [{ id: contact, notes: "x" }] }],
      [
        "update_entity_custom_fields",
        {
          entity: "contact",
          items: [{ id: contact, customFieldValues: [{ columnId: column.id, value: "x" }] }],
        },
      ],
      ["get_webhook", { id: hook.id }],
      ["update_webhook", { id: hook.id, enabled: false }],
      ["rotate_webhook_secret", { id: hook.id }],
      ["delete_webhook", { id: hook.id }],
      ["get_webhook_delivery", { id: delivery }],
      ["resend_webhook_delivery", { id: delivery }],
      ["update_custom_column", { id: column.id, label: "Y" }],
      ["delete_custom_column", { id: column.id }],
      ["get_entity_history", { id: contact }],
    ];
    for (const [name, args] of refused) {
      const r = await call(mine, name, args);
      expect(r.isError, name).toBe(true);
      expect(r.text, name).toMatch(/no (contact|webhook|webhook delivery|custom column) with id/);
    }
    const got = await ok(mine, "get_entities", { items: [{ entity: "contact", id: contact }] });
    expect(got.items[0].error).toBeTruthy();
    expect((await ok(mine, "filter_entity", { entity: "contact", searchTerm: "Changed" })).total).toBe(0);
    expect((await ok(mine, "list_webhooks", {})).items.map((h: { id: string }) => h.id)).not.toContain(
      hook.id,
    );
    expect(
      (await ok(mine, "list_webhook_deliveries", {})).items.map((d: { id: string }) => d.id),
    ).not.toContain(delivery);
    // Their data is untouched.
    const still = await ok(theirs, "get_entities", { items: [{ entity: "contact", id: contact }] });
    expect(still.items[0].record.firstName).toBe("Changed");
    await theirs.close();
  });
});
