import type { z } from "zod";
import { ValidationError } from "../errors.js";

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
  const describe = (issue: z.core.$ZodIssue) => describeIssue(issue, valueAt(input, issue.path));
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
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}; remove ${issue.keys.length > 1 ? "them" : "it"}`;
    default:
      return issue.message;
  }
}
