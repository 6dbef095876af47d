import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FilterInput } from "../../src/crm/inputs.js";
import { openWorld, type World } from "../support/crm.js";
import { ENGINE } from "../support/engine.js";

/**
 * What a query means, checked against fixed answers: this file runs on both engines, so
 * each engine must give exactly these.
 */
let w: World;
beforeEach(async () => {
  w = await openWorld("file");
});
afterEach(async () => {
  await w.close();
});

async function names(query: Parameters<World["crm"]["find"]>[2]) {
  const page = await w.crm.find(w.actor, "contact", { limit: 100, ...query });
  return {
    names: page.items.map((c) => `${c.firstName ?? ""} ${c.lastName ?? ""}`.trim()),
    total: page.total,
  };
}

describe(`answers on ${ENGINE}`, () => {
  beforeEach(async () => {
    // One at a time, so that creation order (and so id order) is known.
    for (const c of [
      { firstName: "Ada", lastName: "Lovelace", emails: ["ada@analytical.org"] },
      { firstName: "alan", lastName: "Turing", emails: ["alan@bletchley.uk"] },
      { firstName: "Émile", lastName: "Zola", emails: [] },
      { lastName: "100%_sure", emails: ["bare@example.com"] },
      { firstName: "Grace", lastName: "Hopper", emails: ["grace@navy.mil", "amazing@grace.dev"] },
      { firstName: "ÉMILIE", lastName: "du Châtelet", emails: [] },
    ])
      await w.crm.create(w.actor, "contact", [c]);
  });

  it("search: a substring of any searched field, ignoring case, newest first", async () => {
    expect(await names({ searchTerm: "LOVE" })).toEqual({ names: ["Ada Lovelace"], total: 1 });
    // Accents fold: "Châtelet" holds an "a".
    expect(await names({ searchTerm: "a" })).toMatchObject({ total: 6 });
    expect(await names({ searchTerm: "al" })).toEqual({ names: ["alan Turing", "Ada Lovelace"], total: 2 });
    // Emails are searched, the second one too.
    expect(await names({ searchTerm: "amazing@" })).toEqual({ names: ["Grace Hopper"], total: 1 });
    // Case folds beyond ASCII in terms of three characters or more.
    expect(await names({ searchTerm: "émil" })).toEqual({
      names: ["ÉMILIE du Châtelet", "Émile Zola"],
      total: 2,
    });
    // LIKE's wildcards are plain characters in a term.
    expect(await names({ searchTerm: "100%_" })).toEqual({ names: ["100%_sure"], total: 1 });
    expect(await names({ searchTerm: "%" })).toEqual({ names: ["100%_sure"], total: 1 });
    expect(await names({ searchTerm: "nobody" })).toEqual({ names: [], total: 0 });
    expect(await w.crm.count(w.actor, "contact", { searchTerm: "grace" })).toBe(1);
  });

  it("sort: text by code point, nulls first going up and last going down, ties newest first", async () => {
    expect((await names({ sort: { field: "firstName", direction: "asc" } })).names).toEqual([
      "100%_sure",
      "Ada Lovelace",
      "Grace Hopper",
      "alan Turing",
      "ÉMILIE du Châtelet",
      "Émile Zola",
    ]);
    expect((await names({ sort: { field: "firstName", direction: "desc" } })).names).toEqual([
      "Émile Zola",
      "ÉMILIE du Châtelet",
      "alan Turing",
      "Grace Hopper",
      "Ada Lovelace",
      "100%_sure",
    ]);
  });

  it("filters: contains ignores case, comparisons go by code point, lists match an element", async () => {
    const f = (field: string, operator: FilterInput["operator"], value?: unknown) =>
      names({ filters: [{ field, operator, value }], sort: { field: "lastName", direction: "asc" } });
    expect((await f("lastName", "contains", "OVE")).names).toEqual(["Ada Lovelace"]);
    expect((await f("firstName", "gt", "Z")).names).toEqual([
      "alan Turing",
      "Émile Zola",
      "ÉMILIE du Châtelet",
    ]);
    expect((await f("firstName", "isNull")).names).toEqual(["100%_sure"]);
    expect((await f("emails", "hasSome", ["grace@navy.mil"])).names).toEqual(["Grace Hopper"]);
    expect((await f("emails", "isNull")).names).toEqual(["Émile Zola", "ÉMILIE du Châtelet"]);
    expect((await f("firstName", "in", ["Ada", "alan"])).names).toEqual(["Ada Lovelace", "alan Turing"]);
    expect((await f("firstName", "notIn", ["Ada", "alan"])).names).toEqual([
      "100%_sure",
      "Grace Hopper",
      "Émile Zola",
      "ÉMILIE du Châtelet",
    ]);
  });

  it("custom values filter and sort as their type says", async () => {
    const score = await w.crm.createColumn(w.actor, {
      entityType: "contact",
      label: "Score",
      type: "number",
    });
    const page = await w.crm.find(w.actor, "contact", { limit: 100 });
    const byName = new Map(page.items.map((c) => [c.lastName, c.id]));
    const set = (last: string, value: number) =>
      w.crm.setCustomFields(w.actor, "contact", [
        { id: byName.get(last)!, customFieldValues: [{ columnId: score.id, value }] },
      ]);
    await set("Lovelace", 10);
    await set("Turing", 9);
    await set("Hopper", 100);
    const sorted = await names({ sort: { field: score.id, direction: "desc" }, limit: 3 });
    expect(sorted.names).toEqual(["Grace Hopper", "Ada Lovelace", "alan Turing"]);
    expect(
      (await names({ filters: [{ field: score.id, operator: "between", value: [9, 10] }] })).names.sort(),
    ).toEqual(["Ada Lovelace", "alan Turing"]);
  });
});
