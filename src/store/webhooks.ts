import { and, desc, eq, or, type SQL, sql } from "drizzle-orm";
import { newId } from "../domain/ids.js";
import type { Db } from "./db.js";
import { events, webhookDeliveries, webhooks } from "./schema/index.js";
import { escapeLike, jsonList, type Statements } from "./statements.js";

export type WebhookRow = typeof webhooks.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type DeliveryStatus = DeliveryRow["status"];

/** What a dispatcher needs of a delivery row to send it. */
export type ClaimedRow = Pick<DeliveryRow, "id" | "webhookId" | "eventId" | "event" | "url">;

/** A claimed delivery with what sending it needs: the body and the webhook's current state. */
export interface ClaimedDelivery {
  delivery: ClaimedRow;
  body: string;
  webhook: { url: string; secret: string | null; enabled: boolean } | null;
}

/** A dispatcher in this process that takes new deliveries as they are written. */
export interface LocalClaimer {
  workerId: string;
  leaseMs: number;
  /** Whether the dispatcher has room for one more delivery to this webhook, counting those this write already took. */
  take(webhookId: string, takenForWebhook: number, takenTotal: number): boolean;
}

export interface DeliveryQuery {
  searchTerm?: string;
  webhookId?: string;
  status?: DeliveryStatus;
  event?: string;
  since?: string;
  until?: string;
  limit: number;
  offset: number;
}

export interface DeliveryResult {
  status: "succeeded" | "failed";
  statusCode: number | null;
  requestHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
  errorClass: string | null;
  durationMs: number;
  sentAt: string;
}

/** A delivery not yet sent: what it is for, with no outcome. */
export function newDeliveryRow(
  fields: Pick<
    DeliveryRow,
    "id" | "companyId" | "webhookId" | "eventId" | "event" | "url" | "status" | "createdAt"
  > &
    Partial<Pick<DeliveryRow, "attempt" | "resendOf" | "claimedBy" | "leaseUntil">>,
): DeliveryRow {
  return {
    statusCode: null,
    requestHeaders: null,
    responseBody: null,
    error: null,
    errorClass: null,
    durationMs: null,
    attempt: 1,
    resendOf: null,
    claimedBy: null,
    leaseUntil: null,
    sentAt: null,
    ...fields,
  };
}

export class WebhookRepository {
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
  ): Promise<{ written: number; claimed: ClaimedDelivery[]; declined: number }> {
    const claimed: ClaimedDelivery[] = [];
    if (rows.length === 0) return { written: 0, claimed, declined: 0 };
    const insertEvent =
      "insert into events (id, company_id, event, entity_id, user_id, body, created_at) values (?, ?, ?, ?, ?, ?, ?)";
    for (const e of rows)
      this.st.run(insertEvent, e.id, companyId, e.event, e.entityId, e.userId, e.body, e.createdAt);
    const hooks = this.st.all<{ id: string; url: string; events: string; secret: string | null }>(
      "select id, url, events, secret from webhooks where company_id = ? and enabled = 1",
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
            delivery: { id, webhookId: h.id, eventId: e.id, event: e.event, url: h.url },
            body: e.body,
            webhook: { url: h.url, secret: h.secret, enabled: true },
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
    options: { perWebhook?: number; skipWebhooks?: string[] } = {},
  ): Promise<{ claimed: ClaimedDelivery[]; complete: boolean }> {
    // Due rows: pending (oldest first), or claimed by a process whose lease ran out. Each
    // branch reads a bounded slice of its partial index, so a claim costs the same however
    // long the outbox is; at most `perWebhook` rows of one webhook are taken, so one busy
    // receiver cannot fill the claim.
    const skip = jsonList(options.skipWebhooks ?? []);
    const window = Math.max(limit * 2, 64);
    const pending = this.st.all<{ r: number; w: string }>(
      `select rowid as r, webhook_id as w from webhook_deliveries
       where status = 'pending' and webhook_id not in (select value from json_each(?))
       order by created_at limit ?`,
      skip,
      window,
    );
    // A live worker renews its leases, so a lapsed one is a stopped worker's; never our own.
    const lapsed = this.st.all<{ r: number; w: string }>(
      `select rowid as r, webhook_id as w from webhook_deliveries
       where status = 'sending' and lease_until < ? and claimed_by is not ?
         and webhook_id not in (select value from json_each(?)) limit ?`,
      now,
      workerId,
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
        body: string | null;
        secret: string | null;
        enabled: number | null;
        webhook_url: string | null;
      }>(
        `select d.id, d.webhook_id, d.event_id, d.event, d.url, e.body, w.secret, w.enabled, w.url as webhook_url
         from webhook_deliveries d
         left join events e on e.id = d.event_id
         left join webhooks w on w.id = d.webhook_id
         where d.rowid in (select value from json_each(?))
         order by d.rowid`,
        list,
      )
      .map((d) => ({
        delivery: { id: d.id, webhookId: d.webhook_id, eventId: d.event_id, event: d.event, url: d.url },
        body: d.body ?? "",
        webhook:
          d.webhook_url === null ? null : { url: d.webhook_url, secret: d.secret, enabled: d.enabled === 1 },
      }));
    return { claimed, complete };
  }

  /** Extends the lease of every delivery this worker holds: it is alive and still on them. */
  async renewLeases(workerId: string, leaseUntil: number): Promise<void> {
    this.st.run(
      "update webhook_deliveries set lease_until = ? where status = 'sending' and claimed_by = ?",
      leaseUntil,
      workerId,
    );
  }

  /** Records the outcome, if this worker still holds the claim. */
  /**
   * Records outcomes, each only if this worker still holds the claim, and keeps each
   * webhook's last delivery status for list views (one update per webhook per batch).
   */
  async complete(workerId: string, outcomes: { id: string; webhookId: string; result: DeliveryResult }[]) {
    const last = new Map<string, DeliveryResult>();
    for (const { id, webhookId, result: r } of outcomes) {
      const done = this.st.run(
        `update webhook_deliveries set status = ?, status_code = ?, request_headers = ?, response_body = ?, error = ?,
           error_class = ?, duration_ms = ?, sent_at = ?, claimed_by = null, lease_until = null
         where id = ? and claimed_by = ?`,
        r.status,
        r.statusCode,
        r.requestHeaders === null ? null : JSON.stringify(r.requestHeaders),
        r.responseBody,
        r.error,
        r.errorClass,
        r.durationMs,
        r.sentAt,
        id,
        workerId,
      );
      if (done.changes > 0) last.set(webhookId, r);
    }
    for (const [webhookId, r] of last) {
      this.st.run(
        "update webhooks set last_delivery_status = ?, last_delivery_at = ? where id = ?",
        r.status,
        r.sentAt,
        webhookId,
      );
    }
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
    if (q.event) parts.push(eq(webhookDeliveries.event, q.event));
    if (q.since) parts.push(sql`${webhookDeliveries.createdAt} >= ${q.since}`);
    if (q.until) parts.push(sql`${webhookDeliveries.createdAt} <= ${q.until}`);
    const where = and(...parts);
    const total =
      this.db.select({ n: sql<number>`count(*)` }).from(webhookDeliveries).where(where).get()?.n ?? 0;
    const items = this.db
      .select()
      .from(webhookDeliveries)
      .where(where)
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(q.limit)
      .offset(q.offset)
      .all();
    return { items, total };
  }

  async getDelivery(
    companyId: string,
    id: string,
  ): Promise<{ delivery: DeliveryRow; body: string } | undefined> {
    const row = this.db
      .select()
      .from(webhookDeliveries)
      .innerJoin(events, eq(events.id, webhookDeliveries.eventId))
      .where(and(eq(webhookDeliveries.companyId, companyId), eq(webhookDeliveries.id, id)))
      .get();
    return row ? { delivery: row.webhook_deliveries, body: row.events.body } : undefined;
  }

  async insertDelivery(row: typeof webhookDeliveries.$inferInsert): Promise<void> {
    this.db.insert(webhookDeliveries).values(row).run();
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
      sql`${webhookDeliveries.createdAt} >= ${q.since}`,
      // Not resent yet: a resend chain's last link is its latest attempt.
      sql`not exists (select 1 from ${webhookDeliveries} r where r.resend_of = ${webhookDeliveries.id})`,
    ];
    if (q.until) parts.push(sql`${webhookDeliveries.createdAt} <= ${q.until}`);
    if (q.webhookId) parts.push(eq(webhookDeliveries.webhookId, q.webhookId));
    const rows = this.db
      .select()
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
