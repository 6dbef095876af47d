/**
 * Entry points for the create/update services: whatever the caller sent
 * (markdown or Tiptap JSON) becomes a schema-valid Tiptap document.
 */
import type { JSONContent } from "@tiptap/core";
import type { Node as PMNode } from "@tiptap/pm/model";
import { ValidationError } from "../domain/errors.js";
import { quote } from "../domain/quote.js";
import { buildDoc, isEmptyDoc } from "./build.js";
import { assertJsonSize, assertTableSpans, NOTES_FIELD, NOTES_SHAPE_MESSAGE } from "./limits.js";
import { markdownToNotes } from "./parse.js";
import { M, N } from "./schema.js";
import type { TiptapDoc } from "./types.js";
import { isSafeNoteUrl, UNSAFE_URL_MESSAGE } from "./urls.js";

/** Refuses the link hrefs and image sources the markdown path would not make a link or image of. */
function assertSafeUrls(doc: PMNode): void {
  doc.descendants((node) => {
    if (node.type === N.image && typeof node.attrs.src === "string" && !isSafeNoteUrl(node.attrs.src)) {
      throw new ValidationError(
        NOTES_FIELD,
        `an image's src ${quote(node.attrs.src)} is refused: ${UNSAFE_URL_MESSAGE}`,
      );
    }
    for (const mark of node.marks) {
      const href = mark.attrs.href;
      if (mark.type === M.link && typeof href === "string" && !isSafeNoteUrl(href))
        throw new ValidationError(
          NOTES_FIELD,
          `a link's href ${quote(href)} is refused: ${UNSAFE_URL_MESSAGE}`,
        );
    }
    return true;
  });
}

function isDocShape(input: unknown): input is { type: "doc"; content?: unknown[] } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
  const { type, content } = input as { type?: unknown; content?: unknown };
  return type === "doc" && (content === undefined || Array.isArray(content));
}

/**
 * Notes as the editor stores them, from markdown text or a Tiptap JSON
 * document. null, undefined and empty notes give null. JSON is checked for its
 * shape (`{type:"doc", content?: [...]}`) and size, then repaired to fit the
 * schema: unknown nodes and marks give way to their text, attributes are
 * coerced. Throws ValidationError (field "notes") for anything else.
 */
export function normalizeNotes(input: unknown): TiptapDoc | null {
  return normalize(input, true);
}

/**
 * `strict` is off for notes already stored: they are repaired (spans clamped) rather than
 * refused, and their markdown leaves unsafe URLs out.
 */
function normalize(input: unknown, strict: boolean): TiptapDoc | null {
  if (input === null || input === undefined) return null;
  if (typeof input === "string") return markdownToNotes(input);
  if (!isDocShape(input)) throw new ValidationError(NOTES_FIELD, NOTES_SHAPE_MESSAGE);
  assertJsonSize(input);
  if (strict) assertTableSpans(input);
  const doc = buildDoc(input);
  if (strict) assertSafeUrls(doc);
  if (isEmptyDoc(doc)) return null;
  const json = doc.toJSON() as TiptapDoc;
  assertJsonSize(json, "once made to fit the editor schema it is too large: ");
  return json;
}

/**
 * The existing notes (Tiptap JSON, markdown or null) followed by the blocks of
 * `markdown`, as one document: in markdown terms, old notes, a blank line, new
 * text. Returns null only when both are empty.
 */
export function appendNotes(existing: unknown | null, markdown: string): TiptapDoc | null {
  const added = markdownToNotes(markdown);
  const current = normalize(existing, false);
  if (!added) return current;
  if (!current) return added;
  const content: JSONContent[] = [...(current.content ?? []), ...(added.content ?? [])];
  const combined: TiptapDoc = { type: "doc", content };
  assertJsonSize(combined, "appending this text would make the note too large: ");
  return combined;
}
