import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../../app.js";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.js";
import type { ToolSelection } from "../../mcp/registry.js";
import type { OAuthServer } from "../oauth/provider.js";
import { decideConsent, listApps, revokeApp, showConsent } from "./apps.js";
import {
  type Ctx,
  homeOf,
  mountAt,
  newNonce,
  prefixOf,
  redirect,
  render,
  sendPage,
  type UiTool,
  uiRefusal,
} from "./context.js";
import { listDeliveries, resendDelivery, resendFailed, showDelivery } from "./deliveries.js";
import { eventCatalog } from "./events.js";
import { FormTooLarge, readForm, readMultipart } from "./forms.js";
import { html } from "./html.js";
import {
  exportDownload,
  importPage,
  runImport,
  UI_CSV_MAX_BYTES,
  UI_UPLOAD_MAX_BYTES,
  uploadTooLarge,
} from "./imports.js";
import { page } from "./layout.js";
import { safeNext, showLogin, signIn } from "./login.js";
import { showRecord } from "./records.js";
import { searchRecords } from "./search.js";
import {
  clearedCookie,
  cookieValue,
  csrfMatches,
  originAllowed,
  SESSION_COOKIE,
  SessionStore,
} from "./sessions.js";
import {
  confirmDeleteWebhook,
  createWebhook,
  deleteWebhook,
  editWebhookForm,
  listWebhooks,
  newWebhookForm,
  rotateWebhookSecret,
  showWebhook,
  toggleWebhook,
  updateWebhook,
} from "./webhooks.js";

type Method = "GET" | "POST";

interface Route {
  method: Method;
  pattern: RegExp;
  handle: (ctx: Ctx, id: string) => Promise<void>;
  /**
   * The MCP tool whose work the route does (or whose form it shows, or whose answer its page
   * shows): refused, page and form alike, when the server's toolsets or read-only flag would
   * refuse that tool. Sign-in and out, the consent page, connected apps and the CSV export
   * stand for no tool and stay.
   */
  tool?: UiTool;
}

const ID = "([A-Za-z0-9_-]{1,100})";

/** The signed-in routes. Sign-in, sign-out and `/` are handled before these. */
const ROUTES: Route[] = [
  { method: "GET", pattern: /^\/webhooks$/, handle: listWebhooks, tool: "list_webhooks" },
  { method: "POST", pattern: /^\/webhooks$/, handle: createWebhook, tool: "create_webhook" },
  { method: "GET", pattern: /^\/webhooks\/new$/, handle: newWebhookForm, tool: "create_webhook" },
  { method: "GET", pattern: new RegExp(`^/webhooks/${ID}$`), handle: showWebhook, tool: "get_webhook" },
  {
    method: "GET",
    pattern: new RegExp(`^/webhooks/${ID}/edit$`),
    handle: editWebhookForm,
    tool: "update_webhook",
  },
  { method: "POST", pattern: new RegExp(`^/webhooks/${ID}$`), handle: updateWebhook, tool: "update_webhook" },
  {
    method: "POST",
    pattern: new RegExp(`^/webhooks/${ID}/toggle$`),
    handle: toggleWebhook,
    tool: "update_webhook",
  },
  {
    method: "POST",
    pattern: new RegExp(`^/webhooks/${ID}/rotate$`),
    handle: rotateWebhookSecret,
    tool: "rotate_webhook_secret",
  },
  {
    method: "GET",
    pattern: new RegExp(`^/webhooks/${ID}/delete$`),
    handle: confirmDeleteWebhook,
    tool: "delete_webhook",
  },
  {
    method: "POST",
    pattern: new RegExp(`^/webhooks/${ID}/delete$`),
    handle: deleteWebhook,
    tool: "delete_webhook",
  },
  {
    method: "GET",
    pattern: /^\/deliveries$/,
    handle: (ctx) => listDeliveries(ctx),
    tool: "list_webhook_deliveries",
  },
  {
    method: "POST",
    pattern: /^\/deliveries\/resend-failed$/,
    handle: resendFailed,
    tool: "resend_failed_webhook_deliveries",
  },
  {
    method: "GET",
    pattern: new RegExp(`^/deliveries/${ID}$`),
    handle: showDelivery,
    tool: "get_webhook_delivery",
  },
  {
    method: "POST",
    pattern: new RegExp(`^/deliveries/${ID}/resend$`),
    handle: resendDelivery,
    tool: "resend_webhook_delivery",
  },
  { method: "GET", pattern: /^\/events$/, handle: eventCatalog, tool: "list_webhook_events" },
  { method: "GET", pattern: new RegExp(`^/records/${ID}$`), handle: showRecord, tool: "get_entities" },
  {
    method: "GET",
    pattern: /^\/search$/,
    handle: (ctx) => searchRecords(ctx),
    tool: "search_all_entities",
  },
  { method: "GET", pattern: new RegExp(`^/oauth/consent/${ID}$`), handle: showConsent },
  { method: "POST", pattern: new RegExp(`^/oauth/consent/${ID}$`), handle: decideConsent },
  { method: "GET", pattern: /^\/apps$/, handle: (ctx) => listApps(ctx) },
  { method: "POST", pattern: new RegExp(`^/apps/${ID}/revoke$`), handle: revokeApp },
  { method: "GET", pattern: /^\/import$/, handle: importPage },
  { method: "POST", pattern: /^\/import$/, handle: runImport, tool: "import_records" },
  { method: "GET", pattern: new RegExp(`^/export/${ID}$`), handle: exportDownload },
];

const OWN_PATHS = [/^\/$/, /^\/login$/, /^\/logout$/];

function methodOf(req: IncomingMessage): Method | null {
  if (req.method === "GET" || req.method === "HEAD") return "GET";
  if (req.method === "POST") return "POST";
  return null;
}

function plainPage(res: ServerResponse, status: number, title: string, message: string) {
  const nonce = newNonce();
  const body = html`<div class="narrow card"><h1>${title}</h1><p>${message}</p><p><a href="/">Back to the start</a></p></div>`;
  sendPage(res, status, nonce, page({ title, nonce, body }));
}

async function problemPage(ctx: Ctx, status: number, title: string, message: string) {
  const home = homeOf(ctx.selection);
  const back = home === "/webhooks" ? "Back to webhooks" : "Back to the start";
  const body = html`<div class="card"><h1>${title}</h1><p>${message}</p><p><a href="${home}">${back}</a></p></div>`;
  await render(ctx, status, { title, body });
}

/**
 * The web UI: sign-in with an API key, then Webhooks, Webhook Deliveries and the event
 * catalog. A thin layer: it routes, parses forms and renders; the services hold the rules.
 * Answers true when the request was one of its routes.
 */
export function uiHandler(
  app: App,
  oauth: () => OAuthServer | undefined = () => undefined,
  selection: ToolSelection = {},
) {
  const sessions = new SessionStore(app.store);
  const prefix = prefixOf(app.config.publicUrl);

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    const routes = ROUTES.filter((r) => r.pattern.test(path));
    if (routes.length === 0 && !OWN_PATHS.some((p) => p.test(path))) return false;
    mountAt(res, prefix);

    const method = methodOf(req);
    const allowed = routes.map((r) => r.method);
    if (path === "/" || path === "/login") allowed.push("GET");
    if (path === "/login" || path === "/logout") allowed.push("POST");
    if (!method || !allowed.includes(method)) {
      res.writeHead(405, {
        allow: [...new Set(allowed)].join(", "),
        "content-type": "text/plain; charset=utf-8",
      });
      res.end("Method not allowed");
      return true;
    }

    // Who is asking is known before any body is read: a POST from no one signed in (but
    // the sign-in form itself) is sent to sign in with its body unread, and an upload
    // that declares more than the bound is refused before a byte of it is taken.
    const session = await sessions.fromRequest(req);
    const staleCookie = !session && cookieValue(req.headers.cookie, SESSION_COOKIE) !== null;
    const toLogin = (extra: Record<string, string> = {}) =>
      redirect(res, "/login", { ...(staleCookie ? { "set-cookie": clearedCookie() } : {}), ...extra });

    const route = routes.find((r) => r.method === method);
    const refusal = session && route?.tool ? uiRefusal(route.tool, selection) : null;

    let form = new URLSearchParams();
    let upload: Ctx["upload"];
    if (refusal && session) {
      // What the server does not serve is refused before its form is read: nothing is written.
      const ctx: Ctx = { app, req, res, url, session, sessions, form, oauth: oauth(), selection };
      if (method === "POST") res.setHeader("connection", "close");
      await problemPage(ctx, 403, "Not on this server", refusal);
      return true;
    }
    if (method === "POST") {
      // Cookies are SameSite=Strict already; this also stops a page elsewhere that posts a key of its own.
      if (!originAllowed(req)) {
        plainPage(res, 403, "Forbidden", "This form was sent from another site, so it was refused.");
        return true;
      }
      if (!session && path !== "/login") {
        // The body is never read, so the connection is not kept for another request.
        toLogin({ connection: "close" });
        return true;
      }
      try {
        if (path === "/import" && /^multipart\/form-data/i.test(req.headers["content-type"] ?? "")) {
          const declared = Number(req.headers["content-length"] ?? 0);
          if (declared > UI_UPLOAD_MAX_BYTES) {
            res.setHeader("connection", "close");
            throw new FormTooLarge(uploadTooLarge());
          }
          ({ form, upload } = await readMultipart(req, UI_CSV_MAX_BYTES));
        } else form = await readForm(req);
      } catch (error) {
        if (!(error instanceof FormTooLarge)) throw error;
        plainPage(res, 413, "Too large", error.message || "The form was too large.");
        return true;
      }
    }

    if (path === "/") {
      if (session) redirect(res, homeOf(selection));
      else toLogin();
      return true;
    }
    if (path === "/login") {
      if (method === "POST") await signIn(app, sessions, req, res, form, homeOf(selection));
      else if (session) redirect(res, safeNext(url.searchParams.get("next")) ?? homeOf(selection));
      else showLogin(res, staleCookie, url.searchParams.get("next"));
      return true;
    }
    if (!session) {
      // The consent page asks to sign in first, then comes back.
      if (method === "GET" && path.startsWith("/oauth/consent/")) {
        redirect(
          res,
          `/login?next=${encodeURIComponent(path)}`,
          staleCookie ? { "set-cookie": clearedCookie() } : {},
        );
      } else toLogin();
      return true;
    }
    if (method === "POST" && !csrfMatches(session, form.get("csrf"))) {
      plainPage(
        res,
        403,
        "Forbidden",
        "This form has expired or was not sent from this site. Reload the page and try again.",
      );
      return true;
    }
    if (path === "/logout") {
      await sessions.end(session);
      redirect(res, "/login", { "set-cookie": clearedCookie() });
      return true;
    }

    // Every path but the three handled above has a route for the method, or was a 405.
    const id = route!.pattern.exec(path)?.[1] ?? "";
    const ctx: Ctx = { app, req, res, url, session, sessions, form, upload, oauth: oauth(), selection };
    try {
      await route!.handle(ctx, id);
    } catch (error) {
      if (res.headersSent) throw error;
      if (error instanceof NotFoundError) {
        await problemPage(
          ctx,
          404,
          "Not found",
          `No ${error.entity} with id "${error.id}" exists in this company.`,
        );
      } else if (error instanceof ConflictError) await problemPage(ctx, 409, "Not possible", error.message);
      else if (error instanceof ValidationError) await problemPage(ctx, 400, "Bad request", error.message);
      else throw error;
    }
    return true;
  };
}
