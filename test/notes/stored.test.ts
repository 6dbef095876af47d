import { describe, expect, it } from "vitest";
import { markdownToNotes, notesToMarkdown, storedNotesToMarkdown } from "../../src/notes/index.js";

const MARKDOWN = [
  "## Call with Acme",
  "",
  "Spoke with **Dana** about the *renewal*; see [the DPA](https://example.com/dpa).",
  "",
  "- [ ] Send the quote",
  "- [x] Book the demo",
  "",
  "1. first",
  "2. second",
  "   - nested `code`",
  "",
  "> quoted ~~old~~ text",
  "",
  "| a | b |",
  "| --- | --- |",
  "| 1 \\| 2 | 3 |",
  "",
  "```ts",
  "const x = 1;",
  "```",
].join("\n");

describe("storedNotesToMarkdown", () => {
  it("writes what notesToMarkdown writes for notes as the store keeps them", () => {
    const stored = markdownToNotes(MARKDOWN)!;
    expect(storedNotesToMarkdown(stored)).toBe(notesToMarkdown(stored));
    expect(storedNotesToMarkdown(stored)).toBe(MARKDOWN);
  });

  it("falls back to the careful path for a node the schema does not know, keeping its text", () => {
    const odd = {
      type: "doc",
      content: [
        { type: "callout", content: [{ type: "paragraph", content: [{ type: "text", text: "kept" }] }] },
      ],
    };
    expect(storedNotesToMarkdown(odd)).toBe(notesToMarkdown(odd));
    expect(storedNotesToMarkdown(odd)).toContain("kept");
    expect(storedNotesToMarkdown(null)).toBe("");
  });
});
