import { ValidationError } from "../../domain/errors.js";
import { ENTITY_TYPES } from "../../domain/model.js";
import { EVENT_ACTIONS, EVENT_CATALOG } from "../../events/catalog.js";
import { successRate, type Tally, type WebhookFigures, type WebhookHealth } from "../../webhooks/health.js";
import type { WebhookView } from "../../webhooks/records.js";
import { type Ctx, offers, redirectWithFlash, render } from "./context.js";
import { errorFor, type FieldErrors, fieldErrors, formError, invalidAttrs } from "./forms.js";
import { type Html, html } from "./html.js";
import { csrfField, formatTime, statusBadge } from "./layout.js";

const FORM_FIELDS = ["url", "events", "description", "secret", "enabled", "retryPolicy"] as const;

interface WebhookForm {
  url: string;
  events: string[];
  description: string;
  secret: string;
  removeSecret: boolean;
  enabled: boolean;
  retryPolicy: string;
}

const EMPTY_FORM: WebhookForm = {
  url: "",
  events: [],
  description: "",
  secret: "",
  removeSecret: false,
  enabled: true,
  retryPolicy: "none",
};

/** `contact.*` when all three, `deal: created, updated` when some; "all events" when every one. */
export function compactEvents(events: readonly string[]): string[] {
  const set = new Set(events);
  if (EVENT_CATALOG.every((e) => set.has(e.name))) return ["all events"];
  const out: string[] = [];
  for (const entity of ENTITY_TYPES) {
    const actions = EVENT_ACTIONS.filter((a) => set.has(`${entity}.${a}`));
    if (actions.length === EVENT_ACTIONS.length) out.push(`${entity}.*`);
    else if (actions.length) out.push(`${entity}: ${actions.join(", ")}`);
  }
  return out;
}

function fromView(w: WebhookView): WebhookForm {
  return {
    url: w.url,
    events: w.events,
    description: w.description ?? "",
    secret: "",
    removeSecret: false,
    enabled: w.enabled,
    retryPolicy: w.retryPolicy,
  };
}

function readWebhookForm(form: URLSearchParams): WebhookForm {
  return {
    url: form.get("url") ?? "",
    events: form.getAll("events"),
    description: form.get("description") ?? "",
    secret: form.get("secret") ?? "",
    removeSecret: form.get("removeSecret") === "on",
    enabled: form.get("enabled") === "on",
    retryPolicy: form.get("retryPolicy") ?? "none",
  };
}

// ---- list -----------------------------------------------------------------------------

/** "97.5 %": rounded down, so a single failure never reads as 100 %. */
function rateText(t: Tally): Html {
  const rate = successRate(t);
  if (rate === null) return html`<span class="muted">no deliveries</span>`;
  const all = t.succeeded + t.failed;
  return html`${Math.floor(rate * 1000) / 10} % <span class="muted">of ${all}</span>`;
}

/** Sizes of the hourly chart: the list's small one, and the webhook page's larger one. */
const SMALL = { bar: 4, height: 24 };
const LARGE = { bar: 36, height: 160 };

function chartLabel(h: WebhookHealth): string {
  return `Deliveries per hour over the last 24 hours: ${h.day.succeeded} succeeded, ${h.day.failed} failed`;
}

/**
 * Deliveries per hour over the last day, succeeded below failed, as an SVG drawn here. The
 * large one scales to the width it is given (its viewBox keeps the proportions), and each
 * hour's bar names its counts.
 */
function hourlyChart(h: WebhookHealth, size: { bar: number; height: number }, large = false): Html {
  const { bar, height } = size;
  const width = h.hours.length * bar;
  const most = Math.max(1, ...h.hours.map((x) => x.succeeded + x.failed));
  const scale = (n: number) => (n === 0 ? 0 : Math.max(1, Math.round((n / most) * height)));
  const label = chartLabel(h);
  const gap = large ? 4 : 1;
  return html`<svg class="${large ? "chart" : "spark"}" viewBox="0 0 ${width} ${height}"${
    large ? html` width="100%" preserveAspectRatio="none"` : html` width="${width}" height="${height}"`
  } role="img" aria-label="${label}"><title>${label}</title><rect x="0" y="${height - 1}" width="${width}" height="1" fill="#e5e7eb"></rect>${h.hours.map(
    (x, i) => {
      const ok = scale(x.succeeded);
      const bad = scale(x.failed);
      return html`<g data-hour="${x.hour}">${large ? html`<title>${x.hour.slice(11)}:00 UTC: ${x.succeeded} succeeded, ${x.failed} failed</title>` : ""}<rect class="ok" x="${i * bar}" y="${height - ok}" width="${bar - gap}" height="${ok}" fill="#16a34a"></rect><rect class="bad" x="${i * bar}" y="${height - ok - bad}" width="${bar - gap}" height="${bad}" fill="#dc2626"></rect></g>`;
    },
  )}</svg>`;
}

function healthCell(h: WebhookHealth | undefined): Html {
  if (!h) return html`<span class="muted">—</span>`;
  return html`<div class="health">${hourlyChart(h, SMALL)}<div class="small nowrap">24 h: ${rateText(h.day)}</div><div class="small nowrap">7 d: ${rateText(h.week)}</div></div>`;
}

export async function listWebhooks(ctx: Ctx) {
  const q = ctx.url.searchParams.get("q")?.trim() ?? "";
  const cursor = ctx.url.searchParams.get("cursor") ?? undefined;
  // A page of up to 100 on request; the service refuses a limit out of range.
  const limitParam = ctx.url.searchParams.get("limit");
  const limit = limitParam === null ? undefined : Number(limitParam);
  const page = await ctx.app.webhooks.list(ctx.session.actor, { searchTerm: q || undefined, cursor, limit });
  const health = await ctx.app.deliveries.health(
    ctx.session.actor,
    page.items.map((w) => w.id),
  );
  const query = (extra: Record<string, string>) =>
    `/webhooks?${new URLSearchParams({ ...(q ? { q } : {}), ...(limit ? { limit: String(limit) } : {}), ...extra })}`;
  // A read-only server (or one without the webhooks toolset) offers no form that it would refuse.
  const canEdit = offers(ctx, "update_webhook");
  const canDelete = offers(ctx, "delete_webhook");
  const actions = (w: WebhookView): Html =>
    html`<td data-label="Actions"><div class="actions">
    ${
      canEdit
        ? html`<a class="btn secondary small" href="/webhooks/${w.id}/edit">Edit</a>
    <form method="post" action="/webhooks/${w.id}/toggle">${csrfField(ctx.session.csrf)}
      <input type="hidden" name="enabled" value="${w.enabled ? "false" : "true"}">
      <button class="btn secondary small" type="submit">${w.enabled ? "Disable" : "Enable"}</button>
    </form>`
        : ""
    }
    ${canDelete ? html`<a class="btn secondary small" href="/webhooks/${w.id}/delete">Delete</a>` : ""}
  </div></td>`;
  const rows = page.items.map(
    (w) => html`<tr>
  <td class="url" data-label="URL"><a href="/webhooks/${w.id}" title="This webhook's health">${w.url}</a></td>
  <td data-label="Events"><div>${compactEvents(w.events).map((g) => html`<div class="nowrap small">${g}</div>`)}</div></td>
  <td data-label="Enabled">${
    w.enabled
      ? html`<span class="badge on">enabled</span>`
      : html`<span class="badge"${w.disabledReason ? html` title="${w.disabledReason}"` : ""}>${w.disabledReason ? "disabled by the server" : "disabled"}</span>`
  }</td>
  <td data-label="Description">${w.description || html`<span class="muted">—</span>`}</td>
  <td data-label="Last delivery"><a href="/deliveries?webhookId=${w.id}" title="This webhook's deliveries">${statusBadge(w.lastDeliveryStatus)}</a></td>
  <td data-label="Health">${healthCell(health.get(w.id))}</td>
  ${canEdit || canDelete ? actions(w) : ""}
</tr>`,
  );
  const body = html`<div class="head">
  <h1>Webhooks</h1>
  ${offers(ctx, "create_webhook") ? html`<a class="btn" href="/webhooks/new">New webhook</a>` : ""}
</div>
<form class="filters search" method="get" action="/webhooks" role="search">
  <div class="field grow"><label for="q">Search url or description</label>
    <input type="search" id="q" name="q" value="${q}"></div>
  <button class="btn secondary" type="submit">Search</button>
</form>
<div class="table-wrap">
${
  page.items.length
    ? html`<table class="stack">
  <thead><tr><th>URL</th><th>Events</th><th>Enabled</th><th>Description</th><th>Last delivery</th><th>Health (UTC)</th>${canEdit || canDelete ? html`<th>Actions</th>` : ""}</tr></thead>
  <tbody>${rows}</tbody>
</table>`
    : html`<p class="empty">${q ? "No webhook matches this search." : offers(ctx, "create_webhook") ? "No webhooks yet. Create one to be told about every change." : "No webhooks yet."}</p>`
}
</div>
<div class="pager">
  <span class="muted small">${page.total} webhook${page.total === 1 ? "" : "s"}</span>
  <span class="actions">
    ${cursor ? html`<a class="btn secondary small" href="${query({})}">First</a>` : ""}
    ${page.nextCursor ? html`<a class="btn secondary small" href="${query({ cursor: page.nextCursor })}">Next</a>` : ""}
  </span>
</div>`;
  await render(ctx, 200, { title: "Webhooks", active: "webhooks", body });
}

// ---- one webhook -----------------------------------------------------------------------

function ms(n: number | null): Html {
  return n === null ? html`<span class="muted">—</span>` : html`${n} ms`;
}

function figuresCard(f: WebhookFigures): Html {
  const of = f.latest
    ? `of the latest ${f.latest} finished deliver${f.latest === 1 ? "y" : "ies"} in the last 7 days`
    : "no finished deliveries in the last 7 days";
  return html`<div class="grid2">
<section class="card" aria-labelledby="rates">
  <h2 class="first" id="rates">Success and duration</h2>
  <dl class="meta" id="figures">
    <dt>Last 24 hours</dt><dd>${rateText(f.day)}</dd>
    <dt>Last 7 days</dt><dd>${rateText(f.week)}</dd>
    <dt>Duration p50</dt><dd id="p50">${ms(f.p50Ms)}</dd>
    <dt>Duration p99</dt><dd id="p99">${ms(f.p99Ms)}</dd>
  </dl>
  <p class="hint">Durations ${of}.</p>
</section>
<section class="card" aria-labelledby="errors">
  <h2 class="first" id="errors">Errors of recent failures</h2>
  ${
    f.errorClasses.length
      ? html`<table id="error-classes"><thead><tr><th scope="col">Error class</th><th scope="col" class="num">Failures</th></tr></thead>
  <tbody>${f.errorClasses.map((e) => html`<tr><td><code>${e.errorClass}</code></td><td class="num">${e.n}</td></tr>`)}</tbody></table>`
      : html`<p class="muted" id="error-classes">No failures ${f.latest ? "among them" : "to show"}.</p>`
  }
  <p class="hint">Failures ${of}.</p>
</section>
</div>`;
}

export async function showWebhook(ctx: Ctx, id: string) {
  const webhook = await ctx.app.webhooks.get(ctx.session.actor, id);
  const f = await ctx.app.deliveries.figures(ctx.session.actor, webhook.id);
  const first = f.hours[0]!.hour;
  const last = f.hours.at(-1)!.hour;
  const body = html`<div class="head">
  <h1>Webhook</h1>
  <div class="actions">
    <a class="btn secondary" href="/deliveries?webhookId=${webhook.id}">Its deliveries</a>
    ${offers(ctx, "update_webhook") ? html`<a class="btn" href="/webhooks/${webhook.id}/edit">Edit</a>` : ""}
  </div>
</div>
${
  webhook.failingSince
    ? html`<div class="flash error" id="failing-since" role="status"><strong>Failing since ${formatTime(webhook.failingSince)}</strong>: every delivery since then has failed.${
        webhook.lastError ? html` The last error: ${webhook.lastError}` : ""
      }</div>`
    : ""
}
<div class="card">
  <dl class="meta">
    <dt>URL</dt><dd id="webhook-url">${webhook.url}</dd>
    <dt>Events</dt><dd>${compactEvents(webhook.events).join("; ")}</dd>
    <dt>Enabled</dt><dd>${
      webhook.enabled
        ? html`<span class="badge on">enabled</span>`
        : html`<span class="badge">disabled</span>${webhook.disabledReason ? html` ${webhook.disabledReason}` : ""}`
    }</dd>
    <dt>Description</dt><dd>${webhook.description || "—"}</dd>
    <dt>Last delivery</dt><dd>${statusBadge(webhook.lastDeliveryStatus)} ${formatTime(webhook.lastDeliveryAt)}</dd>
  </dl>
</div>
<h2>Deliveries per hour, last 24 hours</h2>
<div class="card">
  ${hourlyChart(f, LARGE, true)}
  <div class="pager small muted"><span>${first.slice(0, 10)} ${first.slice(11)}:00 UTC</span><span>${last.slice(0, 10)} ${last.slice(11)}:00 UTC</span></div>
  <p class="small"><span class="badge succeeded">succeeded</span> below, <span class="badge failed">failed</span> above; ${f.day.succeeded} succeeded and ${f.day.failed} failed in all.</p>
</div>
<h2>Health</h2>
${figuresCard(f)}`;
  await render(ctx, 200, { title: `Webhook ${webhook.url}`, active: "webhooks", body });
}

// ---- new and edit ---------------------------------------------------------------------

function eventChecklist(selected: readonly string[], errors: FieldErrors): Html {
  const set = new Set(selected);
  const groups = ENTITY_TYPES.map((entity) => {
    const events = EVENT_CATALOG.filter((e) => e.entity === entity);
    const all = events.every((e) => set.has(e.name));
    return html`<fieldset data-entity="${entity}">
  <legend>${entity}</legend>
  <label class="check all" hidden><input type="checkbox" data-select-all${all ? html` checked` : ""}> Select all</label>
  ${events.map(
    (e) =>
      html`<label class="check" title="${e.when}"><input type="checkbox" name="events" value="${e.name}"${
        set.has(e.name) ? html` checked` : ""
      }> <code>${e.name}</code></label>`,
  )}
</fieldset>`;
  });
  return html`<div class="field">
  <span class="label">Events</span>
  <div class="events">${groups}</div>
  ${errorFor(errors, "events")}
  <p class="hint">Each ticked event is POSTed to the URL as JSON. <a href="/events">What each event carries</a>.</p>
</div>`;
}

async function webhookFormPage(
  ctx: Ctx,
  status: number,
  existing: WebhookView | null,
  values: WebhookForm,
  errors: FieldErrors,
) {
  const editing = existing !== null;
  const title = editing ? "Edit webhook" : "New webhook";
  const body = html`<div class="head"><h1>${title}</h1></div>
${
  existing?.disabledReason && !existing.enabled
    ? html`<div class="flash error" id="disabled-reason"><strong>Disabled by the server</strong> on ${formatTime(existing.disabledAt)}: ${existing.disabledReason}. Tick Enabled and save to send again.</div>`
    : ""
}
${formError(errors)}
<form class="card" method="post" action="${editing ? `/webhooks/${existing.id}` : "/webhooks"}" novalidate>
  ${csrfField(ctx.session.csrf)}
  <div class="field">
    <label for="url">URL</label>
    <input type="url" id="url" name="url" value="${values.url}" placeholder="https://hooks.example.com/crm" required${invalidAttrs(errors, "url")}>
    ${errorFor(errors, "url")}
    <p class="hint">HTTPS only; private and loopback addresses are refused unless the server allows them.</p>
  </div>
  ${eventChecklist(values.events, errors)}
  <div class="field">
    <label for="description">Description</label>
    <input type="text" id="description" name="description" value="${values.description}" maxlength="500"${invalidAttrs(errors, "description")}>
    ${errorFor(errors, "description")}
  </div>
  <div class="field">
    <label for="secret">Secret</label>
    <input type="password" id="secret" name="secret" value="${values.secret}" autocomplete="new-password"${invalidAttrs(errors, "secret")}>
    ${errorFor(errors, "secret")}
    <p class="hint">${
      editing
        ? existing.hasSecret
          ? "A secret is set. Leave blank to keep it, type a new one to replace it."
          : "No secret is set. Type one to sign every delivery."
        : "Leave blank and a secret is made for you and shown once. Signs each delivery (HMAC-SHA256)."
    }</p>
    ${
      editing && existing.hasSecret
        ? html`<label class="check"><input type="checkbox" name="removeSecret"${values.removeSecret ? html` checked` : ""}> Remove the secret (deliveries go unsigned)</label>`
        : ""
    }
  </div>
  <div class="field">
    <label for="retryPolicy">Retries</label>
    <select id="retryPolicy" name="retryPolicy"${invalidAttrs(errors, "retryPolicy")}>
      <option value="none"${values.retryPolicy === "none" ? html` selected` : ""}>None: a failed delivery waits for a resend</option>
      <option value="standard"${values.retryPolicy === "standard" ? html` selected` : ""}>Standard: retry after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h</option>
    </select>
    ${errorFor(errors, "retryPolicy")}
  </div>
  <div class="field">
    <label class="check"><input type="checkbox" name="enabled"${values.enabled ? html` checked` : ""}> Enabled</label>
    ${errorFor(errors, "enabled")}
  </div>
  <div class="actions">
    <button class="btn" type="submit">${editing ? "Save" : "Create webhook"}</button>
    <a class="btn secondary" href="/webhooks">Cancel</a>
  </div>
</form>
${
  editing && offers(ctx, "rotate_webhook_secret")
    ? html`<form class="card" method="post" action="/webhooks/${existing.id}/rotate">
  ${csrfField(ctx.session.csrf)}
  <h2>Rotate the secret</h2>
  <p class="hint">Makes a new secret, shown once. The old one goes on signing beside it for the hours below, so receivers can switch without a failed delivery.${
    existing.previousSecretValidUntil
      ? html` The last rotation's old secret signs until ${formatTime(existing.previousSecretValidUntil)}.`
      : ""
  }</p>
  <div class="field"><label for="graceHours">Old secret valid for (hours, at most 168)</label>
    <input type="number" id="graceHours" name="graceHours" value="24" min="0" max="168"></div>
  <div class="actions"><button class="btn secondary" type="submit">Rotate secret</button></div>
</form>`
    : ""
}`;
  await render(ctx, status, { title, active: "webhooks", body, script: true });
}

export async function newWebhookForm(ctx: Ctx) {
  await webhookFormPage(ctx, 200, null, EMPTY_FORM, {});
}

export async function editWebhookForm(ctx: Ctx, id: string) {
  const webhook = await ctx.app.webhooks.get(ctx.session.actor, id);
  await webhookFormPage(ctx, 200, webhook, fromView(webhook), {});
}

export async function createWebhook(ctx: Ctx) {
  const values = readWebhookForm(ctx.form);
  let created: WebhookView;
  try {
    created = await ctx.app.webhooks.create(ctx.session.actor, {
      url: values.url,
      events: values.events,
      description: values.description.trim() || undefined,
      secret: values.secret || undefined,
      enabled: values.enabled,
      retryPolicy: values.retryPolicy,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return webhookFormPage(ctx, 422, null, values, fieldErrors(error, FORM_FIELDS));
  }
  if (created.secret) return generatedSecretPage(ctx, created, created.secret);
  await redirectWithFlash(ctx, "/webhooks", { kind: "ok", text: "Webhook created." });
}

/** The one time a generated secret is shown: on this page, never in a redirect or a cookie. */
async function generatedSecretPage(ctx: Ctx, webhook: WebhookView, secret: string, rotated = false) {
  const title = rotated ? "Secret rotated" : "Webhook created";
  const body = html`<div class="head"><h1>${title}</h1></div>
<div class="card">
  <p>Deliveries to <strong>${webhook.url}</strong> are signed with this secret. Copy it now: it is not shown again.</p>
  ${
    rotated && webhook.previousSecretValidUntil
      ? html`<p>The old secret signs too, as a second signature, until ${formatTime(webhook.previousSecretValidUntil)}: switch your receiver before then.</p>`
      : ""
  }
  <p><code id="generated-secret">${secret}</code></p>
  <p class="hint">A <code>whsec_</code> secret: the Standard Webhooks libraries take it as is; <code>X-Webhook-Signature</code> is HMAC-SHA256 keyed with the whole string.</p>
  <div class="actions"><a class="btn" href="/webhooks">Done</a></div>
</div>`;
  await render(ctx, rotated ? 200 : 201, { title, active: "webhooks", body });
}

export async function rotateWebhookSecret(ctx: Ctx, id: string) {
  const graceHours = Number(ctx.form.get("graceHours") ?? "24");
  try {
    const rotated = await ctx.app.webhooks.rotateSecret(ctx.session.actor, { id, graceHours });
    return generatedSecretPage(ctx, rotated, rotated.secret, true);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    await redirectWithFlash(ctx, `/webhooks/${id}/edit`, { kind: "error", text: error.message });
  }
}

export async function updateWebhook(ctx: Ctx, id: string) {
  const existing = await ctx.app.webhooks.get(ctx.session.actor, id);
  const values = readWebhookForm(ctx.form);
  if (values.removeSecret && values.secret) {
    return webhookFormPage(ctx, 422, existing, values, {
      secret: "type a new secret or tick “Remove the secret”, not both",
    });
  }
  try {
    await ctx.app.webhooks.update(ctx.session.actor, {
      id,
      url: values.url,
      events: values.events,
      description: values.description.trim() || null,
      // Blank keeps the current secret: the form never shows it.
      secret: values.removeSecret ? null : values.secret || undefined,
      enabled: values.enabled,
      retryPolicy: values.retryPolicy,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return webhookFormPage(ctx, 422, existing, values, fieldErrors(error, FORM_FIELDS));
  }
  await redirectWithFlash(ctx, "/webhooks", { kind: "ok", text: "Webhook saved." });
}

export async function toggleWebhook(ctx: Ctx, id: string) {
  const enabled = ctx.form.get("enabled") === "true";
  const webhook = await ctx.app.webhooks.update(ctx.session.actor, { id, enabled });
  await redirectWithFlash(ctx, "/webhooks", {
    kind: "ok",
    text: `${webhook.url} is now ${webhook.enabled ? "enabled" : "disabled"}.`,
  });
}

// ---- delete ---------------------------------------------------------------------------

export async function confirmDeleteWebhook(ctx: Ctx, id: string) {
  const webhook = await ctx.app.webhooks.get(ctx.session.actor, id);
  const body = html`<div class="head"><h1>Delete this webhook?</h1></div>
<div class="card">
  <dl class="meta">
    <dt>URL</dt><dd>${webhook.url}</dd>
    <dt>Events</dt><dd>${compactEvents(webhook.events).join("; ")}</dd>
    <dt>Description</dt><dd>${webhook.description || "—"}</dd>
  </dl>
  <p>No more deliveries will be sent to it, and its past deliveries can no longer be resent. This cannot be undone.</p>
  <form class="actions" method="post" action="/webhooks/${webhook.id}/delete">
    ${csrfField(ctx.session.csrf)}
    <button class="btn danger" type="submit">Delete webhook</button>
    <a class="btn secondary" href="/webhooks">Cancel</a>
  </form>
</div>`;
  await render(ctx, 200, { title: "Delete webhook", active: "webhooks", body });
}

export async function deleteWebhook(ctx: Ctx, id: string) {
  const webhook = await ctx.app.webhooks.get(ctx.session.actor, id);
  await ctx.app.webhooks.delete(ctx.session.actor, id);
  await redirectWithFlash(ctx, "/webhooks", { kind: "ok", text: `Webhook ${webhook.url} deleted.` });
}

/** Every webhook of the company, for the filter and bulk-resend pickers. */
export async function allWebhooks(ctx: Ctx): Promise<WebhookView[]> {
  const out: WebhookView[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await ctx.app.webhooks.list(ctx.session.actor, { limit: 100, cursor });
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}
