/**
 * Webhook secrets. A secret the server makes is `whsec_` + base64 of 32 random bytes, the
 * Standard Webhooks form: for such a secret the `webhook-signature` HMAC is keyed with the
 * decoded bytes, so `new Webhook(secret)` of the `standardwebhooks` libraries verifies it as
 * is. A secret a user chose without the prefix is keyed with its UTF-8 bytes, as before.
 * `X-Webhook-Signature` is always keyed with the secret string itself (the documented snippet).
 *
 * Pure but for the random bytes of `generateSecret`; depends on node:crypto alone, so the
 * receiver-side `crm-mcp/verify` can use it.
 */
import { randomBytes } from "node:crypto";

export const SECRET_PREFIX = "whsec_";
/** Bytes of key material in a generated secret. */
export const GENERATED_SECRET_BYTES = 32;
/** A `whsec_` secret must decode to a key of this many bytes (the Standard Webhooks range). */
export const MIN_KEY_BYTES = 24;
export const MAX_KEY_BYTES = 64;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(GENERATED_SECRET_BYTES).toString("base64")}`;
}

/**
 * Why a `whsec_` secret cannot be used, or null when it can (or has no prefix). Checked when a
 * secret is saved, so a send never meets a key it cannot decode.
 */
export function secretProblem(secret: string): string | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0)
    return "a secret starting with whsec_ must continue in base64 (or choose a secret without that prefix)";
  const bytes = Buffer.from(encoded, "base64").length;
  if (bytes < MIN_KEY_BYTES || bytes > MAX_KEY_BYTES)
    return `a whsec_ secret must hold ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes of base64 key, not ${bytes}`;
  return null;
}

/** The HMAC key of the Standard Webhooks signature for this secret. */
export function standardKey(secret: string): Buffer {
  return secret.startsWith(SECRET_PREFIX) && secretProblem(secret) === null
    ? Buffer.from(secret.slice(SECRET_PREFIX.length), "base64")
    : Buffer.from(secret, "utf8");
}
