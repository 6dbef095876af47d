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

describe("messages in the product's voice", () => {
  it("says one thing per problem, never zod's phrasing nor an empty path", async () => {
    // The form and the calendar check both fail: only the first is said.
    expect(await error("create_tasks", { tasks: [{ name: "x", dueDate: "tomorrow" }] })).toBe(
      "tasks[0].dueDate: must be an ISO date such as 2026-12-31",
    );
    expect(await error("get_entities", { items: [] })).toBe("items: is empty; give at least one item");
    expect(await error("filter_entity", { entity: "contact", limit: 0 })).toBe(
      "limit: is 0; the smallest allowed is 1",
    );
    expect(await error("filter_entity", { entity: "contact", limit: 1.5 })).toBe(
      "limit: expected a whole number, got 1.5",
    );
    expect(await error("create_contacts", { contacts: [{ firstName: 5, notes: 7 }] })).toBe(
      "contacts[0].firstName: expected a string, got 5; contacts[0].notes: expected a string, an object or null, got 7",
    );
    const texts = await Promise.all([
      error("search_all_entities", { searchTerm: "a", entities: [] }),
      error("update_entity_custom_fields", {
        entity: "contact",
        items: [{ id: "ct_x", customFieldValues: [] }],
      }),
      error("create_webhook", { url: 5, events: "x", secret: 1 }),
      error("create_deals", { deals: [{ name: [], services: [{ quantity: "a" }] }] }),
    ]);
    for (const text of texts) {
      expect(text).not.toMatch(/Too (small|big)|Invalid input|expected array to|>=|<=|; :|^:/);
    }
  });

  it("tells that an unknown field may belong in a custom column", async () => {
    expect(await error("create_contacts", { contacts: [{ firstName: "A", leadSource: "expo" }] })).toMatch(
      /unknown field "leadSource"; remove it .*A custom field goes in customFieldValues: \[\{"columnId": "<its id or label>"/,
    );
    // A typo is told its fix only.
    expect(await error("create_contacts", { contacts: [{ firstNam: "A" }] })).toBe(
      'contacts[0]: unknown field "firstNam"; did you mean "firstName"?',
    );
  });
});

describe("custom columns by label", () => {
  it("accepts a column's exact label wherever its id goes, and lists labels with ids otherwise", async () => {
    const column = await ok(client, "create_custom_column", {
      entityType: "organization",
      label: "Lead source",
      type: "singleSelect",
      options: ["expo", "web"],
    });
    const org = (
      await ok(client, "create_organizations", {
        organizations: [
          { name: "Labelled", customFieldValues: [{ columnId: "Lead source", value: "expo" }] },
        ],
      })
    ).items[0].id;
    await ok(client, "update_entity_custom_fields", {
      entity: "organization",
      items: [{ id: org, customFieldValues: [{ columnId: "Lead source", value: "web" }] }],
    });
    const found = await ok(client, "filter_entity", {
      entity: "organization",
      filters: [{ field: "Lead source", operator: "equals", value: "web" }],
      sort: { field: "Lead source" },
    });
    expect(found.items.map((r: { id: string }) => r.id)).toEqual([org]);
    expect(found.items[0].customFieldValues).toEqual([
      { columnId: column.id, label: "Lead source", value: "web" },
    ]);
    expect(
      await error("filter_entity", {
        entity: "organization",
        filters: [{ field: "lead source", operator: "equals", value: "web" }],
      }),
    ).toMatch(
      new RegExp(`is not a field of organization\\. Valid fields: .*${column.id} \\("Lead source"\\)`),
    );
    expect(
      await error("update_entity_custom_fields", {
        entity: "organization",
        items: [{ id: org, customFieldValues: [{ columnId: "Source", value: "web" }] }],
      }),
    ).toMatch(
      new RegExp(
        `^items\\[0\\]\\.customFieldValues\\[0\\]\\.columnId: "Source" is not a custom column of organization\\. Columns: .*${column.id} \\("Lead source"\\)$`,
      ),
    );
  });
});
