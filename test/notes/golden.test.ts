import { describe, expect, it } from "vitest";
import { markdownToNotes, notesToMarkdown } from "../../src/notes/index.js";
import {
  assertValid,
  blockTexts,
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

/** Serialises an editor document and checks the markdown reads back as a valid document with the same text. */
function toMarkdown(json: ReturnType<typeof doc>): string {
  const markdown = notesToMarkdown(json);
  const back = markdownToNotes(markdown);
  assertValid(back);
  return markdown;
}

describe("notesToMarkdown golden output", () => {
  it("renders every mark", () => {
    const json = doc(
      p(
        t("bold", "bold"),
        t(" "),
        t("italic", "italic"),
        t(" "),
        t("strike", "strike"),
        t(" "),
        t("code", "code"),
        t(" "),
        t("link", link("https://x.test/a", "Title")),
        t(" "),
        t("under", "underline"),
        t(" "),
        t("both", "bold", "italic"),
      ),
    );
    expect(toMarkdown(json)).toBe(
      '**bold** *italic* ~~strike~~ `code` [link](https://x.test/a "Title") under ***both***',
    );
  });

  it("renders headings with their level", () => {
    expect(toMarkdown(doc(h(1, t("One")), h(2, t("Two")), h(6, t("Six"))))).toBe(
      "# One\n\n## Two\n\n###### Six",
    );
  });

  it("renders bullet lists nested three deep", () => {
    const json = doc(
      ul(li(p(t("one")), ul(li(p(t("two")), ul(li(p(t("three"))))))), li(p(t("back")))),
      p(t("after")),
    );
    expect(toMarkdown(json)).toBe("- one\n  - two\n    - three\n- back\n\nafter");
  });

  it("renders ordered lists from their start number", () => {
    const json = doc(ol(3, li(p(t("c"))), li(p(t("d")))), p(t("x")), ol(9, li(p(t("i"))), li(p(t("j")))));
    expect(toMarkdown(json)).toBe("3. c\n4. d\n\nx\n\n9.  i\n10. j");
  });

  it("renders mixed nesting of ordered, bullet and task lists", () => {
    const json = doc(ol(1, li(p(t("step")), ul(li(p(t("detail")), tasks(task(true, p(t("check")))))))));
    expect(toMarkdown(json)).toBe("1. step\n   - detail\n     - [x] check");
  });

  it("renders task lists as - [ ] and - [x]", () => {
    const json = doc(
      tasks(task(false, p(t("todo"))), task(true, p(t("done")), tasks(task(false, p(t("sub")))))),
    );
    expect(toMarkdown(json)).toBe("- [ ] todo\n- [x] done\n  - [ ] sub");
  });

  it("fences a code block longer than any backtick run inside it, with its language", () => {
    const json = doc(code("ts", 'const fence = "```";\nconst four = "````";'), code(null, ""));
    expect(toMarkdown(json)).toBe('`````ts\nconst fence = "```";\nconst four = "````";\n`````\n\n```\n\n```');
  });

  it("keeps a code block's text verbatim when read back", () => {
    const text = "  indented\n\n# not a heading\n*not emphasis*\n```";
    const json = doc(code("md", text));
    const markdown = toMarkdown(json);
    expect(markdown).toBe("````md\n  indented\n\n# not a heading\n*not emphasis*\n```\n````");
    expect(markdownToNotes(markdown)).toEqual(json);
  });

  it("renders block quotes", () => {
    expect(toMarkdown(doc(quote(p(t("first")), p(t("second")))))).toBe("> first\n>\n> second");
  });

  it("renders hard breaks and horizontal rules", () => {
    expect(toMarkdown(doc(p(t("line one"), br(), t("line two")), hr(), p(t("below"))))).toBe(
      "line one\\\nline two\n\n---\n\nbelow",
    );
  });

  it("renders images with alt text and title", () => {
    const json = doc(n("image", { src: "https://x.test/i.png", alt: "a [chart]", title: 'the "chart"' }));
    expect(toMarkdown(json)).toBe('![a \\[chart\\]](https://x.test/i.png "the \\"chart\\"")');
  });

  it("renders mentions as @label, falling back to the id", () => {
    const json = doc(
      p(
        t("Ask "),
        n("mention", { id: "u_1", label: "Dana Whitfield" }),
        t(" and "),
        n("mention", { id: "u_2", label: null }),
      ),
    );
    expect(toMarkdown(json)).toBe("Ask @Dana Whitfield and @u_2");
  });

  it("renders tables as GFM tables with alignment and escaped pipes", () => {
    const json = doc(
      n(
        "table",
        null,
        n(
          "tableRow",
          null,
          n("tableHeader", { align: "left" }, p(t("Name"))),
          n("tableHeader", { align: "right" }, p(t("A|B"))),
          n("tableHeader", null, p(t("Code"))),
        ),
        n(
          "tableRow",
          null,
          n("tableCell", null, p(t("Acme", "bold"))),
          n("tableCell", null, p(t("1"))),
          n("tableCell", null, p(t("a|b", "code"))),
        ),
      ),
    );
    const markdown = toMarkdown(json);
    expect(markdown).toBe("| Name | A\\|B | Code |\n| :--- | ---: | --- |\n| **Acme** | 1 | `a\\|b` |");
    expect(blockTexts(markdownToNotes(markdown))).toEqual(["Name", "A|B", "Code", "Acme", "1", "a|b"]);
  });

  it("renders a link whose text is its URL as an autolink", () => {
    expect(toMarkdown(doc(p(t("see "), t("https://x.test/path", link("https://x.test/path")))))).toBe(
      "see <https://x.test/path>",
    );
  });

  it("puts link destinations with spaces or parentheses in a form that reads back", () => {
    const json = doc(p(t("a", link("x y.html")), t(" "), t("b", link("f(1).html"))));
    expect(toMarkdown(json)).toBe("[a](<x y.html>) [b](f\\(1\\).html)");
    const back = markdownToNotes(toMarkdown(json));
    const hrefs = (back?.content?.[0]?.content ?? [])
      .flatMap((node) => node.marks ?? [])
      .map((m) => m.attrs?.href);
    expect(hrefs).toEqual(["x%20y.html", "f(1).html"]);
  });

  it("keeps adjacent lists of the same kind apart", () => {
    const json = doc(ul(li(p(t("a")))), ul(li(p(t("b")))), ol(1, li(p(t("c")))), ol(1, li(p(t("d")))));
    const markdown = toMarkdown(json);
    expect(markdown).toBe("- a\n\n* b\n\n1. c\n\n1) d");
    expect(markdownToNotes(markdown)).toEqual(json);
  });

  it("renders a whole note", () => {
    const json = doc(
      h(2, t("Call with "), t("Acme", "bold")),
      p(t("Budget "), t("approved", "italic"), t("; see "), t("the quote", link("https://x.test/q")), t(".")),
      ul(li(p(t("send quote"))), li(p(t("book demo")))),
    );
    expect(toMarkdown(json)).toBe(
      "## Call with **Acme**\n\nBudget *approved*; see [the quote](https://x.test/q).\n\n- send quote\n- book demo",
    );
  });

  it("gives an empty string for null, undefined and empty documents", () => {
    expect(notesToMarkdown(null)).toBe("");
    expect(notesToMarkdown(undefined)).toBe("");
    expect(notesToMarkdown({ type: "doc" })).toBe("");
    expect(notesToMarkdown({ type: "doc", content: [] })).toBe("");
    expect(notesToMarkdown(doc(p()))).toBe("");
  });

  it("takes a markdown string and gives it back normalised", () => {
    expect(notesToMarkdown("* one\n* two\n\n__bold__")).toBe("- one\n- two\n\n**bold**");
    expect(notesToMarkdown("   ")).toBe("");
  });
});
