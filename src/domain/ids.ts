import { randomBytes } from "node:crypto";
import { ValidationError } from "./errors.js";
import { ENTITY_TYPES, type EntityType } from "./model.js";
import { quote } from "./quote.js";

/** Every id is a prefixed string; the prefix tells what the id names. */
export const ID_PREFIX = {
  contact: "ct",
  organization: "org",
  deal: "deal",
  service: "svc",
  task: "task",
  user: "usr",
  company: "co",
  column: "col",
  webhook: "wh",
  delivery: "whd",
  event: "evt",
  apiKey: "key",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
let lastTime = 0;
// Random bytes are drawn in blocks: one system call per 400 ids instead of one per id.
let pool = randomBytes(4096);
let poolOffset = 0;
let counter = 0;

/**
 * Time-ordered ids: 10 characters of milliseconds, 2 of a per-millisecond counter, 10 random.
 * Sorting ids sorts by creation, which keeps "newest first" listings stable.
 */
export function newId(kind: IdKind): string {
  const now = Date.now();
  if (now === lastTime) counter = (counter + 1) % 1024;
  else {
    lastTime = now;
    counter = 0;
  }
  const time = timePart(now);
  const seq = ALPHABET[(counter >> 5) & 31]! + ALPHABET[counter & 31]!;
  if (poolOffset + 10 > pool.length) {
    pool = randomBytes(4096);
    poolOffset = 0;
  }
  let rand = "";
  for (let i = 0; i < 10; i++) rand += ALPHABET[pool[poolOffset++]! & 31];
  return `${ID_PREFIX[kind]}_${time}${seq}${rand}`;
}

function timePart(ms: number): string {
  let time = "";
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return time;
}

/** Sorts below every id of the kind made at `ms` or later, and above every one made before. */
export function idFloor(kind: IdKind, ms: number): string {
  return `${ID_PREFIX[kind]}_${timePart(Math.max(0, Math.floor(ms)))}`;
}

/**
 * The entity type an id names, for calls that leave `entity` out; `field` is where the id
 * was given.
 */
export function inferEntity(id: string, field: string): EntityType {
  const type = entityTypeOfId(id);
  if (type) return type;
  const prefixes = ENTITY_TYPES.map((t) => `${ID_PREFIX[t]}_`).join(", ");
  throw new ValidationError(
    field,
    `${quote(id)} is not the id of a contact, organization, deal, service or task (theirs start with ${prefixes}); give entity`,
  );
}

/** The entity type an id's prefix names (`ct_...` is a contact), if it names one. */
export function entityTypeOfId(id: string): EntityType | undefined {
  const prefix = id.slice(0, id.indexOf("_"));
  return ENTITY_TYPES.find((type) => ID_PREFIX[type] === prefix);
}

/** The path of a record's page in the web UI: MCP and REST results link to it as `url`. */
export function recordPath(id: string): string {
  return `/records/${encodeURIComponent(id)}`;
}
