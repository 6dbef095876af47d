import { z } from "zod";
import { ValidationError } from "./errors.js";
import { quote } from "./quote.js";

/**
 * Bounds every input shares, whatever its schema: how deep values nest, and what a string
 * may hold. Checked before the schema, so no parser, walk or query meets a value past them.
 */
export const MAX_INPUT_DEPTH = 128;
/** Ids are 26 characters today; the bound leaves room and keeps messages and queries small. */
export const ID_MAX_LENGTH = 64;
/** Names of fields, relations, columns and events: the longest is 26 characters. */
export const NAME_MAX_LENGTH = 64;
/** Cursors this server hands out are about 20 characters. */
export const CURSOR_MAX_LENGTH = 100;
/** A search term, of records, webhooks or deliveries: longer than any name, email, URL or event it matches. */
export const SEARCH_TERM_MAX_LENGTH = 200;

export const idInput = z.string().min(1).max(ID_MAX_LENGTH);
export const cursorInput = z.string().max(CURSOR_MAX_LENGTH).describe("The last page's nextCursor");

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A zod path as the caller wrote it: `contacts[2].emails[0]`. A key that is not a plain
 * name is quoted, shortened as any quoted input is: `value["a b"]`.
 */
export function pathOf(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (!IDENTIFIER.test(String(p))) out += `[${quote(String(p))}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** How many problems one error lists, so an agent can fix a call in one go. */
const MAX_LISTED = 5;
/** How many problems an error carries one by one, each with its field (HTTP answers show them). */
const MAX_ISSUES = 50;

/**
 * Parses with zod. Problems become one ValidationError that names the first field, and
 * lists the next few with theirs.
 */
export function parse<T extends z.ZodType>(schema: T, input: unknown, root = ""): z.output<T> {
  checkInput(input, root);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // One message per field: a value that fails its form is not also told it fails the next check.
  const seen = new Set<string>();
  const [first, ...rest] = unknownKeysFirst(result.error.issues).filter((issue) => {
    const key = issue.path.map(String).join("\u0000");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const describe = (issue: z.core.$ZodIssue) =>
    issue.code === "unrecognized_keys"
      ? describeUnknownKeys(issue.keys, objectKeysAt(schema, issue.path))
      : describeIssue(issue, valueAt(input, issue.path));
  let message = describe(first!);
  for (const issue of rest.slice(0, MAX_LISTED - 1)) {
    const field = pathOf(root, issue.path);
    message += `; ${field ? `${field}: ` : ""}${describe(issue)}`;
  }
  if (rest.length > MAX_LISTED - 1) message += `; and ${rest.length - (MAX_LISTED - 1)} more`;
  const issues = result.error.issues
    .slice(0, MAX_ISSUES)
    .map((issue) => ({ field: pathOf(root, issue.path), message: describe(issue) }));
  throw new ValidationError(pathOf(root, first!.path), message, issues);
}

/**
 * An unknown field first: it is often why the rest went wrong (a misspelt name), and the list
 * is cut after a few problems, which must not cut it.
 */
function unknownKeysFirst(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const unknown = issues.filter((i) => i.code === "unrecognized_keys");
  return unknown.length ? [...unknown, ...issues.filter((i) => i.code !== "unrecognized_keys")] : issues;
}

interface Visit {
  value: unknown;
  key: PropertyKey | null;
  parent: Visit | null;
  depth: number;
}

function pathTo(visit: Visit): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let v: Visit | null = visit; v?.key != null; v = v.parent) path.unshift(v.key);
  return path;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Where a string stops being well-formed text: a NUL or a lone surrogate, or -1. */
function badCharAt(text: string): number {
  const nul = text.indexOf("\0");
  if (nul >= 0) return nul;
  if (!SURROGATE.test(text)) return -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

function describeBadChar(text: string, at: number): string {
  const code = text.charCodeAt(at);
  return code === 0
    ? `contains a NUL character (\\u0000) at position ${at}; remove it`
    : `contains a lone surrogate (\\u${code.toString(16)}) at position ${at}: text must be well-formed Unicode (a surrogate pair, or no surrogate)`;
}

/**
 * The checks no schema expresses, over the whole input and before it: nesting depth,
 * strings that are not well-formed text (NUL, lone surrogates: they would be changed or cut
 * on the way to the store and the webhooks), and `__proto__` keys, which a JSON parser
 * keeps as a field but an object assignment turns into a prototype.
 */
function checkInput(input: unknown, root: string): void {
  const pending: Visit[] = [{ value: input, key: null, parent: null, depth: 0 }];
  const fail = (visit: Visit, message: string): never => {
    throw new ValidationError(pathOf(root, pathTo(visit)), message);
  };
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const { value, depth } = visit;
    if (typeof value === "string") {
      const at = badCharAt(value);
      if (at >= 0) fail(visit, describeBadChar(value, at));
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) fail(visit, `is nested deeper than ${MAX_INPUT_DEPTH} levels; flatten it`);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        pending.push({ value: value[i], key: i, parent: visit, depth: depth + 1 });
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    // A parsed `"__proto__": {...}` that an assignment on the way here made the prototype.
    if (proto !== Object.prototype && proto !== null) fail(visit, UNKNOWN_PROTO);
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (key === "__proto__") fail(visit, UNKNOWN_PROTO);
      const at = badCharAt(key);
      if (at >= 0) fail(visit, `the field name ${quote(key)} ${describeBadChar(key, at)}`);
      pending.push({ value: (value as Record<string, unknown>)[key], key, parent: visit, depth: depth + 1 });
    }
  }
}

/** What a `__proto__` key is told, at any level. */
export const UNKNOWN_PROTO = 'unknown field "__proto__"; remove it';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const p of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[p];
  }
  return value;
}

/** A value's kind in words, for "expected a string, got a number". */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return String(value);
  const t = typeof value;
  return t === "object" || t === "undefined" ? `an ${t}` : `a ${t}`;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "an array",
  object: "an object",
  record: "an object",
  null: "null",
};

/** Zod's own words start with these; a message a schema chose itself starts otherwise. */
const ZOD_PHRASES = /^(Invalid|Too (small|big)|Expected|Unrecognized)/;

/**
 * Every problem in the product's words: what is wrong with the value and what would be
 * right, never zod's phrasing ("Too small: expected array to have >=1 items").
 */
function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const own = !ZOD_PHRASES.test(issue.message);
  switch (issue.code) {
    case "invalid_type": {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (value === undefined) return `is required (${expected})`;
      if (own) return issue.message;
      return `expected ${expected}, got ${kindOf(value)}`;
    }
    case "invalid_value": {
      const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
      return value === undefined
        ? `is required: one of ${options}`
        : `${quote(value)} is not one of ${options}`;
    }
    case "too_big":
      if (own) return issue.message;
      if (issue.origin === "string" && typeof value === "string")
        return `is ${value.length} characters long; the limit is ${issue.maximum}`;
      if (issue.origin === "array" && Array.isArray(value))
        return `has ${value.length} items; the limit is ${issue.maximum}`;
      return `is ${quote(value)}; the largest allowed is ${issue.maximum}`;
    case "too_small":
      if (own) return issue.message;
      if (issue.origin === "string") return `must be at least ${issue.minimum} characters long`;
      if (issue.origin === "array")
        return `is empty; give at least ${issue.minimum === 1 ? "one item" : `${issue.minimum} items`}`;
      return `is ${quote(value)}; the smallest allowed is ${issue.minimum}`;
    case "invalid_format":
      if (own) return issue.message;
      return issue.format === "regex"
        ? `${quote(value)} does not have the expected form`
        : `${quote(value)} is not a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "invalid_union": {
      if (own) return issue.message;
      // The kinds the branches take, when each branch is one type: "a string, an object or null".
      const kinds = issue.errors
        .map((branch) => branch.find((i) => i.code === "invalid_type" && i.path.length === 0))
        .map((i) => (i?.code === "invalid_type" ? (EXPECTED[i.expected] ?? i.expected) : undefined));
      if (kinds.every(Boolean)) {
        const list = kinds as string[];
        const words = list.length > 1 ? `${list.slice(0, -1).join(", ")} or ${list.at(-1)}` : list[0];
        return `expected ${words}, got ${kindOf(value)}`;
      }
      return `${quote(value)} matches none of the accepted forms`;
    }
    default:
      return own ? issue.message : `${quote(value)} is not accepted here`;
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

const MAX_NAMED_KEYS = 10;

/** `unknown field "firstNam"; did you mean "firstName"?`, or the fields there are. */
function describeUnknownKeys(keys: string[], known: string[] | null): string {
  // Suggestions for the first few, short keys only: the edit distance grows with both.
  const suggestions = known
    ? keys.map((k, i) => (i < 10 && k.length <= 64 ? closest(k, known) : undefined))
    : [];
  if (keys.length === 1 && suggestions[0] !== undefined)
    return `unknown field ${quote(keys[0])}; did you mean "${suggestions[0]}"?`;
  const named = keys
    .slice(0, MAX_NAMED_KEYS)
    .map((k, i) => `${quote(k)}${suggestions[i] ? ` (did you mean "${suggestions[i]}"?)` : ""}`);
  if (keys.length > MAX_NAMED_KEYS) named.push(`and ${keys.length - MAX_NAMED_KEYS} more`);
  let message = `unknown field${keys.length > 1 ? "s" : ""} ${named.join(", ")}; remove ${keys.length > 1 ? "them" : "it"}`;
  if (known && known.length > 0 && known.length <= 30) message += ` (fields here: ${known.join(", ")})`;
  // Where records take custom values, a field of the company's own belongs there.
  if (known?.includes("customFieldValues") && suggestions.every((x) => x === undefined))
    message += `. A custom field goes in customFieldValues: [{"columnId": "<its id or label>", "value": ...}]; create_custom_column adds one`;
  return message;
}
