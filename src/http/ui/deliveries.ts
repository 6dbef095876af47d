import { ConflictError, ValidationError } from "../../domain/errors.js";
import { EVENT_NAMES } from "../../events/catalog.js";
import type { DeliveryDetail, DeliverySummary } from "../../webhooks/deliveries.js";
import type { WebhookView } from "../../webhooks/records.js";
import { type Ctx, offers, redirectWithFlash, render } from "./context.js";
import {
  errorFor,
  type FieldErrors,
  fieldErrors,
  formError,
  invalidAttrs,
  utcFromLocalInput,
} from "./forms.js";
import { type Html, html } from "./html.js";
import { csrfField, formatTime, statusBadge } from "./layout.js";
import { allWebhooks } from "./webhooks.js";

/** `unresolved` is a view: the failures that no later attempt of their chain delivered. */
const STATUSES = ["pending", "scheduled", "sending", "succeeded", "failed", "unresolved"] as const;
const FILTERS = ["q", "status", "webhookId", "event"] as const;
const BULK_FIELDS = ["since", "until", "webhookId"] as const;

interface BulkForm {
  since: string;
  until: string;
  webhookId: string;
}

/** `YYYY-MM-DDTHH:MM` in UTC, the shape a datetime-local input takes. */
function localInputValue(date: Date): string {
  return date.toISOString().slice(0, 16);
}

function duration(ms: number | null): string {
  return ms === null ? "—" : `${ms} ms`;
}

function options(
  values: readonly { value: string; label: string }[],
  selected: string,
  anyLabel: string,
): Html {
  return html`<option value="">${anyLabel}</option>${values.map(
    (o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ""}>${o.label}</option>`,
  )}`;
}

function webhookOptions(webhooks: WebhookView[], selected: string, anyLabel: string): Html {
  return options(
    webhooks.map((w) => ({ value: w.id, label: w.description ? `${w.url} (${w.description})` : w.url })),
    selected,
    anyLabel,
  );
}

function deliveryRow(d: DeliverySummary): Html {
  return html`<tr>
  <td data-label="Event"><a href="/deliveries/${d.id}"><code>${d.event}</code></a>${
    d.resendOf
      ? html` <span class="muted small">(resend)</span>`
      : d.attempt > 1
        ? html` <span class="muted small">(retry)</span>`
        : ""
  }${d.attempt > 1 ? html` <span class="muted small">attempt ${d.attempt}</span>` : ""}</td>
  <td class="url" data-label="URL">${d.url}</td>
  <td data-label="Status">${statusBadge(d.status)}${
    d.resolvedBy
      ? html` <a class="badge succeeded" href="/deliveries/${d.resolvedBy}" title="A later attempt delivered it">resolved</a>`
      : ""
  }</td>
  <td class="num" data-label="Code">${d.statusCode ?? "—"}</td>
  <td class="num" data-label="Duration">${duration(d.durationMs)}</td>
  <td class="nowrap" data-label="Time"><a href="/deliveries/${d.id}">${formatTime(d.createdAt)}</a></td>
</tr>`;
}

// ---- the log --------------------------------------------------------------------------

export async function listDeliveries(ctx: Ctx, bulk?: { values: BulkForm; errors: FieldErrors }) {
  const params = ctx.url.searchParams;
  const filters = Object.fromEntries(FILTERS.map((f) => [f, params.get(f)?.trim() ?? ""])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const cursor = params.get("cursor") ?? "";
  const webhooks = await allWebhooks(ctx);

  let listError = "";
  let page: { items: DeliverySummary[]; total: number; nextCursor: string | null } = {
    items: [],
    total: 0,
    nextCursor: null,
  };
  try {
    page = await ctx.app.deliveries.list(ctx.session.actor, {
      searchTerm: filters.q || undefined,
      status: filters.status === "unresolved" ? undefined : filters.status || undefined,
      unresolved: filters.status === "unresolved" || undefined,
      webhookId: filters.webhookId || undefined,
      event: filters.event || undefined,
      cursor: cursor || undefined,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    listError = error.message;
  }

  const kept = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  const link = (extra: Record<string, string>) => `/deliveries?${new URLSearchParams({ ...kept, ...extra })}`;
  const filtered = Object.keys(kept).length > 0;
  const bulkValues = bulk?.values ?? {
    since: localInputValue(new Date(Date.now() - 24 * 60 * 60 * 1000)),
    until: "",
    webhookId: filters.webhookId,
  };
  const bulkErrors = bulk?.errors ?? {};

  const body = html`<div class="head"><h1>Webhook Deliveries</h1></div>
<form class="filters" method="get" action="/deliveries" role="search">
  <div class="field grow"><label for="q">Search url or event</label>
    <input type="search" id="q" name="q" value="${filters.q}" placeholder="e.g. contact.updated or hooks.example.com"></div>
  <div class="field"><label for="status">Status</label>
    <select id="status" name="status">${options(
      STATUSES.map((s) => ({ value: s, label: s === "unresolved" ? "failed, not resolved" : s })),
      filters.status,
      "Any status",
    )}</select></div>
  <div class="field"><label for="webhookId">Webhook</label>
    <select id="webhookId" name="webhookId">${webhookOptions(webhooks, filters.webhookId, "All webhooks")}</select></div>
  <div class="field"><label for="event">Event</label>
    <select id="event" name="event">${options(
      EVENT_NAMES.map((e) => ({ value: e, label: e })),
      filters.event,
      "Any event",
    )}</select></div>
  <div class="actions">
    <button class="btn" type="submit">Search</button>
    ${filtered ? html`<a class="btn secondary" href="/deliveries">Clear</a>` : ""}
  </div>
</form>
${listError ? html`<div class="flash error" role="alert">${listError}</div>` : ""}
<div class="table-wrap">
${
  page.items.length
    ? html`<table class="stack" id="deliveries">
  <thead><tr><th>Event</th><th>URL</th><th>Status</th><th>Code</th><th>Duration</th><th>Time (UTC)</th></tr></thead>
  <tbody>${page.items.map(deliveryRow)}</tbody>
</table>`
    : html`<p class="empty">${filtered ? "No delivery matches these filters." : "No deliveries yet. They appear here as soon as a subscribed event happens."}</p>`
}
</div>
<div class="pager">
  <span class="muted small">${page.total} deliver${page.total === 1 ? "y" : "ies"}, newest first</span>
  <span class="actions">
    ${cursor ? html`<a class="btn secondary small" href="${link({})}">First</a>` : ""}
    ${page.nextCursor ? html`<a class="btn secondary small" href="${link({ cursor: page.nextCursor })}">Next</a>` : ""}
  </span>
</div>

${offers(ctx, "resend_failed_webhook_deliveries") ? bulkResendForm(ctx, webhooks, bulkValues, bulkErrors) : ""}`;
  await render(ctx, bulk ? 422 : 200, { title: "Webhook Deliveries", active: "deliveries", body });
}

function bulkResendForm(
  ctx: Ctx,
  webhooks: WebhookView[],
  bulkValues: BulkForm,
  bulkErrors: FieldErrors,
): Html {
  return html`<h2 id="resend-failed">Resend failed deliveries</h2>
${formError(bulkErrors)}
<form class="card filters" method="post" action="/deliveries/resend-failed" novalidate>
  ${csrfField(ctx.session.csrf)}
  <div class="field"><label for="since">Failed since (UTC)</label>
    <input type="datetime-local" id="since" name="since" value="${bulkValues.since}" required${invalidAttrs(bulkErrors, "since")}>
    ${errorFor(bulkErrors, "since")}</div>
  <div class="field"><label for="until">Until (UTC, optional)</label>
    <input type="datetime-local" id="until" name="until" value="${bulkValues.until}"${invalidAttrs(bulkErrors, "until")}>
    ${errorFor(bulkErrors, "until")}</div>
  <div class="field"><label for="bulk-webhook">Webhook</label>
    <select id="bulk-webhook" name="webhookId"${invalidAttrs(bulkErrors, "webhookId")}>${webhookOptions(
      webhooks,
      bulkValues.webhookId,
      "All webhooks",
    )}</select>
    ${errorFor(bulkErrors, "webhookId")}</div>
  <div class="actions"><button class="btn" type="submit">Resend failed</button></div>
</form>
<p class="hint">Times are read as UTC, whatever your browser's time zone. Each event whose latest delivery in the window
failed is sent once more, as a new delivery; disabled and deleted webhooks are skipped.</p>`;
}

export async function resendFailed(ctx: Ctx) {
  const values: BulkForm = {
    since: ctx.form.get("since") ?? "",
    until: ctx.form.get("until") ?? "",
    webhookId: ctx.form.get("webhookId") ?? "",
  };
  let result: Awaited<ReturnType<typeof ctx.app.deliveries.resendFailed>>;
  try {
    result = await ctx.app.deliveries.resendFailed(ctx.session.actor, {
      since: values.since.trim() ? utcFromLocalInput(values.since) : undefined,
      until: values.until.trim() ? utcFromLocalInput(values.until) : undefined,
      webhookId: values.webhookId || undefined,
    });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return listDeliveries(ctx, { values, errors: fieldErrors(error, BULK_FIELDS) });
  }
  const { resent, skipped } = result;
  let text = `Resent ${resent.length} failed deliver${resent.length === 1 ? "y" : "ies"} as new deliveries.`;
  if (skipped.length) {
    const reasons = skipped.slice(0, 3).map((s) => s.reason);
    text += ` Skipped ${skipped.length}: ${reasons.join("; ")}${skipped.length > 3 ? "; …" : ""}`;
  }
  await redirectWithFlash(ctx, "/deliveries", {
    kind: skipped.length && !resent.length ? "error" : "ok",
    text,
  });
}

// ---- one delivery ---------------------------------------------------------------------

function prettyBody(body: string | null): string {
  if (body === null || body === "") return "(empty)";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function headerLines(headers: Record<string, string> | null): string {
  if (!headers || Object.keys(headers).length === 0) return "(not sent yet)";
  return Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

export async function showDelivery(ctx: Ctx, id: string) {
  const d: DeliveryDetail = await ctx.app.deliveries.get(ctx.session.actor, id);
  const inFlight = d.status === "pending" || d.status === "sending";
  const body = html`<div class="head">
  <h1>Delivery <code>${d.id}</code> ${statusBadge(d.status)}</h1>
  ${
    offers(ctx, "resend_webhook_delivery")
      ? html`<form method="post" action="/deliveries/${d.id}/resend" class="actions">
    ${csrfField(ctx.session.csrf)}
    <a class="btn secondary" href="/deliveries">All deliveries</a>
    <button class="btn" type="submit">Resend</button>
  </form>`
      : html`<div class="actions"><a class="btn secondary" href="/deliveries">All deliveries</a></div>`
  }
</div>
<div class="card">
  <dl class="meta">
    <dt>Event</dt><dd><code>${d.event}</code> <span class="muted small">(event id <code>${d.eventId}</code>)</span></dd>
    <dt>URL</dt><dd>${d.url}</dd>
    <dt>Webhook</dt><dd><a href="/webhooks/${d.webhookId}"><code>${d.webhookId}</code></a> · <a href="/deliveries?webhookId=${d.webhookId}">its deliveries</a></dd>
    <dt>Status</dt><dd>${statusBadge(d.status)}${inFlight ? html` <span class="muted small">this page reloads until it is sent</span>` : ""}</dd>
    <dt>Response status</dt><dd>${d.statusCode ?? "—"}</dd>
    <dt>Duration</dt><dd>${duration(d.durationMs)}</dd>
    <dt>Attempt</dt><dd>${d.attempt}${d.resendOf ? html` · resend of <a href="/deliveries/${d.resendOf}"><code>${d.resendOf}</code></a>` : ""}${
      !d.resendOf && d.chainId
        ? html` · automatic retry of <a href="/deliveries/${d.chainId}"><code>${d.chainId}</code></a>`
        : ""
    }${d.dueAt ? html` · due ${formatTime(d.dueAt)}` : ""}</dd>
    ${d.resolvedBy ? html`<dt>Resolved</dt><dd id="resolved-by">delivered by a later attempt, <a href="/deliveries/${d.resolvedBy}"><code>${d.resolvedBy}</code></a></dd>` : ""}
    <dt>Created</dt><dd>${formatTime(d.createdAt)}</dd>
    <dt>Sent</dt><dd>${formatTime(d.sentAt)}</dd>
    ${d.error ? html`<dt>Error</dt><dd class="error" id="delivery-error">${d.error}${d.errorClass ? html` <span class="muted small">(${d.errorClass})</span>` : ""}</dd>` : ""}
  </dl>
</div>
<div class="grid2">
  <section>
    <h2>Request headers</h2>
    <pre class="wrap" id="request-headers">${headerLines(d.requestHeaders)}</pre>
  </section>
  <section>
    <h2>Response ${d.statusCode !== null ? html`<span class="muted">${d.statusCode}</span>` : ""}</h2>
    <pre class="wrap" id="response-body" tabindex="0" role="region" aria-label="Response body">${d.sentAt || d.responseBody !== null ? prettyBody(d.responseBody) : "(no response yet)"}</pre>
  </section>
</div>
<h2>Request body</h2>
<pre id="request-body" tabindex="0" role="region" aria-label="Request body">${prettyBody(d.requestBody)}</pre>`;
  await render(ctx, 200, {
    title: `Delivery ${d.id}`,
    active: "deliveries",
    body,
    refreshSeconds: inFlight ? 2 : undefined,
  });
}

export async function resendDelivery(ctx: Ctx, id: string) {
  const actor = ctx.session.actor;
  let created: DeliverySummary;
  try {
    created = await ctx.app.deliveries.resend(actor, id);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return await redirectWithFlash(ctx, `/deliveries/${id}`, { kind: "error", text: error.message });
  }
  // Listen before looking, so a send that finishes in between is not missed.
  const settled = ctx.app.dispatcher.settled(created.id, ctx.app.config.timeoutMs + 1000);
  const now = await ctx.app.deliveries.get(actor, created.id);
  if (now.status === "pending" || now.status === "sending") await settled;
  await redirectWithFlash(ctx, `/deliveries/${created.id}`, {
    kind: "ok",
    text: `Resent as a new delivery (resend of ${id}).`,
  });
}
