import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../../app.js";
import { selectTools, type ToolDefinition, type ToolSelection } from "../../mcp/registry.js";
import { ALL_TOOLS } from "../../mcp/server.js";
import type { OAuthServer } from "../oauth/provider.js";
import type { Upload } from "./forms.js";
import type { Html } from "./html.js";
import { type PageChrome, page, type Section } from "./layout.js";
import type { Flash, Session, SessionStore } from "./sessions.js";

/** One request to a UI route, with the signed-in session (absent on public routes). */
export interface Ctx {
  app: App;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  session: Session;
  sessions: SessionStore;
  /** The POSTed form (empty for GET). */
  form: URLSearchParams;
  /** The authorization server, when OAuth is on. */
  oauth?: OAuthServer;
  /** The file of a multipart form (the CSV import). */
  upload?: Upload;
  /** The server's toolsets and read-only flag (`--toolsets`, `--read-only`). */
  selection: ToolSelection;
}

/**
 * The MCP tool a page or form of the UI stands for: the UI shows nothing its read tool may
 * not list, and changes nothing its write tool may not.
 */
export type UiTool =
  | "list_webhooks"
  | "get_webhook"
  | "list_webhook_deliveries"
  | "get_webhook_delivery"
  | "list_webhook_events"
  | "get_entities"
  | "search_all_entities"
  | "create_webhook"
  | "update_webhook"
  | "rotate_webhook_secret"
  | "delete_webhook"
  | "resend_webhook_delivery"
  | "resend_failed_webhook_deliveries"
  | "import_records";

function toolNamed(name: UiTool): ToolDefinition {
  const tool = ALL_TOOLS.find((t) => t.name === name);
  // Stryker disable next-line all: unreachable, UiTool names only tools that exist
  if (!tool) throw new Error(`no tool named ${name}`);
  return tool;
}

/**
 * Why the server's selection keeps the UI from what `tool` does, or null when it does not.
 * The rule is MCP's own (`selectTools`, read-only by readOnlyHint); only the words are the UI's.
 */
export function uiRefusal(name: UiTool, selection: ToolSelection): string | null {
  const tool = toolNamed(name);
  if (selectTools([tool], selection).length === 1) return null;
  if (selection.toolsets && !selection.toolsets.includes(tool.toolset)) {
    // A read tool stands for a page, a write tool for a form (and the page that holds it).
    const what = tool.annotations.readOnlyHint ? "page" : "form";
    const does = tool.annotations.readOnlyHint ? "show it" : "do it";
    return `This server serves only the ${selection.toolsets.join(", ")} toolset${selection.toolsets.length === 1 ? "" : "s"} (--toolsets), and this ${what} belongs to ${tool.toolset} (the ${tool.name} tool), so the web UI does not ${does} either. Serve ${tool.toolset} too to use it.`;
  }
  return `This server is read-only (--read-only): the web UI shows data but changes nothing, as MCP and the REST API do (the ${tool.name} tool is not served). Start the server without --read-only to use this form.`;
}

/** Whether the page should offer the form that does what `tool` does, or link to the page that shows it. */
export function offers(ctx: Ctx, tool: UiTool): boolean {
  return serves(ctx.selection, tool);
}

/** Whether a server of this selection serves `tool`, and with it the UI's page or form of it. */
export function serves(selection: ToolSelection, tool: UiTool): boolean {
  return uiRefusal(tool, selection) === null;
}

/** The sections of the top bar whose pages the selection serves, in their order. */
export function sectionsOf(selection: ToolSelection): Section[] {
  const shown: Section[] = [];
  if (serves(selection, "list_webhooks")) shown.push("webhooks");
  if (serves(selection, "list_webhook_deliveries")) shown.push("deliveries");
  if (serves(selection, "list_webhook_events")) shown.push("events");
  shown.push("apps", "import");
  return shown;
}

/**
 * Where the UI starts, after sign-in and at `/`: the webhooks, or where a server without
 * them has something to show (the import page, which always offers the CSV export).
 */
export function homeOf(selection: ToolSelection): string {
  return serves(selection, "list_webhooks") ? "/webhooks" : "/import";
}

/**
 * The path of the public URL (`/crm` for `CRM_PUBLIC_URL=https://host/crm`), which the proxy in
 * front takes off each request: the UI's own addresses, written from the root, get it back.
 */
const mounts = new WeakMap<ServerResponse, string>();

/** Answers on `res` address the UI below `prefix` ("" at the root). */
export function mountAt(res: ServerResponse, prefix: string): void {
  if (prefix) mounts.set(res, prefix);
}

/** The UI's path prefix of a public URL: "" when it has none. */
export function prefixOf(publicUrl: string | undefined): string {
  return publicUrl ? new URL(publicUrl).pathname.replace(/\/+$/, "") : "";
}

/** A root-relative address (`/webhooks`) below the prefix; any other left as it is. */
function below(res: ServerResponse, location: string): string {
  const prefix = mounts.get(res);
  return prefix && location.startsWith("/") && !location.startsWith("//") ? `${prefix}${location}` : location;
}

/**
 * A page's links, forms and sources below the prefix. Values written into a page are escaped,
 * so an attribute opening `="/` is always one of the page's own addresses.
 */
function pageBelow(res: ServerResponse, text: string): string {
  const prefix = mounts.get(res);
  return prefix ? text.replace(/(\s(?:href|action|src)=")\/(?!\/)/g, `$1${prefix}/`) : text;
}

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/** `formActions`: origins a form of the page may end up at (the consent form redirects to the client). */
export function htmlHeaders(nonce: string, formActions: readonly string[] = []): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": [
      "default-src 'none'",
      `style-src 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      "img-src 'self'",
      ["form-action 'self'", ...formActions].join(" "),
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join("; "),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
  };
}

export function sendPage(
  res: ServerResponse,
  status: number,
  nonce: string,
  body: Html,
  extra: Record<string, string> = {},
  formActions: readonly string[] = [],
) {
  const text = pageBelow(res, body.toString());
  res.writeHead(status, {
    ...htmlHeaders(nonce, formActions),
    "content-length": String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

/** 303 after a POST (and for sign-in redirects), so the browser follows with a GET. */
export function redirect(res: ServerResponse, location: string, extra: Record<string, string> = {}) {
  res.writeHead(303, {
    location: below(res, location),
    "cache-control": "no-store",
    "content-length": "0",
    ...extra,
  });
  res.end();
}

/** Redirects, with a message for the next page; kept in the store first, as any node may serve that page. */
export async function redirectWithFlash(ctx: Ctx, location: string, flash: Flash) {
  await ctx.sessions.setFlash(ctx.session, flash);
  redirect(ctx.res, location);
}

/** Renders a page of the signed-in UI: header, nav, the pending flash message. */
export async function render(
  ctx: Ctx,
  status: number,
  opts: {
    title: string;
    active?: Section;
    body: Html;
    refreshSeconds?: number;
    script?: boolean;
    search?: string;
    formActions?: readonly string[];
  },
) {
  const nonce = newNonce();
  const company = await ctx.app.tenants.company(ctx.session.actor);
  const flash = ctx.session.flash;
  if (flash) await ctx.sessions.setFlash(ctx.session, undefined);
  const chrome: PageChrome = {
    company: company.name,
    csrf: ctx.session.csrf,
    active: opts.active,
    flash,
    search: opts.search,
    sections: sectionsOf(ctx.selection),
    searchBox: serves(ctx.selection, "search_all_entities"),
  };
  sendPage(ctx.res, status, nonce, page({ ...opts, nonce, chrome }), {}, opts.formActions);
}
