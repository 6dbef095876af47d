import { ValidationError } from "../errors.js";

/** Largest Tiptap JSON note accepted, in UTF-8 bytes of its `JSON.stringify` form. */
export const NOTES_JSON_MAX_BYTES = 256 * 1024;
/** Largest markdown note accepted, in UTF-8 bytes. */
export const NOTES_MARKDOWN_MAX_BYTES = 64 * 1024;

export const NOTES_FIELD = "notes";
export const NOTES_SHAPE_MESSAGE =
  'must be markdown text or a Tiptap JSON document ({"type":"doc","content":[...]})';

/** UTF-8 byte length, without encoding when the answer is clear from the UTF-16 length. */
function utf8Length(text: string, limit: number): number {
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return Buffer.byteLength(text, "utf8");
}

/** Throws ValidationError when `markdown` is over the markdown limit. */
export function assertMarkdownSize(markdown: string): void {
  const bytes = utf8Length(markdown, NOTES_MARKDOWN_MAX_BYTES);
  if (bytes > NOTES_MARKDOWN_MAX_BYTES) {
    throw new ValidationError(
      NOTES_FIELD,
      `markdown notes are limited to ${NOTES_MARKDOWN_MAX_BYTES} bytes (64 KiB); got ${Buffer.byteLength(markdown, "utf8")} bytes`,
    );
  }
}

/**
 * Throws ValidationError when `value` is not serialisable or its JSON is over
 * the JSON limit. `origin` says where an over-size document came from.
 */
export function assertJsonSize(value: unknown, origin = ""): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    throw new ValidationError(NOTES_FIELD, `is not serialisable as JSON; it ${NOTES_SHAPE_MESSAGE}`);
  }
  if (json === undefined) return;
  const bytes = utf8Length(json, NOTES_JSON_MAX_BYTES);
  if (bytes > NOTES_JSON_MAX_BYTES) {
    throw new ValidationError(
      NOTES_FIELD,
      `Tiptap JSON notes are limited to ${NOTES_JSON_MAX_BYTES} bytes (256 KiB) of JSON; ${origin}got ${Buffer.byteLength(json, "utf8")} bytes`,
    );
  }
}
