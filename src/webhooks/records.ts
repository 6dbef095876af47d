import { z } from "zod";
import { NotFoundError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";
import { decodeCursor, type Page, pageLimit, pageOf } from "../domain/paging.js";
import { quote } from "../domain/quote.js";
import { cursorInput, idInput, NAME_MAX_LENGTH, parse } from "../domain/validate.js";
import { EVENT_NAMES, isEventName } from "../events/catalog.js";
import type { Actor } from "../events/recorder.js";
import type { DeliveryStatus, Store, WebhookRow } from "../store/index.js";
import { type Resolver, vetUrlForSave } from "./url-policy.js";

/** A webhook as callers see it: never the secret, only whether one is set. */
export interface WebhookView {
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
}

export interface WebhookPolicy {
  allowPrivate: boolean;
  resolver?: Resolver;
}

const eventsInput = z
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
  url: z.string().trim().min(1, "is required").max(2048).describe("An https:// URL that receives the POSTs"),
  events: eventsInput.describe("Event names from list_webhook_events, e.g. contact.created"),
  description: z.string().trim().max(500).nullable().optional(),
  secret: z
    .string()
    .min(8, "must be at least 8 characters")
    .max(256)
    .nullable()
    .optional()
    .describe("Signs each POST (X-Webhook-Signature); null removes it"),
  enabled: z.boolean().optional().describe("Default true"),
});

export const webhookUpdateInput = webhookCreateInput.partial().extend({ id: idInput });

export const webhookListInput = z.strictObject({
  searchTerm: z.string().max(200).optional().describe("Matches the url and the description"),
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
    const row: WebhookRow = {
      id: newId("webhook"),
      companyId: actor.companyId,
      url,
      events: [...new Set(data.events)],
      description: data.description ?? null,
      secret: data.secret ?? null,
      enabled: data.enabled ?? true,
      lastDeliveryStatus: null,
      lastDeliveryAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.write((tx) => tx.webhooks.insert(row));
    return toWebhookView(row);
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
      if (data.secret !== undefined) patch.secret = data.secret;
      if (data.enabled !== undefined) patch.enabled = data.enabled;
      await tx.webhooks.update(actor.companyId, data.id, patch);
      return toWebhookView({ ...row, ...patch });
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
