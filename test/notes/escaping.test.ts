import { describe, expect, it } from "vitest";
import { markdownToNotes, notesToMarkdown } from "../../src/notes/index.js";
import { assertValid, br, doc, h, li, link, p, t, ul } from "./helpers.js";

/** The markdown for a one-paragraph note, and the text that paragraph reads back as. */
function roundTrip(text: string): { markdown: string; readBack: string } {
  const markdown = notesToMarkdown(doc(p(t(text))));
  const json = markdownToNotes(markdown);
  assertValid(json);
  const blocks = json?.content ?? [];
  expect(blocks.length).toBe(1);
  expect(blocks[0]?.type).toBe("paragraph");
  const readBack = (blocks[0]?.content ?? []).map((node) => node.text ?? "").join("");
  return { markdown, readBack };
}

describe("escaping text that looks like markdown", () => {
  const cases: [text: string, markdown: string][] = [
    ["1. not a list", "1\\. not a list"],
    ["2) not a list either", "2\\) not a list either"],
    ["# not a heading", "\\# not a heading"],
    ["#hashtag", "#hashtag"],
    ["*stars*", "\\*stars\\*"],
    ["**double**", "\\*\\*double\\*\\*"],
    ["_under_", "\\_under\\_"],
    ["snake_case_name", "snake_case_name"],
    ["<b>", "\\<b>"],
    ["a lone <b> tag", "a lone \\<b> tag"],
    ["<https://x.test>", "\\<https://x.test>"],
    ["- item", "\\- item"],
    ["+ item", "\\+ item"],
    ["> quote", "\\> quote"],
    ["a | b", "a \\| b"],
    ["|", "\\|"],
    ["`tick`", "\\`tick\\`"],
    ["~~strike~~", "\\~\\~strike\\~\\~"],
    ["[link](x)", "\\[link\\](x)"],
    ["![img](y)", "!\\[img\\](y)"],
    ["[ ] not a task", "\\[ \\] not a task"],
    ["&amp; &#35; &copy; AT&T", "\\&amp; \\&#35; \\&copy; AT&T"],
    ["back\\slash", "back\\\\slash"],
    ["---", "\\---"],
    ["***", "\\*\\*\\*"],
    ["___", "\\_\\_\\_"],
    ["```", "\\`\\`\\`"],
    ["~~~", "\\~\\~\\~"],
    ["Price: $5 (approx.) 100%", "Price: $5 (approx.) 100%"],
  ];

  for (const [text, markdown] of cases) {
    it(`writes ${JSON.stringify(text)} so that it reads back as the same text`, () => {
      expect(roundTrip(text)).toEqual({ markdown, readBack: text });
    });
  }

  it("escapes line starts after a hard break, including setext and table delimiter lines", () => {
    const json = doc(p(t("first"), br(), t("- second"), br(), t("==="), br(), t(":--"), br(), t("1. x")));
    const markdown = notesToMarkdown(json);
    expect(markdown).toBe("first\\\n\\- second\\\n\\===\\\n\\:--\\\n1\\. x");
    expect(markdownToNotes(markdown)).toEqual(json);
  });

  it("escapes a trailing # run that would close a heading", () => {
    const json = doc(h(2, t("Issue #")), h(1, t("#")));
    const markdown = notesToMarkdown(json);
    expect(markdown).toBe("## Issue \\#\n\n# \\#");
    expect(markdownToNotes(markdown)).toEqual(json);
  });

  it("escapes list markers inside list items", () => {
    const json = doc(ul(li(p(t("1. inner")))));
    expect(notesToMarkdown(json)).toBe("- 1\\. inner");
    expect(markdownToNotes(notesToMarkdown(json))).toEqual(json);
  });

  it("escapes a ! right before a link so it does not become an image", () => {
    const json = doc(p(t("wow!"), t("link", link("https://x.test"))));
    expect(notesToMarkdown(json)).toBe("wow\\![link](https://x.test)");
    expect(markdownToNotes(notesToMarkdown(json))).toEqual(json);
  });

  it("keeps emphasis that ends or starts next to a letter and punctuation", () => {
    const cases: [ReturnType<typeof doc>, string][] = [
      [doc(p(t("(a)", "bold"), t("b"))), "**(a)**&#x62;"],
      [doc(p(t("a"), t("(b)", "bold"))), "&#x61;**(b)**"],
      [doc(p(t("a", "bold", "strike"), t("b"))), "**~~a~~**&#x62;"],
      [doc(p(t("Note:", "bold"), t("call back"))), "**Note:**&#x63;all back"],
    ];
    for (const [json, markdown] of cases) {
      expect(notesToMarkdown(json)).toBe(markdown);
      expect(markdownToNotes(markdown)).toEqual(json);
    }
  });

  it("drops blanks that markdown drops anyway, so no line starts as indented code", () => {
    const markdown = notesToMarkdown(doc(p(t("    indented text  ")), p(t("a"), br(), t("   b"))));
    expect(markdown).toBe("indented text\n\na\\\nb");
    expect(markdownToNotes(markdown)).toEqual(doc(p(t("indented text")), p(t("a"), br(), t("b"))));
  });

  it("keeps code span content exact, backticks and edge spaces included", () => {
    const json = doc(p(t("a `b`", "code"), t(" "), t(" c ", "code"), t(" "), t("`", "code")));
    const markdown = notesToMarkdown(json);
    expect(markdown).toBe("`` a `b` `` `  c  ` `` ` ``");
    expect(markdownToNotes(markdown)).toEqual(json);
  });
});
