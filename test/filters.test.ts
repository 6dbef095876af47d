/**
 * Every filter operator on every kind of field it applies to, through the CRM service and a
 * real migrated store: scalars, lists (emails), relations (links and the deal-service
 * table), custom columns (text and numeric), and the checks that refuse a filter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FilterInput } from "../src/crm/inputs.js";
import type { EntityType } from "../src/domain/model.js";
import { openWorld, type World } from "./support/crm.js";

let w: World;
const id: Record<string, string> = {};
const col: Record<string, string> = {};

beforeAll(async () => {
  w = await openWorld("memory");
  const a = w.actor;
  col.score = (await w.crm.createColumn(a, { entityType: "contact", label: "Score", type: "number" })).id;
  col.tier = (await w.crm.createColumn(a, { entityType: "contact", label: "Tier", type: "text" })).id;
  col.vip = (await w.crm.createColumn(a, { entityType: "contact", label: "VIP", type: "checkbox" })).id;
  const [acme, globex] = await w.crm.create(a, "organization", [{ name: "Acme" }, { name: "Globex" }]);
  id.acme = acme!.id;
  id.globex = globex!.id;
  const contacts = await w.crm.create(a, "contact", [
    {
      firstName: "Ada",
      lastName: "Lovelace",
      emails: ["ada@acme.test", "ada@home.test"],
      organizationIds: [id.acme],
      customFieldValues: [
        { columnId: col.score, value: 10 },
        { columnId: col.tier, value: "gold" },
        { columnId: col.vip, value: true },
      ],
    },
    {
      firstName: "Bob",
      lastName: "Byte",
      emails: ["bob@globex.test"],
      organizationIds: [id.globex],
      customFieldValues: [
        { columnId: col.score, value: 20 },
        { columnId: col.tier, value: "silver" },
        { columnId: col.vip, value: false },
      ],
    },
    { firstName: "Cy", lastName: "100% _real_", organizationIds: [id.acme, id.globex] },
    { firstName: "Dee", customFieldValues: [{ columnId: col.score, value: 30 }] },
  ]);
  for (const c of contacts) id[String(c.firstName)] = c.id;
  const [s1, s2] = await w.crm.create(a, "service", [
    { name: "Audit", amount: 100 },
    { name: "Build", amount: 50 },
  ]);
  id.audit = s1!.id;
  id.build = s2!.id;
  await w.crm.create(a, "deal", [
    { name: "Big", services: [{ serviceId: id.audit, quantity: 3 }] },
    { name: "Small", services: [{ serviceId: id.build, quantity: 1 }] },
    { name: "Empty" },
  ]);
  await w.crm.create(a, "task", [
    { name: "Call", dueDate: "2026-01-10", status: "open" },
    { name: "Mail", dueDate: "2026-02-20", status: "done" },
    { name: "Someday" },
  ]);
});
afterAll(async () => {
  await w?.close();
});

async function names(entity: EntityType, ...filters: FilterInput[]): Promise<string[]> {
  const page = await w.crm.find(w.actor, entity, { filters, limit: 100 });
  const count = await w.crm.count(w.actor, entity, { filters });
  const found = page.items.map((r) => String(r.name ?? r.firstName)).sort();
  expect(count, "count agrees with find").toBe(found.length);
  return found;
}

const f = (field: string, operator: FilterInput["operator"], value?: unknown): FilterInput =>
  (value === undefined ? { field, operator } : { field, operator, value }) as FilterInput;

describe("filter operators on scalar columns", () => {
  it("equals, contains (LIKE wildcards taken literally), in, notIn", async () => {
    expect(await names("contact", f("firstName", "equals", "Ada"))).toEqual(["Ada"]);
    expect(await names("contact", f("lastName", "contains", "ov"))).toEqual(["Ada"]);
    expect(await names("contact", f("lastName", "contains", "100%"))).toEqual(["Cy"]);
    expect(await names("contact", f("lastName", "contains", "_"))).toEqual(["Cy"]);
    expect(await names("contact", f("firstName", "in", ["Ada", "Cy", "Nobody"]))).toEqual(["Ada", "Cy"]);
    // notIn keeps rows whose value is missing.
    expect(await names("contact", f("lastName", "notIn", ["Byte"]))).toEqual(["Ada", "Cy", "Dee"]);
  });

  it("gt, gte, lt, lte and between on numbers", async () => {
    expect(await names("deal", f("totalValue", "gt", 50))).toEqual(["Big"]);
    expect(await names("deal", f("totalValue", "gte", 50))).toEqual(["Big", "Small"]);
    expect(await names("deal", f("totalValue", "lt", 50))).toEqual(["Empty"]);
    expect(await names("deal", f("totalValue", "lte", 50))).toEqual(["Empty", "Small"]);
    expect(await names("deal", f("totalValue", "between", [1, 300]))).toEqual(["Big", "Small"]);
    expect(await names("deal", f("totalQuantity", "equals", 3))).toEqual(["Big"]);
  });

  it("dates compare as ISO text; isNull and isNotNull", async () => {
    expect(await names("task", f("dueDate", "lt", "2026-02-01"))).toEqual(["Call"]);
    expect(await names("task", f("dueDate", "between", ["2026-01-01", "2026-12-31"]))).toEqual([
      "Call",
      "Mail",
    ]);
    expect(await names("task", f("dueDate", "isNull"))).toEqual(["Someday"]);
    expect(await names("task", f("dueDate", "isNotNull"))).toEqual(["Call", "Mail"]);
    expect(await names("task", f("status", "equals", "done"))).toEqual(["Mail"]);
    expect(await names("task", f("status", "notIn", ["done"]))).toEqual(["Call", "Someday"]);
  });

  it("several filters all apply", async () => {
    expect(
      await names("contact", f("firstName", "in", ["Ada", "Bob", "Cy"]), f("lastName", "contains", "l")),
    ).toEqual(["Ada", "Cy"]);
  });
});

describe("filter operators on a list (emails)", () => {
  it("hasSome, hasNone, contains, equals, isNull, isNotNull", async () => {
    expect(await names("contact", f("emails", "hasSome", ["ada@home.test", "x@y.test"]))).toEqual(["Ada"]);
    expect(await names("contact", f("emails", "hasNone", ["ada@home.test"]))).toEqual(["Bob", "Cy", "Dee"]);
    expect(await names("contact", f("emails", "contains", "globex"))).toEqual(["Bob"]);
    expect(await names("contact", f("emails", "equals", "ada@acme.test"))).toEqual(["Ada"]);
    expect(await names("contact", f("emails", "isNull"))).toEqual(["Cy", "Dee"]);
    expect(await names("contact", f("emails", "isNotNull"))).toEqual(["Ada", "Bob"]);
  });
});

describe("filter operators on relations", () => {
  it("links: hasSome, hasNone, isNull, isNotNull, from either side", async () => {
    expect(await names("contact", f("organizationIds", "hasSome", [id.acme!]))).toEqual(["Ada", "Cy"]);
    expect(await names("contact", f("organizationIds", "hasNone", [id.acme!]))).toEqual(["Bob", "Dee"]);
    expect(await names("contact", f("organizationIds", "isNull"))).toEqual(["Dee"]);
    expect(await names("contact", f("organizationIds", "isNotNull"))).toEqual(["Ada", "Bob", "Cy"]);
    expect(await names("organization", f("contactIds", "hasSome", [id.Bob!]))).toEqual(["Globex"]);
  });

  it("the deal-service table, from the deal's side and the service's", async () => {
    expect(await names("deal", f("serviceIds", "hasSome", [id.audit!]))).toEqual(["Big"]);
    expect(await names("deal", f("serviceIds", "hasNone", [id.audit!]))).toEqual(["Empty", "Small"]);
    expect(await names("deal", f("serviceIds", "isNull"))).toEqual(["Empty"]);
    expect(await names("service", f("dealIds", "isNotNull"))).toEqual(["Audit", "Build"]);
    expect(await names("service", f("dealIds", "hasNone", [(await dealId("Big"))!]))).toEqual(["Build"]);
  });
});

async function dealId(name: string) {
  return (await w.crm.find(w.actor, "deal", { filters: [f("name", "equals", name)] })).items[0]?.id;
}

describe("filter operators on custom columns", () => {
  it("numeric: equals, gt, lte, between, in, notIn (missing values included)", async () => {
    expect(await names("contact", f(col.score!, "equals", 20))).toEqual(["Bob"]);
    expect(await names("contact", f(col.score!, "gt", 10))).toEqual(["Bob", "Dee"]);
    expect(await names("contact", f(col.score!, "lte", 20))).toEqual(["Ada", "Bob"]);
    expect(await names("contact", f(col.score!, "between", [15, 35]))).toEqual(["Bob", "Dee"]);
    expect(await names("contact", f(col.score!, "in", [10, 30]))).toEqual(["Ada", "Dee"]);
    expect(await names("contact", f(col.score!, "notIn", [10, 30]))).toEqual(["Bob", "Cy"]);
  });

  it("text: contains, equals, isNull, isNotNull", async () => {
    expect(await names("contact", f(col.tier!, "contains", "ol"))).toEqual(["Ada"]);
    expect(await names("contact", f(col.tier!, "equals", "silver"))).toEqual(["Bob"]);
    expect(await names("contact", f(col.tier!, "isNull"))).toEqual(["Cy", "Dee"]);
    expect(await names("contact", f(col.tier!, "isNotNull"))).toEqual(["Ada", "Bob"]);
  });

  it("checkbox: equals true or false", async () => {
    expect(await names("contact", f(col.vip!, "equals", true))).toEqual(["Ada"]);
    expect(await names("contact", f(col.vip!, "equals", false))).toEqual(["Bob"]);
  });

  it("sorts by a custom column, missing values last", async () => {
    const page = await w.crm.find(w.actor, "contact", {
      sort: { field: col.score!, direction: "desc" },
      limit: 10,
    });
    expect(page.items.map((r) => r.firstName)).toEqual(["Dee", "Bob", "Ada", "Cy"]);
    const asc = await w.crm.find(w.actor, "contact", {
      sort: { field: col.score!, direction: "asc" },
      limit: 10,
    });
    expect(asc.items.map((r) => r.firstName)).toEqual(["Ada", "Bob", "Dee", "Cy"]);
  });
});

describe("filters that are refused, naming the field and the fix", () => {
  const refused = async (entity: EntityType, filter: unknown, message: RegExp) =>
    expect(w.crm.find(w.actor, entity, { filters: [filter as FilterInput] })).rejects.toThrow(message);

  it("an unknown field lists the valid ones", async () => {
    await refused(
      "contact",
      f("nickname", "equals", "x"),
      /filters\[0\]\.field: "nickname" is not a field of contact. Valid fields: id, firstName/,
    );
  });

  it("an operator that does not apply to the field's kind", async () => {
    await refused(
      "contact",
      f("organizationIds", "equals", "x"),
      /"equals" does not apply to organizationIds \(relation\). Use one of: hasSome/,
    );
    await refused("task", f("status", "gt", "open"), /"gt" does not apply to status \(enum\)/);
  });

  it("values of the wrong shape or type", async () => {
    await refused(
      "task",
      f("dueDate", "isNull", "2026-01-01"),
      /filters\[0\]\.value: isNull takes no value; omit it/,
    );
    await refused(
      "contact",
      f("firstName", "in", []),
      /in takes a non-empty array of values \(at most 1000\)/,
    );
    await refused("contact", f("firstName", "in", "Ada"), /in takes a non-empty array/);
    await refused(
      "contact",
      f(
        "firstName",
        "in",
        Array.from({ length: 1001 }, (_, i) => `n${i}`),
      ),
      /more than 1000 values together/,
    );
    await refused("deal", f("totalValue", "between", [1]), /between takes \[low, high\]/);
    await refused(
      "deal",
      f("totalValue", "between", [1, "2"]),
      /filters\[0\]\.value\[1\]: expected a number for totalValue/,
    );
    await refused("deal", f("totalValue", "gt", Number.NaN), /expected a number for totalValue/);
    await refused("contact", f("firstName", "equals", 3), /expected a string for firstName/);
    await refused(
      "contact",
      f("firstName", "equals"),
      /equals needs a value; to match a missing value use isNull/,
    );
    await refused("contact", f(col.vip!, "equals", "yes"), /expected true or false/);
    await refused("contact", f(col.score!, "in", [1, "2"]), /filters\[0\]\.value\[1\]: expected a number/);
  });
});
