/**
 * Signature known answers computed outside this code base; every literal was computed once by
 * another tool and is kept as a string, none is derived at run time.
 */

/**
 * The Standard Webhooks specification library's own known answer
 * (standard-webhooks/standard-webhooks, libraries/javascript/src/index.test.ts).
 */
export const STANDARD_VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
} as const;

/** A `whsec_` secret's key is the base64 after the prefix (its bytes are not UTF-8 text). */
export function whsecKey(secret: string): Buffer {
  return Buffer.from(secret.slice("whsec_".length), "base64");
}

/**
 * Our own schemes over a realistic envelope with the spec's example secret, computed with
 * `openssl dgst -sha256 -hmac <secret>` (hex), and with `-binary | base64` over
 * `id.timestamp.body` (Standard Webhooks form keyed with the secret's UTF-8 bytes).
 */
export const OPENSSL_VECTOR = {
  secret: "use-a-random-string-from-a-password-manager",
  id: "evt_01J9ZQ4T7Y",
  timestamp: 1776852000,
  body: '{"event":"contact.deleted","data":{"userId":"usr_1","companyId":"co_1","entityId":"ct_1","payload":{"contactId":"ct_1"}},"timestamp":"2026-04-22T10:00:00.000Z"}',
  hex: "a61037184bbf561aea679491adc3aca55b4898955148f9ab666186871aec5595",
  standard: "v1,ouCOnllVQrJgbgZyQe7yA2KKV20E7gnlCVRxSfwVXiw=",
} as const;
