import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { windowStart } from "../../src/webhooks/deliveries.js";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";
import { until } from "../support/wait.js";

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

describe("sinceMinutes", () => {
  it("starts the window that many minutes before the server's clock", () => {
    const now = Date.parse("2026-12-02T10:00:00Z");
    expect(windowStart({ sinceMinutes: 60 }, now)).toBe("2026-12-02T09:00:00.000Z");
    expect(windowStart({ since: "2026-12-02T11:00:00+02:00" }, now)).toBe("2026-12-02T09:00:00.000Z");
    expect(windowStart({}, now)).toBeUndefined();
  });

  it("lists and resends the failures of the last N minutes, with no clock on the caller's side", async () => {
    const client = await connect(t.app, t.owner);
    const hook = await ok(client, "create_webhook", {
      url: `https://127.0.0.1:${await closedPort()}/hook`,
      events: ["contact.created"],
    });
    await ok(client, "create_contacts", { contacts: [{ firstName: "Ada" }] });
    let failed: { items: { id: string }[] } = { items: [] };
    await until(
      async () => {
        failed = await ok(client, "list_webhook_deliveries", { status: "failed", sinceMinutes: 60 });
        return failed.items.length === 1;
      },
      10_000,
      "the failed delivery",
    );
    const r = await ok(client, "resend_failed_webhook_deliveries", { sinceMinutes: 60, webhookId: hook.id });
    expect(r.resent.map((d: { resendOf: string }) => d.resendOf)).toEqual([failed.items[0]!.id]);
    await client.close();
  });

  it("refuses both forms at once, neither, and windows past a year", async () => {
    const client = await connect(t.app, t.owner);
    const both = await call(client, "list_webhook_deliveries", {
      since: "2026-12-01T00:00:00Z",
      sinceMinutes: 5,
    });
    expect(both.text).toBe("sinceMinutes: give since or sinceMinutes, not both");
    const neither = await call(client, "resend_failed_webhook_deliveries", {});
    expect(neither.isError).toBe(true);
    expect(neither.text).toBe("since: is required: an ISO 8601 time, or sinceMinutes for the last N minutes");
    for (const sinceMinutes of [0, 525_601, 1.5]) {
      const r = await call(client, "resend_failed_webhook_deliveries", { sinceMinutes });
      expect(r.isError, String(sinceMinutes)).toBe(true);
      expect(r.text).toMatch(/^sinceMinutes: /);
    }
    await client.close();
  });
});
