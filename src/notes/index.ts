/**
 * Notes on CRM entities: stored as Tiptap JSON, read and written by agents as
 * markdown. Everything here runs headless (no DOM).
 */

export { notesToHtml } from "./html.js";
export { NOTES_JSON_MAX_BYTES, NOTES_MARKDOWN_MAX_BYTES } from "./limits.js";
export { appendNotes, normalizeNotes } from "./normalize.js";
export { markdownToNotes } from "./parse.js";
export { notesExtensions, notesSchema } from "./schema.js";
export { notesToMarkdown, storedNotesToMarkdown } from "./serialize.js";
export type { TiptapDoc } from "./types.js";
