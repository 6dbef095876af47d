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

async function error(name: string, args: Record<string, unknown>): Promise<string> {
  const r = await call(client, name, args);
  expect(r.isError, `${name} should fail`).toBe(true);
  return r.text;
}

describe("not found", () => {
  it("points at the tool that lists that kind of id", async () => {
    expect(await error("get_webhook", { id: "wh_nope" })).toBe(
      'id: no webhook with id "wh_nope" exists. Look ids up with list_webhooks.',
    );
    expect(await error("get_webhook_delivery", { id: "whd_nope" })).toBe(
      'id: no webhook delivery with id "whd_nope" exists. Look ids up with list_webhook_deliveries.',
    );
    expect(await error("delete_custom_column", { id: "col_nope" })).toBe(
      'id: no custom column with id "col_nope" exists. Look ids up with list_custom_columns.',
    );
    const contact = (await ok(client, "create_contacts", { contacts: [{ firstName: "Ada" }] })).items[0].id;
    expect(
      await error("link_entities", {
        entity: "contact",
        id: contact,
        relation: "userIds",
        ids: ["usr_nope"],
      }),
    ).toBe('ids[0]: no user with id "usr_nope" exists. Look ids up with list_users.');
    // The CRM's own records are found by its search tools.
    expect(await error("delete_entities", { entity: "deal", ids: ["deal_nope"] })).toBe(
      'ids[0]: no deal with id "deal_nope" exists. Look ids up with filter_entity or search_all_entities.',
    );
  });
});

describe("date filters", () => {
  it("refuse a value that is not a date, naming the field and the form", async () => {
    expect(
      await error("filter_entity", {
        entity: "task",
        filters: [{ field: "dueDate", operator: "equals", value: "yesterday" }],
      }),
    ).toBe('filters[0].value: expected an ISO date such as 2026-12-31 for dueDate, got "yesterday"');
    expect(
      await error("count_entity", {
        entity: "task",
        filters: [{ field: "dueDate", operator: "between", value: ["2026-01-01", "2026-02-30"] }],
      }),
    ).toBe('filters[0].value[1]: "2026-02-30" is not a real calendar date');
    expect(
      await error("filter_entity", {
        entity: "contact",
        filters: [{ field: "createdAt", operator: "gte", value: "last week" }],
      }),
    ).toBe(
      'filters[0].value: expected an ISO date (2026-12-31, the whole day in UTC) or date-time (2026-12-31T09:30:00Z) for createdAt, got "last week"',
    );
  });

  it("read a bare date on a date-time field as that whole day in UTC", async () => {
    const column = await ok(client, "create_custom_column", {
      entityType: "organization",
      label: "Signed at",
      type: "datetime",
    });
    const made = await ok(client, "create_organizations", {
      organizations: [
        { name: "Late", customFieldValues: [{ columnId: column.id, value: "2026-12-02T23:30:00Z" }] },
        { name: "Next", customFieldValues: [{ columnId: column.id, value: "2026-12-03T00:10:00+00:00" }] },
        { name: "Early", customFieldValues: [{ columnId: column.id, value: "2026-12-02T00:00:00Z" }] },
      ],
    });
    const [late, next, early] = made.items.map((i: { id: string }) => i.id);
    const names = async (operator: string, value: unknown) => {
      const r = await ok(client, "filter_entity", {
        entity: "organization",
        filters: [{ field: column.id, operator, value }],
        sort: { field: "name", direction: "asc" },
      });
      return r.items.map((i: { id: string }) => i.id);
    };
    expect(await names("equals", "2026-12-02")).toEqual([early, late]);
    expect(await names("lte", "2026-12-02")).toEqual([early, late]);
    expect(await names("gt", "2026-12-02")).toEqual([next]);
    expect(await names("lt", "2026-12-03")).toEqual([early, late]);
    expect(await names("between", ["2026-12-03", "2026-12-03"])).toEqual([next]);
    expect(await names("equals", "2026-12-02T23:30:00.000Z")).toEqual([late]);
    // A time in another zone is the same instant.
    expect(await names("equals", "2026-12-03T00:30:00+01:00")).toEqual([late]);

    const today = new Date().toISOString().slice(0, 10);
    const createdToday = await ok(client, "count_entity", {
      entity: "organization",
      filters: [{ field: "createdAt", operator: "equals", value: today }],
    });
    expect(createdToday.count).toBe(3);
    const createdBefore = await ok(client, "count_entity", {
      entity: "organization",
      filters: [{ field: "createdAt", operator: "lt", value: today }],
    });
    expect(createdBefore.count).toBe(0);
  });
});

describe("entity from the id's prefix", () => {
  it("lets get_entities, delete_entities and get_entity_configuration leave entity out", async () => {
    const contact = (await ok(client, "create_contacts", { contacts: [{ firstName: "Grace" }] })).items[0].id;
    const deal = (await ok(client, "create_deals", { deals: [{ name: "Mainframe" }] })).items[0].id;
    const got = await ok(client, "get_entities", { items: [{ id: contact }, { id: deal }] });
    expect(got.items.map((i: { entity: string; record: { id: string } }) => [i.entity, i.record.id])).toEqual(
      [
        ["contact", contact],
        ["deal", deal],
      ],
    );
    const config = await ok(client, "get_entity_configuration", { id: deal });
    expect(config.entity).toBe("deal");
    expect(await ok(client, "delete_entities", { ids: [deal] })).toEqual({ deleted: [deal] });

    expect(await error("get_entities", { items: [{ id: contact }, { id: "wh_1" }] })).toBe(
      'items[1].id: "wh_1" is not the id of a contact, organization, deal, service or task (theirs start with ct_, org_, deal_, svc_, task_); give entity',
    );
    expect(await error("get_entity_configuration", {})).toBe(
      "entity: is required (or id, whose prefix names it)",
    );
    // One type per call: the first id names it.
    expect(await error("delete_entities", { ids: [contact, "deal_x"] })).toMatch(
      /^ids\[1\]: no contact with id "deal_x" exists/,
    );
    expect((await ok(client, "get_entities", { items: [{ id: contact }] })).items[0].record.id).toBe(contact);
  });
});
