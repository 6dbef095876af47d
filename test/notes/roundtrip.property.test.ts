import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { markdownToNotes, notesSchema, notesToMarkdown } from "../../src/notes/index.js";
import { assertValid, blockTexts } from "./helpers.js";

const NUM_RUNS = Number(process.env.NOTES_PROPERTY_RUNS ?? 400);

// ---------------------------------------------------------------------------
// Text: safe words, and words made of characters markdown gives a meaning to.

const SAFE_CHARS = ["a", "b", "c", "Z", "é", "中", "1", "9"];
const UNSAFE_CHARS = [
  "*",
  "_",
  "~",
  "`",
  "[",
  "]",
  "<",
  ">",
  "|",
  "&",
  "#",
  "!",
  "-",
  "+",
  "=",
  ".",
  "(",
  ")",
  "\\",
  ":",
  "/",
  "'",
  '"',
  "@",
  "$",
  "%",
  "^",
];
const UNSAFE_WORDS = [
  "&amp;",
  "&#35;",
  "&copy;",
  "1.",
  "2)",
  "#",
  "-",
  "+",
  "***",
  "---",
  "```",
  "~~",
  "http://x.y",
  "a_b",
  "_a_",
  "![x](y)",
  "[a](b)",
  "<b>",
  "<http://a.b>",
  "| a |",
  "[ ]",
  "[x]",
  "\\*",
];

const safeWord = fc
  .array(fc.constantFrom(...SAFE_CHARS), { minLength: 1, maxLength: 6 })
  .map((c) => c.join(""));
const unsafeWord = fc.oneof(
  fc
    .array(fc.constantFrom(...SAFE_CHARS, ...UNSAFE_CHARS), { minLength: 1, maxLength: 6 })
    .map((c) => c.join("")),
  fc.constantFrom(...UNSAFE_WORDS),
);
const word = fc.oneof({ weight: 1, arbitrary: safeWord }, { weight: 1, arbitrary: unsafeWord });
/** Words separated by single spaces: no blanks at either end, which markdown does not keep. */
const words = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(" "));
const safeWords = fc.array(safeWord, { minLength: 1, maxLength: 3 }).map((w) => w.join(" "));

// ---------------------------------------------------------------------------
// Tiptap JSON built with the editor schema

type Json = Record<string, unknown>;

const HREFS = ["https://example.com", "https://a.b/c?d=1&e=2", "/rel/path", "mailto:x@y.z"];
const MARK_SETS: string[][] = [
  [],
  [],
  ["bold"],
  ["italic"],
  ["strike"],
  ["underline"],
  ["code"],
  ["link"],
  ["bold", "italic"],
  ["bold", "link"],
  ["italic", "link"],
  ["bold", "underline"],
  ["strike", "bold"],
];

const segment = fc.record({
  text: words,
  marks: fc.constantFrom(...MARK_SETS),
  href: fc.constantFrom(...HREFS),
  hardBreakBefore: fc.boolean(),
});

/** Inline content: marked segments separated by a plain space or, where allowed, a hard break. */
function inline(
  segments: fc.Arbitrary<(typeof segment extends fc.Arbitrary<infer S> ? S : never)[]>,
  breaks: boolean,
) {
  return segments.map((list) => {
    const content: Json[] = [];
    list.forEach((s, i) => {
      if (i > 0)
        content.push(breaks && s.hardBreakBefore ? { type: "hardBreak" } : { type: "text", text: " " });
      const marks = s.marks.map((type) => (type === "link" ? { type, attrs: { href: s.href } } : { type }));
      content.push(marks.length > 0 ? { type: "text", text: s.text, marks } : { type: "text", text: s.text });
    });
    return content;
  });
}

const segments = (max: number) => fc.array(segment, { minLength: 1, maxLength: max });
const paragraph = inline(segments(4), true).map((content) => ({ type: "paragraph", content }));
const heading = fc
  .tuple(fc.integer({ min: 1, max: 6 }), inline(segments(3), false))
  .map(([level, content]) => ({ type: "heading", attrs: { level }, content }));
const codeBlock = fc
  .tuple(
    fc.array(
      fc
        .array(fc.constantFrom(...SAFE_CHARS, ...UNSAFE_CHARS, " ", "`"), { maxLength: 8 })
        .map((c) => c.join("")),
      { maxLength: 4 },
    ),
    fc.constantFrom(null, "js", "ts"),
  )
  .map(([lines, language]) => {
    const text = lines.join("\n");
    return { type: "codeBlock", attrs: { language }, content: text ? [{ type: "text", text }] : [] };
  });
const cell = (type: string) =>
  inline(segments(2), false).map((content) => ({ type, content: [{ type: "paragraph", content }] }));
const table = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }))
  .chain(([columns, bodyRows]) =>
    fc.tuple(
      fc.array(cell("tableHeader"), { minLength: columns, maxLength: columns }),
      fc.array(fc.array(cell("tableCell"), { minLength: columns, maxLength: columns }), {
        minLength: bodyRows,
        maxLength: bodyRows,
      }),
    ),
  )
  .map(([header, body]) => ({
    type: "table",
    content: [header, ...body].map((cells) => ({ type: "tableRow", content: cells })),
  }));

const { block } = fc.letrec<{ block: Json; list: Json; quote: Json }>((tie) => ({
  block: fc.oneof({ depthSize: "small" }, paragraph, heading, codeBlock, table, tie("list"), tie("quote")),
  list: fc
    .tuple(
      fc.constantFrom("bulletList", "orderedList", "taskList"),
      fc.array(fc.tuple(paragraph, fc.option(tie("list"), { nil: undefined }), fc.boolean()), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.integer({ min: 0, max: 20 }),
    )
    .map(([type, items, start]) => ({
      type,
      ...(type === "orderedList" ? { attrs: { start } } : {}),
      content: items.map(([first, nested, checked]) => ({
        type: type === "taskList" ? "taskItem" : "listItem",
        ...(type === "taskList" ? { attrs: { checked } } : {}),
        content: nested ? [first, nested] : [first],
      })),
    })),
  quote: fc.array(fc.oneof(paragraph, heading), { minLength: 1, maxLength: 2 }).map((content) => ({
    type: "blockquote",
    content,
  })),
}));

/** A document as the editor stores it: built and checked with the editor schema. */
const editorDoc = fc.array(block, { minLength: 1, maxLength: 5 }).map((content) => {
  const node = notesSchema.nodeFromJSON({ type: "doc", content });
  node.check();
  return node.toJSON() as Json;
});

// ---------------------------------------------------------------------------
// Markdown built from the same kind of text

const url = fc.constantFrom(
  "https://example.com",
  "https://a.b/c?d=1&e=2",
  "/rel/path",
  "<a b.html>",
  "x(y).html",
);
const piece = fc.oneof(
  words,
  safeWords.map((w) => `**${w}**`),
  safeWords.map((w) => `*${w}*`),
  safeWords.map((w) => `~~${w}~~`),
  words.map((w) => `\`${w.replaceAll("`", "")}\``),
  fc.tuple(safeWords, url).map(([w, u]) => `[${w}](${u})`),
  fc.tuple(safeWords, safeWords).map(([a, b]) => `**${a} *${b}* ${a}**`),
);
const inlineMarkdown = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(" "));
const { mdBlock } = fc.letrec<{ mdBlock: string; mdList: string }>((tie) => ({
  mdBlock: fc.oneof(
    { depthSize: "small" },
    inlineMarkdown,
    fc
      .tuple(fc.integer({ min: 1, max: 6 }), inlineMarkdown)
      .map(([level, text]) => `${"#".repeat(level)} ${text}`),
    tie("mdList"),
    inlineMarkdown.map((text) => `> ${text}`),
    fc
      .tuple(fc.constantFrom("", "js"), fc.array(words, { maxLength: 3 }))
      .map(([language, lines]) => `\`\`\`\`${language}\n${lines.join("\n")}\n\`\`\`\``),
  ),
  mdList: fc
    .tuple(
      fc.constantFrom("- ", "1. ", "- [ ] ", "- [x] "),
      fc.array(fc.tuple(inlineMarkdown, fc.option(tie("mdList"), { nil: undefined })), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([marker, items]) => {
      const indent = " ".repeat(marker === "1. " ? 3 : 2);
      return items
        .map(([text, nested]) => {
          const sub = nested ? `\n${nested.replace(/^/gm, indent)}` : "";
          return `${marker}${text}${sub}`;
        })
        .join("\n");
    }),
}));
const markdownDoc = fc.array(mdBlock, { minLength: 1, maxLength: 5 }).map((blocks) => blocks.join("\n\n"));

// ---------------------------------------------------------------------------

describe("round trips", () => {
  it("JSON -> markdown -> JSON keeps the text of every text block", () => {
    fc.assert(
      fc.property(editorDoc, (json) => {
        const markdown = notesToMarkdown(json);
        const back = markdownToNotes(markdown);
        assertValid(back);
        expect(blockTexts(back)).toEqual(blockTexts(json));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("markdown -> JSON -> markdown is stable after the first pass", () => {
    fc.assert(
      fc.property(markdownDoc, (markdown) => {
        const first = markdownToNotes(markdown);
        assertValid(first);
        const once = notesToMarkdown(first);
        const second = markdownToNotes(once);
        expect(notesToMarkdown(second)).toBe(once);
        expect(second).toEqual(markdownToNotes(notesToMarkdown(second)));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("the generators produce the syntax they are meant to exercise", () => {
    const sample = fc.sample(markdownDoc, { numRuns: 200, seed: 7 }).join("\n");
    for (const syntax of ["**", "~~", "`", "](", "- [ ] ", "1. ", "# ", "> "]) {
      expect(sample.includes(syntax)).toBe(true);
    }
    const docs = JSON.stringify(fc.sample(editorDoc, { numRuns: 200, seed: 7 }));
    for (const type of [
      "taskItem",
      "orderedList",
      "tableHeader",
      "codeBlock",
      "hardBreak",
      '"link"',
      '"code"',
    ]) {
      expect(docs.includes(type)).toBe(true);
    }
  });
});
