/**
 * The markdown-it instance notes are parsed with: CommonMark, GFM tables and
 * strikethrough, raw HTML kept as text, no linkify and no typographer.
 *
 * One core rule reshapes the token stream so it maps onto the notes schema:
 * - bullet lists whose every item starts with `[ ]` / `[x]` become task lists;
 * - an inline code span inside emphasis or a link closes and reopens them
 *   (the schema's code mark excludes every other mark);
 * - table cell content is wrapped in a paragraph (cells hold blocks);
 * - images, which are block nodes in the schema, are lifted out of paragraphs
 *   and headings, splitting them.
 */
import MarkdownIt, { type StateCore, type Token } from "markdown-it";

export const md = new MarkdownIt("commonmark", {
  html: false,
  linkify: false,
  typographer: false,
  maxNesting: 100,
});
md.enable(["table", "strikethrough"]);

const TASK_MARKER = /^\[([ xX])\](?=[ \t]|$)/;
const LEADING_BLANKS = /^[ \t]+/;
const TRAILING_BLANKS = /[ \t]+$/;

type TokenCtor = StateCore["Token"];

// ---------------------------------------------------------------------------
// Task lists

/** First text token of a list item's first paragraph, if the item has that shape. */
function taskText(tokens: Token[], itemOpen: number): Token | null {
  if (tokens[itemOpen + 1]?.type !== "paragraph_open") return null;
  const inline = tokens[itemOpen + 2];
  if (inline?.type !== "inline") return null;
  // The source must start with the marker: an escaped "\[ ]" reads as the same text but is not one.
  if (!TASK_MARKER.test(inline.content)) return null;
  const first = inline.children?.[0];
  if (first?.type !== "text" || !TASK_MARKER.test(first.content)) return null;
  return first;
}

function convertTaskList(tokens: Token[], listOpen: number): void {
  const level = tokens[listOpen]!.level;
  const items: { open: number; close: number; text: Token }[] = [];
  let listClose = -1;
  let pendingOpen = -1;
  for (let j = listOpen + 1; j < tokens.length; j++) {
    const token = tokens[j]!;
    if (token.level === level && token.type === "bullet_list_close") {
      listClose = j;
      break;
    }
    if (token.level !== level + 1) continue;
    if (token.type === "list_item_open") {
      pendingOpen = j;
    } else if (token.type === "list_item_close" && pendingOpen >= 0) {
      const text = taskText(tokens, pendingOpen);
      if (!text) return;
      items.push({ open: pendingOpen, close: j, text });
      pendingOpen = -1;
    }
  }
  if (listClose < 0 || items.length === 0) return;
  tokens[listOpen]!.type = "task_list_open";
  tokens[listClose]!.type = "task_list_close";
  for (const { open, close, text } of items) {
    const marker = TASK_MARKER.exec(text.content)!;
    const itemOpen = tokens[open]!;
    itemOpen.type = "task_item_open";
    itemOpen.meta = { checked: marker[1] !== " " };
    tokens[close]!.type = "task_item_close";
    text.content = text.content.slice(marker[0].length).replace(LEADING_BLANKS, "");
    const inline = tokens[open + 2]!;
    const children = inline.children!;
    if (text.content === "") {
      children.shift();
      if (children[0]?.type === "softbreak" || children[0]?.type === "hardbreak") children.shift();
    }
  }
}

// ---------------------------------------------------------------------------
// Inline code inside other marks

const CLOSE_OF: Record<string, string> = {
  em_open: "em_close",
  strong_open: "strong_close",
  s_open: "s_close",
  link_open: "link_close",
};

/** Closes the marks open around each code span before it and reopens them after it. */
function isolateCode(children: Token[], Ctor: TokenCtor): Token[] {
  const open: Token[] = [];
  let out: Token[] | null = null;
  for (let i = 0; i < children.length; i++) {
    const token = children[i]!;
    if (token.type === "code_inline" && open.length > 0) {
      out ??= children.slice(0, i);
      for (let k = open.length - 1; k >= 0; k--) {
        const opener = open[k]!;
        out.push(new Ctor(CLOSE_OF[opener.type]!, opener.tag, -1));
      }
      out.push(token);
      for (const opener of open) out.push(opener);
      continue;
    }
    if (token.nesting === 1 && CLOSE_OF[token.type]) open.push(token);
    else if (token.nesting === -1) open.pop();
    out?.push(token);
  }
  return out ?? children;
}

// ---------------------------------------------------------------------------
// Images out of text blocks

function hasImage(inline: Token): boolean {
  const children = inline.children;
  if (!children) return false;
  for (const child of children) if (child.type === "image") return true;
  return false;
}

function clone(token: Token, Ctor: TokenCtor): Token {
  const copy = new Ctor(token.type, token.tag, token.nesting);
  copy.attrs = token.attrs ? token.attrs.map((a) => [a[0], a[1]]) : null;
  copy.map = token.map;
  copy.level = token.level;
  copy.markup = token.markup;
  copy.block = token.block;
  copy.hidden = token.hidden;
  return copy;
}

/** Removes blank text and line breaks at both ends of a run of inline tokens. */
function trimRun(run: Token[]): Token[] {
  const drop = new Set<Token>();
  const trimEnd = (token: Token, blanks: RegExp): boolean => {
    if (token.nesting !== 0) return false;
    if (token.type === "softbreak" || token.type === "hardbreak") {
      drop.add(token);
      return false;
    }
    if (token.type !== "text") return true;
    token.content = token.content.replace(blanks, "");
    if (token.content === "") drop.add(token);
    return token.content !== "";
  };
  for (let i = 0; i < run.length; i++) if (trimEnd(run[i]!, LEADING_BLANKS)) break;
  for (let i = run.length - 1; i >= 0; i--) if (trimEnd(run[i]!, TRAILING_BLANKS)) break;
  return drop.size === 0 ? run : run.filter((token) => !drop.has(token));
}

function hasContent(run: Token[]): boolean {
  for (const token of run) {
    const isBreak = token.type === "softbreak" || token.type === "hardbreak";
    if (token.type === "text" ? token.content !== "" : token.nesting === 0 && !isBreak) {
      return true;
    }
  }
  return false;
}

/** Emits open/inline/close, lifting images out as block tokens between the text pieces. */
function emitTextblock(open: Token, inline: Token, close: Token, out: Token[], Ctor: TokenCtor): void {
  if (inline.children) inline.children = isolateCode(inline.children, Ctor);
  if (!hasImage(inline)) {
    out.push(open, inline, close);
    return;
  }
  const openMarks: Token[] = [];
  let run: Token[] = [];
  const flush = (): void => {
    const trimmed = trimRun(run);
    if (hasContent(trimmed)) {
      const piece = new Ctor("inline", "", 0);
      piece.children = trimmed;
      piece.level = inline.level;
      piece.map = inline.map;
      out.push(clone(open, Ctor), piece, clone(close, Ctor));
    }
  };
  for (const child of inline.children!) {
    if (child.type === "image") {
      flush();
      run = openMarks.slice();
      child.block = true;
      child.level = open.level;
      out.push(child);
      continue;
    }
    if (child.nesting === 1) openMarks.push(child);
    else if (child.nesting === -1) openMarks.pop();
    run.push(child);
  }
  flush();
}

// ---------------------------------------------------------------------------

function notesStructure(state: StateCore): void {
  const tokens = state.tokens;
  const Ctor = state.Token;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.type === "bullet_list_open") convertTaskList(tokens, i);
  }
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1];
    if ((token.type === "th_open" || token.type === "td_open") && next?.type === "inline") {
      out.push(token);
      const open = new Ctor("paragraph_open", "p", 1);
      open.block = true;
      open.level = token.level + 1;
      const close = new Ctor("paragraph_close", "p", -1);
      close.block = true;
      close.level = token.level + 1;
      next.level = token.level + 2;
      emitTextblock(open, next, close, out, Ctor);
      i++;
      continue;
    }
    if ((token.type === "paragraph_open" || token.type === "heading_open") && next?.type === "inline") {
      const close = tokens[i + 2];
      if (close && close.nesting === -1) {
        emitTextblock(token, next, close, out, Ctor);
        i += 2;
        continue;
      }
    }
    out.push(token);
  }
  state.tokens = out;
}

/**
 * A single line break in a paragraph stays a line break (an address, a signature), where
 * CommonMark would read it as a space: people write notes as they see them.
 */
function keepLineBreaks(state: StateCore): void {
  const tokens = state.tokens;
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i]!.type !== "inline" || tokens[i - 1]!.type !== "paragraph_open") continue;
    for (const child of tokens[i]!.children ?? []) if (child.type === "softbreak") child.type = "hardbreak";
  }
}

md.core.ruler.push("notes_line_breaks", keepLineBreaks);
md.core.ruler.push("notes_structure", notesStructure);

/** Alt text of an image token: the plain text of its label. */
export function imageAlt(token: Token): string {
  let alt = "";
  for (const child of token.children ?? []) {
    if (child.type === "text" || child.type === "code_inline") alt += child.content;
    else if (child.type === "softbreak" || child.type === "hardbreak") alt += " ";
    else if (child.type === "image") alt += imageAlt(child);
  }
  return alt;
}
