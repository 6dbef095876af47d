import { z } from "zod";
import { NotFoundError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";
import { decodeCursor, type Page, pageLimit, pageOf } from "../domain/paging.js";
import { quote } from "../domain/quote.js";
import { cursorInput, idInput, NAME_MAX_LENGTH, parse, SEARCH_TERM_MAX_LENGTH } from "../domain/validate.js";
import { EVENT_NAMES, isEventName } from "../events/catalog.js";
import type { Actor } from "../events/recorder.js";
import type { DeliveryStatus, Store, WebhookRow } from "../store/index.js";
import { RETRY_POLICIES, type RetryPolicy } from "./retry-policy.js";
import { generateSecret, secretProblem } from "./secrets.js";
import { type Resolver, vetUrlForSave } from "./url-policy.js";

/** A webhook as callers see it: never the secret, only whether one is set. */
export interface WebhookView {
  /** Only in the answer to the create that generated it: shown once, never again. */
  secret?: string;
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
  lastDeliveryStatus: DeliveryStatus | null;
  lastDeliveryAt: string | null;
  retryPolicy: RetryPolicy;
  /** While a rotation's old secret still signs too: until when. */
  previousSecretValidUntil: string | null;
  /** Since when every delivery has failed; null once one succeeds. */
  failingSince: string | null;
  lastError: string | null;
  /** Why and when the server disabled it (a 410 Gone, or failing for too long). */
  disabledReason: string | null;
  disabledAt: string | null;
}

export interface WebhookPolicy {
  allowPrivate: boolean;
  resolver?: Resolver;
}

export const eventsInput = z
  .array(z.string().max(NAME_MAX_LENGTH))
  .min(1, "choose at least one event")
  .max(EVENT_NAMES.length)
  .superRefine((events, ctx) => {
    events.forEach((e, i) => {
      if (!isEventName(e)) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `${quote(e)} is not an event. Events: ${EVENT_NAMES.join(", ")}`,
        });
      }
    });
  });

export const webhookCreateInput = z.strictObject({
  url: z.string().trim().min(1, "is required").max(2048).describe("https URL that receives the POSTs"),
  events: eventsInput.describe("Names from list_webhook_events"),
  description: z.string().trim().max(500).nullable().optional(),
  secret: z
    .string()
    .min(8, "must be at least 8 characters")
    .max(256)
    .superRefine((secret, ctx) => {
      const problem = secretProblem(secret);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .nullable()
    .optional()
    .describe("Signs each POST; null: unsigned"),
  enabled: z.boolean().optional().describe("Default true"),
  retryPolicy: z
    .enum(RETRY_POLICIES)
    .optional()
    .describe("Default none; standard: retry at 5s,5m,30m,2h,5h,10h,10h"),
});

/** Rotation keeps the old secret valid this long by default, and at most a week. */
export const DEFAULT_GRACE_HOURS = 24;
export const MAX_GRACE_HOURS = 168;

export const rotateSecretInput = z.strictObject({
  id: idInput,
  graceHours: z
    .number()
    .min(0)
    .max(MAX_GRACE_HOURS)
    .optional()
    .describe("Hours the old secret still signs (default 24)"),
});

export const webhookUpdateInput = webhookCreateInput.partial().extend({ id: idInput });

export const webhookListInput = z.strictObject({
  searchTerm: z
    .string()
    .max(SEARCH_TERM_MAX_LENGTH)
    .optional()
    .describe("Matches the url and the description"),
  limit: z.number().int().min(1).max(100).optional(),
  cursor: cursorInput.optional(),
});

export function toWebhookView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    description: row.description,
    enabled: row.enabled,
    hasSecret: Boolean(row.secret),
    lastDeliveryStatus: (row.lastDeliveryStatus as DeliveryStatus | null) ?? null,
    lastDeliveryAt: row.lastDeliveryAt ?? null,
    retryPolicy: row.retryPolicy,
    previousSecretValidUntil:
      row.previousSecret && row.previousSecretUntil && row.previousSecretUntil > new Date().toISOString()
        ? row.previousSecretUntil
        : null,
    failingSince: row.failingSince,
    lastError: row.lastError,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Webhook subscriptions of one company: create, change, remove, look up. */
export class WebhookService {
  constructor(
    private readonly store: Store,
    private readonly policy: WebhookPolicy,
  ) {}

  async create(actor: Actor, input: unknown): Promise<WebhookView> {
    const data = parse(webhookCreateInput, input);
    const url = await this.checkUrl(data.url);
    const now = new Date().toISOString();
    // Left out, a secret is made, so that deliveries are signed unless asked otherwise.
    const generated = data.secret === undefined ? generateSecret() : null;
    const row: WebhookRow = {
      id: newId("webhook"),
      companyId: actor.companyId,
      url,
      events: [...new Set(data.events)],
      description: data.description ?? null,
      secret: generated ?? data.secret ?? null,
      enabled: data.enabled ?? true,
      lastDeliveryStatus: null,
      lastDeliveryAt: null,
      retryPolicy: data.retryPolicy ?? "none",
      previousSecret: null,
      previousSecretUntil: null,
      failingSince: null,
      lastError: null,
      disabledReason: null,
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.write((tx) => tx.webhooks.insert(row));
    const view = toWebhookView(row);
    return generated ? { ...view, secret: generated } : view;
  }

  async update(actor: Actor, input: unknown): Promise<WebhookView> {
    const data = parse(webhookUpdateInput, input);
    const url = data.url === undefined ? undefined : await this.checkUrl(data.url);
    return this.store.write(async (tx) => {
      const row = await tx.webhooks.get(actor.companyId, data.id);
      if (!row) throw new NotFoundError("webhook", data.id);
      const patch: Partial<WebhookRow> = { updatedAt: new Date().toISOString() };
      if (url !== undefined) patch.url = url;
      if (data.events !== undefined) patch.events = [...new Set(data.events)];
      if (data.description !== undefined) patch.description = data.description;
      if (data.secret !== undefined) {
        // A secret set by hand replaces the old one at once; rotate_webhook_secret keeps a grace period.
        patch.secret = data.secret;
        patch.previousSecret = null;
        patch.previousSecretUntil = null;
      }
      if (data.retryPolicy !== undefined) patch.retryPolicy = data.retryPolicy;
      if (data.enabled !== undefined) patch.enabled = data.enabled;
      if (data.enabled === true && !row.enabled) {
        // Enabling again starts afresh: the reason it was disabled and its failing streak go.
        patch.disabledReason = null;
        patch.disabledAt = null;
        patch.failingSince = null;
      }
      await tx.webhooks.update(actor.companyId, data.id, patch);
      return toWebhookView({ ...row, ...patch });
    });
  }

  /**
   * A new `whsec_` secret, returned once. The old one goes on signing beside it (a second
   * signature) for the grace period, so receivers can switch without a failed delivery.
   */
  async rotateSecret(actor: Actor, input: unknown): Promise<WebhookView & { secret: string }> {
    const data = parse(rotateSecretInput, input);
    const secret = generateSecret();
    return this.store.write(async (tx) => {
      const row = await tx.webhooks.get(actor.companyId, data.id);
      if (!row) throw new NotFoundError("webhook", data.id);
      const now = Date.now();
      const graceMs = (data.graceHours ?? DEFAULT_GRACE_HOURS) * 3_600_000;
      const patch: Partial<WebhookRow> = {
        secret,
        previousSecret: row.secret && graceMs > 0 ? row.secret : null,
        previousSecretUntil: row.secret && graceMs > 0 ? new Date(now + graceMs).toISOString() : null,
        updatedAt: new Date(now).toISOString(),
      };
      await tx.webhooks.update(actor.companyId, data.id, patch);
      return { ...toWebhookView({ ...row, ...patch }), secret };
    });
  }

  async delete(actor: Actor, id: string): Promise<string> {
    parse(idInput, id, "id");
    return this.store.write(async (tx) => {
      if (!(await tx.webhooks.get(actor.companyId, id))) throw new NotFoundError("webhook", id);
      await tx.webhooks.delete(actor.companyId, id);
      return id;
    });
  }

  async get(actor: Actor, id: string): Promise<WebhookView> {
    parse(idInput, id, "id");
    const row = await this.store.read((tx) => tx.webhooks.get(actor.companyId, id));
    if (!row) throw new NotFoundError("webhook", id);
    return toWebhookView(row);
  }

  async list(
    actor: Actor,
    input: { searchTerm?: string; limit?: number; cursor?: string } = {},
  ): Promise<Page<WebhookView>> {
    const q = parse(webhookListInput, input);
    const limit = pageLimit(q.limit);
    const offset = decodeCursor(q.cursor);
    return this.store.read(async (tx) => {
      const { items, total } = await tx.webhooks.list(actor.companyId, {
        searchTerm: q.searchTerm,
        limit,
        offset,
      });
      return pageOf(items.map(toWebhookView), total, offset);
    });
  }

  private async checkUrl(url: string): Promise<string> {
    const vetted = await vetUrlForSave(url, {
      allowPrivate: this.policy.allowPrivate,
      resolver: this.policy.resolver,
    });
    return vetted.toString();
  }
}
