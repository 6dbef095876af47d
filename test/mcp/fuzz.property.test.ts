import type { Client } from "@modelcontextprotocol/client";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENTITY_TYPES } from "../../src/domain/model.js";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";

/**
 * Every tool, fed inputs made from its own listed schema and then broken the ways an
 * outsider breaks them (issue 12): wrong types, missing and unknown fields, `__proto__` and
 * `constructor` keys, huge strings and arrays, deep nesting, NUL and lone surrogates, bad
 * cursors. Each call must succeed, or fail with an error that names a field and is not an
 * internal one, having written nothing; and it must answer within a generous ceiling.
 */

type Schema = Record<string, unknown>;
interface Tool {
  name: string;
  inputSchema: Schema;
}

let t: TestApp;
let client: Client;
let tools: Tool[];
/** Ids that exist, so some calls get past the lookups. */
let known: string[] = [];

/** Everything a write leaves behind, as one string: if it moves, something was written. */
async function fingerprint(): Promise<string> {
  const { app, owner } = t;
  const counts: number[] = [
    (await app.store.read((tx) => tx.webhooks.events(owner.companyId, 1_000_000))).length,
    (await app.deliveries.list(owner, { limit: 1 })).total,
    (await app.webhooks.list(owner, { limit: 1 })).total,
    (await app.crm.listColumns(owner)).length,
  ];
  for (const type of ENTITY_TYPES) counts.push(await app.crm.count(owner, type, {}));
  return counts.join(",");
}

// ---- values from a listed JSON Schema ------------------------------------------------

const anyJson = fc.jsonValue({ maxDepth: 2 });

function idLike(): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 30 }));
}

function typed(schema: Schema, type: string, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case "string": {
      if (schema.format === "email") return fc.emailAddress();
      if (schema.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      const max = Math.min(Number(schema.maxLength ?? 40), 40);
      return fc.oneof(
        idLike(),
        fc.string({ maxLength: max }),
        fc.constantFrom("https://hooks.example.com/x", "2026-12-31"),
      );
    }
    case "integer":
      return fc.integer({
        min: Number(schema.minimum ?? -5),
        max: Math.min(Number(schema.maximum ?? 200), 200),
      });
    case "number":
      return fc.oneof(
        fc.integer({ min: -10, max: 1000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      );
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const items = (schema.items as Schema | undefined) ?? {};
      return fc.array(arbitraryOf(items, depth + 1), {
        minLength: Math.min(Number(schema.minItems ?? 0), 3),
        maxLength: Math.min(Number(schema.maxItems ?? 3), 3),
      });
    }
    case "object": {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, sub] of Object.entries(properties)) shape[key] = arbitraryOf(sub, depth + 1);
      const requiredKeys = Object.keys(shape).filter((k) => required.has(k));
      return Object.keys(shape).length > 0 ? fc.record(shape, { requiredKeys }) : fc.constant({});
    }
    default:
      return anyJson;
  }
}

function arbitraryOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if (Array.isArray(schema.anyOf))
    return fc.oneof(...(schema.anyOf as Schema[]).map((s) => arbitraryOf(s, depth)));
  const type = schema.type;
  if (Array.isArray(type)) return fc.oneof(...(type as string[]).map((x) => typed(schema, x, depth)));
  if (typeof type === "string") return typed(schema, type, depth);
  return anyJson;
}

// ---- mutations -----------------------------------------------------------------------

const MUTATIONS = [
  "none",
  "wrongType",
  "missing",
  "unknown",
  "proto",
  "constructor",
  "hugeString",
  "hugeArray",
  "deep",
  "nul",
  "loneSurrogate",
  "badCursor",
] as const;
type Mutation = (typeof MUTATIONS)[number];

const WRONG = [0, -1, 1e308, "text", true, null, [], {}, [1, 2], { a: 1 }];
const BAD_CURSORS = [
  Buffer.from('{"o":1e308}').toString("base64url"),
  Buffer.from('{"o":-1}').toString("base64url"),
  Buffer.from('{"o":1.5}').toString("base64url"),
  Buffer.from("[]").toString("base64url"),
  "not a cursor",
  "%%%",
  "x".repeat(5000),
];

function deep(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

/** Objects and arrays of a value, each with the way to replace a member of it. */
function containers(value: unknown): (Record<string, unknown> | unknown[])[] {
  const out: (Record<string, unknown> | unknown[])[] = [];
  const pending = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v !== "object" || v === null) continue;
    out.push(v as Record<string, unknown>);
    for (const child of Object.values(v)) pending.push(child);
  }
  return out;
}

/** Sets a member of a container (an own property even for `__proto__`). */
function put(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/**
 * Breaks `args` in place, at the top level for an even `pick`, else somewhere inside.
 * Returns true when the break must be refused as an unknown field (tool arguments are a
 * closed object; values inside, such as custom values, may be open).
 */
function mutate(args: Record<string, unknown>, mutation: Mutation, pick: number, payload: unknown): boolean {
  const nodes = containers(args);
  const node = pick % 2 === 0 ? args : nodes[Math.floor(pick / 2) % nodes.length]!;
  const unknownAtTop = node === args && ["unknown", "proto", "constructor"].includes(mutation);
  const keys = Object.keys(node);
  const key: string | number =
    keys.length > 0 ? keys[pick % keys.length]! : Array.isArray(node) ? 0 : "field";
  switch (mutation) {
    case "none":
      break;
    case "wrongType":
      put(node, key, payload);
      break;
    case "missing":
      if (!Array.isArray(node)) delete node[key as string];
      break;
    case "unknown":
      if (!Array.isArray(node)) put(node, "unexpectedField", payload);
      break;
    case "proto":
      if (!Array.isArray(node)) put(node, "__proto__", payload);
      break;
    case "constructor":
      if (!Array.isArray(node)) put(node, "constructor", payload);
      break;
    case "hugeString":
      put(node, key, "x".repeat(300_000));
      break;
    case "hugeArray":
      put(
        node,
        key,
        Array.from({ length: 100_000 }, () => "a"),
      );
      break;
    case "deep":
      put(node, key, deep(20_000));
      break;
    case "nul":
      put(node, key, "before\u0000after");
      break;
    case "loneSurrogate":
      put(node, key, pick % 2 ? "a\ud800b" : "\udfff");
      break;
    case "badCursor":
      put(args, "cursor", payload);
      break;
  }
  return unknownAtTop;
}

/** An error names the field it is about (`contacts[0].name: ...`), or is about an unknown one. */
const NAMES_A_FIELD =
  /^(?:(?:[A-Za-z_$][\w$]*|\.[A-Za-z_$][\w$]*|\[\d+\]|\[".*?"(?: \(\d+ characters\))?\])+: |unknown fields? )/;
/** The generous ceiling on one call: a runaway is seconds, a call is milliseconds. */
const CALL_CEILING_MS = 5000;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  client = await connect(t.app, t.owner);
  tools = (await client.listTools()).tools as Tool[];
  const org = (await ok(client, "create_organizations", { organizations: [{ name: "Acme" }] })).items[0].id;
  const contact = (
    await ok(client, "create_contacts", { contacts: [{ firstName: "Ada", organizationIds: [org] }] })
  ).items[0].id;
  const column = (
    await ok(client, "create_custom_column", { entityType: "contact", label: "Tier", type: "text" })
  ).id;
  known = [org, contact, column];
});
afterAll(async () => {
  await client?.close();
  await t?.close();
});

/** Each mutation with what it may put in; each bad cursor is a case of its own. */
const CASES = MUTATIONS.flatMap((mutation): { mutation: Mutation; payloads: unknown[] }[] =>
  mutation === "badCursor"
    ? BAD_CURSORS.map((cursor) => ({ mutation, payloads: [cursor] as unknown[] }))
    : [{ mutation, payloads: WRONG }],
);

/** Runs of each tool with each mutation: every pair is tried, with inputs drawn from a fixed seed. */
const RUNS_PER_MUTATION = 1;

describe("every tool, fed broken input", () => {
  it("answers each call with success or a clear error, writes nothing on error, and answers in time", async () => {
    const tried = new Set<string>();
    for (const tool of tools) {
      for (const { mutation, payloads } of CASES) {
        const input = fc.record({
          args: arbitraryOf(tool.inputSchema) as fc.Arbitrary<Record<string, unknown>>,
          pick: fc.nat(),
          payload: fc.constantFrom(...payloads),
        });
        await fc.assert(
          fc.asyncProperty(input, async ({ args, pick, payload }) => {
            const sent = typeof args === "object" && args !== null ? args : {};
            const mustRefuse = mutate(sent, mutation, pick, payload);
            const before = await fingerprint();
            const started = performance.now();
            const result = await call(client, tool.name, sent);
            const elapsed = performance.now() - started;
            const label = `${tool.name} (${mutation}): ${result.text.slice(0, 300)}`;
            expect(elapsed, label).toBeLessThan(CALL_CEILING_MS);
            expect(result.text, label).not.toMatch(
              /Internal error|Maximum call stack|SQLITE|datatype mismatch/i,
            );
            expect(result.text.length, label).toBeLessThan(20_000);
            if (mustRefuse) expect(result.text, label).toMatch(/(^|; )unknown field/);
            if (result.isError) {
              expect(result.text, label).toMatch(NAMES_A_FIELD);
              expect(await fingerprint(), label).toBe(before);
            }
            tried.add(`${tool.name}/${mutation}/${JSON.stringify(payloads).slice(0, 40)}`);
          }),
          { seed: 20261203, numRuns: RUNS_PER_MUTATION, endOnFailure: true },
        );
      }
    }
    expect(tried.size).toBe(tools.length * CASES.length);
  });
});
