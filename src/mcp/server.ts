import type { McpServer } from "@modelcontextprotocol/server";
import type { App } from "../app.js";
import { ID_PREFIX, recordPath } from "../domain/ids.js";
import { catalogAsJson } from "../events/catalog.js";
import type { Actor } from "../events/recorder.js";
import { VERSION } from "../version.js";
import {
  newServer,
  registerTools,
  selectTools,
  TOOLSETS,
  type ToolDefinition,
  type ToolSelection,
} from "./registry.js";
import { adminTools } from "./tools/admin.js";
import { crmTools } from "./tools/crm.js";
import { importTools } from "./tools/import.js";
import { webhookTools } from "./tools/webhooks.js";

/** Every tool, in the order they are listed. */
export const ALL_TOOLS: readonly ToolDefinition[] = [
  ...crmTools,
  ...importTools,
  ...webhookTools,
  ...adminTools,
];

export const CATALOG_URI = "crm://webhooks/events";

/**
 * One MCP server instance acting as `actor`, listing the selected tools. `publicUrl` is where
 * people reach the web UI (`CRM_PUBLIC_URL` unless the caller knows better); without one,
 * records in results carry no `url`.
 */
export function buildMcpServer(
  app: App,
  actor: Actor,
  selection: ToolSelection = {},
  log?: (m: string) => void,
  publicUrl: string | undefined = app.config.publicUrl,
): McpServer {
  const server = newServer("crm-mcp", VERSION, instructions(selection));
  readClockOnInitialize(server, selection);
  const recordUrl = publicUrl ? (id: string) => `${publicUrl}${recordPath(id)}` : undefined;
  registerTools(server, selectTools(ALL_TOOLS, selection), { app, actor, recordUrl }, log);
  if (!selection.toolsets || selection.toolsets.includes("webhooks")) {
    server.registerResource(
      "webhook-events",
      CATALOG_URI,
      {
        title: "Webhook event catalog",
        description: "The fifteen events with their payload JSON Schemas",
        mimeType: "application/json",
      },
      async (uri) => ({
        contents: [
          { uri: uri.href, mimeType: "application/json", text: JSON.stringify({ events: catalogAsJson() }) },
        ],
      }),
    );
  }
  return server;
}

/**
 * An instance may outlive its first request (Streamable HTTP keeps idle ones), so the
 * instructions are written when an agent initializes, with the clock of that moment. The
 * SDK keeps them in a field set once by its constructor; a getter in its place is read on
 * each initialize. Should the field ever be renamed, this fails at the first build instead
 * of serving a stale clock.
 */
function readClockOnInitialize(server: McpServer, selection: ToolSelection) {
  const inner = server.server as unknown as object;
  if (!Object.hasOwn(inner, "_instructions"))
    throw new Error("the MCP SDK no longer keeps instructions in `_instructions`; see readClockOnInitialize");
  Object.defineProperty(inner, "_instructions", { get: () => instructions(selection), configurable: true });
}

/** Read once: asking Intl for it costs more than the rest of the instructions. */
let timeZone: string | undefined;
function serverTimeZone(): string {
  timeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone;
  return timeZone;
}

/**
 * What an agent reads once, on initialize: what the ids mean, where to start, and the
 * server's clock, so that "today" and "the last hour" need no clock of its own.
 */
export function instructions(selection: ToolSelection = {}, now = new Date()): string {
  const sets = selection.toolsets ?? TOOLSETS;
  const prefixes = (Object.entries(ID_PREFIX) as [string, string][])
    .filter(([kind]) => kind !== "company" && kind !== "apiKey")
    .map(([kind, prefix]) => `${prefix}_ ${kind}`)
    .join(", ");
  const lines = [`crm-mcp, a CRM with signed webhooks. Ids tell their kind by prefix: ${prefixes}.`];
  if (sets.includes("crm")) {
    lines.push(
      "Call get_entity_configuration first: it lists an entity type's fields, relationship arrays and custom columns. search_all_entities finds an id by name; get_entity_history tells who changed a record.",
    );
  }
  lines.push(
    `Toolsets here: ${sets.join(", ")}${selection.readOnly ? " (read-only)" : ""}.`,
    `Now: ${now.toISOString()} (server time zone ${serverTimeZone()}); times are ISO 8601, stored and shown in UTC.`,
  );
  return lines.join("\n");
}
