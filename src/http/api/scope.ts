import type { IncomingMessage } from "node:http";
import type { Actor } from "../../events/recorder.js";
import { selectTools, type ToolDefinition, type ToolSelection } from "../../mcp/registry.js";

/**
 * What one request may do, as the toolsets and read-only flag MCP lists tools by: the
 * server's selection (`--toolsets`, `--read-only`). API keys carry no scopes of their own;
 * a credential that does narrows the selection here, and every route follows.
 */
export function scopeOf(_req: IncomingMessage, _actor: Actor, server: ToolSelection = {}): ToolSelection {
  return server;
}

/** Why a selection does not reach a tool, or null when it does. Read-only follows readOnlyHint. */
export function refusalOf(tool: ToolDefinition, selection: ToolSelection): string | null {
  if (selectTools([tool], selection).length === 1) return null;
  if (selection.toolsets && !selection.toolsets.includes(tool.toolset)) {
    return `Forbidden: this route belongs to the ${tool.toolset} toolset, which this server does not serve (toolsets: ${selection.toolsets.join(", ")})`;
  }
  return "Forbidden: this server is read-only and this route changes data";
}
