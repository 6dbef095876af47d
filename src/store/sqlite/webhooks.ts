import { and, desc, eq, getTableColumns, or, type SQL, sql } from "drizzle-orm";
import { newId } from "../../domain/ids.js";
import {
  type ClaimedDelivery,
  type DeliveryOutcome,
  type DeliveryQuery,
  type DeliveryResult,
  escapeLike,
  type FigureRow,
  type FinishedDelivery,
  figuresOf,
  HourCounts,
  type HourlyDeliveryCount,
  type LaterAttempt,
  type LocalClaimer,
  type Stamp,
  type WebhookRepository,
} from "../api.js";
import type { DeliveryRow, EventRow, WebhookRow } from "../rows.js";
import { entityTable } from "./crm.js";
import type { Db } from "./db.js";
import { events, webhookDeliveries, webhooks } from "./schema/index.js";
import { jsonList, type Statements } from "./statements.js";

/**
 * The first later attempt of the same chain that was delivered, derived when read so that a
 * recorded row never changes. Written out in full: inside the subquery, an unqualified
 * column would name `r`'s.
 */
const resolvedBy = sql<string | null>`(select r.id from webhook_deliveries r
  where r.chain_id = coalesce(webhook_deliveries.chain_id, webhook_deliveries.id)
    and r.status = 'succeeded' and r.attempt > webhook_deliveries.attempt
  order by r.attempt limit 1)`;
const deliveryColumns = { ...getTableColumns(webhookDeliveries), resolvedBy };

/**
 * A webhook's hourly counts, then its latest finished deliveries, by the index on
 * (webhook_id, created_at). The company is checked on the webhook's row: a company_id term
 * on the deliveries would let the planner walk the company's whole log instead.
 */
const WEBHOOK_FIGURES_SQLITE = `select 'hour' as kind, case when hour >= @byHourFrom then hour else '' end as hour,
    sum(succeeded) as succeeded, sum(failed) as failed, null as status, null as durationMs, null as errorClass
  from webhook_delivery_hours where webhook_id = @webhookId and hour >= @hour and company_id = @companyId
  group by 2
  union all
  select * from (select 'delivery', null, null, null, status, duration_ms, error_class from webhook_deliveries
    where webhook_id = (select id from webhooks where id = @webhookId and company_id = @companyId)
      and created_at >= @since and status in ('succeeded', 'failed')
    order by created_at desc limit @latest)`;

/**
 * The deliveries of a record's events. A first attempt is written with its event and at its
 * time, so it is found by the company-and-time index; later attempts by their chain's index.
 */
function entityDeliveryIds(companyId: string, entityId: string): SQL {
  const firsts = sql`select f.id from events e join webhook_deliveries f
    on f.company_id = e.company_id and f.created_at = e.created_at and f.event_id = e.id
    where e.company_id = ${companyId} and e.entity_id = ${entityId}`;
  return sql`${firsts} union all select c.id from webhook_deliveries c where c.chain_id in (${firsts})`;
}

export class SqliteWebhookRepository implements WebhookRepository {
  constructor(
    private readonly db: Db,
    private readonly st: Statements,
  ) {}

  async insert(row: WebhookRow): Promise<void> {
    this.db.insert(webhooks).values(row).run();
  }

  async update(companyId: string, id: string, patch: Partial<WebhookRow>): Promise<void> {
    this.db
      .update(webhooks)
      .set(patch)
      .where(and(eq(webhooks.companyId, companyId), eq(webhooks.id, id)))
      .run();
  }

  async delete(companyId: string, id: string): Promise<void> {
    this.db
      .delete(webhooks)
      .where(and(eq(webhooks.companyId, companyId), eq(webhooks.id, id)))
      .run();
  }

  async get(companyId: string, id: string): Promise<WebhookRow | undefined> {
    return this.db
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.companyId, companyId), eq(webhooks.id, id)))
      .get();
  }

  async list(companyId: string, q: { searchTerm?: string; limit: number; offset: number }) {
    const parts: SQL[] = [eq(webhooks.companyId, companyId)];
    if (q.searchTerm) {
      const term = `%${escapeLike(q.searchTerm)}%`;
      parts.push(
        or(
          sql`${webhooks.url} like ${term} escape '\\'`,
          sql`${webhooks.description} like ${term} escape '\\'`,
        )!,
      );
    }
    const where = and(...parts);
    const total = this.db.select({ n: sql<number>`count(*)` }).from(webhooks).where(where).get()?.n ?? 0;
    const items = this.db
      .select()
      .from(webhooks)
      .where(where)
      .orderBy(desc(webhooks.id))
      .limit(q.limit)
      .offset(q.offset)
      .all();
    return { items, total };
  }

  /** Writes events and one pending delivery per enabled, subscribed webhook; returns the delivery count. */
  async recordEvents(
    companyId: string,
    rows: EventRow[],
    claimer: LocalClaimer | null = null,
    stamp?: Stamp,
  ): Promise<{ written: number; claimed: ClaimedDelivery[]; declined: number }> {
    const claimed: ClaimedDelivery[] = [];
    if (rows.length === 0 && !stamp?.records.size) return { written: 0, claimed, declined: 0 };
    const insertEvent =
      "insert into events (id, company_id, event, entity_id, user_id, body, created_at) values (?, ?, ?, ?, ?, ?, ?)";
    for (const e of rows)
      this.st.run(insertEvent, e.id, companyId, e.event, e.entityId, e.userId, e.body, e.createdAt);
    for (const [type, ids] of stamp?.records ?? []) {
      const touch = `update ${entityTable(type)} set updated_at = ? where company_id = ? and id = ?`;
      for (const id of ids) this.st.run(touch, stamp!.at, companyId, id);
    }
    const hooks = this.st.all<{
      id: string;
      url: string;
      events: string;
      secret: string | null;
      previous_secret: string | null;
      retry_policy: WebhookRow["retryPolicy"];
    }>(
      `select id, url, events, secret, case when previous_secret_until > ? then previous_secret end as previous_secret,
         retry_policy from webhooks where company_id = ? and enabled = 1`,
      new Date().toISOString(),
      companyId,
    );
    if (hooks.length === 0) return { written: 0, claimed, declined: 0 };
    const insertDelivery =
      "insert into webhook_deliveries (id, company_id, webhook_id, event_id, event, url, status, attempt, created_at, claimed_by, lease_until) values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)";
    const leaseUntil = claimer ? Date.now() + claimer.leaseMs : null;
    let written = 0;
    let declined = 0;
    for (const h of hooks) {
      const subscribed = new Set(JSON.parse(h.events) as string[]);
      let takenForWebhook = 0;
      for (const e of rows) {
        if (!subscribed.has(e.event)) continue;
        const id = newId("delivery");
        const take = claimer?.take(h.id, takenForWebhook, claimed.length) ?? false;
        if (take) takenForWebhook++;
        else if (claimer) declined++;
        this.st.run(
          insertDelivery,
          id,
          companyId,
          h.id,
          e.id,
          e.event,
          h.url,
          take ? "sending" : "pending",
          e.createdAt,
          take ? claimer!.workerId : null,
          take ? leaseUntil : null,
        );
        written++;
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
    return { written, claimed, declined };
  }

  /**
   * Takes up to `limit` deliveries that are pending, or whose claim has outlived its lease,
   * and marks them as this worker's. `complete` is false when there may be due rows the
   * claim did not look at. Runs inside a write transaction, so two processes on
   * one file never claim the same row.
   */
  async claim(
    workerId: string,
    limit: number,
    now: number,
    leaseMs: number,
    options: { perWebhook?: number; skipWebhooks?: string[]; held?: string[] } = {},
  ): Promise<{ claimed: ClaimedDelivery[]; complete: boolean }> {
    // Due rows: pending (oldest first), or claimed by a process whose lease ran out. Each
    // branch reads a bounded slice of its partial index, so a claim costs the same however
    // long the outbox is; at most `perWebhook` rows of one webhook are taken, so one busy
    // receiver cannot fill the claim.
    // Retries whose time has come join the pending rows (a range of a small partial index).
    this.st.run(
      "update webhook_deliveries set status = 'pending', due_at = null where status = 'scheduled' and due_at <= ?",
      now,
    );
    // Stryker disable next-line ArrayDeclaration: equivalent, skipping a webhook id no webhook has skips nothing
    const skip = jsonList(options.skipWebhooks ?? []);
    const window = Math.max(limit * 2, 64);
    const pending = this.st.all<{ r: number; w: string }>(
      `select rowid as r, webhook_id as w from webhook_deliveries
       where status = 'pending' and webhook_id not in (select value from json_each(?))
       order by created_at limit ?`,
      skip,
      window,
    );
    // Live workers renew what they hold: a lapsed row is a stopped worker's, or lost by ours.
    const lapsed = this.st.all<{ r: number; w: string }>(
      `select rowid as r, webhook_id as w from webhook_deliveries where status = 'sending' and lease_until < ?
         and id not in (select value from json_each(?)) and webhook_id not in (select value from json_each(?)) limit ?`,
      now,
      jsonList(options.held ?? []),
      skip,
      window,
    );
    const complete = pending.length < window && lapsed.length < window;
    const due = [...lapsed, ...pending];
    const perWebhook = options.perWebhook ?? limit;
    const taken = new Map<string, number>();
    const rowids: number[] = [];
    for (const { r, w } of due) {
      if (rowids.length >= limit) break;
      const n = taken.get(w) ?? 0;
      if (n >= perWebhook) continue;
      taken.set(w, n + 1);
      rowids.push(r);
    }
    if (rowids.length === 0) return { claimed: [], complete };
    const list = jsonList(rowids);
    this.st.run(
      "update webhook_deliveries set status = 'sending', claimed_by = ?, lease_until = ? where rowid in (select value from json_each(?))",
      workerId,
      now + leaseMs,
      list,
    );
    // Only what the send needs: reading whole rows would cost more than the update.
    const claimed = this.st
      .all<{
        id: string;
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
        enabled: number | null;
        retry_policy: WebhookRow["retryPolicy"] | null;
        webhook_url: string | null;
      }>(
        `select d.id, d.webhook_id, d.event_id, d.event, d.url, d.attempt, d.resend_of, d.chain_id, d.retries, e.body,
           w.secret, case when w.previous_secret_until > ? then w.previous_secret end as previous_secret,
           w.enabled, w.retry_policy, w.url as webhook_url
         from webhook_deliveries d
         left join events e on e.id = d.event_id
         left join webhooks w on w.id = d.webhook_id
         where d.rowid in (select value from json_each(?))
         order by d.rowid`,
        new Date(now).toISOString(),
        list,
      )
      .map((d) => ({
        delivery: {
          id: d.id,
          webhookId: d.webhook_id,
          eventId: d.event_id,
          event: d.event,
          url: d.url,
          attempt: d.attempt,
          resendOf: d.resend_of,
          chainId: d.chain_id,
          retries: d.retries,
        },
        // Stryker disable next-line StringLiteral: unreachable, a delivery's event_id references an event, and events are never deleted
        body: d.body ?? "",
        webhook:
          d.webhook_url === null
            ? null
            : {
                url: d.webhook_url,
                secret: d.secret,
                previousSecret: d.previous_secret,
                enabled: d.enabled === 1,
                retryPolicy: d.retry_policy ?? "none",
              },
      }));
    return { claimed, complete };
  }

  /** Extends the leases of `ids` this worker still holds: only those, so a lost row lapses. */
  async renewLeases(workerId: string, ids: string[], leaseUntil: number): Promise<void> {
    this.st.run(
      "update webhook_deliveries set lease_until = ? where id in (select value from json_each(?)) and status = 'sending' and claimed_by = ?",
      leaseUntil,
      jsonList(ids),
      workerId,
    );
  }

  /**
   * Records outcomes, each only if this worker still holds the claim, with what follows from
   * them in the same transaction: the next automatic attempt, the failures of the chain that
   * a success resolves, each webhook's last status and failing streak (one update per webhook
   * per batch), and a webhook disabled by a 410 or by failing since before `disableFailingSince`.
   */
  async complete(
    workerId: string,
    outcomes: DeliveryOutcome[],
    options: { disableFailingSince?: string; now?: string } = {},
  ): Promise<{ disabled: string[] }> {
    const last = new Map<string, DeliveryResult>();
    const disable = new Map<string, string>();
    const hours = new HourCounts();
    for (const o of outcomes) {
      const r = o.result;
      const done = this.st
        .get(
          `update webhook_deliveries set status = ?, status_code = ?, request_headers = ?, response_body = ?, error = ?,
           error_class = ?, duration_ms = ?, sent_at = ?, claimed_by = null, lease_until = null
         where id = ? and claimed_by = ? returning company_id as companyId, created_at as createdAt`,
        )
        .get(
          r.status,
          r.statusCode,
          r.requestHeaders === null ? null : JSON.stringify(r.requestHeaders),
          r.responseBody,
          r.error,
          r.errorClass,
          r.durationMs,
          r.sentAt,
          o.id,
          workerId,
        ) as { companyId: string; createdAt: string } | undefined;
      if (!done) continue;
      hours.add(done.companyId, o.webhookId, done.createdAt, r.status);
      last.set(o.webhookId, r);
      const chain = o.chainId ?? o.id;
      if (o.retry)
        await this.insertLaterAttempt(chain, {
          ...o.retry,
          status: "scheduled",
          retries: o.delivery.retries + 1,
          resendOf: null,
        });
      if (o.disable) disable.set(o.webhookId, o.disable);
    }
    for (const h of hours.rows()) {
      this.st.run(
        `insert into webhook_delivery_hours (company_id, webhook_id, hour, succeeded, failed) values (?, ?, ?, ?, ?)
         on conflict (webhook_id, hour) do update set
           succeeded = webhook_delivery_hours.succeeded + excluded.succeeded,
           failed = webhook_delivery_hours.failed + excluded.failed`,
        h.companyId,
        h.webhookId,
        h.hour,
        h.succeeded,
        h.failed,
      );
    }
    for (const [webhookId, r] of last) {
      this.st.run(
        `update webhooks set last_delivery_status = ?, last_delivery_at = ?,
           failing_since = case when ? = 'succeeded' then null else coalesce(failing_since, ?) end,
           last_error = case when ? = 'succeeded' then last_error else ? end
         where id = ?`,
        r.status,
        r.sentAt,
        r.status,
        r.sentAt,
        r.status,
        r.error,
        webhookId,
      );
    }
    const now = options.now ?? new Date().toISOString();
    const disabled: string[] = [];
    for (const [webhookId, reason] of disable) {
      const changed = this.st.run(
        "update webhooks set enabled = 0, disabled_reason = ?, disabled_at = ? where id = ? and enabled = 1",
        reason,
        now,
        webhookId,
      );
      if (changed.changes > 0) disabled.push(webhookId);
    }
    if (options.disableFailingSince) {
      for (const [webhookId, r] of last) {
        if (r.status === "succeeded" || disable.has(webhookId)) continue;
        const changed = this.st.run(
          `update webhooks set enabled = 0, disabled_at = ?,
             disabled_reason = 'Every delivery has failed since ' || failing_since || '; the last error: ' || coalesce(last_error, 'none')
           where id = ? and enabled = 1 and failing_since <= ?`,
          now,
          webhookId,
          options.disableFailingSince,
        );
        if (changed.changes > 0) disabled.push(webhookId);
      }
    }
    return { disabled };
  }

  /**
   * A later attempt of a chain (a retry or a resend), with the same event and webhook as the
   * chain's first delivery; its number counts every attempt the chain has had, so two resends
   * of one delivery are not both attempt 2.
   */
  async insertLaterAttempt(chain: string, at: LaterAttempt): Promise<void> {
    this.st.run(
      `insert into webhook_deliveries (id, company_id, webhook_id, event_id, event, url, status, attempt, chain_id,
         retries, due_at, resend_of, created_at)
       select ?, company_id, webhook_id, event_id, event, ?, ?,
         max(attempt, coalesce((select max(attempt) from webhook_deliveries where chain_id = ?), 0)) + 1,
         ?, ?, ?, ?, ?
       from webhook_deliveries where id = ?`,
      at.id,
      at.url,
      at.status,
      chain,
      chain,
      at.retries,
      at.dueAt,
      at.resendOf,
      at.createdAt,
      chain,
    );
  }

  /** Hands unsent claims back (a process that stops before sending them). */
  async release(workerId: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      this.db
        .update(webhookDeliveries)
        .set({ status: "pending", claimedBy: null, leaseUntil: null })
        .where(
          and(
            eq(webhookDeliveries.id, id),
            eq(webhookDeliveries.claimedBy, workerId),
            eq(webhookDeliveries.status, "sending"),
          ),
        )
        .run();
    }
  }

  /** Events of a company, oldest first. */
  async events(companyId: string, limit = 1000): Promise<EventRow[]> {
    return this.db
      .select()
      .from(events)
      .where(eq(events.companyId, companyId))
      .orderBy(events.id)
      .limit(limit)
      .all();
  }

  async entityEvents(
    companyId: string,
    entityId: string,
    q: { limit: number; offset: number },
  ): Promise<{ items: EventRow[]; total: number }> {
    const where = and(eq(events.companyId, companyId), eq(events.entityId, entityId));
    // Ids are time-ordered and unique, so they order events of the same millisecond too.
    const items = this.db
      .select()
      .from(events)
      .where(where)
      .orderBy(desc(events.id))
      .limit(q.limit)
      .offset(q.offset)
      .all();
    const total =
      items.length < q.limit && (q.offset === 0 || items.length > 0)
        ? q.offset + items.length
        : (this.db.select({ n: sql<number>`count(*)` }).from(events).where(where).get()?.n ?? 0);
    return { items, total };
  }

  /** Deliveries not yet recorded as sent or failed (each count reads its own partial index). */
  async pendingCount(): Promise<number> {
    const row = this.st.all<{ n: number }>(
      "select (select count(*) from webhook_deliveries where status = 'pending') + (select count(*) from webhook_deliveries where status = 'sending') as n",
    )[0];
    return row?.n ?? 0;
  }

  /** Outbox depth and the creation time of its oldest row, for metrics; each part reads a partial index. */
  async outboxStats(): Promise<{ depth: number; oldestCreatedAt: string | null }> {
    const row = this.st.all<{ pending: number; sending: number; oldest: string | null }>(
      "select (select count(*) from webhook_deliveries where status = 'pending') as pending, (select count(*) from webhook_deliveries where status = 'sending') as sending, (select min(created_at) from (select min(created_at) as created_at from webhook_deliveries where status = 'pending' union all select min(created_at) from webhook_deliveries where status = 'sending')) as oldest",
    )[0];
    return { depth: (row?.pending ?? 0) + (row?.sending ?? 0), oldestCreatedAt: row?.oldest ?? null };
  }

  async listDeliveries(
    companyId: string,
    q: DeliveryQuery,
  ): Promise<{ items: DeliveryRow[]; total: number }> {
    const parts: SQL[] = [eq(webhookDeliveries.companyId, companyId)];
    if (q.searchTerm) {
      const term = `%${escapeLike(q.searchTerm)}%`;
      parts.push(
        or(
          sql`${webhookDeliveries.url} like ${term} escape '\\'`,
          sql`${webhookDeliveries.event} like ${term} escape '\\'`,
        )!,
      );
    }
    if (q.webhookId) parts.push(eq(webhookDeliveries.webhookId, q.webhookId));
    if (q.status) parts.push(eq(webhookDeliveries.status, q.status));
    if (q.unresolved) parts.push(eq(webhookDeliveries.status, "failed"), sql`${resolvedBy} is null`);
    if (q.event) parts.push(eq(webhookDeliveries.event, q.event));
    if (q.since) parts.push(sql`${webhookDeliveries.createdAt} >= ${q.since}`);
    if (q.until) parts.push(sql`${webhookDeliveries.createdAt} <= ${q.until}`);
    if (q.entityId) {
      // A record's deliveries are few: find them by id, not by walking the company's log
      // (the unary plus keeps the planner off the company index; the subquery is scoped already).
      parts[0] = sql`+${webhookDeliveries.companyId} = ${companyId}`;
      parts.push(sql`${webhookDeliveries.id} in (${entityDeliveryIds(companyId, q.entityId)})`);
    }
    const where = and(...parts);
    const total =
      this.db.select({ n: sql<number>`count(*)` }).from(webhookDeliveries).where(where).get()?.n ?? 0;
    const items = this.db
      .select(deliveryColumns)
      .from(webhookDeliveries)
      .where(where)
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(q.limit)
      .offset(q.offset)
      .all();
    return { items, total };
  }

  async deliveryCounts(
    companyId: string,
    webhookIds: string[],
    since: string,
    byHourFrom: string,
  ): Promise<HourlyDeliveryCount[]> {
    if (webhookIds.length === 0) return [];
    // Two ranges of the primary key: the day's hours as they are, the rest of the week summed
    // in key order (no sort), half the time of one grouping over both.
    return this.st.all<HourlyDeliveryCount>(
      `select webhook_id as webhookId, hour, succeeded, failed from webhook_delivery_hours
       where webhook_id in (select value from json_each(@ids)) and hour >= @byHourFrom and company_id = @companyId
       union all
       select webhook_id, '', sum(succeeded), sum(failed) from webhook_delivery_hours
       where webhook_id in (select value from json_each(@ids)) and hour >= @since and hour < @byHourFrom
         and company_id = @companyId
       group by webhook_id`,
      { ids: JSON.stringify(webhookIds), byHourFrom, since: since.slice(0, 13), companyId },
    );
  }

  async webhookFigures(
    companyId: string,
    webhookId: string,
    since: string,
    byHourFrom: string,
    latest: number,
  ): Promise<{ hours: HourlyDeliveryCount[]; latest: FinishedDelivery[] }> {
    const rows = this.st.all<FigureRow>(WEBHOOK_FIGURES_SQLITE, {
      companyId,
      webhookId,
      hour: since.slice(0, 13),
      byHourFrom,
      since,
      latest,
    });
    return figuresOf(webhookId, rows);
  }

  async getDelivery(
    companyId: string,
    id: string,
  ): Promise<{ delivery: DeliveryRow; body: string } | undefined> {
    const row = this.db
      .select({ delivery: deliveryColumns, body: events.body })
      .from(webhookDeliveries)
      .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
      .where(and(eq(webhookDeliveries.companyId, companyId), eq(webhookDeliveries.id, id)))
      .get();
    return row ? { delivery: row.delivery, body: row.body } : undefined;
  }

  /**
   * Failed deliveries in a window whose webhook and event have had no later delivery:
   * the latest attempt of each failed, so each is resent once.
   */
  async latestFailed(
    companyId: string,
    q: { since: string; until?: string; webhookId?: string },
  ): Promise<DeliveryRow[]> {
    const parts: SQL[] = [
      eq(webhookDeliveries.companyId, companyId),
      eq(webhookDeliveries.status, "failed"),
      sql`${resolvedBy} is null`,
      sql`${webhookDeliveries.createdAt} >= ${q.since}`,
      // Not resent yet: a resend chain's last link is its latest attempt.
      sql`not exists (select 1 from ${webhookDeliveries} r where r.resend_of = ${webhookDeliveries.id})`,
    ];
    if (q.until) parts.push(sql`${webhookDeliveries.createdAt} <= ${q.until}`);
    if (q.webhookId) parts.push(eq(webhookDeliveries.webhookId, q.webhookId));
    const rows = this.db
      .select(deliveryColumns)
      .from(webhookDeliveries)
      .where(and(...parts))
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .all();
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
