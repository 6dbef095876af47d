/**
 * Custom columns: each type's check (what it accepts, what it stores, the message when it
 * refuses), and the column lifecycle through the CRM service.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkCustomValue, isNumericColumn } from "../src/crm/custom-fields.js";
import { NotFoundError, ValidationError } from "../src/domain/errors.js";
import type { CustomColumn, CustomColumnType } from "../src/domain/model.js";
import { eventsOf, openWorld, type World } from "./support/crm.js";

function column(type: CustomColumnType, options: string[] = []): CustomColumn {
  return {
    id: "col_x",
    entityType: "contact",
    label: "X",
    type,
    options,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

const check = (type: CustomColumnType, value: unknown, options?: string[]) =>
  checkCustomValue(column(type, options), value, "items[0].value");

function refusal(type: CustomColumnType, value: unknown, options?: string[]): string {
  try {
    check(type, value, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe("items[0].value");
    return (error as Error).message;
  }
  throw new Error(`${type} accepted ${JSON.stringify(value)}`);
}

describe("checkCustomValue", () => {
  it("stores numbers and currency as the value and its numeric copy", () => {
    expect(check("number", 2.5)).toEqual({ columnId: "col_x", value: 2.5, text: null, num: 2.5 });
    expect(check("currency", -3)).toEqual({ columnId: "col_x", value: -3, text: null, num: -3 });
    expect(check("number", 0)).toMatchObject({ num: 0 });
    for (const bad of ["1", Number.NaN, Number.POSITIVE_INFINITY, null, true])
      expect(refusal("number", bad)).toMatch(/column "X" \(col_x\) is number: expected a finite number/);
    expect(refusal("currency", "12.00")).toMatch(/is currency: expected a finite number/);
  });

  it("stores a checkbox as 1 or 0", () => {
    expect(check("checkbox", true)).toEqual({ columnId: "col_x", value: true, text: null, num: 1 });
    expect(check("checkbox", false)).toEqual({ columnId: "col_x", value: false, text: null, num: 0 });
    expect(refusal("checkbox", 1)).toMatch(/is checkbox: expected true or false/);
    expect(refusal("checkbox", "true")).toMatch(/expected true or false/);
  });

  it("takes a date as YYYY-MM-DD only, and a real one", () => {
    expect(check("date", "2026-12-31")).toEqual({
      columnId: "col_x",
      value: "2026-12-31",
      text: "2026-12-31",
      num: null,
    });
    for (const bad of ["2026-12-31T00:00:00Z", "31.12.2026", "2026-13-45", " 2026-12-31"])
      expect(refusal("date", bad)).toMatch(/is date: expected an ISO date such as 2026-12-31/);
    expect(refusal("date", 20261231)).toMatch(/is date: expected a string, got 20261231/);
  });

  it("takes a date-time and stores it in UTC as toISOString writes it", () => {
    expect(check("datetime", "2026-12-31T10:30:00+02:00")).toEqual({
      columnId: "col_x",
      value: "2026-12-31T08:30:00.000Z",
      text: "2026-12-31T08:30:00.000Z",
      num: null,
    });
    for (const bad of ["2026-12-31", "2026-12-31T99:99", "tomorrow"])
      expect(refusal("datetime", bad)).toMatch(/expected an ISO date-time such as 2026-12-31T09:30:00Z/);
    expect(refusal("datetime", null)).toMatch(/expected a string, got null/);
  });

  it("takes one of a singleSelect's options, exactly", () => {
    expect(check("singleSelect", "won", ["open", "won"])).toMatchObject({ value: "won", text: "won" });
    expect(refusal("singleSelect", "Won", ["open", "won"])).toMatch(/expected one of "open", "won"/);
    expect(refusal("singleSelect", ["won"], ["won"])).toMatch(/expected a string/);
  });

  it("trims and checks an email, a phone number and a link", () => {
    expect(check("email", " ada@example.com ")).toMatchObject({
      value: "ada@example.com",
      text: "ada@example.com",
    });
    for (const bad of ["ada", "ada@example", "a b@example.com", "@example.com"])
      expect(refusal("email", bad)).toMatch(/expected an email address such as ada@example.com/);
    expect(check("phone", "+49 (30) 123-4567")).toMatchObject({ value: "+49 (30) 123-4567" });
    for (const bad of ["12", "call me", "+49 30 1234567 ext. 5"])
      expect(refusal("phone", bad)).toMatch(/expected a phone number such as \+49 30 1234567/);
    expect(check("link", " https://example.com/a ")).toMatchObject({ value: "https://example.com/a" });
    expect(check("link", "http://example.com")).toMatchObject({ value: "http://example.com" });
    for (const bad of ["example.com", "ftp://example.com", "javascript:alert(1)", ""])
      expect(refusal("link", bad)).toMatch(/expected an http or https URL/);
  });

  it("takes text up to 10,000 characters, kept as given", () => {
    expect(check("text", "  as given ")).toEqual({
      columnId: "col_x",
      value: "  as given ",
      text: "  as given ",
      num: null,
    });
    expect(check("text", "x".repeat(10_000)).text).toHaveLength(10_000);
    expect(refusal("text", "x".repeat(10_001))).toMatch(/the limit is 10000/);
    expect(refusal("text", 5)).toMatch(/is text: expected a string, got 5/);
  });

  it("knows which types compare as numbers", () => {
    expect(["number", "currency", "checkbox"].every((t) => isNumericColumn(t as CustomColumnType))).toBe(
      true,
    );
    expect(
      ["text", "date", "datetime", "singleSelect", "email", "phone", "link"].some((t) =>
        isNumericColumn(t as CustomColumnType),
      ),
    ).toBe(false);
  });
});

describe("custom columns through the service", () => {
  let w: World;
  beforeEach(async () => {
    w = await openWorld("memory");
  });
  afterEach(async () => {
    await w.close();
  });

  it("refuses a singleSelect without options, on create and on update", async () => {
    await expect(
      w.crm.createColumn(w.actor, { entityType: "deal", label: "Stage", type: "singleSelect" }),
    ).rejects.toThrow(/options: a singleSelect column needs at least one option/);
    const stage = await w.crm.createColumn(w.actor, {
      entityType: "deal",
      label: "Stage",
      type: "singleSelect",
      options: ["open"],
    });
    await expect(w.crm.updateColumn(w.actor, { id: stage.id, options: [] })).rejects.toThrow(
      /needs at least one option/,
    );
    expect(await w.crm.listColumns(w.actor, "deal")).toEqual([stage]);
  });

  it("renames a column and changes its options; an unknown column is not found", async () => {
    const stage = await w.crm.createColumn(w.actor, {
      entityType: "deal",
      label: "Stage",
      type: "singleSelect",
      options: ["open"],
    });
    const renamed = await w.crm.updateColumn(w.actor, { id: stage.id, label: "Phase", options: ["a", "b"] });
    expect(renamed).toMatchObject({
      id: stage.id,
      label: "Phase",
      options: ["a", "b"],
      type: "singleSelect",
    });
    // No deal held a value, so none is left outside the new options.
    const { mismatched, mismatchedCount, ...column } = renamed;
    expect([mismatched, mismatchedCount]).toEqual([[], 0]);
    expect(await w.crm.listColumns(w.actor, "deal")).toEqual([column]);
    expect(await w.crm.listColumns(w.actor, "contact")).toEqual([]);
    await expect(w.crm.updateColumn(w.actor, { id: "col_nope", label: "x" })).rejects.toThrow(NotFoundError);
    await expect(w.crm.deleteColumn(w.actor, "col_nope")).rejects.toThrow(NotFoundError);
  });

  it("sets, clears and validates values; an unknown column is named with the valid ones", async () => {
    const score = await w.crm.createColumn(w.actor, {
      entityType: "contact",
      label: "Score",
      type: "number",
    });
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    await w.crm.setCustomFields(w.actor, "contact", [
      { id: c!.id, customFieldValues: [{ columnId: score.id, value: 7 }] },
    ]);
    const get = async () => (await w.crm.get(w.actor, "contact", [c!.id])).get(c!.id)!;
    expect((await get()).customFieldValues).toEqual([{ columnId: score.id, value: 7 }]);

    await expect(
      w.crm.setCustomFields(w.actor, "contact", [
        { id: c!.id, customFieldValues: [{ columnId: score.id, value: "7" }] },
      ]),
    ).rejects.toThrow(
      /items\[0\]\.customFieldValues\[0\]\.value: column "Score" .* is number: expected a finite number/,
    );
    await expect(
      w.crm.setCustomFields(w.actor, "contact", [
        { id: c!.id, customFieldValues: [{ columnId: "col_nope", value: 1 }] },
      ]),
    ).rejects.toThrow(
      new RegExp(`"col_nope" is not a custom column of contact. Columns: ${score.id} \\("Score"\\)`),
    );
    expect((await get()).customFieldValues).toEqual([{ columnId: score.id, value: 7 }]);

    await w.crm.setCustomFields(w.actor, "contact", [
      { id: c!.id, customFieldValues: [{ columnId: score.id, value: null }] },
    ]);
    expect((await get()).customFieldValues).toEqual([]);
  });

  it("names the way to make a column when an entity has none", async () => {
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    await expect(
      w.crm.setCustomFields(w.actor, "contact", [
        { id: c!.id, customFieldValues: [{ columnId: "col_1", value: 1 }] },
      ]),
    ).rejects.toThrow(/Columns: none yet; create one with create_custom_column/);
  });

  it("deleting a column removes its values, and each entity that held one emits updated", async () => {
    const tag = await w.crm.createColumn(w.actor, { entityType: "contact", label: "Tag", type: "text" });
    const [a, b] = await w.crm.create(w.actor, "contact", [
      { firstName: "Ada", customFieldValues: [{ columnId: tag.id, value: "vip" }] },
      { firstName: "Bo" },
    ]);
    const skip = (await eventsOf(w)).length;
    await w.crm.deleteColumn(w.actor, tag.id);
    const events = (await eventsOf(w)).slice(skip);
    expect(events.map((e) => [e.event, e.data.entityId])).toEqual([["contact.updated", a!.id]]);
    expect(events[0]!.data.payload.changes).toEqual({
      customFieldValues: { previous: [{ columnId: tag.id, value: "vip" }], current: [] },
    });
    expect((await w.crm.get(w.actor, "contact", [a!.id])).get(a!.id)!.customFieldValues).toEqual([]);
    expect(b).toBeDefined();
  });
});
