import { selectTools, type ToolDefinition, type ToolSelection } from "../../mcp/registry.js";

/**
 * What one request may do, as the toolsets and read-only flag MCP lists tools by. An API key
 * carries no scopes of its own: the server's selection (`--toolsets`, `--read-only`) holds.
 * An OAuth token's selection is its scopes already narrowed by the server's, as on /mcp.
 */
export function scopeOf(caller: { selection?: ToolSelection }, server: ToolSelection = {}): ToolSelection {
  return caller.selection ?? server;
}

/** Why a selection does not reach a tool, or null when it does. Read-only follows readOnlyHint. */
export function refusalOf(tool: ToolDefinition, selection: ToolSelection): string | null {
  if (selectTools([tool], selection).length === 1) return null;
  if (selection.toolsets && !selection.toolsets.includes(tool.toolset)) {
    return `Forbidden: this route belongs to the ${tool.toolset} toolset, which this server does not serve (toolsets: ${selection.toolsets.join(", ")})`;
  }
  return "Forbidden: this server is read-only and this route changes data";
}
