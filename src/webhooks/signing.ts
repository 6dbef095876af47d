/**
 * Headers and signatures of an outgoing webhook delivery. Pure: no I/O, no clock.
 *
 * Two signature schemes are sent side by side when the webhook has a secret:
 * - `X-Webhook-Signature`: lowercase hex HMAC-SHA256 of the raw body (the documented scheme).
 * - Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`): base64
 *   HMAC-SHA256 over `id.timestamp.body`, so receivers can refuse replays.
 */
import { createHmac } from "node:crypto";

export const HEADER_CONTENT_TYPE = "Content-Type";
export const HEADER_USER_AGENT = "User-Agent";
/** The event id: stable across resends of the same event. */
export const HEADER_WEBHOOK_ID = "X-Webhook-Id";
/** This delivery's id: a resend gets a new one. */
export const HEADER_WEBHOOK_DELIVERY = "X-Webhook-Delivery";
export const HEADER_WEBHOOK_EVENT = "X-Webhook-Event";
/** Lowercase hex HMAC-SHA256 of the raw body, no prefix. */
export const HEADER_WEBHOOK_SIGNATURE = "X-Webhook-Signature";
/** Standard Webhooks: the event id. */
export const HEADER_STANDARD_ID = "webhook-id";
/** Standard Webhooks: the send time of this delivery, unix seconds. */
export const HEADER_STANDARD_TIMESTAMP = "webhook-timestamp";
/** Standard Webhooks: `v1,<base64 signature>`. */
export const HEADER_STANDARD_SIGNATURE = "webhook-signature";

export const JSON_CONTENT_TYPE = "application/json";

/** Lowercase hex HMAC-SHA256(secret, rawBody) over the exact bytes of the body. */
export function signatureHex(secret: string, rawBody: string): string {
  // A string given to an HMAC is its UTF-8 bytes, key and content alike.
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

/**
 * What comes before the body in the content the Standard Webhooks scheme signs,
 * `id.timestamp.body`. Signers and verifiers feed it and then the body to one HMAC, so the
 * body is never copied.
 */
export function standardSignedPrefix(id: string, timestamp: number | string): string {
  return `${id}.${timestamp}.`;
}

/**
 * Standard Webhooks signature: `v1,<base64 HMAC-SHA256 over "id.timestamp.body">`, keyed with
 * the UTF-8 bytes of a string secret, or with the given bytes (the specification's own
 * vectors use a key that is not UTF-8 text).
 */
export function standardWebhookSignature(
  secret: string | Uint8Array,
  id: string,
  timestampSeconds: number,
  rawBody: string,
): string {
  const mac = createHmac("sha256", secret)
    .update(standardSignedPrefix(id, timestampSeconds))
    .update(rawBody)
    .digest("base64");
  return `v1,${mac}`;
}

export interface DeliveryHeaderInput {
  /** The event id (stable across resends). */
  eventId: string;
  /** This delivery's id. */
  deliveryId: string;
  /** Event name, e.g. `contact.updated`. */
  event: string;
  /** The exact body that will be sent. */
  rawBody: string;
  /** The webhook's secret; `null` sends no signature headers. */
  secret: string | null;
  /** Send time of this delivery, unix seconds. */
  timestampSeconds: number;
  /** Package version for the User-Agent. */
  version: string;
}

/** All request headers of one delivery. */
export function buildDeliveryHeaders(input: DeliveryHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADER_CONTENT_TYPE]: JSON_CONTENT_TYPE,
    [HEADER_USER_AGENT]: `crm-mcp/${input.version}`,
    [HEADER_WEBHOOK_ID]: input.eventId,
    [HEADER_WEBHOOK_DELIVERY]: input.deliveryId,
    [HEADER_WEBHOOK_EVENT]: input.event,
  };
  if (input.secret !== null) {
    const timestamp = Math.floor(input.timestampSeconds);
    headers[HEADER_WEBHOOK_SIGNATURE] = signatureHex(input.secret, input.rawBody);
    headers[HEADER_STANDARD_ID] = input.eventId;
    headers[HEADER_STANDARD_TIMESTAMP] = String(timestamp);
    headers[HEADER_STANDARD_SIGNATURE] = standardWebhookSignature(
      input.secret,
      input.eventId,
      timestamp,
      input.rawBody,
    );
  }
  return headers;
}
