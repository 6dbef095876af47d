import { VERSION } from "../../version.js";
import { IDEMPOTENCY_KEY_MAX_LENGTH } from "./idempotency.js";
import { problemSchema } from "./problem.js";
import { ROUTES, type Route } from "./routes.js";
import { type JsonSchema, jsonSchemaOf } from "./schemas.js";

const PROBLEM_REF = { $ref: "#/components/responses/Problem" };

/**
 * Moves each schema's `$defs` (zod writes them for recursive and shared parts) into
 * components, with its `$ref`s rewritten to point there, so every reference resolves from
 * the document's root.
 */
function hoist(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  const local = (schema.$defs ?? {}) as Record<string, JsonSchema>;
  const names = new Map<string, string>();
  for (const name of Object.keys(local)) {
    let unique = name.replace(/[^A-Za-z0-9._-]/g, "_");
    for (let n = 2; unique in defs; n++) unique = `${name}_${n}`;
    names.set(name, unique);
    defs[unique] = {};
  }
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== "object") return node;
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "$defs") continue;
      if (key === "$ref" && typeof value === "string") {
        const name = value.startsWith("#/$defs/") ? names.get(value.slice(8)) : undefined;
        // A bare "#" is the schema itself: only reachable through a def, which zod always makes.
        out.$ref = name ? `#/components/schemas/${name}` : value;
      } else out[key] = rewrite(value);
    }
    return out;
  };
  for (const [name, def] of Object.entries(local)) defs[names.get(name)!] = rewrite(def) as JsonSchema;
  return rewrite(schema) as JsonSchema;
}

function parameters(route: Route, defs: Record<string, JsonSchema>): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (!schema) continue;
    const json = hoist(jsonSchemaOf(schema, "input"), defs);
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries((json.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...rest } = property;
      out.push({
        name,
        in: where,
        required: where === "path" || required.has(name),
        ...(typeof description === "string" && { description }),
        schema: rest,
      });
    }
  }
  if (route.method === "POST") {
    out.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "A repeat with the same key and the same request gets the stored answer for 24 hours; with another request, 422",
      schema: { type: "string", minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
    });
  }
  return out;
}

function operation(route: Route, defs: Record<string, JsonSchema>): JsonSchema {
  const op: JsonSchema = {
    operationId: route.operationId,
    summary: route.summary,
    description: `${route.tool.description}\n\nRuns the MCP tool \`${route.tool.name}\`.`,
    tags: [route.path.split("/")[1]],
  };
  const params = parameters(route, defs);
  if (params.length) op.parameters = params;
  if (route.body) {
    const schema = hoist(jsonSchemaOf(route.body, "input"), defs);
    op.requestBody = {
      required: ((schema.required ?? []) as string[]).length > 0,
      content: { "application/json": { schema } },
    };
  }
  const output = hoist(jsonSchemaOf(route.output ?? route.tool.output, "output"), defs);
  op.responses = {
    [String(route.status ?? 200)]: {
      description: route.summary,
      content: { "application/json": { schema: output } },
    },
    default: PROBLEM_REF,
  };
  return op;
}

/** The OpenAPI 3.1 document of /api/v1, made from the routes and their tools' zod schemas. */
export function openApiDocument(): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of ROUTES) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation(route, defs);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "crm-mcp REST API",
      version: VERSION,
      description:
        "The CRM of crm-mcp over plain HTTP: each route runs the MCP tool it names, with the same validation, error texts and scopes. Errors are application/problem+json (RFC 9457). Lists take limit and cursor and return items, nextCursor and total.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }, { apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API key (`crm-mcp keys create`)" },
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
      },
      schemas: { Problem: jsonSchemaOf(problemSchema, "output"), ...defs },
      responses: {
        Problem: {
          description: "An error, as RFC 9457 has it",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
    },
  };
}
