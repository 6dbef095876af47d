import { afterEach, beforeEach, expect, it } from "vitest";
import type { DeliveryResult } from "../../src/store/index.js";
import { openWorld, type World } from "../support/crm.js";
import { ENGINE } from "../support/engine.js";

/** The outbox's rules through the store API, on each engine: claims, leases, outcomes. */
let w: World;
beforeEach(async () => {
  w = await openWorld("file");
});
afterEach(async () => {
  await w.close();
});

const ok = (sentAt: string): DeliveryResult => ({
  status: "succeeded",
  statusCode: 204,
  requestHeaders: { "x-webhook-event": "contact.created" },
  responseBody: "",
  error: null,
  errorClass: null,
  durationMs: 3,
  sentAt,
});

it(`claims each due row once, takes over lapsed leases, records only its own claims (${ENGINE})`, async () => {
  const hook = await w.webhooks.create(w.actor, {
    url: "https://hooks.example.com/",
    events: ["contact.created"],
  });
  await w.crm.create(w.actor, "contact", [{ firstName: "A" }, { firstName: "B" }, { firstName: "C" }]);
  const now = Date.now();
  const claim = (worker: string, at: number, limit = 10, perWebhook?: number) =>
    w.store.write((tx) => tx.webhooks.claim(worker, limit, at, 1000, { perWebhook }));

  const first = await claim("w1", now, 10, 2);
  expect(first.claimed.map((c) => c.body && c.webhook?.url)).toEqual([hook.url, hook.url]);
  const second = await claim("w2", now);
  expect(second.claimed).toHaveLength(1);
  expect((await claim("w2", now)).claimed).toHaveLength(0);

  // w1's lease runs out: w2 takes its rows over; w1 never takes back its own lapsed rows.
  expect((await claim("w1", now + 1001)).claimed).toHaveLength(1);
  const takenOver = await claim("w2", now + 1001);
  expect(takenOver.claimed.map((c) => c.delivery.id).sort()).toEqual(
    first.claimed.map((c) => c.delivery.id).sort(),
  );

  // w1 no longer holds those rows: its outcomes are not recorded; w2's are.
  const id = first.claimed[0]!.delivery.id;
  await w.store.write((tx) =>
    tx.webhooks.complete("w1", [
      {
        id,
        webhookId: hook.id,
        result: ok("2026-01-01T00:00:00.000Z"),
        chainId: null,
        delivery: { retries: 0 },
      },
    ]),
  );
  expect((await w.store.read((tx) => tx.webhooks.getDelivery(w.actor.companyId, id)))!.delivery.status).toBe(
    "sending",
  );
  await w.store.write((tx) =>
    tx.webhooks.complete("w2", [
      {
        id,
        webhookId: hook.id,
        result: ok("2026-01-02T00:00:00.000Z"),
        chainId: null,
        delivery: { retries: 0 },
      },
    ]),
  );
  const { delivery } = (await w.store.read((tx) => tx.webhooks.getDelivery(w.actor.companyId, id)))!;
  expect(delivery).toMatchObject({
    status: "succeeded",
    statusCode: 204,
    requestHeaders: { "x-webhook-event": "contact.created" },
    claimedBy: null,
    leaseUntil: null,
    sentAt: "2026-01-02T00:00:00.000Z",
  });
  const after = await w.store.read((tx) => tx.webhooks.get(w.actor.companyId, hook.id));
  expect(after).toMatchObject({
    lastDeliveryStatus: "succeeded",
    lastDeliveryAt: "2026-01-02T00:00:00.000Z",
  });
  expect(await w.store.read((tx) => tx.webhooks.pendingCount())).toBe(2);

  // Released rows are pending again, and due at once.
  const held = takenOver.claimed.map((c) => c.delivery.id).filter((x) => x !== id);
  await w.store.write((tx) => tx.webhooks.release("w2", held));
  expect((await claim("w3", now + 1001)).claimed.map((c) => c.delivery.id)).toEqual(held);
});
