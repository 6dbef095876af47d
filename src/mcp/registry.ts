import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { App } from "../app.js";
import { ConflictError, NotFoundError, ValidationError } from "../domain/errors.js";
import { parse, UNKNOWN_PROTO } from "../domain/validate.js";
import type { Actor } from "../events/recorder.js";

export const TOOLSETS = ["crm", "webhooks", "admin"] as const;
export type Toolset = (typeof TOOLSETS)[number];

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolContext {
  app: App;
  actor: Actor;
  /** A record's page in the web UI, when the server knows its public address; else records carry no `url`. */
  recordUrl?: (id: string) => string;
}

/** A tool is one expression: name, words for the agent, schemas, annotations, handler. */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject> {
  name: string;
  toolset: Toolset;
  title: string;
  description: string;
  input: I;
  output: z.ZodObject;
  annotations: ToolAnnotations;
  handler: (args: z.output<I>, ctx: ToolContext) => Promise<Record<string, unknown>>;
}

export function defineTool<I extends z.ZodObject>(tool: ToolDefinition<I>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

export const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
export const WRITE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: false,
};
export const IDEMPOTENT_WRITE: ToolAnnotations = { ...WRITE, idempotentHint: true };
export const DESTRUCTIVE: ToolAnnotations = { ...WRITE, destructiveHint: true, idempotentHint: true };

export interface ToolSelection {
  toolsets?: readonly Toolset[];
  readOnly?: boolean;
  /** Toolsets listed with their read-only tools only (an OAuth token's `crm:read` without `crm:write`). */
  readOnlyToolsets?: readonly Toolset[];
}

/** The tools a selection lists; read-only mode follows from each tool's readOnlyHint. */
export function selectTools(
  tools: readonly ToolDefinition[],
  selection: ToolSelection = {},
): ToolDefinition[] {
  const sets = new Set(selection.toolsets ?? TOOLSETS);
  const readOnly = new Set(selection.readOnly ? TOOLSETS : (selection.readOnlyToolsets ?? []));
  return tools.filter((t) => sets.has(t.toolset) && (!readOnly.has(t.toolset) || t.annotations.readOnlyHint));
}

/**
 * A schema as the SDK sees it: the JSON Schema is computed once, and validation is left
 * to the handler, which names the failing field the way our services do.
 */
function listed(schema: z.ZodType, io: "input" | "output") {
  const json = compact(
    z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }),
    io,
  ) as Record<string, unknown>;
  delete json.$schema;
  hoistRepeated(json);
  return {
    "~standard": {
      version: 1 as const,
      vendor: "crm-mcp",
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: () => json, output: () => json },
    },
  };
}

/** Bounds at or below this are those of ids and names, never met by values from the server. */
const SHORT_NAME_BOUND = 64;
const ISO_DATE_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$";

/**
 * Drops what costs an agent's context more than it tells it: a regex beside a `format`,
 * `propertyNames` of plain records, `minLength: 1`, the 64-character bound of ids and names, and `additionalProperties: {}` (what
 * JSON Schema assumes anyway). Every bound stays: agents meet them, so they should see them.
 * The handler still checks all of them.
 */
function compact(node: unknown, io: "input" | "output"): unknown {
  if (Array.isArray(node)) return node.map((n) => compact(n, io));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "pattern" && "format" in node) continue;
    if (key === "propertyNames") continue;
    if (key === "minLength" && value === 1) continue;
    // Ids, field and event names: what the server hands out stays far below this bound.
    if (key === "maxLength" && typeof value === "number" && value <= SHORT_NAME_BOUND) continue;
    // An ISO date says more as a format than as its regex.
    if (key === "pattern" && value === ISO_DATE_PATTERN) {
      out.format = "date";
      continue;
    }
    if (key === "additionalProperties" && isEmptyObject(value)) continue;
    // Array items of any kind: the same as saying nothing.
    if (key === "items" && isEmptyObject(value)) continue;
    // What a tool returns needs no closed-world rule nor a list of the keys it always has;
    // what it takes keeps both.
    if (io === "output" && key === "additionalProperties" && value === false) continue;
    if (io === "output" && key === "required") continue;
    if (io === "output" && key === "properties" && isEmptyObject(value)) continue;
    out[key] = compact(value, io);
  }
  const merged = mergeAnyOf(out.anyOf);
  if (merged) {
    delete out.anyOf;
    Object.assign(out, merged);
  }
  return out;
}

/** Below this length a `$ref` (about 20 characters) and its definition save nothing. */
const MIN_HOISTED = 48;

/**
 * A subschema that a tool's schema repeats (the relationship id arrays of a create tool) is
 * written once under `$defs` and referred to where it stood. Named after the property that
 * holds it, or `ids` when several `...Ids` properties share it.
 */
function hoistRepeated(root: Record<string, unknown>): void {
  const seen = new Map<string, { keys: Set<string>; count: number }>();
  const visit = (node: unknown, key: string, count: boolean) => {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return;
    const text = JSON.stringify(node);
    if (count && text.length >= MIN_HOISTED) {
      const entry = seen.get(text) ?? { keys: new Set<string>(), count: 0 };
      entry.keys.add(key);
      entry.count++;
      seen.set(text, entry);
    }
    forEachSubschema(node as Record<string, unknown>, (child, childKey) => visit(child, childKey, true));
  };
  visit(root, "", false);
  const defs: Record<string, unknown> = {};
  const names = new Map<string, string>();
  for (const [text, { keys, count }] of [...seen].sort((a, b) => b[0].length - a[0].length)) {
    if (count < 2 || [...names.keys()].some((outer) => outer.includes(text))) continue;
    const all = [...keys];
    let name = all.every((k) => k.endsWith("Ids")) && all.length > 1 ? "ids" : all[0] || "item";
    while (name in defs) name += "_";
    defs[name] = JSON.parse(text);
    names.set(text, name);
  }
  if (names.size === 0) return;
  const replace = (node: Record<string, unknown>) =>
    forEachSubschema(node, (child, _key, set) => {
      const name = names.get(JSON.stringify(child));
      if (name) set({ $ref: `#/$defs/${name}` });
      else replace(child as Record<string, unknown>);
    });
  replace(root);
  root.$defs = defs;
}

/** Calls `fn` for each direct subschema of a schema: properties, items, anyOf branches. */
function forEachSubschema(
  node: Record<string, unknown>,
  fn: (child: unknown, key: string, set: (value: unknown) => void) => void,
): void {
  const props = node.properties as Record<string, unknown> | undefined;
  if (props && typeof props === "object")
    for (const k of Object.keys(props))
      fn(props[k], k, (v) => {
        props[k] = v;
      });
  if (node.items && typeof node.items === "object" && !Array.isArray(node.items))
    fn(node.items, "", (v) => {
      node.items = v;
    });
  for (const list of ["anyOf", "oneOf", "allOf"] as const) {
    const branches = node[list];
    if (!Array.isArray(branches)) continue;
    for (let i = 0; i < branches.length; i++)
      fn(branches[i], "", (v) => {
        branches[i] = v;
      });
  }
}

/** The keywords that apply to one JSON type only: a value of another type ignores them. */
const TYPE_KEYWORDS: Record<string, ReadonlySet<string>> = {
  string: new Set(["minLength", "maxLength", "pattern", "format"]),
  number: new Set(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]),
  array: new Set(["items", "minItems", "maxItems", "prefixItems", "uniqueItems"]),
  object: new Set(["properties", "required", "additionalProperties", "minProperties", "maxProperties"]),
  null: new Set(),
  boolean: new Set(),
};
TYPE_KEYWORDS.integer = TYPE_KEYWORDS.number!;

/**
 * `anyOf` of branches of distinct types, each with only its own type's keywords, says the
 * same as one schema with a type list, shorter: `{"type": ["string", "null"], "maxLength": 500}`.
 * Null when the branches do not fit that.
 */
function mergeAnyOf(anyOf: unknown): Record<string, unknown> | null {
  if (!Array.isArray(anyOf) || anyOf.length < 2) return null;
  const types: string[] = [];
  const merged: Record<string, unknown> = {};
  for (const branch of anyOf as Record<string, unknown>[]) {
    const type = branch.type;
    if (typeof type !== "string" || types.includes(type) || !TYPE_KEYWORDS[type]) return null;
    types.push(type);
    for (const [key, value] of Object.entries(branch)) {
      if (key === "type") continue;
      if (!TYPE_KEYWORDS[type]!.has(key) || key in merged) return null;
      merged[key] = value;
    }
  }
  if ((types.includes("integer") && types.includes("number")) || types.length !== anyOf.length) return null;
  return { type: types, ...merged };
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}

const prepared = new WeakMap<
  ToolDefinition,
  { input: ReturnType<typeof listed>; output: ReturnType<typeof listed> }
>();

function schemasOf(tool: ToolDefinition) {
  let s = prepared.get(tool);
  if (!s) {
    s = { input: listed(tool.input, "input"), output: listed(tool.output, "output") };
    prepared.set(tool, s);
  }
  return s;
}

/**
 * The hints as listed, each only where it says something. The MCP spec gives destructiveHint
 * and idempotentHint meaning only when readOnlyHint is false, and a hint left out takes its
 * default: false for readOnlyHint and idempotentHint, true for destructiveHint and
 * openWorldHint. A false one is left out only where its default is false, so a client that
 * reads a missing hint as false still reads it right; destructiveHint is always said.
 */
function listedAnnotations(a: ToolAnnotations): Partial<ToolAnnotations> {
  const out: Partial<ToolAnnotations> = {};
  if (a.readOnlyHint) out.readOnlyHint = true;
  else {
    out.destructiveHint = a.destructiveHint;
    if (a.idempotentHint) out.idempotentHint = true;
  }
  out.openWorldHint = a.openWorldHint;
  return out;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ValidationError || error instanceof NotFoundError || error instanceof ConflictError) {
    return error.message;
  }
  return `Internal error: ${(error as Error)?.message ?? String(error)}`;
}

export function toolResult(value: Record<string, unknown>) {
  return { content: [{ type: "text" as const, text: JSON.stringify(value) }], structuredContent: value };
}

export function toolError(message: string) {
  return { content: [{ type: "text" as const, text: message }], isError: true };
}

/**
 * Requests whose arguments held a top-level `__proto__` key, by server. The SDK copies the
 * arguments into a new object by assignment, where that key sets the prototype or vanishes, so
 * it is noted on the raw message before the SDK sees it; nested ones reach `parse` as they came.
 */
const protoRequests = new WeakMap<McpServer, { ids: Set<unknown>; tools: Set<string> }>();

function noteProtoArguments(server: McpServer): { ids: Set<unknown>; tools: Set<string> } {
  // Only calls of our own tools are noted: their handler always runs and takes the note back,
  // so a note never outlives its request to meet a later one with the same id.
  const noted = { ids: new Set<unknown>(), tools: new Set<string>() };
  protoRequests.set(server, noted);
  const connect = server.connect.bind(server);
  server.connect = async (transport) => {
    await connect(transport);
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const m = message as {
        method?: unknown;
        id?: unknown;
        params?: { name?: unknown; arguments?: unknown };
      };
      const args = m.method === "tools/call" ? m.params?.arguments : undefined;
      if (
        typeof args === "object" &&
        args !== null &&
        Object.hasOwn(args, "__proto__") &&
        noted.tools.has(m.params?.name as string)
      )
        noted.ids.add(m.id);
      deliver?.(message, extra);
    };
  };
  return noted;
}

/**
 * Runs one tool as every adapter does (MCP, the REST API): the arguments parsed by its schema,
 * its handler, the call counted. Errors go to the caller as they came; unexpected ones are logged.
 */
export async function callTool(
  tool: ToolDefinition,
  args: unknown,
  ctx: ToolContext,
  log?: (m: string) => void,
): Promise<Record<string, unknown>> {
  try {
    const result = await tool.handler(parse(tool.input, args), ctx);
    ctx.app.metrics.recordToolCall(tool.name, "ok");
    return result;
  } catch (error) {
    if (
      !(error instanceof ValidationError || error instanceof NotFoundError || error instanceof ConflictError)
    ) {
      log?.(`tool ${tool.name} failed: ${(error as Error)?.stack ?? error}`);
      ctx.app.metrics.recordToolCall(tool.name, "error");
    } else ctx.app.metrics.recordToolCall(tool.name, "invalid");
    throw error;
  }
}

/** Registers the selected tools on a server, bound to one actor. */
export function registerTools(
  server: McpServer,
  tools: readonly ToolDefinition[],
  ctx: ToolContext,
  log?: (m: string) => void,
) {
  const noted = protoRequests.get(server) ?? noteProtoArguments(server);
  for (const tool of tools) {
    noted.tools.add(tool.name);
    const { input, output } = schemasOf(tool);
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: input,
        outputSchema: output,
        annotations: listedAnnotations(tool.annotations),
      },
      // biome-ignore lint/suspicious/noExplicitAny: arguments are parsed by the handler itself
      (async (args: any, request: { mcpReq?: { id?: unknown } }) => {
        try {
          const id = request?.mcpReq?.id;
          if (noted.ids.delete(id)) {
            ctx.app.metrics.recordToolCall(tool.name, "invalid");
            throw new ValidationError("", UNKNOWN_PROTO);
          }
          return toolResult(await callTool(tool, args ?? {}, ctx, log));
        } catch (error) {
          return toolError(errorMessage(error));
        }
      }) as never,
    );
  }
}

export function newServer(name: string, version: string, instructions?: string): McpServer {
  return new McpServer({ name, version }, { capabilities: { tools: {}, resources: {} }, instructions });
}
