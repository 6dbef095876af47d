/**
 * Tiptap JSON -> markdown, with prosemirror-markdown's MarkdownSerializer keyed
 * by the notes schema's node and mark names.
 */
import { Fragment, type Mark, type MarkType, type Node as PMNode } from "@tiptap/pm/model";
import { MarkdownSerializer, type MarkdownSerializerState } from "prosemirror-markdown";
import { ValidationError } from "../domain/errors.js";
import { buildDoc, mentionText } from "./build.js";
import {
  charReference,
  destination,
  escapeInline,
  escapeLineStart,
  isPlainChar,
  isPunctChar,
  titlePart,
} from "./escape.js";
import { assertJsonSize, NOTES_FIELD, NOTES_MAX_TABLE_SPAN, NOTES_SHAPE_MESSAGE } from "./limits.js";
import { markdownToNotes } from "./parse.js";
import { M, N, notesSchema } from "./schema.js";
import { isSafeNoteUrl } from "./urls.js";

type MarkSerializerSpec = ConstructorParameters<typeof MarkdownSerializer>[1][string];
type NodeSerializer = (state: MarkdownSerializerState, node: PMNode, parent: PMNode, index: number) => void;
type MarkDelimiter = (state: MarkdownSerializerState, mark: Mark, parent: PMNode, index: number) => string;

/** Fields of the serializer state that its typings leave out (prosemirror-markdown 1.13). */
interface StateInternals {
  out: string;
  atBlockStart: boolean;
  inAutolink: boolean | undefined;
  closed: PMNode | null;
  flushClose(size?: number): void;
}

function internals(state: MarkdownSerializerState): StateInternals {
  return state as unknown as StateInternals;
}

/** > 0 where a line cannot break (headings, table cells): hard breaks become spaces. */
let breakAsSpace = 0;
/** > 0 while a table cell is rendered: output must stay on one line. */
let cellDepth = 0;
/** Whether the inline content being rendered starts a line (paragraphs) or not (headings). */
let inlineStartsLine = true;

const CH_SPACE = 32;
const CH_TAB = 9;
const CH_HASH = 35;
const CH_BACKTICK = 96;
const CH_STAR = 42;
const CH_BANG = 33;
const CH_TILDE = 126;
const MAX_LIST_NUMBER = 999_999_999;

const LEADING_BLANKS = /^[ \t]+/;
const TRAILING_BLANKS = /[ \t]+$/;
const BLANK_ONLY = /^\s+$/;
const WHITESPACE_RUN = /\s+/g;
const LINE_BREAKS = /[\r\n]+/g;
const NOT_SPACE = /[^ ]/;
const PIPE = /\|/g;

/** Marks written with `*` or `~` delimiters, which CommonMark's flanking rules apply to. */
const EMPHASIS = new Set<MarkType>([M.bold, M.italic, M.strike]);

function longestRun(text: string, code: number): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === code) {
      run++;
      if (run > longest) longest = run;
    } else {
      run = 0;
    }
  }
  return longest;
}

function hasCode(node: PMNode): boolean {
  return M.code.isInSet(node.marks) !== undefined;
}

function stringAttr(value: unknown): string {
  return typeof value === "string" ? value : "";
}

// ---------------------------------------------------------------------------
// Inline content

function trimmable(node: PMNode | undefined, blanks: RegExp): boolean {
  if (!node?.isText || hasCode(node)) return false;
  return blanks.test(node.text!);
}

function hasEmphasis(node: PMNode): boolean {
  for (const mark of node.marks) if (EMPHASIS.has(mark.type)) return true;
  return false;
}

function withoutEmphasis(marks: readonly Mark[]): readonly Mark[] {
  return marks.filter((mark) => !EMPHASIS.has(mark.type));
}

/**
 * Blank text with emphasis. The serializer moves such blanks out of the
 * emphasis without closing it first, leaving a closer after a blank; blanks
 * show no emphasis anyway, so it is dropped from them.
 */
function emphasizedBlank(node: PMNode): boolean {
  return node.isText && !hasCode(node) && hasEmphasis(node) && BLANK_ONLY.test(node.text!);
}

/** Text ending in blanks, with emphasis, right before a hard break: the blanks must leave the emphasis. */
function blanksBeforeBreak(block: PMNode, i: number, last: number): boolean {
  return (
    i < last &&
    block.child(i + 1).type === N.hardBreak &&
    trimmable(block.child(i), TRAILING_BLANKS) &&
    hasEmphasis(block.child(i))
  );
}

/**
 * Prepares a text block's inline content for output. Drops the blanks markdown
 * would drop anyway (at the start and end of the block and after a hard
 * break), so that no line starts with an indent that could read as code, and
 * moves blanks before a hard break out of emphasis, where they would stop the
 * closing delimiter from closing.
 */
function prepareInline(block: PMNode): PMNode {
  const count = block.childCount;
  if (count === 0) return block;
  let last = count - 1;
  while (last > 0 && block.child(last).type === N.hardBreak) last--;
  let needed = trimmable(block.child(0), LEADING_BLANKS) || trimmable(block.child(last), TRAILING_BLANKS);
  for (let i = 1; !needed && i <= last; i++) {
    needed =
      (block.child(i - 1).type === N.hardBreak && trimmable(block.child(i), LEADING_BLANKS)) ||
      blanksBeforeBreak(block, i - 1, last) ||
      emphasizedBlank(block.child(i));
  }
  if (!needed) return block;

  const kids: (PMNode | null)[] = [];
  block.forEach((child) => {
    kids.push(child);
  });
  let lineStart = true;
  for (let i = 0; i < kids.length; i++) {
    const kid = kids[i]!;
    if (kid.type === N.hardBreak) {
      lineStart = true;
      continue;
    }
    if (!lineStart) continue;
    if (trimmable(kid, LEADING_BLANKS)) {
      const text = kid.text!.replace(LEADING_BLANKS, "");
      if (text === "") {
        kids[i] = null;
        continue;
      }
      kids[i] = notesSchema.text(text, kid.marks);
    }
    lineStart = false;
  }
  for (let i = kids.length - 1; i >= 0; i--) {
    const kid = kids[i];
    if (!kid || kid.type === N.hardBreak) continue;
    if (!trimmable(kid, TRAILING_BLANKS)) break;
    const text = kid.text!.replace(TRAILING_BLANKS, "");
    kids[i] = text === "" ? null : notesSchema.text(text, kid.marks);
    if (text !== "") break;
  }
  const out: PMNode[] = [];
  for (let i = 0; i < kids.length; i++) {
    const kid = kids[i];
    if (!kid) continue;
    if (emphasizedBlank(kid)) {
      out.push(notesSchema.text(kid.text!, withoutEmphasis(kid.marks)));
    } else if (
      kids[i + 1]?.type === N.hardBreak &&
      i < last &&
      trimmable(kid, TRAILING_BLANKS) &&
      hasEmphasis(kid)
    ) {
      const value = kid.text!;
      const rest = value.replace(TRAILING_BLANKS, "");
      if (rest) out.push(notesSchema.text(rest, kid.marks));
      out.push(notesSchema.text(value.slice(rest.length), withoutEmphasis(kid.marks)));
    } else {
      out.push(kid);
    }
  }
  return block.copy(Fragment.fromArray(out));
}

/** Emphasis delimiters written since the last inline content, in order, with the output length before each. */
let pendingDelimiters: { text: string; opens: boolean; at: number }[] = [];
/** The last character of inline content written, and where it ended, so the output need not be read back. */
let lastWritten = { end: -1, code: 0, start: -1 };

function emphasis(delimiter: string): MarkSerializerSpec {
  return {
    open: (state) => {
      pendingDelimiters.push({ text: delimiter, opens: true, at: internals(state).out.length });
      return delimiter;
    },
    close: (state) => {
      pendingDelimiters.push({ text: delimiter, opens: false, at: internals(state).out.length });
      return delimiter;
    },
    mixable: true,
    expelEnclosingWhitespace: true,
  };
}

function isDelimiterChar(code: number): boolean {
  return code === CH_STAR || code === CH_TILDE;
}

/** Where the last inline content after emphasis delimiters began, and whether an opener preceded it. */
const NO_CONTENT = { start: -1, afterOpener: false };
let lastContent = NO_CONTENT;

/**
 * Whether the character at `index` may become a character reference: not when
 * it is the first character after an opener that follows plain text, since
 * that opener needs a plain character after it.
 */
function canEncode(out: string, index: number, previous: typeof NO_CONTENT): boolean {
  let p = index;
  while (p > 0 && isDelimiterChar(out.charCodeAt(p - 1))) p--;
  if (p === index || p === 0) return true;
  if (index === previous.start && !previous.afterOpener) return true;
  return !isPlainChar(codePointBefore(out, p).code);
}

function codePointBefore(text: string, end: number): { code: number; start: number } {
  const low = text.charCodeAt(end - 1);
  if (low >= 0xdc00 && low <= 0xdfff && end > 1) {
    const high = text.charCodeAt(end - 2);
    if (high >= 0xd800 && high <= 0xdbff) return { code: text.codePointAt(end - 2)!, start: end - 2 };
  }
  return { code: low, start: end - 1 };
}

/**
 * Emphasis delimiters only work when they flank their content: in `**(a)**b`
 * the closer does not close, in `a**(b)**` the opener does not open, and in
 * `**~~a~~**b` the outer closer does not close. Where that would happen right
 * before `content`, the plain character next to the delimiters (the last one
 * written, or the first of `content`) is written as a character reference,
 * which the delimiter rules see as punctuation. Returns `content`, possibly
 * changed; may also rewrite the end of the output.
 */
function fixFlanking(s: StateInternals, content: string): string {
  const delimiters = pendingDelimiters;
  const previous = lastContent;
  lastContent = NO_CONTENT;
  if (delimiters.length === 0 || content === "") return content;
  pendingDelimiters = [];
  // The delimiters that end the output, as runs of one character.
  let regionStart = s.out.length;
  const runs: { char: number; opens: boolean; closes: boolean }[] = [];
  for (let i = delimiters.length - 1; i >= 0; i--) {
    const { text, opens, at } = delimiters[i]!;
    if (at + text.length !== regionStart) break;
    regionStart = at;
    const char = text.charCodeAt(0);
    const run = runs[0];
    if (run && run.char === char) {
      if (opens) run.opens = true;
      else run.closes = true;
    } else {
      runs.unshift({ char, opens, closes: !opens });
    }
  }
  if (runs.length === 0 || regionStart === 0) return content;
  const lastRun = runs[runs.length - 1]!;
  const before =
    regionStart === lastWritten.end
      ? { code: lastWritten.code, start: lastWritten.start }
      : codePointBefore(s.out, regionStart);
  const first = content.codePointAt(0)!;
  const firstRun = runs[0]!;
  // A run that opens fails when plain text is before it and punctuation after it.
  const afterFirstRun = runs.length > 1 ? runs[1]!.char : first;
  if (
    firstRun.opens &&
    isPlainChar(before.code) &&
    isPunctChar(afterFirstRun) &&
    canEncode(s.out, before.start, previous)
  ) {
    const out = s.out;
    s.out = out.slice(0, before.start) + charReference(before.code) + out.slice(regionStart);
  }
  lastContent = { start: s.out.length, afterOpener: lastRun.opens };
  // A run that closes fails when punctuation is before it and plain text after it.
  const beforeLastRun = runs.length > 1 ? runs[runs.length - 2]!.char : before.code;
  if (lastRun.closes && isPlainChar(first) && isPunctChar(beforeLastRun)) {
    return charReference(first) + content.slice(first > 0xffff ? 2 : 1);
  }
  return content;
}

/** Writes inline content and remembers its last character for fixFlanking. */
function writeContent(state: MarkdownSerializerState, content: string): void {
  state.write(content);
  if (content === "") return;
  const end = internals(state).out.length;
  const last = codePointBefore(content, content.length);
  lastWritten = { end, code: last.code, start: end - (content.length - last.start) };
}

/** Whether a link starts right after this node: a "!" before its "[" would make it an image. */
function opensLink(node: PMNode, parent: PMNode, index: number): boolean {
  if (index + 1 >= parent.childCount) return false;
  const link = M.link.isInSet(parent.child(index + 1).marks);
  return link !== undefined && !link.isInSet(node.marks);
}

/** Whether the child at `index` is the first thing written on its line ("block" start or after a break). */
function lineStartAt(parent: PMNode, index: number): "block" | "break" | null {
  for (let i = index - 1; i >= 0; i--) {
    const prev = parent.child(i);
    if (prev.type === N.hardBreak) return breakAsSpace === 0 ? "break" : null;
    if (prev.type !== N.mention || mentionText(prev) !== "") return null;
  }
  return inlineStartsLine ? "block" : null;
}

const text: NodeSerializer = (state, node, parent, index) => {
  const s = internals(state);
  const raw = node.text!;
  if (s.inAutolink) {
    state.text(raw, false);
    return;
  }
  let out = escapeInline(raw);
  if (out.charCodeAt(out.length - 1) === CH_BANG && opensLink(node, parent, index))
    out = `${out.slice(0, -1)}\\!`;
  const lineStart = lineStartAt(parent, index);
  if (lineStart) out = escapeLineStart(out, lineStart === "break");
  // Sanitised text holds no line breaks, so it can be written as is.
  writeContent(state, fixFlanking(s, out));
};

const hardBreak: NodeSerializer = (state, node, parent, index) => {
  pendingDelimiters = [];
  for (let i = index + 1; i < parent.childCount; i++) {
    if (parent.child(i).type !== node.type) {
      state.write(breakAsSpace > 0 ? " " : "\\\n");
      return;
    }
  }
};

const mention: NodeSerializer = (state, node) => {
  const label = mentionText(node);
  if (label)
    writeContent(state, fixFlanking(internals(state), escapeInline(label.replace(LINE_BREAKS, " "))));
};

const image: NodeSerializer = (state, node, parent) => {
  pendingDelimiters = [];
  const alt = escapeInline(stringAttr(node.attrs.alt).replace(LINE_BREAKS, " "));
  const src = stringAttr(node.attrs.src);
  // An image whose source the notes refuse reads as its alt text, as a link reads as its text.
  if (isSafeNoteUrl(src)) state.write(`![${alt}](${destination(src)}${titlePart(node.attrs.title)})`);
  else state.write(alt);
  if (!parent.type.inlineContent) state.closeBlock(node);
};

// ---------------------------------------------------------------------------
// Blocks

function renderInlineContent(state: MarkdownSerializerState, node: PMNode, startsLine: boolean): void {
  const outer = inlineStartsLine;
  inlineStartsLine = startsLine;
  pendingDelimiters = [];
  lastContent = NO_CONTENT;
  lastWritten = { end: -1, code: 0, start: -1 };
  try {
    state.renderInline(node, startsLine);
  } finally {
    inlineStartsLine = outer;
  }
}

const paragraph: NodeSerializer = (state, node) => {
  renderInlineContent(state, prepareInline(node), true);
  state.closeBlock(node);
};

/** A run of `#` at the end of a heading would read as its closing sequence. */
function escapeClosingHashes(s: StateInternals, start: number): void {
  const out = s.out;
  let end = out.length;
  while (end > start && (out.charCodeAt(end - 1) === CH_SPACE || out.charCodeAt(end - 1) === CH_TAB)) end--;
  let hashes = end;
  while (hashes > start && out.charCodeAt(hashes - 1) === CH_HASH) hashes--;
  if (hashes === end) return;
  const before = out.charCodeAt(hashes - 1);
  if (hashes === start || before === CH_SPACE || before === CH_TAB) {
    s.out = `${out.slice(0, hashes)}\\${out.slice(hashes)}`;
  }
}

const heading: NodeSerializer = (state, node) => {
  if (cellDepth > 0) {
    paragraph(state, node, node, 0);
    return;
  }
  const content = prepareInline(node);
  const level = Math.min(6, Math.max(1, Number(node.attrs.level) || 1));
  const marker = "#".repeat(level);
  if (content.childCount === 0) {
    state.write(marker);
    state.closeBlock(node);
    return;
  }
  state.write(`${marker} `);
  const s = internals(state);
  const start = s.out.length;
  breakAsSpace++;
  try {
    renderInlineContent(state, content, false);
  } finally {
    breakAsSpace--;
  }
  escapeClosingHashes(s, start);
  state.closeBlock(node);
};

const blockquote: NodeSerializer = (state, node) => {
  if (cellDepth > 0) state.renderContent(node);
  else state.wrapBlock("> ", null, node, () => state.renderContent(node));
};

function infoString(language: unknown): string {
  if (typeof language !== "string") return "";
  const word = language.trim().split(WHITESPACE_RUN, 1)[0] ?? "";
  return word.replaceAll("`", "");
}

/** Whether a code span needs a space inside its backticks to keep its content as is. */
function codeNeedsPadding(content: string): boolean {
  const last = content.length - 1;
  return (
    content.charCodeAt(0) === CH_BACKTICK ||
    content.charCodeAt(last) === CH_BACKTICK ||
    (content.charCodeAt(0) === CH_SPACE && content.charCodeAt(last) === CH_SPACE && NOT_SPACE.test(content))
  );
}

function codeSpan(content: string): string {
  const ticks = "`".repeat(longestRun(content, CH_BACKTICK) + 1);
  return codeNeedsPadding(content) ? `${ticks} ${content} ${ticks}` : `${ticks}${content}${ticks}`;
}

const codeBlock: NodeSerializer = (state, node) => {
  const content = node.textContent;
  if (cellDepth > 0) {
    if (content) state.write(codeSpan(content.replace(LINE_BREAKS, " ").replace(PIPE, "\\|")));
    state.closeBlock(node);
    return;
  }
  const fence = "`".repeat(Math.max(3, longestRun(content, CH_BACKTICK) + 1));
  state.write(`${fence}${infoString(node.attrs.language)}\n`);
  state.text(content, false);
  state.write("\n");
  state.write(fence);
  state.closeBlock(node);
};

const horizontalRule: NodeSerializer = (state, node, parent, index) => {
  // Right after a list marker ("- " skipping an empty paragraph) "---" would read as a rule of its own.
  const onMarkerLine = index === 1 && parent.type === N.listItem && isEmptyParagraph(parent.child(0));
  if (cellDepth === 0) state.write(onMarkerLine ? "___" : "---");
  state.closeBlock(node);
};

/** Lists of the same kind next to each other alternate their marker so they stay apart. */
function siblingsOfKind(parent: PMNode, index: number, kinds: readonly unknown[]): number {
  let n = 0;
  for (let i = index - 1; i >= 0 && kinds.includes(parent.child(i).type); i--) n++;
  return n;
}

const BULLET_KINDS = [N.bulletList, N.taskList];
const ORDERED_KINDS = [N.orderedList];

/**
 * Puts the blank line before a list where one is needed: one (not two) after a
 * list of the same type, and one after a paragraph when the list could not
 * interrupt it (an ordered list not starting at 1, or an empty first item).
 */
function separateList(state: MarkdownSerializerState, node: PMNode, start = 1): void {
  const s = internals(state);
  const closed = s.closed;
  if (!closed) return;
  if (closed.type === node.type) {
    s.flushClose(2);
    return;
  }
  // Paragraph-like lines a list could continue instead of starting: text, an image, a table row.
  const paragraphLike =
    (closed.type === N.paragraph && closed.childCount > 0) ||
    closed.type === N.image ||
    closed.type === N.table;
  if (!paragraphLike) return;
  const first = node.firstChild;
  if (start !== 1 || (first !== null && markerLineEmpty(first))) s.flushClose(2);
}

function renderItemsInCell(state: MarkdownSerializerState, node: PMNode): void {
  node.forEach((item) => {
    state.renderContent(item);
  });
}

const bulletList: NodeSerializer = (state, node, parent, index) => {
  if (cellDepth > 0) {
    renderItemsInCell(state, node);
    return;
  }
  const bullet = siblingsOfKind(parent, index, BULLET_KINDS) % 2 === 0 ? "- " : "* ";
  separateList(state, node);
  state.renderList(node, "  ", () => bullet);
};

const taskList: NodeSerializer = (state, node, parent, index) => {
  if (cellDepth > 0) {
    renderItemsInCell(state, node);
    return;
  }
  const bullet = siblingsOfKind(parent, index, BULLET_KINDS) % 2 === 0 ? "-" : "*";
  separateList(state, node);
  state.renderList(node, "  ", (i) =>
    node.child(i).attrs.checked === true ? `${bullet} [x] ` : `${bullet} [ ] `,
  );
};

const orderedList: NodeSerializer = (state, node, parent, index) => {
  if (cellDepth > 0) {
    renderItemsInCell(state, node);
    return;
  }
  const requested = Number(node.attrs.start);
  const highestStart = Math.max(0, MAX_LIST_NUMBER - Math.max(0, node.childCount - 1));
  const start = Number.isInteger(requested) ? Math.min(Math.max(requested, 0), highestStart) : 1;
  const delimiter = siblingsOfKind(parent, index, ORDERED_KINDS) % 2 === 0 ? "." : ")";
  const width = String(start + node.childCount - 1).length + 2;
  separateList(state, node, start);
  state.renderList(node, " ".repeat(width), (i) => {
    const marker = `${start + i}${delimiter}`;
    return marker + " ".repeat(width - marker.length);
  });
};

function isEmptyParagraph(node: PMNode): boolean {
  return node.type === N.paragraph && node.childCount === 0;
}

function isList(node: PMNode): boolean {
  return node.type === N.bulletList || node.type === N.orderedList || node.type === N.taskList;
}

/**
 * A list item whose first paragraph is empty but which holds more (a heading,
 * a quote, ...) starts that content on the marker line: `- # Title`. A nested
 * list goes on the next line instead, as `- - -` would read as a rule.
 */
/** Whether a list item's first line would hold nothing but its marker. */
function markerLineEmpty(item: PMNode): boolean {
  if (item.type !== N.listItem || item.childCount === 0 || !isEmptyParagraph(item.child(0))) return false;
  return item.childCount === 1 || isList(item.child(1));
}

const listItem: NodeSerializer = (state, node) => {
  const skipFirst = node.childCount > 1 && isEmptyParagraph(node.child(0)) && !isList(node.child(1));
  node.forEach((child, _offset, i) => {
    if (i > 0 || !skipFirst) state.render(child, node, i);
  });
};

const taskItem: NodeSerializer = (state, node) => {
  state.renderContent(node);
};

// ---------------------------------------------------------------------------
// Tables

/** Pipes inside code spans must be escaped in a table row; markdown-it unescapes them again. */
function escapeCodePipes(node: PMNode): PMNode {
  if (node.isText) {
    const value = node.text!;
    return hasCode(node) && value.includes("|")
      ? notesSchema.text(value.replace(PIPE, "\\|"), node.marks)
      : node;
  }
  if (node.childCount === 0) return node;
  const kids: PMNode[] = [];
  let changed = false;
  node.forEach((child) => {
    const next = escapeCodePipes(child);
    if (next !== child) changed = true;
    kids.push(next);
  });
  return changed ? node.copy(Fragment.fromArray(kids)) : node;
}

function renderCell(cell: PMNode): string {
  const content = cell.textContent.includes("|") ? escapeCodePipes(cell) : cell;
  cellDepth++;
  breakAsSpace++;
  try {
    return serializer.serialize(content, SERIALIZE_OPTIONS).replace(WHITESPACE_RUN, " ").trim();
  } finally {
    cellDepth--;
    breakAsSpace--;
  }
}

function clampSpan(value: unknown): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 1 ? Math.min(n, NOTES_MAX_TABLE_SPAN) : 1;
}

const ALIGN_RULE: Record<string, string> = { left: ":---", center: ":---:", right: "---:" };

/**
 * A table's markdown grid: each row's cells by column, null where a span covers the column.
 * Spans only add empty cells, so the grid may hold only a few cells per cell of the table:
 * whatever a stored note's spans say, its markdown stays in proportion to its size.
 */
interface Grid {
  rows: (PMNode | null)[][];
  aligns: (string | undefined)[];
  columns: number;
}

const GRID_CELLS_PER_CELL = 4;
/** Room for a few legitimate spans in a small table. */
const GRID_SLACK = 2 * NOTES_MAX_TABLE_SPAN;

function gridBudget(table: PMNode): number {
  let cells = 0;
  table.forEach((row) => {
    cells += row.childCount + 1;
  });
  return GRID_CELLS_PER_CELL * cells + GRID_SLACK;
}

/** The grid with spans, or null once it grows past `budget` cells. */
function spannedGrid(table: PMNode, budget: number): Grid | null {
  const rows: (PMNode | null)[][] = [];
  const aligns: (string | undefined)[] = [];
  let columns = 0;
  let covered: number[] = [];
  let used = 0;
  for (let r = 0; r < table.childCount; r++) {
    const row = table.child(r);
    const cells: (PMNode | null)[] = [];
    const next = covered.map((n) => (n > 0 ? n - 1 : 0));
    let col = 0;
    for (let c = 0; c < row.childCount; c++) {
      const cell = row.child(c);
      while ((covered[col] ?? 0) > 0) cells[col++] = null;
      const colspan = clampSpan(cell.attrs.colspan);
      const rowspan = clampSpan(cell.attrs.rowspan);
      const align = ALIGN_RULE[String(cell.attrs.align)];
      for (let k = 0; k < colspan; k++) {
        cells[col + k] = k === 0 ? cell : null;
        if (rowspan > 1) next[col + k] = rowspan - 1;
        if (align && aligns[col + k] === undefined) aligns[col + k] = align;
      }
      col += colspan;
    }
    while (col < covered.length) {
      if ((covered[col] ?? 0) > 0) cells[col] = null;
      col++;
    }
    covered = next;
    rows.push(cells);
    if (cells.length > columns) columns = cells.length;
    used += cells.length;
    if (used > budget || columns * rows.length > budget) return null;
  }
  return { rows, aligns, columns };
}

/** The grid as if no cell spanned anything: each row its own cells. */
function plainGrid(table: PMNode): Grid {
  const rows: (PMNode | null)[][] = [];
  const aligns: (string | undefined)[] = [];
  let columns = 0;
  table.forEach((row) => {
    const cells: PMNode[] = [];
    row.forEach((cell, _offset, c) => {
      cells.push(cell);
      const align = ALIGN_RULE[String(cell.attrs.align)];
      if (align && aligns[c] === undefined) aligns[c] = align;
    });
    rows.push(cells);
    if (cells.length > columns) columns = cells.length;
  });
  return { rows, aligns, columns };
}

const table: NodeSerializer = (state, node) => {
  const budget = gridBudget(node);
  const grid = spannedGrid(node, budget) ?? plainGrid(node);
  const { aligns, columns } = grid;
  const rows = grid.rows.map((cells) => cells.map((cell) => (cell ? renderCell(cell) : "")));
  if (columns > 0) {
    if (cellDepth > 0) {
      state.write(rows.map((cells) => cells.filter((c) => c).join(" ")).join(" "));
    } else {
      // Short rows are filled out to the header's width, unless that would outgrow the budget:
      // a markdown reader fills them out the same way.
      const pad = columns * rows.length <= budget;
      const line = (cells: readonly (string | undefined)[], width = columns): string => {
        let out = "|";
        for (let c = 0; c < width; c++) out += cells[c] ? ` ${cells[c]} |` : "  |";
        return out;
      };
      const rule: string[] = [];
      for (let c = 0; c < columns; c++) rule.push(aligns[c] ?? "---");
      const lines = [line(rows[0] ?? []), line(rule)];
      for (let r = 1; r < rows.length; r++) {
        const cells = rows[r]!;
        lines.push(line(cells, pad ? columns : Math.max(1, cells.length)));
      }
      state.text(lines.join("\n"), false);
    }
  }
  state.closeBlock(node);
};

const renderChildren: NodeSerializer = (state, node) => {
  state.renderContent(node);
};

// ---------------------------------------------------------------------------
// Marks

const AUTOLINK_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]{1,31}:/;

function autolinkable(href: string): boolean {
  if (!AUTOLINK_SCHEME.test(href)) return false;
  for (let i = 0; i < href.length; i++) {
    const c = href.charCodeAt(i);
    if (c <= 32 || c === 60 || c === 62 || c === 92 || c === 127) return false;
  }
  return true;
}

function isAutolink(mark: Mark, parent: PMNode, index: number): boolean {
  const href = mark.attrs.href as string;
  if (mark.attrs.title || !autolinkable(href)) return false;
  const node = parent.child(index);
  if (!node.isText || node.text !== href || node.marks[node.marks.length - 1] !== mark) return false;
  return index === parent.childCount - 1 || !mark.isInSet(parent.child(index + 1).marks);
}

function linkable(mark: Mark): boolean {
  const href = mark.attrs.href;
  return typeof href === "string" && isSafeNoteUrl(href);
}

const linkOpen: MarkDelimiter = (state, mark, parent, index) => {
  const s = internals(state);
  if (!linkable(mark)) {
    s.inAutolink = undefined;
    return "";
  }
  s.inAutolink = isAutolink(mark, parent, index);
  return s.inAutolink ? "<" : "[";
};

const linkClose: MarkDelimiter = (state, mark) => {
  const s = internals(state);
  const auto = s.inAutolink;
  s.inAutolink = undefined;
  if (!linkable(mark)) return "";
  if (auto) return ">";
  return `](${destination(mark.attrs.href as string)}${titlePart(mark.attrs.title)})`;
};

function codeDelimiter(node: PMNode, open: boolean): string {
  const content = node.isText ? node.text! : "";
  const ticks = "`".repeat(longestRun(content, CH_BACKTICK) + 1);
  if (!codeNeedsPadding(content)) return ticks;
  return open ? `${ticks} ` : ` ${ticks}`;
}

// ---------------------------------------------------------------------------

const SERIALIZE_OPTIONS = { tightLists: true };

const serializer = new MarkdownSerializer(
  {
    paragraph,
    heading,
    blockquote,
    codeBlock,
    horizontalRule,
    bulletList,
    orderedList,
    listItem,
    taskList,
    taskItem,
    hardBreak,
    text,
    image,
    mention,
    table,
    tableRow: renderChildren,
    tableCell: renderChildren,
    tableHeader: renderChildren,
  },
  {
    bold: emphasis("**"),
    italic: emphasis("*"),
    strike: emphasis("~~"),
    underline: { open: "", close: "", mixable: true },
    link: { open: linkOpen, close: linkClose, mixable: true },
    code: {
      open: (_state, _mark, parent, index) => {
        pendingDelimiters = [];
        return codeDelimiter(parent.child(index), true);
      },
      close: (_state, _mark, parent, index) => codeDelimiter(parent.child(index - 1), false),
      escape: false,
    },
  },
  { hardBreakNodeName: "hardBreak", strict: false },
);

/**
 * Markdown for a note stored as Tiptap JSON.
 *
 * null, undefined and empty documents give "". A string is taken as markdown
 * and comes back normalised. Unknown node and mark types keep their text.
 * Throws ValidationError (field "notes") for JSON over 256 KiB or input that is
 * neither an object nor a string.
 */
export function notesToMarkdown(doc: unknown): string {
  if (doc === null || doc === undefined) return "";
  if (typeof doc === "string") {
    const parsed = markdownToNotes(doc);
    return parsed ? notesToMarkdown(parsed) : "";
  }
  if (typeof doc !== "object") throw new ValidationError(NOTES_FIELD, NOTES_SHAPE_MESSAGE);
  assertJsonSize(doc);
  return serializer.serialize(buildDoc(doc), SERIALIZE_OPTIONS);
}

/**
 * Markdown of notes read back from the store. They were made to fit the schema and checked
 * for size when they were written, so the walks that guard untrusted input are skipped;
 * anything the schema does not take still goes the careful way.
 */
export function storedNotesToMarkdown(doc: unknown): string {
  if (doc === null || doc === undefined) return "";
  if (typeof doc === "object" && (doc as { type?: unknown }).type === "doc") {
    try {
      return serializer.serialize(notesSchema.nodeFromJSON(doc), SERIALIZE_OPTIONS);
    } catch {
      // Not schema-shaped after all (written before a schema change, say).
    }
  }
  return notesToMarkdown(doc);
}
