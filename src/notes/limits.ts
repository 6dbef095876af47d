import { ValidationError } from "../domain/errors.js";

/** Largest Tiptap JSON note accepted, in UTF-8 bytes of its `JSON.stringify` form. */
export const NOTES_JSON_MAX_BYTES = 256 * 1024;
/** Largest markdown note accepted, in UTF-8 bytes. */
export const NOTES_MARKDOWN_MAX_BYTES = 64 * 1024;

/** The most columns or rows one table cell may span (markdown has no spans: each is an empty cell). */
export const NOTES_MAX_TABLE_SPAN = 100;

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
 * A cheap upper bound on the UTF-8 bytes of JSON.stringify(value): every UTF-16
 * unit of a string counts as 6 bytes (the longest escape). Iterative, and
 * stops once over `limit`, so depth, shared references and cycles cost at most
 * `limit` steps. Infinity for what it cannot bound (toJSON, bigint).
 */
function jsonBound(value: unknown, limit: number): number {
  let bytes = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && bytes <= limit) {
    const item = pending.pop();
    switch (typeof item) {
      case "string":
        bytes += item.length * 6 + 2;
        break;
      case "number":
        bytes += 24;
        break;
      case "object":
        if (item === null) {
          bytes += 4;
        } else if (Array.isArray(item)) {
          bytes += item.length + 2;
          for (const element of item) pending.push(element);
        } else {
          if ("toJSON" in item) return Number.POSITIVE_INFINITY;
          const record = item as Record<string, unknown>;
          bytes += 2;
          for (const key in record) {
            bytes += key.length * 6 + 4;
            pending.push(record[key]);
          }
        }
        break;
      case "bigint":
        return Number.POSITIVE_INFINITY;
      default:
        bytes += 5;
    }
  }
  return bytes;
}

/** UTF-8 bytes of a string as JSON.stringify writes it, quotes included. */
function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20) bytes += c === 0x22 || c === 0x5c ? 2 : 1;
      else bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 6;
      }
    } else {
      bytes += c >= 0xdc00 && c <= 0xdfff ? 6 : 3;
    }
  }
  return bytes;
}

/** Sizes above this are reported as "over" it rather than counted to the end. */
const REPORTED_MAX_BYTES = 16 * 1024 * 1024;

function omittedFromObjects(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/**
 * UTF-8 bytes of JSON.stringify(value), counted without building the string
 * and without recursion (any depth, and a cycle just counts past the limit).
 * Stops once over `limit`. null when the value needs JSON.stringify itself
 * (toJSON, class instances, bigint).
 */
function jsonBytes(value: unknown, limit: number): number | null {
  let bytes = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && bytes <= limit) {
    const item = pending.pop();
    switch (typeof item) {
      case "string":
        bytes += jsonStringBytes(item);
        break;
      case "number":
        bytes += Number.isFinite(item) ? String(item).length : 4;
        break;
      case "boolean":
        bytes += item ? 4 : 5;
        break;
      case "object": {
        if (item === null) {
          bytes += 4;
        } else if (Array.isArray(item)) {
          bytes += item.length > 0 ? item.length + 1 : 2;
          for (const element of item) {
            if (omittedFromObjects(element)) bytes += 4;
            else pending.push(element);
          }
        } else {
          const proto = Object.getPrototypeOf(item);
          if ((proto !== Object.prototype && proto !== null) || "toJSON" in item) return null;
          const record = item as Record<string, unknown>;
          let members = 0;
          for (const key of Object.keys(record)) {
            const member = record[key];
            if (omittedFromObjects(member)) continue;
            bytes += jsonStringBytes(key) + 1;
            members++;
            pending.push(member);
          }
          bytes += members > 0 ? members + 1 : 2;
        }
        break;
      }
      default:
        return null;
    }
  }
  return bytes;
}

/**
 * Throws ValidationError when `value` is not serialisable or its JSON is over
 * the JSON limit. `origin` says where an over-size document came from.
 */
export function assertJsonSize(value: unknown, origin = ""): void {
  if (jsonBound(value, NOTES_JSON_MAX_BYTES) <= NOTES_JSON_MAX_BYTES) return;
  let bytes = jsonBytes(value, NOTES_JSON_MAX_BYTES);
  if (bytes === null) {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      throw new ValidationError(NOTES_FIELD, `is not serialisable as JSON; it ${NOTES_SHAPE_MESSAGE}`);
    }
    bytes = json === undefined ? 0 : utf8Length(json, NOTES_JSON_MAX_BYTES);
  }
  if (bytes > NOTES_JSON_MAX_BYTES) {
    const exact = jsonBytes(value, REPORTED_MAX_BYTES);
    const size =
      exact === null
        ? ""
        : exact > REPORTED_MAX_BYTES
          ? `got over ${REPORTED_MAX_BYTES} bytes`
          : `got ${exact} bytes`;
    throw new ValidationError(
      NOTES_FIELD,
      `Tiptap JSON notes are limited to ${NOTES_JSON_MAX_BYTES} bytes (256 KiB) of JSON; ${origin}${size}`.trimEnd(),
    );
  }
}

const SPAN_CELLS = new Set(["tableCell", "tableHeader"]);

/**
 * Throws ValidationError when a table cell of a Tiptap JSON document spans more than
 * NOTES_MAX_TABLE_SPAN columns or rows. Iterative, like the size walks.
 */
export function assertTableSpans(value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== "object" || item === null) continue;
    if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
      continue;
    }
    const node = item as { type?: unknown; attrs?: unknown; content?: unknown };
    if (SPAN_CELLS.has(node.type as string) && typeof node.attrs === "object" && node.attrs !== null) {
      for (const key of ["colspan", "rowspan"] as const) {
        const given = (node.attrs as Record<string, unknown>)[key];
        const span = typeof given === "string" ? Number(given) : given;
        if (typeof span === "number" && span > NOTES_MAX_TABLE_SPAN) {
          throw new ValidationError(
            NOTES_FIELD,
            `a table cell's ${key} is limited to ${NOTES_MAX_TABLE_SPAN}; got ${String(given).slice(0, 20)}`,
          );
        }
      }
    }
    if (Array.isArray(node.content)) pending.push(node.content);
  }
}
