import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../../app.js";
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
  const text = body.toString();
  res.writeHead(status, {
    ...htmlHeaders(nonce, formActions),
    "content-length": String(Buffer.byteLength(text)),
    ...extra,
  });
  res.end(text);
}

/** 303 after a POST (and for sign-in redirects), so the browser follows with a GET. */
export function redirect(res: ServerResponse, location: string, extra: Record<string, string> = {}) {
  res.writeHead(303, { location, "cache-control": "no-store", "content-length": "0", ...extra });
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
  };
  sendPage(ctx.res, status, nonce, page({ ...opts, nonce, chrome }), {}, opts.formActions);
}
