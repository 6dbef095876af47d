/**
 * Escaping of plain text for markdown output, so that text which looks like
 * markdown syntax reads back as the same text.
 */
import { md } from "./tokenizer.js";

/** Characters that can start inline syntax anywhere in a line. */
const INLINE_SPECIAL = /[\\`*_~[\]<|&]/;
const INLINE_SPECIAL_ALL =
  /[\\`*_~[\]<|]|&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)/g;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && LETTER_OR_DIGIT.test(ch);
}

function escapeMatch(match: string, offset: number, whole: string): string {
  // An underscore between two letters or digits can neither open nor close emphasis.
  if (match === "_" && isWordChar(whole[offset - 1]) && isWordChar(whole[offset + 1])) return match;
  return `\\${match}`;
}

/** Escapes characters that have inline meaning (emphasis, code, links, autolinks, tables, entities). */
export function escapeInline(text: string): string {
  return INLINE_SPECIAL.test(text) ? text.replace(INLINE_SPECIAL_ALL, escapeMatch) : text;
}

const CH_HASH = 35;
const CH_PLUS = 43;
const CH_MINUS = 45;
const CH_GT = 62;
const CH_EQ = 61;
const CH_COLON = 58;
const CH_0 = 48;
const CH_9 = 57;
const CH_DOT = 46;
const CH_PAREN = 41;
const CH_SPACE = 32;
const CH_TAB = 9;

function blankOrEnd(text: string, index: number): boolean {
  if (index >= text.length) return true;
  const c = text.charCodeAt(index);
  return c === CH_SPACE || c === CH_TAB;
}

/**
 * Escapes what only has meaning at the start of a line: ATX headings, list
 * markers, block quotes, and (after a hard break) setext underlines and table
 * delimiter rows.
 * `text` has already been through escapeInline.
 */
export function escapeLineStart(text: string, afterBreak: boolean): string {
  const c = text.charCodeAt(0);
  if (c === CH_MINUS || c === CH_PLUS || c === CH_GT) return `\\${text}`;
  if (afterBreak && (c === CH_EQ || c === CH_COLON)) return `\\${text}`;
  if (c === CH_HASH) {
    let n = 1;
    while (text.charCodeAt(n) === CH_HASH) n++;
    return n <= 6 && blankOrEnd(text, n) ? `\\${text}` : text;
  }
  if (c >= CH_0 && c <= CH_9) {
    let n = 1;
    while (n < 10 && text.charCodeAt(n) >= CH_0 && text.charCodeAt(n) <= CH_9) n++;
    const d = text.charCodeAt(n);
    if (n <= 9 && (d === CH_DOT || d === CH_PAREN) && blankOrEnd(text, n + 1)) {
      return `${text.slice(0, n)}\\${text.slice(n)}`;
    }
  }
  return text;
}

// ---------------------------------------------------------------------------
// Link and image parts

const NEEDS_ANGLE = /[\s<>]/;
const DEST_ESCAPE = /[\\()|]/g;
const ANGLE_DEST_ESCAPE = /[\\<>|]/g;
const LINE_BREAKS = /[\r\n]+/g;
const TITLE_ESCAPE = /[\\"|]/g;
const ENTITY_AMP = /&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)/g;

/** A link or image destination, in angle brackets when it holds spaces. */
export function destination(href: string): string {
  if (href === "") return "<>";
  if (NEEDS_ANGLE.test(href)) {
    return `<${href.replace(LINE_BREAKS, "").replace(ANGLE_DEST_ESCAPE, "\\$&").replace(ENTITY_AMP, "\\&")}>`;
  }
  return href.replace(DEST_ESCAPE, "\\$&").replace(ENTITY_AMP, "\\&");
}

/** ` "title"` for a non-empty title, else "". */
export function titlePart(title: unknown): string {
  if (typeof title !== "string" || title === "") return "";
  return ` "${title.replace(LINE_BREAKS, " ").replace(TITLE_ESCAPE, "\\$&").replace(ENTITY_AMP, "\\&")}"`;
}

// ---------------------------------------------------------------------------
// Emphasis flanking

const { isMdAsciiPunct, isPunctCharCode, isWhiteSpace } = md.utils;

function isPunct(code: number): boolean {
  return isMdAsciiPunct(code) || isPunctCharCode(code);
}

/** Neither whitespace nor punctuation: a character emphasis cannot sit against when the inside is punctuation. */
export function isPlainChar(code: number): boolean {
  return !isWhiteSpace(code) && !isPunct(code);
}

export function isPunctChar(code: number): boolean {
  return isPunct(code);
}

/** A character reference for the code point, which reads as punctuation to the delimiter rules. */
export function charReference(code: number): string {
  return `&#x${code.toString(16).toUpperCase()};`;
}
