import { z } from "zod";
import { NotFoundError } from "../../domain/errors.js";
import { ENTITIES, ENTITY_TYPES, type EntityType } from "../../domain/model.js";
import { idInput } from "../../domain/validate.js";
import type { ToolDefinition } from "../../mcp/registry.js";
import { ALL_TOOLS } from "../../mcp/server.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What a request carries, before the tool's schema has seen it. */
export interface RouteInput {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/**
 * One REST route: an HTTP face on one MCP tool, whose schema, validation, error texts,
 * handler and read-only flag it shares. Nothing here decides what a CRM rule means.
 */
export interface Route {
  method: Method;
  /** OpenAPI path template below /api/v1: `/contacts/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  tool: ToolDefinition;
  /** Path parameters, checked before the tool runs so that errors name them. */
  params?: z.ZodObject;
  /** Query parameters (GET and DELETE). */
  query?: z.ZodObject;
  /** The JSON body (POST, PUT, PATCH). */
  body?: z.ZodObject;
  /** Arguments the path fixes, such as the entity type. */
  fixed?: Record<string, unknown>;
  /** The tool's arguments; by default path, query, body and fixed merged. */
  args?: (input: RouteInput) => Record<string, unknown>;
  /** The answer's body; by default the tool's result. */
  answer?: (result: Record<string, unknown>, input: RouteInput) => unknown;
  /** The answer's schema; by default the tool's output schema. */
  output?: z.ZodType;
  /** 201 for creates. */
  status?: number;
}

function tool(name: string): ToolDefinition {
  const found = ALL_TOOLS.find((t) => t.name === name);
  if (!found) throw new Error(`no tool named ${name}`);
  return found;
}

type Keys = Record<string, true>;

const keys = (...names: string[]): Keys => Object.fromEntries(names.map((n) => [n, true]));

/** The tool's own schema for some of its arguments. */
function pick(t: ToolDefinition, ...names: string[]): z.ZodObject {
  return t.input.pick(keys(...names) as never) as unknown as z.ZodObject;
}

/** The tool's own schema for its arguments but some. */
function omit(t: ToolDefinition, ...names: string[]): z.ZodObject {
  return names.length ? (t.input.omit(keys(...names) as never) as unknown as z.ZodObject) : t.input;
}

const idParam = z.strictObject({ id: idInput });
const record = z.record(z.string(), z.unknown());
const upper = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A record read with get_entities: its `record`, or not found. */
function recordOf(type: EntityType, result: Record<string, unknown>): Record<string, unknown> {
  const [item] = result.items as { id: string; record?: Record<string, unknown> }[];
  if (!item?.record) throw new NotFoundError(type, item?.id ?? "");
  return item.record;
}

function entityRoutes(type: EntityType): Route[] {
  const plural = ENTITIES[type].plural;
  const name = upper(plural);
  const base = `/${plural}`;
  const fixed = { entity: type };
  const filter = tool("filter_entity");
  const count = tool("count_entity");
  const get = tool("get_entities");
  const del = tool("delete_entities");
  const notes = tool("update_entity_notes");
  const append = tool("append_entity_notes");
  const history = tool("get_entity_history");
  return [
    {
      method: "POST",
      path: base,
      operationId: `create${name}`,
      summary: `Create 1-100 ${plural} (all or nothing)`,
      tool: tool(`create_${plural}`),
      body: tool(`create_${plural}`).input,
      status: 201,
    },
    {
      method: "PATCH",
      path: base,
      operationId: `update${name}`,
      summary: `Change 1-100 ${plural}, only the fields given (all or nothing)`,
      tool: tool(`update_${plural}`),
      body: tool(`update_${plural}`).input,
    },
    {
      method: "GET",
      path: base,
      operationId: `list${name}`,
      summary: `List ${plural}, optionally matching a search term`,
      tool: filter,
      query: pick(filter, "searchTerm", "limit", "cursor"),
      fixed,
    },
    {
      method: "POST",
      path: `${base}/search`,
      operationId: `search${name}`,
      summary: `Find ${plural} by search term and filters, sorted and paged`,
      tool: filter,
      body: omit(filter, "entity"),
      fixed,
    },
    {
      method: "GET",
      path: `${base}/count`,
      operationId: `count${name}`,
      summary: `Count ${plural}, optionally matching a search term`,
      tool: count,
      query: pick(count, "searchTerm"),
      fixed,
    },
    {
      method: "POST",
      path: `${base}/count`,
      operationId: `count${name}ByFilters`,
      summary: `Count ${plural} matching a search term and filters`,
      tool: count,
      body: omit(count, "entity"),
      fixed,
    },
    {
      method: "GET",
      path: `${base}/configuration`,
      operationId: `describe${name}`,
      summary: `The fields, relationship arrays and custom columns of ${plural}`,
      tool: tool("get_entity_configuration"),
      fixed,
    },
    {
      method: "GET",
      path: `${base}/{id}`,
      operationId: `get${name}`,
      summary: `Read one of the ${plural}; include=withNotes adds its notes as markdown`,
      tool: get,
      params: idParam,
      query: z.strictObject({ include: z.enum(["masterData", "withNotes"]).optional() }),
      args: ({ path, query }) => ({ items: [{ entity: type, id: path.id, include: query.include }] }),
      answer: (result) => recordOf(type, result),
      output: record,
    },
    {
      method: "DELETE",
      path: `${base}/{id}`,
      operationId: `delete${name}`,
      summary: `Delete one of the ${plural}; linked records lose the link`,
      tool: del,
      params: idParam,
      args: ({ path }) => ({ entity: type, ids: [path.id] }),
    },
    {
      method: "POST",
      path: `${base}/delete`,
      operationId: `delete${name}Batch`,
      summary: `Delete 1-100 ${plural} (every id must exist, or nothing is deleted)`,
      tool: del,
      body: omit(del, "entity"),
      fixed,
    },
    ...(["link", "unlink"] as const).map(
      (mode): Route => ({
        method: "POST",
        path: `${base}/{id}/${mode}`,
        operationId: `${mode}${name}`,
        summary:
          mode === "link"
            ? "Add links to other records, keeping the existing ones"
            : "Remove some links, keeping the rest",
        tool: tool(`${mode}_entities`),
        params: idParam,
        body: omit(tool(`${mode}_entities`), "entity", "id"),
        fixed,
      }),
    ),
    {
      method: "GET",
      path: `${base}/{id}/notes`,
      operationId: `get${name}Notes`,
      summary: "A record's notes as markdown (null when it has none)",
      tool: get,
      params: idParam,
      args: ({ path }) => ({ items: [{ entity: type, id: path.id, include: "withNotes" }] }),
      answer: (result, { path }) => ({ id: path.id, notes: recordOf(type, result).notes ?? null }),
      output: z.object({ id: z.string(), notes: z.string().nullable() }),
    },
    {
      method: "PUT",
      path: `${base}/notes`,
      operationId: `replace${name}Notes`,
      summary: "Replace the notes of 1-100 records with markdown; null clears them",
      tool: notes,
      body: omit(notes, "entity"),
      fixed,
    },
    {
      method: "POST",
      path: `${base}/notes`,
      operationId: `append${name}Notes`,
      summary: "Add markdown after the notes of 1-100 records",
      tool: append,
      body: omit(append, "entity"),
      fixed,
    },
    {
      method: "PATCH",
      path: `${base}/custom-fields`,
      operationId: `set${name}CustomFields`,
      summary: "Set custom field values on 1-100 records (null clears)",
      tool: tool("update_entity_custom_fields"),
      body: omit(tool("update_entity_custom_fields"), "entity"),
      fixed,
    },
    {
      method: "GET",
      path: `${base}/{id}/history`,
      operationId: `get${name}History`,
      summary: "Who changed a record, when and what, newest first",
      tool: history,
      params: idParam,
      query: pick(history, "limit", "cursor"),
      fixed,
    },
  ];
}

const webhookUpdate = tool("update_webhook");
const rotate = tool("rotate_webhook_secret");
const columns = tool("list_custom_columns");

/** Every route, literal paths before templated ones where both could match. */
export const ROUTES: readonly Route[] = [
  ...ENTITY_TYPES.flatMap(entityRoutes),
  {
    method: "GET",
    path: "/search",
    operationId: "searchAll",
    summary: "Search names and emails across entity types at once",
    tool: tool("search_all_entities"),
    query: tool("search_all_entities").input,
  },
  {
    method: "GET",
    path: "/custom-columns",
    operationId: "listCustomColumns",
    summary: "The company's custom columns, optionally of one entity type",
    tool: columns,
    query: columns.input,
  },
  {
    method: "POST",
    path: "/custom-columns",
    operationId: "createCustomColumn",
    summary: "Add a custom column to an entity type",
    tool: tool("create_custom_column"),
    body: tool("create_custom_column").input,
    status: 201,
  },
  {
    method: "PATCH",
    path: "/custom-columns/{id}",
    operationId: "updateCustomColumn",
    summary: "Rename a custom column or change a singleSelect's options",
    tool: tool("update_custom_column"),
    params: idParam,
    body: omit(tool("update_custom_column"), "id"),
  },
  {
    method: "DELETE",
    path: "/custom-columns/{id}",
    operationId: "deleteCustomColumn",
    summary: "Delete a custom column and every value stored in it",
    tool: tool("delete_custom_column"),
    params: idParam,
  },
  {
    method: "GET",
    path: "/webhooks",
    operationId: "listWebhooks",
    summary: "The webhooks, newest first",
    tool: tool("list_webhooks"),
    query: tool("list_webhooks").input,
  },
  {
    method: "POST",
    path: "/webhooks",
    operationId: "createWebhook",
    summary: "Subscribe an https URL to events; a secret made here is shown once",
    tool: tool("create_webhook"),
    body: tool("create_webhook").input,
    status: 201,
  },
  {
    method: "GET",
    path: "/webhooks/{id}",
    operationId: "getWebhook",
    summary: "One webhook (whether a secret is set, never which)",
    tool: tool("get_webhook"),
    params: idParam,
  },
  {
    method: "PATCH",
    path: "/webhooks/{id}",
    operationId: "updateWebhook",
    summary: "Change any of a webhook's fields; a null secret removes it",
    tool: webhookUpdate,
    params: idParam,
    body: omit(webhookUpdate, "id"),
  },
  {
    method: "DELETE",
    path: "/webhooks/{id}",
    operationId: "deleteWebhook",
    summary: "Delete a webhook; its deliveries can no longer be resent",
    tool: tool("delete_webhook"),
    params: idParam,
  },
  {
    method: "POST",
    path: "/webhooks/{id}/rotate-secret",
    operationId: "rotateWebhookSecret",
    summary: "A new secret, shown once; the old one still signs for graceHours",
    tool: rotate,
    params: idParam,
    body: omit(rotate, "id"),
  },
  {
    method: "GET",
    path: "/webhook-deliveries",
    operationId: "listWebhookDeliveries",
    summary: "The delivery log, newest first",
    tool: tool("list_webhook_deliveries"),
    query: tool("list_webhook_deliveries").input,
  },
  {
    method: "POST",
    path: "/webhook-deliveries/resend-failed",
    operationId: "resendFailedWebhookDeliveries",
    summary: "Resend, once, each event whose latest attempt in the window failed",
    tool: tool("resend_failed_webhook_deliveries"),
    body: tool("resend_failed_webhook_deliveries").input,
  },
  {
    method: "GET",
    path: "/webhook-deliveries/{id}",
    operationId: "getWebhookDelivery",
    summary: "One delivery in full: request, response, error, duration",
    tool: tool("get_webhook_delivery"),
    params: idParam,
  },
  {
    method: "POST",
    path: "/webhook-deliveries/{id}/resend",
    operationId: "resendWebhookDelivery",
    summary: "Send a delivery again as a new one; answers with its outcome",
    tool: tool("resend_webhook_delivery"),
    params: idParam,
    status: 201,
  },
  {
    method: "GET",
    path: "/webhook-events",
    operationId: "listWebhookEvents",
    summary: "The event catalog with each payload's JSON Schema",
    tool: tool("list_webhook_events"),
  },
  {
    method: "GET",
    path: "/me",
    operationId: "getCurrentUser",
    summary: "The user this API key acts as",
    tool: tool("get_current_user"),
  },
  {
    method: "GET",
    path: "/users",
    operationId: "listUsers",
    summary: "The company's users",
    tool: tool("list_users"),
  },
  {
    method: "GET",
    path: "/company",
    operationId: "getCompany",
    summary: "The company this API key works in",
    tool: tool("get_company"),
  },
];

/** The route for a method and a path below /api/v1, with its path parameters. */
export function match(
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | { allowed: Method[] } | null {
  const segments = path.split("/");
  const allowed: Method[] = [];
  for (const route of ROUTES) {
    const template = route.path.split("/");
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < template.length && ok; i++) {
      const part = template[i]!;
      if (part.startsWith("{")) {
        let value: string;
        try {
          value = decodeURIComponent(segments[i]!);
        } catch {
          value = segments[i]!;
        }
        if (value === "") ok = false;
        else params[part.slice(1, -1)] = value;
      } else ok = part === segments[i];
    }
    if (!ok) continue;
    // A literal route (/contacts/count) wins over a templated one (/contacts/{id}) for its path.
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : null;
}
