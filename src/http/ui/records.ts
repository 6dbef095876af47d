import { NotFoundError } from "../../domain/errors.js";
import { ID_PREFIX, recordPath } from "../../domain/ids.js";
import {
  type CustomColumn,
  type DealServiceLine,
  displayName,
  ENTITIES,
  ENTITY_TYPES,
  type EntityRecord,
  type EntityType,
} from "../../domain/model.js";
import { ID_MAX_LENGTH } from "../../domain/validate.js";
import type { HistoryEntry } from "../../events/history.js";
import { notes as loadNotes } from "../../notes/lazy.js";
import type { Ctx } from "./context.js";
import { offers, render } from "./context.js";
import { type Html, html, raw } from "./html.js";
import { formatTime, statusBadge } from "./layout.js";

/** The entity type an id names, from its prefix (`ct_` is a contact); null for any other id. */
export function recordType(id: string): EntityType | null {
  const prefix = id.slice(0, id.indexOf("_"));
  return ENTITY_TYPES.find((t) => ID_PREFIX[t] === prefix) ?? null;
}

/** "Contacts", "Organizations": a type's word as a heading starts it. */
export function typeLabel(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A record's name as people read it; a record without one reads as its type. */
export function recordName(type: EntityType, record: Record<string, unknown>): string {
  return displayName(type, record) || `Unnamed ${type}`;
}

const RELATION_LABELS: Record<string, string> = {
  contactIds: "Contacts",
  organizationIds: "Organizations",
  dealIds: "Deals",
  serviceIds: "Services",
  taskIds: "Tasks",
  userIds: "Users",
};

const FIELD_LABELS: Record<string, string> = {
  firstName: "First name",
  lastName: "Last name",
  jobTitle: "Job title",
  emails: "Emails",
  phones: "Phones",
  name: "Name",
  domain: "Domain",
  website: "Website",
  stage: "Stage",
  expectedCloseDate: "Expected close",
  totalValue: "Total value",
  totalQuantity: "Total quantity",
  amount: "Amount",
  dueDate: "Due date",
  status: "Status",
};

const DELIVERIES_SHOWN = 25;

// The service reads at most this many ids per call; a record may link up to 1,000.
const LOAD_CHUNK = 100;

/** Names of linked records, by id, one read per 100 ids. Ids that no longer resolve are left out. */
async function namesOf(ctx: Ctx, type: EntityType, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += LOAD_CHUNK) {
    const found = await ctx.app.crm.get(ctx.session.actor, type, unique.slice(i, i + LOAD_CHUNK));
    for (const [id, record] of found) names.set(id, recordName(type, record));
  }
  return names;
}

function recordLink(id: string, names: Map<string, string>): Html {
  const name = names.get(id);
  return name === undefined ? html`<code>${id}</code>` : html`<a href="${recordPath(id)}">${name}</a>`;
}

function scalarValue(value: unknown): Html | string {
  if (value === null || value === undefined || value === "") return html`<span class="muted">—</span>`;
  if (Array.isArray(value)) {
    if (!value.length) return html`<span class="muted">—</span>`;
    return html`${value.map((v, i) => html`${i ? ", " : ""}${String(v)}`)}`;
  }
  return String(value);
}

/** A website shows as a link; only web addresses become links. */
function webLink(value: unknown): Html | null {
  return typeof value === "string" && /^https?:\/\//i.test(value)
    ? html`<a href="${value}" rel="nofollow noopener noreferrer">${value}</a>`
    : null;
}

function customValue(column: CustomColumn | undefined, value: unknown): Html | string {
  if (value === null || value === undefined) return html`<span class="muted">—</span>`;
  if (column?.type === "checkbox") return value ? "yes" : "no";
  // Only web addresses become links; anything else a link column holds shows as text.
  if (column?.type === "link" && typeof value === "string" && /^https?:\/\//i.test(value)) {
    return html`<a href="${value}" rel="nofollow noopener noreferrer">${value}</a>`;
  }
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export async function showRecord(ctx: Ctx, id: string) {
  const type = recordType(id);
  // No record has a longer id; a page for one is missing, not a bad request.
  if (!type || id.length > ID_MAX_LENGTH) throw new NotFoundError("record", id);
  const { actor } = ctx.session;
  const record: EntityRecord | undefined = (await ctx.app.crm.get(actor, type, [id])).get(id);
  if (!record) throw new NotFoundError(type, id);

  const definition = ENTITIES[type];
  const columns = await ctx.app.crm.listColumns(actor, type);
  const users = definition.relations.some((r) => r.target === "user")
    ? new Map((await ctx.app.tenants.users(actor)).map((u) => [u.id, u.name]))
    : new Map<string, string>();

  const serviceLines = type === "deal" ? (record.services as DealServiceLine[]) : [];
  const linked: { label: string; ids: string[]; names: Map<string, string>; users: boolean }[] = [];
  for (const relation of definition.relations) {
    const ids = (record[relation.name] as string[] | undefined) ?? [];
    const isUser = relation.target === "user";
    const names = isUser ? users : await namesOf(ctx, relation.target as EntityType, ids);
    const label = relation.meaning
      ? typeLabel(relation.meaning)
      : (RELATION_LABELS[relation.name] ?? relation.name);
    linked.push({ label, ids, names, users: isUser });
  }
  const serviceNames = serviceLines.length
    ? await namesOf(
        ctx,
        "service",
        serviceLines.map((l) => l.serviceId),
      )
    : new Map<string, string>();
  const notesHtml = (await loadNotes()).notesToHtml(record.notes);
  // A server without the webhooks toolset shows no deliveries, nor links to their pages.
  const deliveries = offers(ctx, "list_webhook_deliveries")
    ? await ctx.app.deliveries.forEntity(actor, id, DELIVERIES_SHOWN)
    : null;
  const history = await ctx.app.history.forEntity(actor, { id, limit: HISTORY_SHOWN });
  const name = recordName(type, record);

  const body = html`<div class="head">
  <h1>${name} <span class="badge">${type}</span></h1>
  <span class="muted small"><code>${record.id}</code></span>
</div>
<div class="grid2">
<section class="card" aria-labelledby="fields-h">
  <h2 id="fields-h" class="first">Fields</h2>
  <dl class="meta" id="fields">
    ${definition.scalars.map(
      (s) =>
        html`<dt>${FIELD_LABELS[s.name] ?? s.name}</dt><dd>${(s.format === "url" && webLink(record[s.name])) || scalarValue(record[s.name])}</dd>`,
    )}
    <dt>Created</dt><dd>${formatTime(record.createdAt)}</dd>
    <dt>Updated</dt><dd>${formatTime(record.updatedAt)}</dd>
  </dl>
  ${
    columns.length || record.customFieldValues.length
      ? html`<h3>Custom fields</h3>
  <dl class="meta" id="custom-fields">${record.customFieldValues.map((v) => {
    const column = columns.find((c) => c.id === v.columnId);
    return html`<dt>${column?.label ?? v.columnId}</dt><dd>${customValue(column, v.value)}</dd>`;
  })}${record.customFieldValues.length ? "" : html`<dt class="muted">none set</dt><dd></dd>`}</dl>`
      : ""
  }
</section>
<section class="card" aria-labelledby="links-h">
  <h2 id="links-h" class="first">Linked records</h2>
  <dl class="meta" id="links">
    ${
      type === "deal"
        ? html`<dt>Services</dt><dd>${
            serviceLines.length
              ? html`<ul class="plain">${serviceLines.map(
                  (l) => html`<li>${recordLink(l.serviceId, serviceNames)} × ${l.quantity}</li>`,
                )}</ul>`
              : html`<span class="muted">none</span>`
          }</dd>`
        : ""
    }
    ${linked.map(
      (l) =>
        html`<dt>${l.label}</dt><dd>${
          l.ids.length
            ? html`<ul class="plain">${l.ids.map(
                (id) =>
                  html`<li>${l.users ? (l.names.get(id) ?? html`<code>${id}</code>`) : recordLink(id, l.names)}</li>`,
              )}</ul>`
            : html`<span class="muted">none</span>`
        }</dd>`,
    )}
  </dl>
</section>
</div>
<section aria-labelledby="notes-h">
  <h2 id="notes-h">Notes</h2>
  ${
    notesHtml
      ? html`<div class="card notes" id="notes">${raw(notesHtml)}</div>`
      : html`<p class="muted" id="notes">No notes.</p>`
  }
</section>
${deliveries ? deliveriesSection(deliveries) : ""}
${historySection(history.items, history.total)}`;
  await render(ctx, 200, { title: `${name} (${type})`, body });
}

/** The deliveries a record's events caused, newest first, each a link to its page. */
function deliveriesSection(deliveries: Awaited<ReturnType<Ctx["app"]["deliveries"]["forEntity"]>>): Html {
  return html`<section aria-labelledby="deliveries-h">
  <h2 id="deliveries-h">Webhook deliveries it caused</h2>
  ${
    deliveries.items.length
      ? html`<div class="table-wrap"><table class="stack" id="record-deliveries">
  <thead><tr><th>Event</th><th>URL</th><th>Status</th><th>Time (UTC)</th></tr></thead>
  <tbody>${deliveries.items.map(
    (d) => html`<tr>
    <td data-label="Event"><a href="/deliveries/${d.id}"><code>${d.event}</code></a>${
      d.attempt > 1 ? html` <span class="muted small">attempt ${d.attempt}</span>` : ""
    }</td>
    <td class="url" data-label="URL">${d.url}</td>
    <td data-label="Status">${statusBadge(d.status)}${d.statusCode === null ? "" : html` <span class="muted small">${d.statusCode}</span>`}</td>
    <td class="nowrap" data-label="Time"><a href="/deliveries/${d.id}">${formatTime(d.createdAt)}</a></td>
  </tr>`,
  )}</tbody></table></div>
  <p class="muted small">${
    deliveries.total > deliveries.items.length
      ? `The newest ${deliveries.items.length} of ${deliveries.total} deliveries.`
      : `${deliveries.total} deliver${deliveries.total === 1 ? "y" : "ies"}, newest first.`
  }</p>`
      : html`<p class="muted" id="record-deliveries">No webhook delivery yet.</p>`
  }
</section>`;
}

/** How many of a record's events its page shows, newest first. */
const HISTORY_SHOWN = 25;

/** A changed value in words: text as it is, lists joined, notes and other objects named. */
function valueInWords(value: unknown): string {
  if (value === null || value === undefined || value === "") return "nothing";
  if (Array.isArray(value))
    return value.length === 0
      ? "none"
      : value.map((v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v))).join(", ");
  if (typeof value === "object") return "rich text";
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}

/** History: the events that touched this record, newest first, each change in words. */
function historySection(entries: HistoryEntry[], total: number): Html {
  return html`<section aria-labelledby="history-h" id="history">
  <h2 id="history-h">History</h2>
  ${
    entries.length
      ? html`<ol class="history">${entries.map(
          (e) =>
            html`<li><span class="nowrap">${formatTime(e.at)}</span> · <code>${e.event}</code> by <code>${e.userId}</code>${
              e.changes && Object.keys(e.changes).length
                ? html`<ul>${Object.entries(e.changes).map(
                    ([field, c]) =>
                      html`<li><strong>${field}</strong>: ${valueInWords(c.previous)} → ${valueInWords(c.current)}</li>`,
                  )}</ul>`
                : ""
            }</li>`,
        )}</ol>
  <p class="muted small">${
    total > entries.length
      ? `The newest ${entries.length} of ${total} changes; get_entity_history lists them all.`
      : `${total} change${total === 1 ? "" : "s"}, newest first.`
  }</p>`
      : html`<p class="muted">No change recorded yet.</p>`
  }
</section>`;
}
