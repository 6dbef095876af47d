import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../../app.js";
import { newNonce, redirect, sendPage } from "./context.js";
import { html } from "./html.js";
import { page } from "./layout.js";
import { clearedCookie, type SessionStore, sessionCookie } from "./sessions.js";

/** Where sign-in may send the browser next: a page of this UI that asked for it, nowhere else. */
export function safeNext(next: string | null | undefined): string | null {
  return next && /^\/oauth\/consent\/[A-Za-z0-9_-]{1,100}$/.test(next) ? next : null;
}

function loginPage(
  res: ServerResponse,
  status: number,
  error = "",
  extra: Record<string, string> = {},
  next: string | null = null,
) {
  const nonce = newNonce();
  const body = html`<div class="narrow">
  <h1>Sign in to crm-mcp</h1>
  ${next ? html`<p>An application asks to connect to this CRM. Sign in to see what it asks for.</p>` : ""}
  <form class="card" method="post" action="/login">
    ${next ? html`<input type="hidden" name="next" value="${next}">` : ""}
    <div class="field">
      <label for="key">API key</label>
      <input type="password" id="key" name="key" autocomplete="current-password" required autofocus${
        error ? html` aria-invalid="true" aria-describedby="key-error"` : ""
      }>
      ${error ? html`<p class="error" id="key-error">${error}</p>` : ""}
      <p class="hint">Make one with <code>crm-mcp keys create --name NAME</code>. The key stays on the server;
      your browser only gets a session cookie, valid for 12 hours.</p>
    </div>
    <button class="btn" type="submit">Sign in</button>
  </form>
</div>`;
  sendPage(res, status, nonce, page({ title: "Sign in", nonce, body }), extra);
}

export function showLogin(res: ServerResponse, hadStaleCookie: boolean, next: string | null = null) {
  loginPage(res, 200, "", hadStaleCookie ? { "set-cookie": clearedCookie() } : {}, safeNext(next));
}

export async function signIn(
  app: App,
  sessions: SessionStore,
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
  home = "/webhooks",
) {
  const actor = await app.tenants.authenticate(form.get("key")?.trim() || null);
  const next = safeNext(form.get("next"));
  if (!actor) return loginPage(res, 422, "That API key is not valid. Check it was copied in full.", {}, next);
  const previous = await sessions.fromRequest(req);
  if (previous) await sessions.end(previous);
  const session = await sessions.create(actor);
  redirect(res, next ?? home, { "set-cookie": sessionCookie(session) });
}
