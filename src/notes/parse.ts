/**
 * Markdown -> Tiptap JSON, with prosemirror-markdown's MarkdownParser over the
 * notes markdown-it instance, producing nodes and marks of the notes schema.
 */
import type { Node as PMNode } from "@tiptap/pm/model";
import type { Token } from "markdown-it";
import { MarkdownParser } from "prosemirror-markdown";
import { ValidationError } from "../domain/errors.js";
import { buildDoc, isEmptyDoc } from "./build.js";
import { assertJsonSize, assertMarkdownSize, NOTES_FIELD, NOTES_SHAPE_MESSAGE } from "./limits.js";
import { notesSchema } from "./schema.js";
import { imageAlt, md } from "./tokenizer.js";
import type { TiptapDoc } from "./types.js";

const TEXT_ALIGN = /text-align:\s*(left|center|right)/;
const WHITESPACE_RUN = /\s+/;
const NOT_BLANK = /\S/;
const BLANK_LINES = /\n[ \t]*\n/;

function attr(token: Token, name: string): string | null {
  const value = token.attrGet(name);
  return value === null ? null : String(value);
}

function cellAttrs(token: Token): { align: string | null } {
  const match = TEXT_ALIGN.exec(attr(token, "style") ?? "");
  return { align: match?.[1] ?? null };
}

function fenceLanguage(token: Token): { language: string | null } {
  const word = token.info.trim().split(WHITESPACE_RUN, 1)[0];
  return { language: word ? word : null };
}

const parser = new MarkdownParser(notesSchema, md, {
  blockquote: { block: "blockquote" },
  paragraph: { block: "paragraph" },
  list_item: { block: "listItem" },
  bullet_list: { block: "bulletList" },
  ordered_list: {
    block: "orderedList",
    getAttrs: (token: Token) => {
      const start = Number(attr(token, "start") ?? 1);
      return { start: Number.isInteger(start) && start >= 0 ? start : 1 };
    },
  },
  task_list: { block: "taskList" },
  task_item: { block: "taskItem", getAttrs: (token: Token) => ({ checked: token.meta?.checked === true }) },
  heading: { block: "heading", getAttrs: (token: Token) => ({ level: Number(token.tag.slice(1)) || 1 }) },
  code_block: { block: "codeBlock", noCloseToken: true },
  fence: { block: "codeBlock", getAttrs: fenceLanguage, noCloseToken: true },
  hr: { node: "horizontalRule" },
  image: {
    node: "image",
    getAttrs: (token: Token) => ({
      src: attr(token, "src") ?? "",
      alt: imageAlt(token) || null,
      title: attr(token, "title") || null,
    }),
  },
  hardbreak: { node: "hardBreak" },
  table: { block: "table" },
  thead: { ignore: true },
  tbody: { ignore: true },
  tr: { block: "tableRow" },
  th: { block: "tableHeader", getAttrs: cellAttrs },
  td: { block: "tableCell", getAttrs: cellAttrs },
  em: { mark: "italic" },
  strong: { mark: "bold" },
  s: { mark: "strike" },
  link: {
    mark: "link",
    getAttrs: (token: Token) => ({ href: attr(token, "href") ?? "", title: attr(token, "title") || null }),
  },
  code_inline: { mark: "code", noCloseToken: true },
});

/** Last resort if the parser fails: the markdown's paragraphs as plain text. */
function plainDoc(markdown: string): PMNode {
  const content = markdown
    .split(BLANK_LINES)
    .filter((block) => NOT_BLANK.test(block))
    .map((block) => ({ type: "paragraph", content: [{ type: "text", text: block.trim() }] }));
  return buildDoc({ type: "doc", content });
}

/** Parses markdown into a document of the notes schema (no size or emptiness checks). */
export function parseMarkdown(markdown: string): PMNode {
  try {
    return parser.parse(markdown);
  } catch {
    return plainDoc(markdown);
  }
}

/**
 * Tiptap JSON for markdown (CommonMark plus GFM task lists, tables and
 * strikethrough). Empty or whitespace-only markdown gives null. Raw HTML stays
 * text. Throws ValidationError (field "notes") for markdown over 64 KiB.
 */
export function markdownToNotes(markdown: string): TiptapDoc | null {
  if (typeof markdown !== "string") throw new ValidationError(NOTES_FIELD, NOTES_SHAPE_MESSAGE);
  assertMarkdownSize(markdown);
  if (!NOT_BLANK.test(markdown)) return null;
  const doc = parseMarkdown(markdown);
  if (isEmptyDoc(doc)) return null;
  const json = doc.toJSON() as TiptapDoc;
  assertJsonSize(json, "this markdown converts to Tiptap JSON that is too large: ");
  return json;
}
