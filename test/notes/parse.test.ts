import { describe, expect, it } from "vitest";
import { markdownToNotes, storedNotesToMarkdown } from "../../src/notes/index.js";
import {
  assertValid,
  br,
  code,
  doc,
  h,
  hr,
  li,
  link,
  n,
  ol,
  p,
  quote,
  t,
  task,
  tasks,
  ul,
} from "./helpers.js";

/** Parses and checks the result is a document the editor schema accepts. */
function parse(markdown: string): ReturnType<typeof markdownToNotes> {
  const json = markdownToNotes(markdown);
  assertValid(json);
  return json;
}

describe("markdownToNotes", () => {
  it("returns null for empty or blank markdown", () => {
    expect(markdownToNotes("")).toBeNull();
    expect(markdownToNotes("  \n\t\n ")).toBeNull();
  });

  it("parses paragraphs, headings and every mark into the editor's node and mark names", () => {
    expect(
      parse('# Title\n\nSome **bold**, *italic*, ~~gone~~, `code` and [a link](https://x.test "T").'),
    ).toEqual(
      doc(
        h(1, t("Title")),
        p(
          t("Some "),
          t("bold", "bold"),
          t(", "),
          t("italic", "italic"),
          t(", "),
          t("gone", "strike"),
          t(", "),
          t("code", "code"),
          t(" and "),
          t("a link", link("https://x.test", "T")),
          t("."),
        ),
      ),
    );
  });

  it("parses nested lists, ordered lists with a start, quotes, rules and hard breaks", () => {
    const markdown = "- a\n  - b\n    - c\n\n3. three\n4. four\n\n> quoted\n\n---\n\nline\\\nbreak";
    expect(parse(markdown)).toEqual(
      doc(
        ul(li(p(t("a")), ul(li(p(t("b")), ul(li(p(t("c")))))))),
        ol(3, li(p(t("three"))), li(p(t("four")))),
        quote(p(t("quoted"))),
        hr(),
        p(t("line"), br(), t("break")),
      ),
    );
  });

  it("turns [ ] and [x] list items into a task list", () => {
    expect(parse("- [ ] call back\n- [x] send quote\n  - [X] nested")).toEqual(
      doc(
        tasks(
          task(false, p(t("call back"))),
          task(true, p(t("send quote")), tasks(task(true, p(t("nested"))))),
        ),
      ),
    );
  });

  it("leaves a bullet list alone unless every item is a task", () => {
    expect(parse("- [ ] task\n- plain")).toEqual(doc(ul(li(p(t("[ ] task"))), li(p(t("plain"))))));
  });

  it("parses GFM tables into header and body cells holding paragraphs", () => {
    expect(parse("| Name | Seats |\n| :-- | --: |\n| Acme | 40 |\n| Beta |")).toEqual(
      doc(
        n(
          "table",
          null,
          n(
            "tableRow",
            null,
            n("tableHeader", { align: "left" }, p(t("Name"))),
            n("tableHeader", { align: "right" }, p(t("Seats"))),
          ),
          n(
            "tableRow",
            null,
            n("tableCell", { align: "left" }, p(t("Acme"))),
            n("tableCell", { align: "right" }, p(t("40"))),
          ),
          n(
            "tableRow",
            null,
            n("tableCell", { align: "left" }, p(t("Beta"))),
            n("tableCell", { align: "right" }, p()),
          ),
        ),
      ),
    );
  });

  it("keeps the fence language of code blocks", () => {
    expect(parse("```ts extra\nlet a = 1;\n```\n\n    indented")).toEqual(
      doc(code("ts", "let a = 1;"), code(null, "indented")),
    );
  });

  it("keeps raw HTML as text", () => {
    expect(parse("<b>hi</b> & <i>there</i>\n\n<div>block</div>")).toEqual(
      doc(p(t("<b>hi</b> & <i>there</i>")), p(t("<div>block</div>"))),
    );
  });

  it("lifts images out of paragraphs, since images are blocks", () => {
    expect(parse('See ![chart *one*](https://x.test/c.png "Q3") above')).toEqual(
      doc(
        p(t("See")),
        n("image", { src: "https://x.test/c.png", alt: "chart one", title: "Q3" }),
        p(t("above")),
      ),
    );
  });

  it("keeps emphasis around inline code going after the code", () => {
    expect(parse("**Note `x` here**")).toEqual(
      doc(p(t("Note ", "bold"), t("x", "code"), t(" here", "bold"))),
    );
  });

  it("does not turn unsafe link destinations into links", () => {
    expect(parse("[click](javascript:alert(1))")).toEqual(doc(p(t("[click](javascript:alert(1))"))));
  });
});

describe("single line breaks", () => {
  it("keep an address as three lines: hard breaks when stored, three lines when read", () => {
    const stored = parse("Acme GmbH\nHauptstr. 1\n10115 Berlin");
    expect(stored).toEqual(doc(p(t("Acme GmbH"), br(), t("Hauptstr. 1"), br(), t("10115 Berlin"))));
    const read = storedNotesToMarkdown(stored);
    expect(read.split("\n")).toHaveLength(3);
    expect(read.split("\n").map((line) => line.replace(/\\$/, ""))).toEqual([
      "Acme GmbH",
      "Hauptstr. 1",
      "10115 Berlin",
    ]);
    // And reading it back in stores the same three lines.
    expect(parse(read)).toEqual(stored);
  });
});
