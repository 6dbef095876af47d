import { newId } from "../../domain/ids.js";
import { ENTITY_TYPES } from "../../domain/model.js";
import {
  type ClaimedDelivery,
  type DeliveryOutcome,
  type DeliveryQuery,
  escapeLike,
  type FigureRow,
  type FinishedDelivery,
  figuresOf,
  type HourlyDeliveryCount,
  type LaterAttempt,
  type LocalClaimer,
  type Stamp,
  type WebhookRepository,
} from "../api.js";
import type { DeliveryRow, EventRow, WebhookRow } from "../rows.js";
import { entityTable } from "./crm.js";
import type { Conn } from "./db.js";

const WEBHOOK = `id, company_id as "companyId", url, events, description, secret, enabled,
  last_delivery_status as "lastDeliveryStatus", last_delivery_at as "lastDeliveryAt",
  retry_policy as "retryPolicy", previous_secret as "previousSecret", previous_secret_until as "previousSecretUntil",
  failing_since as "failingSince", last_error as "lastError", disabled_reason as "disabledReason",
  disabled_at as "disabledAt", created_at as "createdAt", updated_at as "updatedAt"`;

/**
 * The first later attempt of the same chain that was delivered, derived when read so that a
 * recorded row never changes (a small partial index on chain_id).
 */
const RESOLVED_BY = `(select r.id from webhook_deliveries r
  where r.chain_id = coalesce(d.chain_id, d.id) and r.status = 'succeeded' and r.attempt > d.attempt
  order by r.attempt limit 1)`;

const DELIVERY = `d.id, d.company_id as "companyId", d.webhook_id as "webhookId", d.event_id as "eventId", d.event,
  d.url, d.status, d.status_code as "statusCode", d.request_headers as "requestHeaders",
  d.response_body as "responseBody", d.error, d.error_class as "errorClass", d.duration_ms as "durationMs",
  d.attempt, d.resend_of as "resendOf", d.chain_id as "chainId", d.retries, d.due_at::float8 as "dueAt",
  d.claimed_by as "claimedBy", d.lease_until::float8 as "leaseUntil", d.created_at as "createdAt",
  d.sent_at as "sentAt", ${RESOLVED_BY} as "resolvedBy"`;

const EVENT = `id, company_id as "companyId", event, entity_id as "entityId", user_id as "userId", body, created_at as "createdAt"`;

const WEBHOOK_COLUMNS: Record<string, string> = {
  id: "id",
  companyId: "company_id",
  url: "url",
  events: "events",
  description: "description",
  secret: "secret",
  enabled: "enabled",
  lastDeliveryStatus: "last_delivery_status",
  lastDeliveryAt: "last_delivery_at",
  retryPolicy: "retry_policy",
  previousSecret: "previous_secret",
  previousSecretUntil: "previous_secret_until",
  failingSince: "failing_since",
  lastError: "last_error",
  disabledReason: "disabled_reason",
  disabledAt: "disabled_at",
  createdAt: "created_at",
  updatedAt: "updated_at",
};

/**
 * The outbox's size, read from the partial indexes of pending and sending rows, one status at
 * a time: `status in (...)` matches neither index, and would read every delivery ever made
 * (the whole log) at each metrics scrape.
 */
export const PENDING_COUNT_SQL = `select
  (select count(*) from webhook_deliveries where status = 'pending')::int +
  (select count(*) from webhook_deliveries where status = 'sending')::int as n`;

/** As PENDING_COUNT_SQL, with the creation time of the oldest row: the head of each index. */
export const OUTBOX_STATS_SQL = `select
  (select count(*) from webhook_deliveries where status = 'pending')::int +
  (select count(*) from webhook_deliveries where status = 'sending')::int as depth,
  least(
    (select created_at from webhook_deliveries where status = 'pending' order by created_at limit 1),
    (select min(created_at) from webhook_deliveries where status = 'sending')) as oldest`;

export class PgWebhookRepository implements WebhookRepository {
  constructor(private readonly c: Conn) {}

  async insert(row: WebhookRow): Promise<void> {
    await this.c.run(
      `insert into webhooks (id, company_id, url, events, description, secret, enabled, last_delivery_status,
         last_delivery_at, retry_policy, previous_secret, previous_secret_until, failing_since, last_error,
         disabled_reason, disabled_at, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        row.id,
        row.companyId,
        row.url,
        JSON.stringify(row.events),
        row.description,
        row.secret,
        row.enabled,
        row.lastDeliveryStatus,
        row.lastDeliveryAt,
        row.retryPolicy,
        row.previousSecret,
        row.previousSecretUntil,
        row.failingSince,
        row.lastError,
        row.disabledReason,
        row.disabledAt,
        row.createdAt,
        row.updatedAt,
      ],
    );
  }

  async update(companyId: string, id: string, patch: Partial<WebhookRow>): Promise<void> {
    const keys = (Object.keys(patch) as (keyof WebhookRow)[]).filter(
      (k) => patch[k] !== undefined && WEBHOOK_COLUMNS[k],
    );
    if (keys.length === 0) return;
    await this.c.run(
      `update webhooks set ${keys.map((k, i) => `${WEBHOOK_COLUMNS[k]} = $${i + 1}`).join(", ")}
       where company_id = $${keys.length + 1} and id = $${keys.length + 2}`,
      [...keys.map((k) => (k === "events" ? JSON.stringify(patch[k]) : patch[k])), companyId, id],
    );
  }

  async delete(companyId: string, id: string): Promise<void> {
    await this.c.run("delete from webhooks where company_id = $1 and id = $2", [companyId, id]);
  }

  async get(companyId: string, id: string): Promise<WebhookRow | undefined> {
    return this.c.one<WebhookRow>(`select ${WEBHOOK} from webhooks where company_id = $1 and id = $2`, [
      companyId,
      id,
    ]);
  }

  async list(companyId: string, q: { searchTerm?: string; limit: number; offset: number }) {
    const values: unknown[] = [companyId];
    let where = "company_id = $1";
    if (q.searchTerm) {
      values.push(`%${escapeLike(q.searchTerm)}%`);
      where += " and (url ilike $2 or description ilike $2)";
    }
    const total = await this.c.one<{ n: number }>(
      `select count(*)::int as n from webhooks where ${where}`,
      values,
    );
    const items = await this.c.all<WebhookRow>(
      `select ${WEBHOOK} from webhooks where ${where} order by id desc limit $${values.length + 1} offset $${values.length + 2}`,
      [...values, q.limit, q.offset],
    );
    return { items, total: total?.n ?? 0 };
  }

  async recordEvents(
    companyId: string,
    rows: EventRow[],
    claimer: LocalClaimer | null = null,
    stamp?: Stamp,
  ): Promise<{ written: number; claimed: ClaimedDelivery[]; declined: number }> {
    const claimed: ClaimedDelivery[] = [];
    if (rows.length === 0 && !stamp?.records.size) return { written: 0, claimed, declined: 0 };
    // The events, the records' new time and the webhooks that may want them, in one round trip.
    const values: unknown[] = [
      companyId,
      rows.map((e) => e.id),
      rows.map((e) => e.event),
      rows.map((e) => e.entityId),
      rows.map((e) => e.userId),
      rows.map((e) => e.body),
      rows.map((e) => e.createdAt),
      new Date().toISOString(),
    ];
    const stamped: string[] = [];
    for (const type of ENTITY_TYPES) {
      const ids = stamp?.records.get(type);
      if (!ids?.length) continue;
      if (stamped.length === 0) values.push(stamp!.at);
      values.push(ids);
      stamped.push(
        `, stamped_${type} as (update ${entityTable(type)} set updated_at = $9 where company_id = $1 and id = any($${values.length}::text[]))`,
      );
    }
    const hooks = await this.c.all<{
      id: string;
      url: string;
      events: string[];
      secret: string | null;
      previous_secret: string | null;
      retry_policy: WebhookRow["retryPolicy"];
    }>(
      `with written as (
         insert into events (id, company_id, event, entity_id, user_id, body, created_at)
         select e.id, $1, e.event, e.entity_id, e.user_id, e.body, e.created_at
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           as e(id, event, entity_id, user_id, body, created_at))${stamped.join("")}
       select id, url, events, secret, case when previous_secret_until > $8 then previous_secret end as previous_secret,
         retry_policy from webhooks where company_id = $1 and enabled`,
      values,
    );
    if (hooks.length === 0) return { written: 0, claimed, declined: 0 };
    const leaseUntil = claimer ? Date.now() + claimer.leaseMs : null;
    const d = {
      id: [] as string[],
      webhookId: [] as string[],
      eventId: [] as string[],
      event: [] as string[],
      url: [] as string[],
      status: [] as string[],
      createdAt: [] as string[],
      claimedBy: [] as (string | null)[],
      leaseUntil: [] as (number | null)[],
    };
    let declined = 0;
    for (const h of hooks) {
      const subscribed = new Set(h.events);
      let takenForWebhook = 0;
      for (const e of rows) {
        if (!subscribed.has(e.event)) continue;
        const id = newId("delivery");
        const take = claimer?.take(h.id, takenForWebhook, claimed.length) ?? false;
        if (take) takenForWebhook++;
        else if (claimer) declined++;
        d.id.push(id);
        d.webhookId.push(h.id);
        d.eventId.push(e.id);
        d.event.push(e.event);
        d.url.push(h.url);
        d.status.push(take ? "sending" : "pending");
        d.createdAt.push(e.createdAt);
        d.claimedBy.push(take ? claimer!.workerId : null);
        d.leaseUntil.push(take ? leaseUntil : null);
        if (take) {
          claimed.push({
            delivery: {
              id,
              webhookId: h.id,
              eventId: e.id,
              event: e.event,
              url: h.url,
              attempt: 1,
              resendOf: null,
              chainId: null,
              retries: 0,
            },
            body: e.body,
            webhook: {
              url: h.url,
              secret: h.secret,
              previousSecret: h.previous_secret,
              enabled: true,
              retryPolicy: h.retry_policy,
            },
          });
        }
      }
    }
    if (d.id.length > 0)
      await this.c.run(
        `insert into webhook_deliveries (id, company_id, webhook_id, event_id, event, url, status, attempt, created_at, claimed_by, lease_until)
         select r.id, $1, r.webhook_id, r.event_id, r.event, r.url, r.status, 1, r.created_at, r.claimed_by, r.lease_until
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[])
           as r(id, webhook_id, event_id, event, url, status, created_at, claimed_by, lease_until)`,
        [
          companyId,
          d.id,
          d.webhookId,
          d.eventId,
          d.event,
          d.url,
          d.status,
          d.createdAt,
          d.claimedBy,
          d.leaseUntil,
        ],
      );
    return { written: d.id.length, claimed, declined };
  }

  async claim(
    workerId: string,
    limit: number,
    now: number,
    leaseMs: number,
    options: { perWebhook?: number; skipWebhooks?: string[]; held?: string[] } = {},
  ): Promise<{ claimed: ClaimedDelivery[]; complete: boolean }> {
    // As on SQLite: a bounded slice of each partial index, at most `perWebhook` of one
    // webhook, lapsed leases first. Rows another node is claiming right now are locked, and
    // skipped, not waited for. Retries whose time has come are taken like pending rows, and
    // those not taken become pending. One statement: one round trip for the whole claim.
    // Live workers renew what they hold: a lapsed row is a stopped worker's, or lost by ours;
    // any but the rows this worker still holds.
    const window = Math.max(limit * 2, 64);
    const rows = await this.c.all<{
      id: string | null;
      webhook_id: string;
      event_id: string;
      event: string;
      url: string;
      attempt: number;
      resend_of: string | null;
      chain_id: string | null;
      retries: number;
      body: string | null;
      secret: string | null;
      previous_secret: string | null;
      enabled: boolean | null;
      retry_policy: WebhookRow["retryPolicy"] | null;
      webhook_url: string | null;
      seen: number[];
    }>(
      `with pending as (
         select id, webhook_id as w, created_at, 1 as k from webhook_deliveries
         where status = 'pending' and webhook_id <> all($3::text[])
         order by created_at limit $5 for update skip locked),
       due as (
         select id, webhook_id as w, created_at, 1 as k from webhook_deliveries
         where status = 'scheduled' and due_at <= $6 and webhook_id <> all($3::text[])
         order by due_at limit $5 for update skip locked),
       lapsed as (
         select id, webhook_id as w, created_at, 0 as k from webhook_deliveries
         where status = 'sending' and lease_until < $6 and id <> all($9::text[])
           and webhook_id <> all($3::text[]) limit $5 for update skip locked),
       seen as (
         select array[(select count(*) from pending), (select count(*) from due), (select count(*) from lapsed)]::int[] as n),
       ranked as (
         select id, k, created_at, row_number() over (partition by w order by k, created_at, id) as n
         from (select * from lapsed union all select * from pending union all select * from due) c),
       picked as (select id from ranked where n <= $4 order by k, created_at, id limit $7),
       taken as (
         update webhook_deliveries d set status = 'sending', claimed_by = $1, lease_until = $2, due_at = null
         from picked where d.id = picked.id
         returning d.id, d.webhook_id, d.event_id, d.event, d.url, d.attempt, d.resend_of, d.chain_id, d.retries, d.created_at),
       -- Only the due rows this statement locked: a row another claimer holds is skipped, never
       -- waited for (waiting here would let two claims deadlock); the rest stay due for the next claim.
       freed as (
         update webhook_deliveries set status = 'pending', due_at = null
         where id in (select id from due) and id not in (select id from picked))
       select t.id, t.webhook_id, t.event_id, t.event, t.url, t.attempt, t.resend_of, t.chain_id, t.retries, e.body,
         w.secret, case when w.previous_secret_until > $8 then w.previous_secret end as previous_secret,
         w.enabled, w.retry_policy, w.url as webhook_url, seen.n as seen
       from seen left join taken t on true left join events e on e.id = t.event_id
         left join webhooks w on w.id = t.webhook_id
       order by t.created_at, t.id`,
      [
        workerId,
        now + leaseMs,
        options.skipWebhooks ?? [],
        options.perWebhook ?? limit,
        window,
        now,
        limit,
        new Date(now).toISOString(),
        options.held ?? [],
      ],
    );
    const seen = rows[0]?.seen ?? [0, 0, 0];
    const complete = seen.every((n) => n < window);
    if (rows.length === 0 || rows[0]!.id === null) return { claimed: [], complete };
    const claimed = rows.map((d) => ({
      delivery: {
        id: d.id!,
        webhookId: d.webhook_id,
        eventId: d.event_id,
        event: d.event,
        url: d.url,
        attempt: d.attempt,
        resendOf: d.resend_of,
        chainId: d.chain_id,
        retries: d.retries,
      },
      body: d.body ?? "",
      webhook:
        d.webhook_url === null
          ? null
          : {
              url: d.webhook_url,
              secret: d.secret,
              previousSecret: d.previous_secret,
              enabled: d.enabled === true,
              retryPolicy: d.retry_policy ?? "none",
            },
    }));
    return { claimed, complete };
  }

  async renewLeases(workerId: string, ids: string[], leaseUntil: number): Promise<void> {
    await this.c.run(
      "update webhook_deliveries set lease_until = $1 where id = any($3::text[]) and status = 'sending' and claimed_by = $2",
      [leaseUntil, workerId, ids],
    );
  }

  async complete(
    workerId: string,
    outcomes: DeliveryOutcome[],
    options: { disableFailingSince?: string; now?: string } = {},
  ): Promise<{ disabled: string[] }> {
    if (outcomes.length === 0) return { disabled: [] };
    // Retries to insert and webhooks to disable are statements of their own, which commit
    // with the outcomes; a batch of successes is the one statement below.
    if (
      outcomes.some(
        (o) => o.retry || o.disable || (options.disableFailingSince && o.result.status !== "succeeded"),
      )
    )
      await this.c.together();
    const r = outcomes.map((o) => o.result);
    // One statement for the batch, one round trip: each row only if this worker still holds
    // its claim, the hourly counts of the rows recorded (in key order, so that two writers
    // lock the rows they share in the same order), and each webhook's last status, the
    // latest recorded in this batch. Every node records outcomes of the same webhooks: a
    // webhook row another node is updating is skipped, not waited for, as its outcome is as
    // recent as ours. A list view may show the other of two outcomes recorded in the same moment.
    const done = await this.c.all<{ id: string }>(
      `with o as (
         select * from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[])
           with ordinality as o(id, status, status_code, request_headers, response_body, error, error_class, duration_ms, sent_at, ord)),
       done as (
         update webhook_deliveries d set status = o.status, status_code = o.status_code, request_headers = o.request_headers::json,
           response_body = o.response_body, error = o.error, error_class = o.error_class, duration_ms = o.duration_ms,
           sent_at = o.sent_at, claimed_by = null, lease_until = null
         from o where d.id = o.id and d.claimed_by = $10
         returning d.id, d.company_id, d.webhook_id, left(d.created_at, 13) as hour, o.status, o.sent_at, o.error, o.ord),
       hours as (
         insert into webhook_delivery_hours (company_id, webhook_id, hour, succeeded, failed)
         select company_id, webhook_id, hour, (count(*) filter (where status = 'succeeded'))::int,
           (count(*) filter (where status = 'failed'))::int
         from done group by company_id, webhook_id, hour order by webhook_id, hour
         on conflict (webhook_id, hour) do update set
           succeeded = webhook_delivery_hours.succeeded + excluded.succeeded,
           failed = webhook_delivery_hours.failed + excluded.failed),
       last as (select distinct on (webhook_id) webhook_id, status, sent_at, error from done order by webhook_id, ord desc),
       hooks as (
         update webhooks w set last_delivery_status = l.status, last_delivery_at = l.sent_at,
           failing_since = case when l.status = 'succeeded' then null else coalesce(w.failing_since, l.sent_at) end,
           last_error = case when l.status = 'succeeded' then w.last_error else l.error end
         from last l
         where w.id = l.webhook_id
           and w.id in (select id from webhooks where id in (select webhook_id from last) order by id for update skip locked))
       select id from done`,
      [
        outcomes.map((o) => o.id),
        r.map((x) => x.status),
        r.map((x) => x.statusCode),
        r.map((x) => (x.requestHeaders === null ? null : JSON.stringify(x.requestHeaders))),
        r.map((x) => x.responseBody),
        r.map((x) => x.error),
        r.map((x) => x.errorClass),
        r.map((x) => x.durationMs),
        r.map((x) => x.sentAt),
        workerId,
      ],
    );
    const recorded = new Set(done.map((d) => d.id));
    const last = new Map<string, { status: string }>();
    const disable = new Map<string, string>();
    for (const o of outcomes) {
      if (!recorded.has(o.id)) continue;
      last.set(o.webhookId, { status: o.result.status });
      if (o.retry)
        await this.insertLaterAttempt(o.chainId ?? o.id, {
          ...o.retry,
          status: "scheduled",
          retries: o.delivery.retries + 1,
          resendOf: null,
        });
      if (o.disable) disable.set(o.webhookId, o.disable);
    }
    const ids = [...last.keys()].sort();
    if (ids.length === 0) return { disabled: [] };
    const now = options.now ?? new Date().toISOString();
    const disabled: string[] = [];
    for (const [webhookId, reason] of disable) {
      const row = await this.c.one<{ id: string }>(
        `update webhooks set enabled = false, disabled_reason = $1, disabled_at = $2
         where id = $3 and enabled returning id`,
        [reason, now, webhookId],
      );
      if (row) disabled.push(webhookId);
    }
    if (options.disableFailingSince) {
      const failing = ids.filter((id) => last.get(id)!.status !== "succeeded" && !disable.has(id));
      if (failing.length > 0) {
        const rows = await this.c.all<{ id: string }>(
          `update webhooks set enabled = false, disabled_at = $1,
             disabled_reason = 'Every delivery has failed since ' || failing_since || '; the last error: ' || coalesce(last_error, 'none')
           where id = any($2::text[]) and enabled and failing_since <= $3 returning id`,
          [now, failing, options.disableFailingSince],
        );
        for (const row of rows) disabled.push(row.id);
      }
    }
    return { disabled };
  }

  async insertLaterAttempt(chain: string, at: LaterAttempt): Promise<void> {
    await this.c.run(
      `insert into webhook_deliveries (id, company_id, webhook_id, event_id, event, url, status, attempt, chain_id,
         retries, due_at, resend_of, created_at)
       select $1, company_id, webhook_id, event_id, event, $2, $3,
         greatest(attempt, coalesce((select max(attempt) from webhook_deliveries where chain_id = $4), 0)) + 1,
         $4, $5, $6, $7, $8
       from webhook_deliveries where id = $4`,
      [at.id, at.url, at.status, chain, at.retries, at.dueAt, at.resendOf, at.createdAt],
    );
  }

  async release(workerId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.c.run(
      `update webhook_deliveries set status = 'pending', claimed_by = null, lease_until = null
       where id = any($1::text[]) and claimed_by = $2 and status = 'sending'`,
      [ids, workerId],
    );
  }

  async events(companyId: string, limit = 1000): Promise<EventRow[]> {
    return this.c.all<EventRow>(`select ${EVENT} from events where company_id = $1 order by id limit $2`, [
      companyId,
      limit,
    ]);
  }

  async entityEvents(
    companyId: string,
    entityId: string,
    q: { limit: number; offset: number },
  ): Promise<{ items: EventRow[]; total: number }> {
    // Ids are time-ordered and unique, so they order events of the same millisecond too.
    const items = await this.c.all<EventRow>(
      `select ${EVENT} from events where company_id = $1 and entity_id = $2 order by id desc limit $3 offset $4`,
      [companyId, entityId, q.limit, q.offset],
    );
    const total =
      items.length < q.limit && (q.offset === 0 || items.length > 0)
        ? q.offset + items.length
        : ((
            await this.c.one<{ n: number }>(
              "select count(*)::int as n from events where company_id = $1 and entity_id = $2",
              [companyId, entityId],
            )
          )?.n ?? 0);
    return { items, total };
  }

  async pendingCount(): Promise<number> {
    const row = await this.c.one<{ n: number }>(PENDING_COUNT_SQL);
    return row?.n ?? 0;
  }

  async outboxStats(): Promise<{ depth: number; oldestCreatedAt: string | null }> {
    const row = await this.c.one<{ depth: number; oldest: string | null }>(OUTBOX_STATS_SQL);
    return { depth: row?.depth ?? 0, oldestCreatedAt: row?.oldest ?? null };
  }

  async listDeliveries(
    companyId: string,
    q: DeliveryQuery,
  ): Promise<{ items: DeliveryRow[]; total: number }> {
    const values: unknown[] = [companyId];
    const p = (v: unknown) => `$${values.push(v)}`;
    const parts = ["d.company_id = $1"];
    if (q.searchTerm) {
      const term = p(`%${escapeLike(q.searchTerm)}%`);
      parts.push(`(d.url ilike ${term} or d.event ilike ${term})`);
    }
    if (q.webhookId) parts.push(`d.webhook_id = ${p(q.webhookId)}`);
    if (q.status) parts.push(`d.status = ${p(q.status)}`);
    if (q.unresolved) parts.push(`d.status = 'failed' and ${RESOLVED_BY} is null`);
    if (q.event) parts.push(`d.event = ${p(q.event)}`);
    if (q.since) parts.push(`d.created_at >= ${p(q.since)}`);
    if (q.until) parts.push(`d.created_at <= ${p(q.until)}`);
    if (q.entityId) {
      // First attempts are written with their event and at its time (the company-and-time
      // index finds them); later attempts hang off their chain's first.
      const firsts = `select f.id from events e join webhook_deliveries f
        on f.company_id = e.company_id and f.created_at = e.created_at and f.event_id = e.id
        where e.company_id = $1 and e.entity_id = ${p(q.entityId)}`;
      parts.push(
        `d.id in (${firsts} union all select c.id from webhook_deliveries c where c.chain_id in (${firsts}))`,
      );
    }
    const where = parts.join(" and ");
    const total = await this.c.one<{ n: number }>(
      `select count(*)::int as n from webhook_deliveries d where ${where}`,
      values,
    );
    const limit = p(q.limit);
    const offset = p(q.offset);
    const items = await this.c.all<DeliveryRow>(
      `select ${DELIVERY} from webhook_deliveries d where ${where}
       order by d.created_at desc, d.id desc limit ${limit} offset ${offset}`,
      values,
    );
    return { items, total: total?.n ?? 0 };
  }

  async deliveryCounts(
    companyId: string,
    webhookIds: string[],
    since: string,
    byHourFrom: string,
  ): Promise<HourlyDeliveryCount[]> {
    if (webhookIds.length === 0) return [];
    return this.c.all<HourlyDeliveryCount>(
      `select webhook_id as "webhookId", hour, succeeded, failed from webhook_delivery_hours
       where webhook_id = any($1::text[]) and hour >= $4 and company_id = $3
       union all
       select webhook_id, '', sum(succeeded)::int, sum(failed)::int from webhook_delivery_hours
       where webhook_id = any($1::text[]) and hour >= $2 and hour < $4 and company_id = $3
       group by webhook_id`,
      [webhookIds, since.slice(0, 13), companyId, byHourFrom],
    );
  }

  async webhookFigures(
    companyId: string,
    webhookId: string,
    since: string,
    byHourFrom: string,
    latest: number,
  ): Promise<{ hours: HourlyDeliveryCount[]; latest: FinishedDelivery[] }> {
    // A webhook's hourly counts, then its latest finished deliveries, by the index on
    // (webhook_id, created_at). The company is checked on the webhook's row: a company_id
    // term on the deliveries would let the planner walk the company's whole log instead.
    const rows = await this.c.all<FigureRow>(
      `select 'hour' as kind, case when hour >= $6 then hour else '' end as hour, sum(succeeded)::int as succeeded,
         sum(failed)::int as failed, null as status, null::int as "durationMs", null as "errorClass"
       from webhook_delivery_hours where webhook_id = $1 and hour >= $2 and company_id = $3
       group by 2
       union all
       select * from (select 'delivery', null, null::int, null::int, status, duration_ms, error_class from webhook_deliveries
         where webhook_id = (select id from webhooks where id = $1 and company_id = $3)
           and created_at >= $4 and status in ('succeeded', 'failed')
         order by created_at desc limit $5) latest`,
      [webhookId, since.slice(0, 13), companyId, since, latest, byHourFrom],
    );
    return figuresOf(webhookId, rows);
  }

  async getDelivery(
    companyId: string,
    id: string,
  ): Promise<{ delivery: DeliveryRow; body: string } | undefined> {
    const row = await this.c.one<DeliveryRow & { body: string }>(
      `select ${DELIVERY}, e.body from webhook_deliveries d join events e on e.id = d.event_id
       where d.company_id = $1 and d.id = $2`,
      [companyId, id],
    );
    if (!row) return undefined;
    const { body, ...delivery } = row;
    return { delivery, body };
  }

  async latestFailed(
    companyId: string,
    q: { since: string; until?: string; webhookId?: string },
  ): Promise<DeliveryRow[]> {
    const values: unknown[] = [companyId, q.since];
    const p = (v: unknown) => `$${values.push(v)}`;
    const parts = [
      "d.company_id = $1",
      "d.status = 'failed'",
      "d.created_at >= $2",
      `${RESOLVED_BY} is null`,
      // Not resent yet: a resend chain's last link is its latest attempt.
      "not exists (select 1 from webhook_deliveries r where r.resend_of = d.id)",
    ];
    if (q.until) parts.push(`d.created_at <= ${p(q.until)}`);
    if (q.webhookId) parts.push(`d.webhook_id = ${p(q.webhookId)}`);
    const rows = await this.c.all<DeliveryRow>(
      `select ${DELIVERY} from webhook_deliveries d where ${parts.join(" and ")} order by d.created_at desc, d.id desc`,
      values,
    );
    // One per event and webhook, even if a delivery was resent by hand more than once.
    const seen = new Set<string>();
    return rows
      .filter((d) => {
        const k = `${d.eventId} ${d.webhookId}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .reverse();
  }
}
