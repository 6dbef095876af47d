import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";

/**
 * A small note must not make a read huge (issue 12, finding 1): table spans are bounded on
 * the way in, and a read's markdown stays in proportion to the stored JSON whatever it says.
 */

let t: TestApp;
let client: Client;

const cell = (text: string, attrs: Record<string, unknown> = {}) => ({
  type: "tableCell",
  attrs,
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});
const tableDoc = (rows: unknown[][]) => ({
  type: "doc",
  content: [{ type: "table", content: rows.map((content) => ({ type: "tableRow", content })) }],
});
/** Rows of one cell each that declares a span of a billion both ways. */
const hugeSpans = (rows: number) =>
  tableDoc(Array.from({ length: rows }, (_, i) => [cell(`r${i}`, { colspan: 1e9, rowspan: 1e9 })]));

const eventCount = async () =>
  (await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId, 100_000))).length;

/** Stores notes as they are, past the write checks, as an older version or another node might have. */
async function storeRaw(notes: unknown): Promise<string> {
  const id = (await ok(client, "create_contacts", { contacts: [{ firstName: "Raw" }] })).items[0].id;
  await t.app.store.write((tx) => tx.crm.update(t.owner.companyId, "contact", id, { notes }));
  return id;
}

async function readNotes(id: string): Promise<string> {
  const r = await ok(client, "get_entities", { items: [{ entity: "contact", id, include: "withNotes" }] });
  return r.items[0].record.notes;
}

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  client = await connect(t.app, t.owner);
});
afterAll(async () => {
  await client?.close();
  await t?.close();
});

describe("table spans in notes", () => {
  it("are refused on the way in above 100, naming the field and the limit", async () => {
    const before = await eventCount();
    for (const [tool, args] of [
      ["create_contacts", { contacts: [{ firstName: "A", notes: hugeSpans(50) }] }],
      ["create_deals", { deals: [{ name: "D", notes: tableDoc([[cell("x", { rowspan: "101" })]]) }] }],
    ] as const) {
      const r = await call(client, tool, args);
      expect(r.isError).toBe(true);
      expect(r.text).toMatch(
        /^(contacts|deals)\[0\]\.notes: a table cell's (colspan|rowspan) is limited to 100; got/,
      );
    }
    expect(await eventCount()).toBe(before);
    // 100 is still a span.
    const fine = await ok(client, "create_contacts", {
      contacts: [{ firstName: "B", notes: tableDoc([[cell("wide", { colspan: 100 })], [cell("next")]]) }],
    });
    expect(await readNotes(fine.items[0].id)).toMatch(/^\| wide \|( {2}\|){99}\n/);
  });

  it("a stored note's spans cannot make its markdown out of proportion to it", async () => {
    for (const [notes, last] of [
      [hugeSpans(50), "r49"],
      [tableDoc(Array.from({ length: 50 }, (_, i) => [cell(`w${i}`, { colspan: 1e9 })])), "w49"],
      // One wide row and many empty ones: padding every row to the widest would be quadratic.
      [
        tableDoc([
          Array.from({ length: 1500 }, (_, i) => cell(`c${i}`)),
          ...Array.from({ length: 3000 }, () => []),
        ]),
        "c1499",
      ],
    ] as const) {
      const id = await storeRaw(notes);
      const started = performance.now();
      const markdown = await readNotes(id);
      const elapsed = performance.now() - started;
      const stored = JSON.stringify(notes).length;
      expect(markdown.length, `${markdown.length} characters from ${stored}`).toBeLessThan(stored);
      // A generous ceiling against runaway work, not a speed measure.
      expect(elapsed).toBeLessThan(5000);
      expect(markdown).toContain(last);
    }
  });

  it("a stored note keeps its text however its spans are laid out", async () => {
    const id = await storeRaw(hugeSpans(3));
    expect(await readNotes(id)).toBe("| r0 |\n| --- |\n| r1 |\n| r2 |");
  });
});
