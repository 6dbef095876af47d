import { z } from "zod";
import { idInput } from "../../domain/validate.js";
import { catalogAsJson } from "../../events/catalog.js";
import { deliveryListInput, resendFailedInput } from "../../webhooks/deliveries.js";
import {
  eventsInput,
  rotateSecretInput,
  webhookCreateInput,
  webhookListInput,
  webhookUpdateInput,
} from "../../webhooks/records.js";
import { DESTRUCTIVE, defineTool, IDEMPOTENT_WRITE, READ, type ToolDefinition, WRITE } from "../registry.js";

const record = z.record(z.string(), z.unknown());
/** What an agent reads of a webhook first; the other fields follow. */
const webhookOutput = z.object({
  id: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  hasSecret: z.boolean(),
});
/** Create and rotate return the secret, once. */
const webhookWithSecretOutput = webhookOutput.extend({ secret: z.string().optional() });
const deliveryOutput = z.object({
  id: z.string(),
  status: z.string(),
  error: z.string().nullable(),
});
const id = z.strictObject({ id: idInput });
const list = z.object({ items: z.array(record), nextCursor: z.string().nullable(), total: z.number() });

/** How long resend tools wait for the new delivery's outcome before answering with it as it stands. */
const SETTLE_MARGIN_MS = 1000;

export const webhookTools: ToolDefinition[] = [
  defineTool({
    name: "create_webhook",
    toolset: "webhooks",
    title: "Create a webhook",
    description:
      "Subscribe an https URL to events (list_webhook_events), POSTed as JSON signed with HMAC-SHA256; given no secret, one is made and returned once. Private addresses are refused.",
    input: webhookCreateInput,
    output: webhookWithSecretOutput,
    annotations: { ...WRITE, openWorldHint: true },
    handler: async (args, { app, actor }) => ({ ...(await app.webhooks.create(actor, args)) }),
  }),
  defineTool({
    name: "update_webhook",
    toolset: "webhooks",
    title: "Change a webhook",
    description: "Change any of a webhook's fields; the rest keep their value. A null secret removes it.",
    input: webhookUpdateInput,
    output: webhookOutput,
    annotations: { ...IDEMPOTENT_WRITE, openWorldHint: true },
    handler: async (args, { app, actor }) => ({ ...(await app.webhooks.update(actor, args)) }),
  }),
  defineTool({
    name: "rotate_webhook_secret",
    toolset: "webhooks",
    title: "Rotate a webhook's secret",
    description:
      "New whsec_ secret, returned once; the old one also signs for graceHours so receivers can switch.",
    input: rotateSecretInput,
    output: webhookWithSecretOutput,
    annotations: { ...WRITE, destructiveHint: true },
    handler: async (args, { app, actor }) => ({ ...(await app.webhooks.rotateSecret(actor, args)) }),
  }),
  defineTool({
    name: "delete_webhook",
    toolset: "webhooks",
    title: "Delete a webhook",
    description:
      "Delete a webhook. Irreversible: no more deliveries are sent to it and its past deliveries can no longer be resent.",
    input: id,
    output: z.object({ deleted: z.array(z.string()) }),
    annotations: DESTRUCTIVE,
    handler: async ({ id }, { app, actor }) => ({ deleted: [await app.webhooks.delete(actor, id)] }),
  }),
  defineTool({
    name: "get_webhook",
    toolset: "webhooks",
    title: "Read a webhook",
    description:
      "Read one webhook: url, events, enabled (or why it was disabled), retryPolicy, whether a secret is set (never which).",
    input: id,
    output: webhookOutput,
    annotations: READ,
    handler: async ({ id }, { app, actor }) => ({ ...(await app.webhooks.get(actor, id)) }),
  }),
  defineTool({
    name: "list_webhooks",
    toolset: "webhooks",
    title: "List webhooks",
    description:
      "List the webhooks, newest first, with each one's last delivery status; searchTerm matches url and description.",
    input: webhookListInput,
    output: list,
    annotations: READ,
    handler: async (args, { app, actor }) => ({ ...(await app.webhooks.list(actor, args)) }),
  }),
  defineTool({
    name: "list_webhook_deliveries",
    toolset: "webhooks",
    title: "Search webhook deliveries",
    description:
      "The delivery log, newest first, filtered by any of these fields; get_webhook_delivery shows one in full.",
    input: deliveryListInput,
    output: list,
    annotations: READ,
    handler: async (args, { app, actor }) => ({ ...(await app.deliveries.list(actor, args)) }),
  }),
  defineTool({
    name: "get_webhook_delivery",
    toolset: "webhooks",
    title: "Inspect a delivery",
    description:
      "One delivery in full: request headers and body, response status and body (first 64 KiB), error, duration.",
    input: id,
    output: deliveryOutput,
    annotations: READ,
    handler: async ({ id }, { app, actor }) => ({ ...(await app.deliveries.get(actor, id)) }),
  }),
  defineTool({
    name: "resend_webhook_delivery",
    toolset: "webhooks",
    title: "Resend a delivery",
    description:
      "Send a delivery again as a new one (resendOf = the original): same body, the webhook's current url and secret. Returns its outcome.",
    input: id,
    output: deliveryOutput,
    annotations: { ...WRITE, openWorldHint: true },
    handler: async ({ id }, { app, actor }) => {
      const created = await app.deliveries.resend(actor, id);
      await app.dispatcher.settled(created.id, app.config.timeoutMs + SETTLE_MARGIN_MS);
      const {
        requestBody: _body,
        requestHeaders: _headers,
        ...detail
      } = await app.deliveries.get(actor, created.id);
      return detail;
    },
  }),
  defineTool({
    name: "resend_failed_webhook_deliveries",
    toolset: "webhooks",
    title: "Resend failed deliveries",
    description:
      "Resend, once, each event whose latest attempt in the window failed (optionally of one webhook). Returns counts and ids.",
    input: resendFailedInput,
    output: z.object({
      resentCount: z.number(),
      resent: z.array(z.object({ id: z.string(), resendOf: z.string() })),
      skippedCount: z.number(),
      skipped: z.array(record),
    }),
    annotations: { ...WRITE, openWorldHint: true },
    handler: async (args, { app, actor }) => {
      const { resent, skipped } = await app.deliveries.resendFailed(actor, args);
      return {
        resentCount: resent.length,
        resent: resent.map((d) => ({ id: d.id, resendOf: d.resendOf! })),
        skippedCount: skipped.length,
        skipped,
      };
    },
  }),
  defineTool({
    name: "list_webhook_events",
    toolset: "webhooks",
    title: "List webhook events",
    description:
      "The 15 events, each with when it fires and its payload keys; the payload JSON Schema of those named in events.",
    input: z.strictObject({
      events: eventsInput.optional().describe("Names whose payload schema to include"),
    }),
    output: z.object({ events: z.array(record) }),
    annotations: READ,
    handler: async ({ events }) => ({
      events: catalogAsJson().map(({ payloadSchema, ...e }) =>
        events?.includes(e.name) ? { ...e, payloadSchema } : e,
      ),
    }),
  }),
];
