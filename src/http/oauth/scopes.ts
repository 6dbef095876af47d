import { TOOLSETS, type ToolSelection, type Toolset } from "../../mcp/registry.js";

/** What an OAuth client may ask for, each mapped onto a toolset and whether it may write. */
export const SCOPES = {
  "crm:read": {
    toolset: "crm",
    write: false,
    label: "Read contacts, organizations, deals, services and tasks",
  },
  "crm:write": { toolset: "crm", write: true, label: "Create, change and delete CRM records" },
  "webhooks:read": { toolset: "webhooks", write: false, label: "See webhooks and their deliveries" },
  "webhooks:write": { toolset: "webhooks", write: true, label: "Create, change, delete and resend webhooks" },
  admin: { toolset: "admin", write: true, label: "Manage custom columns, and see the users and the company" },
} as const satisfies Record<string, { toolset: Toolset; write: boolean; label: string }>;

export type Scope = keyof typeof SCOPES;
export const SCOPE_NAMES = Object.keys(SCOPES) as Scope[];

export function isScope(s: string): s is Scope {
  return Object.hasOwn(SCOPES, s);
}

/**
 * The tools a token's scopes allow, narrowed by what the server itself serves: a toolset is
 * listed when any of its scopes was granted, and only its read-only tools unless a writing
 * scope was granted too.
 */
export function selectionForScopes(scopes: Iterable<string>, served: ToolSelection = {}): ToolSelection {
  const readable = new Set<Toolset>();
  const writable = new Set<Toolset>();
  for (const s of scopes) {
    if (!isScope(s)) continue;
    const { toolset, write } = SCOPES[s];
    readable.add(toolset);
    if (write) writable.add(toolset);
  }
  const servedSets = served.toolsets ?? TOOLSETS;
  const toolsets = servedSets.filter((t) => readable.has(t));
  const readOnlyToolsets = served.readOnly ? toolsets : toolsets.filter((t) => !writable.has(t));
  return { toolsets, readOnly: served.readOnly, readOnlyToolsets };
}
