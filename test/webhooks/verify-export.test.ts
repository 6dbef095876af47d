import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";

describe("crm-mcp/verify", () => {
  it("is importable by its package path, as receivers use it", async () => {
    const { verifyWebhookSignature } = await import("crm-mcp/verify");
    const body = '{"event":"contact.created"}';
    const signature = createHmac("sha256", "receiver-secret").update(body).digest("hex");
    expect(verifyWebhookSignature(body, signature, "receiver-secret")).toBe(true);
    expect(verifyWebhookSignature(body, signature, "other-secret")).toBe(false);
  });
});
