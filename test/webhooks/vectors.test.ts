/**
 * Known answers computed outside this code base, so that a signer and a verifier written by
 * the same hand cannot agree on a mistake. Every literal here was computed once by another
 * tool and is kept as a string; none is derived at run time.
 */
import { describe, expect, it } from "vitest";
import {
  buildDeliveryHeaders,
  HEADER_STANDARD_SIGNATURE,
  HEADER_WEBHOOK_SIGNATURE,
  signatureHex,
  standardWebhookSignature,
} from "../../src/webhooks/signing.js";
import { verifyStandardWebhook, verifyWebhookSignature } from "../../src/webhooks/verify.js";
import { OPENSSL_VECTOR, STANDARD_VECTOR, whsecKey } from "../support/vectors.js";

describe("Standard Webhooks published vector", () => {
  const v = STANDARD_VECTOR;
  const key = whsecKey(v.secret);

  it("the signer gives the specification's signature with the decoded whsec_ key", () => {
    expect(standardWebhookSignature(key, v.id, v.timestamp, v.body)).toBe(v.signature);
  });

  it("the signer and the verifier take the whsec_ secret as it is, as the library does", () => {
    expect(standardWebhookSignature(v.secret, v.id, v.timestamp, v.body)).toBe(v.signature);
    const input = { id: v.id, timestamp: String(v.timestamp), signature: v.signature, rawBody: v.body };
    expect(verifyStandardWebhook({ ...input, secret: v.secret, now: v.timestamp })).toBe(true);
  });

  it("the verifier accepts the specification's signature", () => {
    const input = { id: v.id, timestamp: String(v.timestamp), signature: v.signature, rawBody: v.body };
    expect(verifyStandardWebhook({ ...input, secret: key, now: v.timestamp })).toBe(true);
    expect(verifyStandardWebhook({ ...input, secret: new Uint8Array(key), now: v.timestamp })).toBe(true);
    expect(
      verifyStandardWebhook({ ...input, rawBody: Buffer.from(v.body), secret: key, now: v.timestamp }),
    ).toBe(true);
  });

  it("the verifier refuses the vector with any one part changed", () => {
    const base = {
      id: v.id,
      timestamp: String(v.timestamp),
      signature: v.signature,
      rawBody: v.body,
      secret: key,
      now: v.timestamp,
    };
    expect(verifyStandardWebhook({ ...base, rawBody: '{"test": 2432232315}' })).toBe(false);
    expect(verifyStandardWebhook({ ...base, id: `${v.id}x` })).toBe(false);
    expect(verifyStandardWebhook({ ...base, timestamp: String(v.timestamp + 1), now: v.timestamp + 1 })).toBe(
      false,
    );
    // The whole `whsec_` string's UTF-8 bytes are not the key.
    expect(verifyStandardWebhook({ ...base, secret: Buffer.from(v.secret, "utf8") })).toBe(false);
    // HMAC pads a short key with zeros, so a changed key means a changed byte, not an extra zero.
    const flipped = Buffer.from(key);
    flipped[flipped.length - 1]! ^= 1;
    expect(verifyStandardWebhook({ ...base, secret: flipped })).toBe(false);
  });
});

describe("openssl-computed vectors", () => {
  const v = OPENSSL_VECTOR;

  it("X-Webhook-Signature is the hex openssl computed", () => {
    expect(signatureHex(v.secret, v.body)).toBe(v.hex);
    expect(verifyWebhookSignature(v.body, v.hex, v.secret)).toBe(true);
    expect(verifyWebhookSignature(v.body, v.hex.toUpperCase(), v.secret)).toBe(true);
  });

  it("webhook-signature is the base64 openssl computed over id.timestamp.body", () => {
    expect(standardWebhookSignature(v.secret, v.id, v.timestamp, v.body)).toBe(v.standard);
    expect(
      verifyStandardWebhook({
        id: v.id,
        timestamp: v.timestamp,
        signature: v.standard,
        rawBody: v.body,
        secret: v.secret,
        now: v.timestamp,
      }),
    ).toBe(true);
  });

  it("a delivery's headers carry both known answers", () => {
    const headers = buildDeliveryHeaders({
      eventId: v.id,
      deliveryId: "whd_1",
      event: "contact.deleted",
      rawBody: v.body,
      secret: v.secret,
      timestampSeconds: v.timestamp + 0.9,
      version: "0.0.0",
    });
    expect(headers[HEADER_WEBHOOK_SIGNATURE]).toBe(v.hex);
    expect(headers[HEADER_STANDARD_SIGNATURE]).toBe(v.standard);
  });

  it('the RFC 4231 case 2 answer (HMAC-SHA256, key "Jefe")', () => {
    expect(signatureHex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });
});
