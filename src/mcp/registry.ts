import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { App } from "../app.js";
import { ConflictError, NotFoundError, ValidationError } from "../domain/errors.js";
import { parse } from "../domain/validate.js";
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
}

/** The tools a selection lists; read-only mode follows from each tool's readOnlyHint. */
export function selectTools(
  tools: readonly ToolDefinition[],
  selection: ToolSelection = {},
): ToolDefinition[] {
  const sets = new Set(selection.toolsets ?? TOOLSETS);
  return tools.filter((t) => sets.has(t.toolset) && (!selection.readOnly || t.annotations.readOnlyHint));
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
 * `propertyNames` of plain records, and bounds so loose no caller meets them. The handler
 * still checks all of them.
 */
function compact(node: unknown, io: "input" | "output"): unknown {
  if (Array.isArray(node)) return node.map((n) => compact(n, io));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "pattern" && "format" in node) continue;
    if (key === "propertyNames") continue;
    if (key === "minLength" && value === 1) continue;
    if ((key === "maxLength" || key === "maxItems") && typeof value === "number" && value >= 200) continue;
    // What a tool returns needs no closed-world rule; what it takes keeps it.
    if (io === "output" && key === "additionalProperties" && value === false) continue;
    out[key] = compact(value, io);
  }
  // `anyOf` of bare types reads shorter as a type list: {"type": ["string", "null"]}.
  const anyOf = out.anyOf as Record<string, unknown>[] | undefined;
  if (anyOf?.every((a) => Object.keys(a).length === 1 && typeof a.type === "string")) {
    delete out.anyOf;
    out.type = anyOf.map((a) => a.type);
  }
  return out;
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

/** Registers the selected tools on a server, bound to one actor. */
export function registerTools(
  server: McpServer,
  tools: readonly ToolDefinition[],
  ctx: ToolContext,
  log?: (m: string) => void,
) {
  for (const tool of tools) {
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
      (async (args: any) => {
        try {
          const parsed = parse(tool.input, args ?? {});
          const result = toolResult(await tool.handler(parsed, ctx));
          ctx.app.metrics.recordToolCall(tool.name, "ok");
          return result;
        } catch (error) {
          if (
            !(
              error instanceof ValidationError ||
              error instanceof NotFoundError ||
              error instanceof ConflictError
            )
          ) {
            log?.(`tool ${tool.name} failed: ${(error as Error)?.stack ?? error}`);
            ctx.app.metrics.recordToolCall(tool.name, "error");
          } else ctx.app.metrics.recordToolCall(tool.name, "invalid");
          return toolError(errorMessage(error));
        }
      }) as never,
    );
  }
}

export function newServer(name: string, version: string): McpServer {
  return new McpServer({ name, version }, { capabilities: { tools: {}, resources: {} } });
}
