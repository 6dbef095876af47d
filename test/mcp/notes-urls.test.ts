import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";

/**
 * One URL rule for notes, whether written as markdown or as Tiptap JSON (issue 12,
 * finding 6): what the markdown path would not make a link or image is refused as JSON,
 * and a stored note that holds one anyway reads back without it.
 */

let t: TestApp;
let client: Client;

const linked = (href: string) => ({
  type: "doc",
  content: [
    {
      type: "paragraph",
      content: [{ type: "text", text: "click", marks: [{ type: "link", attrs: { href } }] }],
    },
  ],
});
const imaged = (src: string) => ({ type: "doc", content: [{ type: "image", attrs: { src, alt: "pic" } }] });

const eventCount = async () =>
  (await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId, 100_000))).length;

/** Every link href and image src of a stored Tiptap JSON note. */
function urlsOf(notes: unknown): string[] {
  const urls: string[] = [];
  JSON.stringify(notes, (key, value) => {
    if ((key === "href" || key === "src") && typeof value === "string") urls.push(value);
    return value;
  });
  return urls;
}

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  client = await connect(t.app, t.owner);
});
afterAll(async () => {
  await client?.close();
  await t?.close();
});

describe("URLs in notes", () => {
  it("refuses unsafe link hrefs and image sources in Tiptap JSON, naming the field", async () => {
    const before = await eventCount();
    const cases: [unknown, RegExp][] = [
      [
        linked("javascript:alert(1)"),
        /^contacts\[0\]\.notes: a link's href "javascript:alert\(1\)" is refused: javascript:/,
      ],
      [linked("JavaScript:alert(1)"), /a link's href .* is refused/],
      [linked("java\tscript:alert(1)"), /a link's href .* is refused/],
      [linked(" \u0001javascript:alert(1)"), /a link's href .* is refused/],
      [linked("data:text/html;base64,PHNjcmlwdD4="), /a link's href .* is refused/],
      [linked("vbscript:msgbox"), /a link's href .* is refused/],
      [linked("file:///etc/passwd"), /a link's href .* is refused/],
      [
        imaged("javascript:alert(1)"),
        /^contacts\[0\]\.notes: an image's src "javascript:alert\(1\)" is refused/,
      ],
      [imaged("data:text/html,<script>"), /an image's src .* is refused/],
    ];
    for (const [notes, expected] of cases) {
      const r = await call(client, "create_contacts", { contacts: [{ firstName: "A", notes }] });
      expect(r.isError, JSON.stringify(notes)).toBe(true);
      expect(r.text).toMatch(expected);
    }
    expect(await eventCount()).toBe(before);
  });

  it("takes the URLs the markdown path takes", async () => {
    const png = "data:image/png;base64,iVBORw0KGgo=";
    const created = await ok(client, "create_contacts", {
      contacts: [
        { firstName: "L", notes: linked("https://example.com/a") },
        { firstName: "M", notes: linked("mailto:ada@example.com") },
        { firstName: "I", notes: imaged(png) },
      ],
    });
    const stored = await t.app.crm.get(
      t.owner,
      "contact",
      created.items.map((i: { id: string }) => i.id),
    );
    expect([...stored.values()].flatMap((r) => urlsOf(r.notes))).toEqual([
      "https://example.com/a",
      "mailto:ada@example.com",
      png,
    ]);
  });

  it("markdown makes no link or image of an unsafe URL either", async () => {
    const id = (await ok(client, "create_contacts", { contacts: [{ firstName: "Md" }] })).items[0].id;
    await ok(client, "update_entity_notes", {
      entity: "contact",
      items: [{ id, notes: "[click](javascript:alert(1)) and ![pic](javascript:alert(2))" }],
    });
    const record = (await t.app.crm.get(t.owner, "contact", [id])).get(id)!;
    expect(urlsOf(record.notes).filter((u) => u.includes("javascript"))).toEqual([]);
  });

  it("a stored note that holds an unsafe URL reads back without it", async () => {
    const id = (await ok(client, "create_contacts", { contacts: [{ firstName: "Old" }] })).items[0].id;
    const notes = {
      type: "doc",
      content: [...linked("javascript:alert(1)").content, ...imaged("java\nscript:alert(2)").content],
    };
    await t.app.store.write((tx) => tx.crm.update(t.owner.companyId, "contact", id, { notes }));
    const r = await ok(client, "get_entities", { items: [{ entity: "contact", id, include: "withNotes" }] });
    expect(r.items[0].record.notes).toBe("click\n\npic");
  });
});
