import { describe, expect, it } from "vitest";
import { diffRecords } from "../src/events/diff.js";

describe("diffRecords", () => {
  it("compares relationship id arrays as sets and reports both whole arrays", () => {
    expect(diffRecords({ organizationIds: ["a", "b"] }, { organizationIds: ["b", "a"] })).toEqual({});
    expect(diffRecords({ organizationIds: ["a"] }, { organizationIds: ["b", "a"] })).toEqual({
      organizationIds: { previous: ["a"], current: ["b", "a"] },
    });
  });

  it("compares notes by deep equality", () => {
    const doc = () => ({
      type: "doc",
      content: [{ type: "paragraph", content: [{ type: "text", text: "hi" }] }],
    });
    expect(diffRecords({ notes: doc() }, { notes: doc() })).toEqual({});
    const changed = doc();
    changed.content[0]!.content[0]!.text = "ho";
    expect(Object.keys(diffRecords({ notes: doc() }, { notes: changed }))).toEqual(["notes"]);
  });

  it("compares customFieldValues as a map keyed by columnId", () => {
    const a = [
      { columnId: "col_1", value: "won" },
      { columnId: "col_2", value: 3 },
    ];
    expect(diffRecords({ customFieldValues: a }, { customFieldValues: [a[1], a[0]] })).toEqual({});
    const b = [a[0], { columnId: "col_2", value: 4 }];
    expect(diffRecords({ customFieldValues: a }, { customFieldValues: b })).toEqual({
      customFieldValues: { previous: a, current: b },
    });
  });

  it("compares a deal's services as a map keyed by serviceId", () => {
    const a = [
      { serviceId: "s1", quantity: 1 },
      { serviceId: "s2", quantity: 2 },
    ];
    expect(diffRecords({ services: a }, { services: [a[1], a[0]] })).toEqual({});
    expect(Object.keys(diffRecords({ services: a }, { services: [a[0]] }))).toEqual(["services"]);
  });

  it("compares emails in order, since the first is the primary", () => {
    expect(
      Object.keys(diffRecords({ emails: ["a@x.io", "b@x.io"] }, { emails: ["b@x.io", "a@x.io"] })),
    ).toEqual(["emails"]);
  });

  it("compares scalars by value and never counts updatedAt", () => {
    expect(diffRecords({ name: "A", updatedAt: "1" }, { name: "A", updatedAt: "2" })).toEqual({});
    expect(diffRecords({ amount: 1 }, { amount: 2 })).toEqual({ amount: { previous: 1, current: 2 } });
    expect(diffRecords({ dueDate: null }, { dueDate: "2026-01-01" })).toEqual({
      dueDate: { previous: null, current: "2026-01-01" },
    });
  });
});
