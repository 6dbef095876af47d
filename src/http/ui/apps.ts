import { ConflictError, NotFoundError } from "../../domain/errors.js";
import type { OAuthServer } from "../oauth/provider.js";
import { isScope, SCOPES } from "../oauth/scopes.js";
import { type Ctx, redirect, redirectWithFlash, render } from "./context.js";
import { type Html, html } from "./html.js";
import { csrfField, formatTime } from "./layout.js";

function oauthOf(ctx: Ctx): OAuthServer {
  if (!ctx.oauth)
    throw new ConflictError("OAuth is off on this server (CRM_OAUTH=0); unset it to connect applications");
  return ctx.oauth;
}

/** The pending authorization request this browser holds, from the provider's own cookie. */
async function interaction(ctx: Ctx, oauth: OAuthServer, uid: string) {
  let details: Awaited<ReturnType<OAuthServer["provider"]["interactionDetails"]>>;
  // The provider answers with addresses below the public URL's path, when it has one.
  oauth.mount(ctx.req);
  try {
    details = await oauth.provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    throw new ConflictError(
      "This authorization request has expired or was started in another browser. Start connecting again from the application.",
    );
  }
  if (details.uid !== uid) throw new NotFoundError("authorization request", uid);
  return details;
}

/** The asked scopes as boxes to tick: the person may grant less than the application asks for. */
function scopeChoices(scopes: readonly string[]): Html {
  const known = scopes.filter(isScope);
  if (known.length === 0) return html`<p>It asks for no access to any tools.</p>`;
  return html`<fieldset class="scopes"><legend>Allow it to</legend>${known.map(
    (s) =>
      html`<label><input type="checkbox" name="scope" value="${s}" checked> <code>${s}</code>: ${SCOPES[s].label}</label><br>`,
  )}</fieldset>`;
}

function scopeList(scopes: readonly string[]): Html {
  const known = scopes.filter(isScope);
  if (known.length === 0) return html`<p>No access to any tools.</p>`;
  return html`<ul class="scopes">${known.map(
    (s) => html`<li><code>${s}</code>: ${SCOPES[s].label}</li>`,
  )}</ul>`;
}

/** The client's own name, or its id when it gave none. */
async function clientName(oauth: OAuthServer, clientId: string): Promise<string> {
  try {
    const client = await oauth.provider.Client.find(clientId);
    return (client?.clientName as string | undefined) ?? clientId;
  } catch {
    return clientId;
  }
}

/**
 * The consent page: what the application is, where the browser goes back to, and what it
 * may do. The signed-in user approves or denies.
 */
export async function showConsent(ctx: Ctx, uid: string): Promise<void> {
  const oauth = oauthOf(ctx);
  const details = await interaction(ctx, oauth, uid);
  const params = details.params as Record<string, string | undefined>;
  const clientId = params.client_id ?? "";
  const name = await clientName(oauth, clientId);
  const redirectUri = params.redirect_uri ?? "";
  const scopes = (params.scope ?? "").split(" ").filter(Boolean);
  const body = html`<div class="narrow card">
  <h1>Connect ${name}?</h1>
  <p><strong>${name}</strong> asks to use this CRM as you, through MCP.</p>
  <dl>
    <dt>Application</dt><dd><code>${clientId}</code></dd>
    <dt>Returns to</dt><dd><code>${redirectUri}</code></dd>
    <dt>Server</dt><dd><code>${oauth.resource}</code></dd>
  </dl>
  <form method="post" action="/oauth/consent/${uid}">
    ${csrfField(ctx.session.csrf)}
    ${scopeChoices(scopes)}
    <button class="btn" type="submit" name="decision" value="approve">Approve</button>
    <button class="btn secondary" type="submit" name="decision" value="deny">Deny</button>
  </form>
  <p class="hint">You can disconnect it at any time under Connected apps.</p>
</div>`;
  let origin: string[] = [];
  try {
    origin = [new URL(redirectUri).origin];
  } catch {}
  await render(ctx, 200, { title: `Connect ${name}`, active: "apps", body, formActions: origin });
}

/** Approve: a grant of the asked scopes to this user; deny: the client hears `access_denied`. */
export async function decideConsent(ctx: Ctx, uid: string): Promise<void> {
  const oauth = oauthOf(ctx);
  const { provider } = oauth;
  const details = await interaction(ctx, oauth, uid);
  const ticked = new Set(ctx.form.getAll("scope"));
  const asked = String(details.params.scope ?? "")
    .split(" ")
    .filter(isScope);
  const granted = asked.filter((s) => ticked.has(s));
  // Nothing ticked is a refusal: a token that reaches no tool is of no use to anyone.
  if (ctx.form.get("decision") !== "approve" || (asked.length > 0 && granted.length === 0)) {
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { error: "access_denied", error_description: "the user denied access" },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const accountId = ctx.session.actor.userId;
  const clientId = String(details.params.client_id);
  const existing = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
  const grant =
    existing && existing.accountId === accountId ? existing : new provider.Grant({ accountId, clientId });
  // A grant met again holds exactly what is ticked now: what was granted before and is left
  // unticked is taken away, and a scope refused before and ticked now is granted.
  const refused = asked.filter((s) => !ticked.has(s));
  if (grant.resources) delete grant.resources[oauth.resource];
  if (grant.rejected?.resources) delete grant.rejected.resources[oauth.resource];
  if (grant.openid?.scope) {
    grant.openid.scope = grant.openid.scope
      .split(" ")
      .filter((s) => !isScope(s))
      .join(" ");
  }
  if (grant.rejected?.openid?.scope) {
    grant.rejected.openid.scope = grant.rejected.openid.scope
      .split(" ")
      .filter((s) => !isScope(s))
      .join(" ");
  }
  if (granted.length > 0) {
    grant.addResourceScope(oauth.resource, granted.join(" "));
    grant.addOIDCScope(granted.join(" "));
  }
  // Scopes left unticked are recorded as refused, so the provider does not ask again for them.
  if (refused.length > 0) {
    grant.rejectResourceScope(oauth.resource, refused.join(" "));
    grant.rejectOIDCScope(refused.join(" "));
  }
  // `offline_access` (a refresh token) comes with any approval; it reaches no tool by itself.
  const protocol = String(details.params.scope ?? "")
    .split(" ")
    .filter((s) => s === "offline_access" || s === "openid");
  if (protocol.length > 0) grant.addOIDCScope(protocol.join(" "));
  const grantId = await grant.save();
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: true },
  );
}

interface GrantPayload {
  clientId?: string;
  iat?: number;
  exp?: number;
  resources?: Record<string, string>;
}

/** The applications this user has let in, each with what it may do, and a way to revoke it. */
export async function listApps(ctx: Ctx): Promise<void> {
  const oauth = oauthOf(ctx);
  const rows = await ctx.app.store.read((tx) =>
    tx.oauth.ofUser("Grant", ctx.session.actor.userId, Date.now()),
  );
  const items: Html[] = [];
  for (const row of rows) {
    const grant = JSON.parse(row.payload) as GrantPayload;
    const clientId = grant.clientId ?? row.clientId ?? "";
    const name = await clientName(oauth, clientId);
    const scopes = (grant.resources?.[oauth.resource] ?? "").split(" ").filter(Boolean);
    items.push(html`<tr>
  <td><strong>${name}</strong><br><code>${clientId}</code></td>
  <td>${scopeList(scopes)}</td>
  <td>${grant.iat ? formatTime(new Date(grant.iat * 1000).toISOString()) : "—"}</td>
  <td><form method="post" action="/apps/${row.grantId}/revoke">${csrfField(ctx.session.csrf)}
    <button class="btn danger" type="submit">Revoke</button></form></td>
</tr>`);
  }
  const body = html`<h1>Connected apps</h1>
<p>Applications you let use this CRM through OAuth (Claude and other remote MCP clients). Revoking one
ends its access and refresh tokens at once; it has to ask you again to come back.</p>
${
  items.length === 0
    ? html`<p class="card">No application is connected. Paste <code>${oauth.resource}</code> into a client's
"custom connector" to connect one.</p>`
    : html`<table><thead><tr><th>Application</th><th>May</th><th>Since</th><th></th></tr></thead><tbody>${items}</tbody></table>`
}`;
  await render(ctx, 200, { title: "Connected apps", active: "apps", body });
}

export async function revokeApp(ctx: Ctx, grantId: string): Promise<void> {
  oauthOf(ctx);
  const userId = ctx.session.actor.userId;
  const revoked = await ctx.app.store.write(async (tx) => {
    const mine = (await tx.oauth.ofUser("Grant", userId, Date.now())).some((r) => r.grantId === grantId);
    if (mine) await tx.oauth.revokeByGrantId(grantId);
    return mine;
  });
  if (!revoked) return redirect(ctx.res, "/apps");
  await redirectWithFlash(ctx, "/apps", {
    kind: "ok",
    text: "Revoked: the application's tokens no longer work.",
  });
}
