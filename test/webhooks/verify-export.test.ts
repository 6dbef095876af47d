import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OPENSSL_VECTOR, STANDARD_VECTOR, whsecKey } from "../support/vectors.js";

describe("crm-mcp/verify", () => {
  it("is importable by its package path, as receivers use it", async () => {
    const { verifyWebhookSignature } = await import("crm-mcp/verify");
    const body = '{"event":"contact.created"}';
    const signature = createHmac("sha256", "receiver-secret").update(body).digest("hex");
    expect(verifyWebhookSignature(body, signature, "receiver-secret")).toBe(true);
    expect(verifyWebhookSignature(body, signature, "other-secret")).toBe(false);
  });

  it("as published, accepts the Standard Webhooks vector and the openssl-computed ones", async () => {
    const { verifyStandardWebhook, verifyWebhookSignature } = await import("crm-mcp/verify");
    const s = STANDARD_VECTOR;
    const standard = {
      id: s.id,
      timestamp: s.timestamp,
      signature: s.signature,
      rawBody: s.body,
      now: s.timestamp,
    };
    expect(verifyStandardWebhook({ ...standard, secret: whsecKey(s.secret) })).toBe(true);
    expect(verifyStandardWebhook({ ...standard, rawBody: `${s.body} `, secret: whsecKey(s.secret) })).toBe(
      false,
    );
    const o = OPENSSL_VECTOR;
    expect(verifyWebhookSignature(o.body, o.hex, o.secret)).toBe(true);
    expect(
      verifyStandardWebhook({
        id: o.id,
        timestamp: o.timestamp,
        signature: o.standard,
        rawBody: o.body,
        secret: o.secret,
        now: o.timestamp,
      }),
    ).toBe(true);
  });
});
