import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/errors.js";
import {
  appendNotes,
  markdownToNotes,
  NOTES_JSON_MAX_BYTES,
  NOTES_MARKDOWN_MAX_BYTES,
  normalizeNotes,
  notesToMarkdown,
} from "../../src/notes/index.js";
import { assertValid, doc, li, p, t, ul } from "./helpers.js";

function text(value: string, marks?: unknown[]): Record<string, unknown> {
  return marks ? { type: "text", text: value, marks } : { type: "text", text: value };
}

function para(...content: unknown[]): Record<string, unknown> {
  return { type: "paragraph", content };
}

/** Calls `f` and returns the ValidationError it throws. */
function validationError(f: () => unknown): ValidationError {
  try {
    f();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error("expected a ValidationError");
}

/** A document whose JSON.stringify form is exactly `bytes` UTF-8 bytes long. */
function docOfBytes(bytes: number): Record<string, unknown> {
  const shell = JSON.stringify({ type: "doc", content: [para(text(""))] });
  // "é" is 2 bytes, "a" is 1: fill with both so the count is exact in bytes, not characters.
  const fill = bytes - Buffer.byteLength(shell, "utf8");
  const value = "é".repeat(Math.floor(fill / 2)) + "a".repeat(fill % 2);
  const json = { type: "doc", content: [para(text(value))] };
  expect(Buffer.byteLength(JSON.stringify(json), "utf8")).toBe(bytes);
  return json;
}

describe("unknown and malformed content", () => {
  it("keeps the text of unknown node types and unknown marks", () => {
    const json = {
      type: "doc",
      content: [
        { type: "callout", attrs: { tone: "warn" }, content: [para(text("inside callout"))] },
        para(
          text("high", [{ type: "highlight", attrs: { color: "red" } }, { type: "bold" }]),
          { type: "emoji", text: "🙂" },
          { type: "inlineThing", content: [text(" tail")] },
        ),
        {
          type: "details",
          content: [
            { type: "detailsSummary", content: [text("Summary")] },
            { type: "detailsContent", content: [para(text("Body"))] },
          ],
        },
      ],
    };
    expect(notesToMarkdown(json)).toBe("inside callout\n\n**high**🙂 tail\n\nSummary\n\nBody");
  });

  it("does not throw on invalid attributes and keeps the content", () => {
    const json = {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: "nine" }, content: [text("bad level")] },
        { type: "heading", attrs: { level: 42 }, content: [text("too deep")] },
        {
          type: "orderedList",
          attrs: { start: -5 },
          content: [{ type: "listItem", content: [para(text("neg"))] }],
        },
        para(text("no href", [{ type: "link", attrs: {} }]), { type: "text", text: 42 }, null, 7, "loose", {
          type: "text",
        }),
        { type: "image", attrs: { src: 5, alt: { x: 1 } } },
        {
          type: "taskList",
          content: [{ type: "taskItem", attrs: { checked: "yes" }, content: [para(text("task"))] }],
        },
      ],
    };
    expect(notesToMarkdown(json)).toBe(
      "# bad level\n\n###### too deep\n\n0. neg\n\nno href42loose\n\n![](5)\n\n- [ ] task",
    );
  });

  it("puts misplaced content where the schema allows it instead of dropping it", () => {
    const json = {
      type: "doc",
      content: [
        text("bare text at top"),
        { type: "listItem", content: [para(text("orphan item"))] },
        para(para(text("para in para")), {
          type: "bulletList",
          content: [{ type: "listItem", content: [para(text("list in para"))] }],
        }),
        { type: "tableRow", content: [{ type: "tableCell", content: [text("row alone")] }] },
        {
          type: "bulletList",
          content: [para(text("para in list")), { type: "heading", content: [text("heading in list")] }],
        },
        {
          type: "codeBlock",
          content: [text("code", [{ type: "bold" }]), { type: "hardBreak" }, text("more")],
        },
        para(text("multi\nline\r\ntext")),
      ],
    };
    expect(notesToMarkdown(json)).toBe(
      "bare text at top\n\n- orphan item\n\npara in para\n\n- list in para\n\n| row alone |\n| --- |\n\n" +
        "- para in list\n- heading in list\n\n```\ncode\nmore\n```\n\nmulti\\\nline\\\ntext",
    );
    const normalized = normalizeNotes(json);
    assertValid(normalized);
  });

  it("ignores content, marks and attrs of the wrong JSON type", () => {
    expect(notesToMarkdown({ type: "doc", content: "nope", marks: 5 })).toBe("");
    const json = {
      type: "doc",
      content: [
        {
          type: "paragraph",
          marks: "x",
          content: [text("t", "bad" as never), text("u", [null, 3, { type: 9 }])],
        },
      ],
    };
    expect(notesToMarkdown(json)).toBe("tu");
  });

  it("flattens absurdly deep nesting instead of overflowing the stack", () => {
    let node: Record<string, unknown> = para(text("deep"));
    for (let i = 0; i < 5000; i++) node = { type: "blockquote", content: [node] };
    const markdown = notesToMarkdown({ type: "doc", content: [node] });
    expect(markdown.endsWith("> deep")).toBe(true);
    expect(markdown.split(">").length - 1).toBe(48);
  });

  it("refuses input that is neither an object nor a string", () => {
    const error = validationError(() => notesToMarkdown(42));
    expect(error.field).toBe("notes");
    expect(error.message).toBe(
      'notes: must be markdown text or a Tiptap JSON document ({"type":"doc","content":[...]})',
    );
  });
});

describe("size limits", () => {
  it("accepts Tiptap JSON of exactly 256 KiB and refuses one byte more", () => {
    expect(NOTES_JSON_MAX_BYTES).toBe(262144);
    expect(notesToMarkdown(docOfBytes(NOTES_JSON_MAX_BYTES)).length).toBeGreaterThan(100_000);
    const error = validationError(() => notesToMarkdown(docOfBytes(NOTES_JSON_MAX_BYTES + 1)));
    expect(error.field).toBe("notes");
    expect(error.message).toBe(
      "notes: Tiptap JSON notes are limited to 262144 bytes (256 KiB) of JSON; got 262145 bytes",
    );
  });

  it("applies the JSON limit to normalizeNotes and appendNotes", () => {
    expect(validationError(() => normalizeNotes(docOfBytes(NOTES_JSON_MAX_BYTES + 1))).field).toBe("notes");
    const nearlyFull = docOfBytes(NOTES_JSON_MAX_BYTES - 20);
    const error = validationError(() => appendNotes(nearlyFull, "one more paragraph"));
    expect(
      error.message.startsWith("notes: Tiptap JSON notes are limited to 262144 bytes (256 KiB) of JSON; "),
    ).toBe(true);
  });

  it("accepts markdown of exactly 64 KiB and refuses one byte more", () => {
    expect(NOTES_MARKDOWN_MAX_BYTES).toBe(65536);
    const exact = `${"é".repeat(32767)}ab`;
    expect(Buffer.byteLength(exact, "utf8")).toBe(65536);
    expect(markdownToNotes(exact)?.content?.length).toBe(1);
    const error = validationError(() => markdownToNotes(`${exact}c`));
    expect(error.field).toBe("notes");
    expect(error.message).toBe("notes: markdown notes are limited to 65536 bytes (64 KiB); got 65537 bytes");
  });

  it("refuses markdown whose document would be over the JSON limit", () => {
    const markdown = "**a** ".repeat(10_000);
    expect(Buffer.byteLength(markdown, "utf8")).toBeLessThan(NOTES_MARKDOWN_MAX_BYTES);
    const error = validationError(() => markdownToNotes(markdown));
    expect(
      error.message.startsWith("notes: Tiptap JSON notes are limited to 262144 bytes (256 KiB) of JSON;"),
    ).toBe(true);
  });
});

describe("normalizeNotes", () => {
  it("parses markdown strings", () => {
    expect(normalizeNotes("- a\n- b")).toEqual(doc(ul(li(p(t("a"))), li(p(t("b"))))));
  });

  it("returns null for null, undefined, blank markdown and empty documents", () => {
    expect(normalizeNotes(null)).toBeNull();
    expect(normalizeNotes(undefined)).toBeNull();
    expect(normalizeNotes("  \n ")).toBeNull();
    expect(normalizeNotes({ type: "doc" })).toBeNull();
    expect(normalizeNotes({ type: "doc", content: [{ type: "paragraph" }] })).toBeNull();
  });

  it("returns valid documents unchanged and repairs the rest to fit the schema", () => {
    const valid = doc(p(t("kept", "bold")), ul(li(p(t("item")))));
    expect(normalizeNotes(valid)).toEqual(valid);
    const repaired = normalizeNotes({
      type: "doc",
      content: [{ type: "callout", content: [para(text("x", [{ type: "glow" }]))] }, text("loose")],
    });
    expect(repaired).toEqual(doc(p(t("x")), p(t("loose"))));
  });

  it("refuses JSON that is not a Tiptap document", () => {
    const message = 'notes: must be markdown text or a Tiptap JSON document ({"type":"doc","content":[...]})';
    for (const input of [
      42,
      true,
      [],
      { type: "paragraph" },
      { type: "doc", content: "x" },
      { content: [] },
    ]) {
      const error = validationError(() => normalizeNotes(input));
      expect(error.field).toBe("notes");
      expect(error.message).toBe(message);
    }
  });
});

describe("appendNotes", () => {
  it("puts the new markdown's blocks after the existing notes", () => {
    const existing = doc(p(t("old")));
    expect(appendNotes(existing, "- new\n\n**done**")).toEqual(
      doc(p(t("old")), ul(li(p(t("new")))), p(t("done", "bold"))),
    );
  });

  it("reads like the old markdown, a blank line, then the new markdown", () => {
    const combined = appendNotes(doc(p(t("Called Dana."))), "Follow up *Friday*.");
    expect(notesToMarkdown(combined)).toBe("Called Dana.\n\nFollow up *Friday*.");
  });

  it("accepts existing notes as markdown or null, and ignores blank additions", () => {
    expect(appendNotes("old", "new")).toEqual(doc(p(t("old")), p(t("new"))));
    expect(appendNotes(null, "new")).toEqual(doc(p(t("new"))));
    expect(appendNotes(doc(p(t("old"))), "  ")).toEqual(doc(p(t("old"))));
    expect(appendNotes(null, "")).toBeNull();
  });
});
