import type { McpServer } from "@modelcontextprotocol/server";
import type { App } from "../app.js";
import { catalogAsJson } from "../events/catalog.js";
import type { Actor } from "../events/recorder.js";
import { VERSION } from "../version.js";
import {
  newServer,
  registerTools,
  selectTools,
  type ToolDefinition,
  type ToolSelection,
} from "./registry.js";
import { adminTools } from "./tools/admin.js";
import { crmTools } from "./tools/crm.js";
import { webhookTools } from "./tools/webhooks.js";

/** Every tool, in the order they are listed. */
export const ALL_TOOLS: readonly ToolDefinition[] = [...crmTools, ...webhookTools, ...adminTools];

export const CATALOG_URI = "crm://webhooks/events";

/** One MCP server instance acting as `actor`, listing the selected tools. */
export function buildMcpServer(
  app: App,
  actor: Actor,
  selection: ToolSelection = {},
  log?: (m: string) => void,
): McpServer {
  const server = newServer("crm-mcp", VERSION);
  registerTools(server, selectTools(ALL_TOOLS, selection), { app, actor }, log);
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
