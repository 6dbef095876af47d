/**
 * Signature checks for webhook receivers, published as `crm-mcp/verify`.
 *
 * Depends on node:crypto (and the signing helpers beside it) only, so a receiver can import
 * it without pulling in the server.
 *
 * ```ts
 * import { verifyWebhookSignature } from "crm-mcp/verify";
 * // rawBody: the request body exactly as received, before any JSON parsing
 * if (!verifyWebhookSignature(rawBody, req.headers["x-webhook-signature"], secret)) reject();
 * ```
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { standardKey } from "./secrets.js";
import { standardSignedPrefix } from "./signing.js";

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const DIGITS = /^[0-9]{1,15}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA256_BYTES = 32;

/**
 * Checks an `X-Webhook-Signature` header: lowercase hex HMAC-SHA256(secret, rawBody).
 *
 * `rawBody` must be the exact bytes received. The comparison is constant-time. Returns false
 * (never throws) for a missing, malformed or wrong-length header and for a wrong signature.
 */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  signatureHeader: string | null | undefined,
  secret: string,
): boolean {
  if (typeof signatureHeader !== "string" || typeof secret !== "string") return false;
  const received = signatureHeader.trim();
  // Exactly 64 hex digits, so the decoded signature is always 32 bytes, as long as the HMAC.
  if (!HEX_SHA256.test(received)) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(received, "hex"), expected);
}

export interface StandardWebhookInput {
  /** The `webhook-id` header. */
  id: string | null | undefined;
  /** The `webhook-timestamp` header (unix seconds). */
  timestamp: string | number | null | undefined;
  /** The `webhook-signature` header: one or more space-separated `v1,<base64>` entries. */
  signature: string | null | undefined;
  /** The request body exactly as received. */
  rawBody: string | Buffer;
  /**
   * The webhook secret: a `whsec_` secret's decoded bytes are the HMAC key, any other string's
   * UTF-8 bytes, or the key's bytes as given.
   */
  secret: string | Uint8Array;
  /** How far the timestamp may be from `now`, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time in unix seconds. Default: the system clock. */
  now?: number;
}

/**
 * Checks the Standard Webhooks headers: `webhook-signature` must hold a `v1,<base64>` entry
 * equal to HMAC-SHA256(secret, "id.timestamp.body"), and `webhook-timestamp` must be within
 * `toleranceSeconds` of now (refusing replays of old deliveries). Returns false, never throws.
 */
export function verifyStandardWebhook(input: StandardWebhookInput): boolean {
  const { id, signature, rawBody, secret } = input;
  const tolerance = input.toleranceSeconds ?? 300;
  if (typeof id !== "string" || id === "" || typeof signature !== "string") return false;
  if (typeof secret !== "string" && !(secret instanceof Uint8Array)) return false;
  // A missing header reads as "null" or "undefined", which are not digits.
  const timestamp = String(input.timestamp);
  if (!DIGITS.test(timestamp)) return false;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (!Number.isFinite(now) || !Number.isFinite(tolerance)) return false;
  if (Math.abs(now - Number(timestamp)) > tolerance) return false;

  const expected = createHmac("sha256", typeof secret === "string" ? standardKey(secret) : secret)
    .update(standardSignedPrefix(id, timestamp), "utf8")
    .update(rawBody)
    .digest();

  let matched = false;
  for (const entry of signature.split(" ")) {
    if (!entry.startsWith("v1,")) continue;
    const encoded = entry.slice(3);
    if (!BASE64.test(encoded)) continue;
    const given = Buffer.from(encoded, "base64");
    if (given.length !== SHA256_BYTES) continue;
    // Keep checking the remaining entries so the time spent does not depend on which matched.
    if (timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
