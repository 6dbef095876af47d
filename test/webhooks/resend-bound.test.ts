import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_RESEND_FAILED } from "../../src/webhooks/deliveries.js";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";

/**
 * "Resend failed since ..." writes one delivery per failed one in its window, in one
 * transaction: a window may hold at most 1000, and a wider one is refused before any write.
 */

let t: TestApp;

/** A port on 127.0.0.1 that refuses connections: sends to it fail at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  t = await openTestApp({ timeoutMs: 2000 });
});
afterAll(async () => {
  await t?.close();
});

describe("resend_failed_webhook_deliveries", () => {
  it(`resends at most ${MAX_RESEND_FAILED} failed deliveries per call`, async () => {
    const client = await connect(t.app, t.owner);
    const since = new Date(Date.now() - 60_000).toISOString();
    await ok(client, "create_webhook", {
      url: `https://127.0.0.1:${await closedPort()}/hook`,
      events: ["contact.created"],
    });
    for (let i = 0; i <= MAX_RESEND_FAILED; i += 100) {
      const contacts = Array.from({ length: Math.min(100, MAX_RESEND_FAILED + 1 - i) }, (_, j) => ({
        firstName: `C${i + j}`,
      }));
      await ok(client, "create_contacts", { contacts });
    }
    const failedCount = async () =>
      (await ok(client, "list_webhook_deliveries", { status: "failed", limit: 1 })).total as number;
    const deadline = Date.now() + 30_000;
    while ((await failedCount()) < MAX_RESEND_FAILED + 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(await failedCount()).toBe(MAX_RESEND_FAILED + 1);

    const all = async () => (await ok(client, "list_webhook_deliveries", { limit: 1 })).total as number;
    const before = await all();
    const r = await call(client, "resend_failed_webhook_deliveries", { since });
    expect(r.isError).toBe(true);
    expect(r.text).toBe(
      `since: the window holds ${MAX_RESEND_FAILED + 1} failed deliveries; at most ${MAX_RESEND_FAILED} are resent per call: narrow it with since, until or webhookId`,
    );
    expect(await all()).toBe(before);
    await client.close();
  });
});
