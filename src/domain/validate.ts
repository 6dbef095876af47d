import type { z } from "zod";
import { ValidationError } from "./errors.js";

/** A zod path as the caller wrote it: `contacts[2].emails[0]`. */
export function pathOf(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** How many problems one error lists, so an agent can fix a call in one go. */
const MAX_LISTED = 5;

/**
 * Parses with zod. Problems become one ValidationError that names the first field, and
 * lists the next few with theirs.
 */
export function parse<T extends z.ZodType>(schema: T, input: unknown, root = ""): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const [first, ...rest] = result.error.issues;
  const describe = (issue: z.core.$ZodIssue) =>
    issue.code === "unrecognized_keys"
      ? describeUnknownKeys(issue.keys, objectKeysAt(schema, issue.path))
      : describeIssue(issue, valueAt(input, issue.path));
  let message = describe(first!);
  for (const issue of rest.slice(0, MAX_LISTED - 1))
    message += `; ${pathOf(root, issue.path)}: ${describe(issue)}`;
  if (rest.length > MAX_LISTED - 1) message += `; and ${rest.length - (MAX_LISTED - 1)} more`;
  throw new ValidationError(pathOf(root, first!.path), message);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const p of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[p];
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `is required (expected ${issue.expected})`;
      // A message a schema chose itself says more than a generic one.
      if (!issue.message.startsWith("Invalid input")) return issue.message;
      return value === undefined
        ? `is required (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`;
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
      return value === undefined
        ? `is required: one of ${options}`
        : `${JSON.stringify(value)} is not one of ${options}`;
    }
    default:
      return issue.message;
  }
}

/** Wrappers that stand for the schema inside them, as far as field names go. */
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

type SchemaDef = {
  type: string;
  innerType?: unknown;
  in?: unknown;
  shape?: Record<string, unknown>;
  element?: unknown;
};
const defOf = (schema: unknown): SchemaDef => (schema as { _zod: { def: SchemaDef } })._zod.def;

/** The field names of the object schema at `path`, or null where the schema does not say. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | null {
  const unwrap = (s: unknown): unknown => {
    let def = defOf(s);
    while (WRAPPERS.has(def.type) || def.type === "pipe") {
      s = def.type === "pipe" ? def.in : def.innerType;
      def = defOf(s);
    }
    return s;
  };
  let current: unknown = unwrap(schema);
  for (const p of path) {
    const def = defOf(current);
    const next =
      def.type === "object" ? def.shape?.[String(p)] : def.type === "array" ? def.element : undefined;
    if (next === undefined) return null;
    current = unwrap(next);
  }
  const def = defOf(current);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : null;
}

/** Edit distance, for suggesting the field a typo meant. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function closest(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `unknown field "firstNam"; did you mean "firstName"?`, or the fields there are. */
function describeUnknownKeys(keys: string[], known: string[] | null): string {
  // Suggestions for the first few, short keys only: the edit distance grows with both.
  const suggestions = known
    ? keys.map((k, i) => (i < 10 && k.length <= 64 ? closest(k, known) : undefined))
    : [];
  if (keys.length === 1 && suggestions[0] !== undefined)
    return `unknown field "${keys[0]}"; did you mean "${suggestions[0]}"?`;
  const named = keys.map((k, i) => `"${k}"${suggestions[i] ? ` (did you mean "${suggestions[i]}"?)` : ""}`);
  let message = `unknown field${keys.length > 1 ? "s" : ""} ${named.join(", ")}; remove ${keys.length > 1 ? "them" : "it"}`;
  if (known && known.length > 0 && known.length <= 30) message += ` (fields here: ${known.join(", ")})`;
  return message;
}
