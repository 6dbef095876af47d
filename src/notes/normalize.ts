/**
 * Entry points for the create/update services: whatever the caller sent
 * (markdown or Tiptap JSON) becomes a schema-valid Tiptap document.
 */
import type { JSONContent } from "@tiptap/core";
import { ValidationError } from "../domain/errors.js";
import { buildDoc, isEmptyDoc } from "./build.js";
import { assertJsonSize, assertTableSpans, NOTES_FIELD, NOTES_SHAPE_MESSAGE } from "./limits.js";
import { markdownToNotes } from "./parse.js";
import type { TiptapDoc } from "./types.js";

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

/** `checkSpans` is off for notes already stored: they are repaired (spans clamped), not refused. */
function normalize(input: unknown, checkSpans: boolean): TiptapDoc | null {
  if (input === null || input === undefined) return null;
  if (typeof input === "string") return markdownToNotes(input);
  if (!isDocShape(input)) throw new ValidationError(NOTES_FIELD, NOTES_SHAPE_MESSAGE);
  assertJsonSize(input);
  if (checkSpans) assertTableSpans(input);
  const doc = buildDoc(input);
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
