/**
 * The dispatcher's guards, in process: what it does with claims it holds when it stops, and
 * with a delivery whose webhook was disabled between the write and the send.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Dispatcher } from "../../src/webhooks/dispatcher.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup() {
  const receiver = await startReceiver({ respond: { status: 200, body: "ok" } });
  const t = await openTestApp({ ca: receiver.ca, dispatch: false });
  cleanups.push(
    () => receiver.close(),
    () => t.close(),
  );
  return { receiver, t };
}

function rows(t: TestApp) {
  return t.app.store.read(
    async (tx) => (await tx.webhooks.listDeliveries(t.owner.companyId, { limit: 100, offset: 0 })).items,
  );
}

describe("dispatcher guards", () => {
  it("hands the claims it has not started back to the outbox when it stops (guard: release in stop)", async () => {
    const { receiver, t } = await setup();
    receiver.respond = { status: 200, body: "ok", delayMs: 300 };
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await t.app.crm.create(
      t.owner,
      "contact",
      ["A", "B", "C", "D"].map((firstName) => ({ firstName })),
    );
    // One send at a time and a lease far longer than the test: a claim not handed back
    // would keep the next dispatcher off its row.
    const options = {
      timeoutMs: 3000,
      allowPrivate: true,
      ca: receiver.ca,
      perWebhookConcurrency: 1,
      leaseMs: 600_000,
      pollMs: 60_000,
    };
    const first = new Dispatcher(t.app.store, options);
    first.start();
    cleanups.push(() => first.stop());
    await until(() => receiver.requests.length === 1, 5000, "the first send");
    expect((await rows(t)).every((d) => d.status === "sending")).toBe(true);

    await first.stop();
    const after = await rows(t);
    expect(after.filter((d) => d.status === "succeeded")).toHaveLength(1);
    const pending = after.filter((d) => d.status === "pending");
    expect(pending).toHaveLength(3);
    for (const d of pending) expect([d.claimedBy, d.leaseUntil]).toEqual([null, null]);

    receiver.respond = { status: 200, body: "ok" };
    const second = new Dispatcher(t.app.store, options);
    second.start();
    cleanups.push(() => second.stop());
    await until(() => receiver.requests.length === 4, 5000, "the three handed-back deliveries");
    const ids = receiver.requests.map((r) => r.headers["x-webhook-delivery"]);
    expect(new Set(ids).size).toBe(4);
  });

  it("fails a delivery whose webhook was disabled before it was sent, and will not resend it (guard: enabled check in deliver)", async () => {
    const { receiver, t } = await setup();
    const hook = await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Late" }]);
    await t.app.webhooks.update(t.owner, { id: hook.id, enabled: false });
    t.app.dispatcher.start();
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "failed" })).total === 1,
      5000,
      "the failure",
    );
    const [d] = (await t.app.deliveries.list(t.owner, {})).items;
    const detail = await t.app.deliveries.get(t.owner, d!.id);
    expect(detail.error).toBe("The webhook was disabled before this delivery was sent");
    expect(detail.errorClass).toBe("webhook");
    expect(detail.statusCode).toBeNull();
    await expect(t.app.deliveries.resend(t.owner, d!.id)).rejects.toThrow(
      /is disabled, so delivery .* cannot be resent; enable it with update_webhook first/,
    );
    expect(receiver.requests).toHaveLength(0);
  });
});
