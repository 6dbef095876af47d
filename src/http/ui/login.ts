import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "../../app.js";
import { newNonce, redirect, sendPage } from "./context.js";
import { html } from "./html.js";
import { page } from "./layout.js";
import { clearedCookie, type SessionStore, sessionCookie } from "./sessions.js";

function loginPage(res: ServerResponse, status: number, error = "", extra: Record<string, string> = {}) {
  const nonce = newNonce();
  const body = html`<div class="narrow">
  <h1>Sign in to crm-mcp</h1>
  <form class="card" method="post" action="/login">
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

export function showLogin(res: ServerResponse, hadStaleCookie: boolean) {
  loginPage(res, 200, "", hadStaleCookie ? { "set-cookie": clearedCookie() } : {});
}

export async function signIn(
  app: App,
  sessions: SessionStore,
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
) {
  const actor = await app.tenants.authenticate(form.get("key")?.trim() || null);
  if (!actor) return loginPage(res, 422, "That API key is not valid. Check it was copied in full.");
  const previous = await sessions.fromRequest(req);
  if (previous) await sessions.end(previous);
  const session = await sessions.create(actor);
  redirect(res, "/webhooks", { "set-cookie": sessionCookie(session) });
}
