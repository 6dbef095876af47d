import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenant, timestamps } from "./columns.js";

/** One row per event; `body` is the envelope exactly as every delivery of it sends it. */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    ...tenant,
    event: text("event").notNull(),
    entityId: text("entity_id").notNull(),
    userId: text("user_id").notNull(),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("events_company").on(t.companyId, t.createdAt),
    // A record's history, newest first.
    index("events_entity").on(t.companyId, t.entityId, t.id),
  ],
);

export const webhooks = sqliteTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    ...tenant,
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    description: text("description"),
    secret: text("secret"),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    /** Kept by the dispatcher when it records a delivery, so lists need not search the log. */
    lastDeliveryStatus: text("last_delivery_status"),
    lastDeliveryAt: text("last_delivery_at"),
    /** `none` (the published contract: no automatic retries) or `standard`. */
    retryPolicy: text("retry_policy", { enum: ["none", "standard"] })
      .notNull()
      .default("none"),
    /** A rotated-out secret, still signed with until `previousSecretUntil` (ISO time). */
    previousSecret: text("previous_secret"),
    previousSecretUntil: text("previous_secret_until"),
    /** Since when every delivery has failed (null after a success): drives auto-disable. */
    failingSince: text("failing_since"),
    lastError: text("last_error"),
    /** Why and when the server disabled the webhook (410 Gone, or failing too long). */
    disabledReason: text("disabled_reason"),
    disabledAt: text("disabled_at"),
    ...timestamps,
  },
  (t) => [index("webhooks_company").on(t.companyId)],
);

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    ...tenant,
    webhookId: text("webhook_id").notNull(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    event: text("event").notNull(),
    url: text("url").notNull(),
    /** `scheduled`: an automatic retry waiting for `dueAt`. */
    status: text("status", { enum: ["pending", "scheduled", "sending", "succeeded", "failed"] }).notNull(),
    statusCode: integer("status_code"),
    requestHeaders: text("request_headers", { mode: "json" }).$type<Record<string, string>>(),
    responseBody: text("response_body"),
    error: text("error"),
    errorClass: text("error_class"),
    durationMs: integer("duration_ms"),
    /** Counts along a chain: the first delivery of an event to a webhook, then its retries and resends. */
    attempt: integer("attempt").notNull(),
    resendOf: text("resend_of"),
    /** The chain's first delivery, on every later attempt (retry or resend); null on the first. */
    chainId: text("chain_id"),
    /** Automatic retries before this attempt in its chain: 0 for a first attempt or a resend. */
    retries: integer("retries").notNull().default(0),
    /** When a scheduled retry is due, epoch milliseconds. */
    dueAt: integer("due_at"),
    /** Which process holds the claim, and until when; an expired lease may be taken over. */
    claimedBy: text("claimed_by"),
    leaseUntil: integer("lease_until"),
    createdAt: text("created_at").notNull(),
    sentAt: text("sent_at"),
  },
  (t) => [
    // Every outbox write pays for each index, so they are few, and the claim indexes are
    // partial: they hold only rows still to send, and stay small however long the log grows.
    index("deliveries_pending").on(t.createdAt).where(sql`status = 'pending'`),
    index("deliveries_sending").on(t.leaseUntil).where(sql`status = 'sending'`),
    index("deliveries_company").on(t.companyId, t.createdAt),
    index("deliveries_resends").on(t.resendOf).where(sql`resend_of is not null`),
    index("deliveries_scheduled").on(t.dueAt).where(sql`status = 'scheduled'`),
    index("deliveries_chain").on(t.chainId).where(sql`chain_id is not null`),
    // A webhook's own page reads its latest deliveries, newest first.
    index("deliveries_webhook").on(t.webhookId, t.createdAt),
  ],
);

/**
 * Finished deliveries per webhook and UTC hour of their creation (`2026-12-03T05`), kept by
 * the store in the transaction that records each outcome: the health figures read these few
 * rows instead of counting the log.
 */
export const webhookDeliveryHours = sqliteTable(
  "webhook_delivery_hours",
  {
    ...tenant,
    webhookId: text("webhook_id").notNull(),
    hour: text("hour").notNull(),
    succeeded: integer("succeeded").notNull().default(0),
    failed: integer("failed").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.webhookId, t.hour] })],
);
