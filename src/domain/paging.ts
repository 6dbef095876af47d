import { ValidationError } from "./errors.js";
import { CURSOR_MAX_LENGTH } from "./validate.js";

export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

export function pageLimit(limit: unknown): number {
  if (limit === undefined || limit === null) return DEFAULT_LIMIT;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ValidationError("limit", `must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

/** Cursors are opaque to callers; inside they hold the offset of the next page. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}

/** The furthest page a cursor may point at; both engines take it as a plain integer. */
export const MAX_OFFSET = 1_000_000_000;

export function decodeCursor(cursor: unknown): number {
  if (cursor === undefined || cursor === null || cursor === "") return 0;
  try {
    // Checked before decoding: only a short string can be a cursor of ours.
    if (typeof cursor === "string" && cursor.length <= CURSOR_MAX_LENGTH) {
      const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
      if (Number.isInteger(parsed.o) && parsed.o >= 0 && parsed.o <= MAX_OFFSET) return parsed.o;
    }
  } catch {}
  throw new ValidationError(
    "cursor",
    "is not a cursor from this server; pass nextCursor from the previous page unchanged",
  );
}

/** A page of `items` that starts at `offset` of `total`. */
export function pageOf<T>(items: T[], total: number, offset: number): Page<T> {
  const next = offset + items.length;
  return { items, total, nextCursor: items.length > 0 && next < total ? encodeCursor(next) : null };
}
