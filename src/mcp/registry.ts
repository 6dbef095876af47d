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
  return {
    "~standard": {
      version: 1 as const,
      vendor: "crm-mcp",
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: () => json, output: () => json },
    },
  };
}

/**
 * Drops what costs an agent's context more than it tells it: a regex beside a `format`,
 * `propertyNames` of plain records, `minLength: 1`, and `additionalProperties: {}` (what
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
    if (key === "additionalProperties" && isEmptyObject(value)) continue;
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
        annotations: tool.annotations,
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
