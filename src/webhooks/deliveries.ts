import { z } from "zod";
import { ConflictError, NotFoundError, ValidationError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";
import { decodeCursor, type Page, pageLimit, pageOf } from "../domain/paging.js";
import { quote } from "../domain/quote.js";
import { cursorInput, idInput, NAME_MAX_LENGTH, parse, SEARCH_TERM_MAX_LENGTH } from "../domain/validate.js";
import { EVENT_NAMES, isEventName } from "../events/catalog.js";
import type { Actor } from "../events/recorder.js";
import type { DeliveryRow, Store, Tx } from "../store/index.js";
import {
  dayStart,
  LATEST_DELIVERIES,
  type WebhookFigures,
  type WebhookHealth,
  webhookFigures,
  webhookHealth,
  weekStart,
} from "./health.js";

/** A delivery in a list: enough to scan a log. */
export interface DeliverySummary {
  id: string;
  webhookId: string;
  event: string;
  url: string;
  status: DeliveryRow["status"];
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  createdAt: string;
  resendOf: string | null;
  /** Counts along the chain of one event to one webhook: first delivery, retries, resends. */
  attempt: number;
  /** A failed delivery that a later attempt delivered names that attempt. */
  resolvedBy: string | null;
  /** A scheduled retry: when it is due. */
  dueAt: string | null;
}

/** One delivery in full: what was sent and what came back. */
export interface DeliveryDetail extends DeliverySummary {
  eventId: string;
  /** The chain's first delivery, on a retry or resend. */
  chainId: string | null;
  errorClass: string | null;
  sentAt: string | null;
  requestHeaders: Record<string, string> | null;
  requestBody: string;
  responseBody: string | null;
}

/** Resends one call may make: each is a delivery row written in one transaction. */
export const MAX_RESEND_FAILED = 1000;

const isoTime = z.iso.datetime({
  offset: true,
  message: "must be an ISO 8601 time such as 2026-11-29T10:00:00Z",
});

/** A relative window reaches back a year at most, as far as anyone asks of a delivery log. */
export const MAX_SINCE_MINUTES = 525_600;

const sinceMinutesInput = z
  .number()
  .int()
  .min(1)
  .max(MAX_SINCE_MINUTES)
  .describe("Instead of since: the last N minutes");

/**
 * Where a window starts: `since`, or `sinceMinutes` back from the server's clock, so an agent
 * asking for "the last hour" needs no clock of its own.
 */
export function windowStart(
  q: { since?: string; sinceMinutes?: number },
  now = Date.now(),
): string | undefined {
  if (q.since !== undefined && q.sinceMinutes !== undefined) {
    throw new ValidationError("sinceMinutes", "give since or sinceMinutes, not both");
  }
  if (q.sinceMinutes !== undefined) return new Date(now - q.sinceMinutes * 60_000).toISOString();
  return iso(q.since);
}

export const deliveryListInput = z.strictObject({
  searchTerm: z
    .string()
    .trim()
    .max(SEARCH_TERM_MAX_LENGTH)
    .optional()
    .describe("Matches the url or the event name"),
  webhookId: idInput.optional(),
  status: z.enum(["pending", "scheduled", "sending", "succeeded", "failed"]).optional(),
  unresolved: z.boolean().optional().describe("Only failures no later attempt fixed"),
  // A name, not the list of fifteen: list_webhook_events has them, and the error names them.
  event: z
    .string()
    .max(NAME_MAX_LENGTH)
    .refine(isEventName, {
      error: (i) => `${quote(i.input)} is not an event. Events: ${EVENT_NAMES.join(", ")}`,
    })
    .optional()
    .describe("An event name: deal.updated, ..."),
  since: isoTime.optional().describe("Created at or after"),
  sinceMinutes: sinceMinutesInput.optional(),
  until: isoTime.optional().describe("Created at or before"),
  limit: z.number().int().min(1).max(100).optional(),
  cursor: cursorInput.optional(),
});

export const resendFailedInput = z.strictObject({
  since: isoTime.optional().describe("Window start"),
  sinceMinutes: sinceMinutesInput.optional(),
  until: isoTime.optional().describe("Window end; default now"),
  webhookId: idInput.optional().describe("Only this webhook's deliveries"),
});

function iso(t: string | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString();
}

export function toSummary(d: DeliveryRow): DeliverySummary {
  return {
    id: d.id,
    webhookId: d.webhookId,
    event: d.event,
    url: d.url,
    status: d.status,
    statusCode: d.statusCode,
    durationMs: d.durationMs,
    error: d.error,
    createdAt: d.createdAt,
    resendOf: d.resendOf,
    attempt: d.attempt,
    resolvedBy: d.resolvedBy,
    dueAt: d.dueAt === null ? null : new Date(d.dueAt).toISOString(),
  };
}

/** The delivery log of one company: search it, read one delivery, send one again. */
export class DeliveryService {
  constructor(private readonly store: Store) {}

  async list(actor: Actor, input: unknown = {}): Promise<Page<DeliverySummary>> {
    const q = parse(deliveryListInput, input);
    const limit = pageLimit(q.limit);
    const offset = decodeCursor(q.cursor);
    const { items, total } = await this.store.read((tx) =>
      tx.webhooks.listDeliveries(actor.companyId, {
        searchTerm: q.searchTerm || undefined,
        webhookId: q.webhookId,
        status: q.status,
        unresolved: q.unresolved,
        event: q.event,
        since: windowStart(q),
        until: iso(q.until),
        limit,
        offset,
      }),
    );
    return pageOf(items.map(toSummary), total, offset);
  }

  /** The newest deliveries that a record's events caused (retries and resends included), with their count. */
  async forEntity(
    actor: Actor,
    entityId: string,
    limit = 25,
  ): Promise<{ items: DeliverySummary[]; total: number }> {
    parse(idInput, entityId, "entityId");
    const n = pageLimit(limit);
    const { items, total } = await this.store.read((tx) =>
      tx.webhooks.listDeliveries(actor.companyId, { entityId, limit: n, offset: 0 }),
    );
    return { items: items.map(toSummary), total };
  }

  /** Success rates over the last day and week and the last day by hour, for up to 100 webhooks, in one query. */
  async health(actor: Actor, webhookIds: string[], now = Date.now()): Promise<Map<string, WebhookHealth>> {
    const ids = parse(z.array(idInput).max(100), webhookIds, "webhookIds");
    const counts = await this.store.read((tx) =>
      tx.webhooks.deliveryCounts(actor.companyId, ids, weekStart(now), dayStart(now)),
    );
    return webhookHealth(ids, counts, now);
  }

  /**
   * One webhook's figures for its page, in one query: its health, and the duration
   * percentiles and error classes of its latest finished deliveries of the week.
   */
  async figures(actor: Actor, webhookId: string, now = Date.now()): Promise<WebhookFigures> {
    parse(idInput, webhookId, "webhookId");
    const { hours, latest } = await this.store.read((tx) =>
      tx.webhooks.webhookFigures(
        actor.companyId,
        webhookId,
        weekStart(now),
        dayStart(now),
        LATEST_DELIVERIES,
      ),
    );
    return webhookFigures(webhookId, hours, latest, now);
  }

  async get(actor: Actor, id: string): Promise<DeliveryDetail> {
    parse(idInput, id, "id");
    const found = await this.store.read((tx) => tx.webhooks.getDelivery(actor.companyId, id));
    if (!found) throw new NotFoundError("webhook delivery", id);
    const d = found.delivery;
    return {
      ...toSummary(d),
      eventId: d.eventId,
      chainId: d.chainId,
      errorClass: d.errorClass,
      sentAt: d.sentAt,
      requestHeaders: d.requestHeaders,
      requestBody: found.body,
      responseBody: d.responseBody,
    };
  }

  /**
   * A new delivery of the same body to the webhook's current url, signed with its current
   * secret; the original row never changes.
   */
  async resend(actor: Actor, id: string): Promise<DeliverySummary> {
    parse(idInput, id, "id");
    return this.store.write(async (tx) => {
      const found = await tx.webhooks.getDelivery(actor.companyId, id);
      if (!found) throw new NotFoundError("webhook delivery", id);
      return toSummary(await this.resendIn(tx, actor, found.delivery));
    });
  }

  /**
   * Resends each failed delivery in the window once (the latest failed attempt of each event),
   * leaving out those a later attempt already delivered.
   */
  async resendFailed(
    actor: Actor,
    input: unknown,
  ): Promise<{ resent: DeliverySummary[]; skipped: { id: string; reason: string }[] }> {
    const q = parse(resendFailedInput, input);
    const since = windowStart(q);
    if (since === undefined) {
      throw new ValidationError(
        "since",
        "is required: an ISO 8601 time, or sinceMinutes for the last N minutes",
      );
    }
    return this.store.write(async (tx) => {
      const failed = await tx.webhooks.latestFailed(actor.companyId, {
        since,
        until: iso(q.until),
        webhookId: q.webhookId,
      });
      if (failed.length > MAX_RESEND_FAILED) {
        throw new ValidationError(
          "since",
          `the window holds ${failed.length} failed deliveries; at most ${MAX_RESEND_FAILED} are resent per call: narrow it with since, until or webhookId`,
        );
      }
      const resent: DeliverySummary[] = [];
      const skipped: { id: string; reason: string }[] = [];
      for (const d of failed) {
        try {
          resent.push(toSummary(await this.resendIn(tx, actor, d)));
        } catch (error) {
          if (error instanceof ConflictError) skipped.push({ id: d.id, reason: error.message });
          else throw error;
        }
      }
      return { resent, skipped };
    });
  }

  private async resendIn(tx: Tx, actor: Actor, original: DeliveryRow): Promise<DeliveryRow> {
    const webhook = await tx.webhooks.get(actor.companyId, original.webhookId);
    if (!webhook)
      throw new ConflictError(
        `Webhook ${original.webhookId} was deleted, so delivery ${original.id} cannot be resent`,
      );
    if (!webhook.enabled) {
      throw new ConflictError(
        `Webhook ${webhook.id} is disabled, so delivery ${original.id} cannot be resent; enable it with update_webhook first`,
      );
    }
    const id = newId("delivery");
    await tx.webhooks.insertLaterAttempt(original.chainId ?? original.id, {
      id,
      url: webhook.url,
      status: "pending",
      retries: 0,
      dueAt: null,
      resendOf: original.id,
      createdAt: new Date().toISOString(),
    });
    tx.noteDeliveries(1);
    const written = await tx.webhooks.getDelivery(actor.companyId, id);
    return written!.delivery;
  }
}
