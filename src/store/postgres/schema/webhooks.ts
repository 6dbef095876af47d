import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, json, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tenant, timestamps } from "./columns.js";

/** One row per event; `body` is the envelope exactly as every delivery of it sends it. */
export const events = pgTable(
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

export const webhooks = pgTable(
  "webhooks",
  {
    id: text("id").primaryKey(),
    ...tenant,
    url: text("url").notNull(),
    events: json("events").$type<string[]>().notNull(),
    description: text("description"),
    secret: text("secret"),
    enabled: boolean("enabled").notNull(),
    /** Kept by the dispatcher when it records a delivery, so lists need not search the log. */
    lastDeliveryStatus: text("last_delivery_status"),
    lastDeliveryAt: text("last_delivery_at"),
    retryPolicy: text("retry_policy", { enum: ["none", "standard"] })
      .notNull()
      .default("none"),
    previousSecret: text("previous_secret"),
    previousSecretUntil: text("previous_secret_until"),
    failingSince: text("failing_since"),
    lastError: text("last_error"),
    disabledReason: text("disabled_reason"),
    disabledAt: text("disabled_at"),
    ...timestamps,
  },
  (t) => [index("webhooks_company").on(t.companyId)],
);

export const webhookDeliveries = pgTable(
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
    status: text("status", { enum: ["pending", "scheduled", "sending", "succeeded", "failed"] }).notNull(),
    statusCode: integer("status_code"),
    requestHeaders: json("request_headers").$type<Record<string, string>>(),
    responseBody: text("response_body"),
    error: text("error"),
    errorClass: text("error_class"),
    durationMs: integer("duration_ms"),
    attempt: integer("attempt").notNull(),
    resendOf: text("resend_of"),
    chainId: text("chain_id"),
    retries: integer("retries").notNull().default(0),
    dueAt: bigint("due_at", { mode: "number" }),
    /** Which process holds the claim, and until when (ms since the epoch); an expired lease may be taken over. */
    claimedBy: text("claimed_by"),
    leaseUntil: bigint("lease_until", { mode: "number" }),
    createdAt: text("created_at").notNull(),
    sentAt: text("sent_at"),
  },
  (t) => [
    // As on SQLite: few indexes, and the claim's are partial, holding only rows still to send.
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
export const webhookDeliveryHours = pgTable(
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
