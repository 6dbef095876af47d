import pg from "pg";
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
  const claim = (worker: string, at: number, limit = 10, perWebhook?: number, held?: string[]) =>
    w.store.write((tx) => tx.webhooks.claim(worker, limit, at, 1000, { perWebhook, held }));

  const first = await claim("w1", now, 10, 2);
  expect(first.claimed.map((c) => c.body && c.webhook?.url)).toEqual([hook.url, hook.url]);
  const second = await claim("w2", now);
  expect(second.claimed).toHaveLength(1);
  expect((await claim("w2", now)).claimed).toHaveLength(0);

  // w1's lease runs out: w2 takes its rows over; w1 does not take back the lapsed rows it holds.
  const w1Held = first.claimed.map((c) => c.delivery.id);
  expect((await claim("w1", now + 1001, 10, undefined, w1Held)).claimed).toHaveLength(1);
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

// Fails with the old queries: a claim skipped every own lapsed row, and a renewal renewed every
// own row, so a row whose claim's answer was lost was never sent while its worker lived.
it(`takes back its own lapsed rows unless it holds them, and renews only the rows it lists (${ENGINE})`, async () => {
  await w.webhooks.create(w.actor, { url: "https://hooks.example.com/", events: ["contact.created"] });
  await w.crm.create(w.actor, "contact", [{ firstName: "A" }, { firstName: "B" }, { firstName: "C" }]);
  const now = Date.now();
  const claim = (at: number, held: string[]) =>
    w.store.write((tx) => tx.webhooks.claim("w1", 10, at, 1000, { held }));
  const ids = (r: { claimed: { delivery: { id: string } }[] }) => r.claimed.map((c) => c.delivery.id).sort();
  const all = ids(await claim(now, []));
  expect(all).toHaveLength(3);
  const [kept, lost, renewed] = all as [string, string, string];
  // Renewing `renewed` alone: the other two lapse at now + 1000.
  await w.store.write((tx) => tx.webhooks.renewLeases("w1", [renewed], now + 5000), { oneStatement: true });
  const leases = async () =>
    Object.fromEntries(
      await Promise.all(
        all.map(async (id) => [
          id,
          (await w.store.read((tx) => tx.webhooks.getDelivery(w.actor.companyId, id)))!.delivery.leaseUntil,
        ]),
      ),
    );
  expect(await leases()).toEqual({ [kept]: now + 1000, [lost]: now + 1000, [renewed]: now + 5000 });
  // Past the lapsed leases: the row it still holds stays, the row it lost track of comes back.
  const again = await claim(now + 1001, [kept, renewed]);
  expect(ids(again)).toEqual([lost]);
  expect(await leases()).toEqual({ [kept]: now + 1000, [lost]: now + 2001, [renewed]: now + 5000 });
  // Another worker's renewal of these ids touches none of them.
  await w.store.write((tx) => tx.webhooks.renewLeases("w2", all, now + 9000));
  expect(await leases()).toEqual({ [kept]: now + 1000, [lost]: now + 2001, [renewed]: now + 5000 });
});

it(`records a batch's outcomes: counts per webhook and hour, each webhook's latest status, only its own claims (${ENGINE})`, async () => {
  const a = await w.webhooks.create(w.actor, { url: "https://a.example.com/", events: ["contact.created"] });
  const b = await w.webhooks.create(w.actor, { url: "https://b.example.com/", events: ["contact.created"] });
  await w.crm.create(w.actor, "contact", [{ firstName: "A" }, { firstName: "B" }, { firstName: "C" }]);
  const now = Date.now();
  const { claimed } = await w.store.write((tx) => tx.webhooks.claim("w1", 10, now, 60_000));
  expect(claimed).toHaveLength(6);
  const of = (hook: string) => claimed.filter((c) => c.delivery.webhookId === hook);
  const failed = (sentAt: string): DeliveryResult => ({
    ...ok(sentAt),
    status: "failed",
    statusCode: 500,
    error: "HTTP 500",
    errorClass: "http",
  });
  const outcome = (c: (typeof claimed)[number], result: DeliveryResult) => ({
    id: c.delivery.id,
    webhookId: c.delivery.webhookId,
    result,
    chainId: null,
    delivery: { retries: 0 },
  });
  // a: two succeeded, then one failed (the latest); b: one failed, then two succeeded.
  // One of b's rows was taken over by another worker: its outcome is not ours to record.
  await w.store.write((tx) => tx.webhooks.release("w1", [of(b.id)[2]!.delivery.id]));
  await w.store.write((tx) => tx.webhooks.claim("w2", 10, now, 60_000));
  await w.store.write((tx) =>
    tx.webhooks.complete("w1", [
      outcome(of(a.id)[0]!, ok("2026-01-01T00:00:01.000Z")),
      outcome(of(b.id)[0]!, failed("2026-01-01T00:00:02.000Z")),
      outcome(of(a.id)[1]!, ok("2026-01-01T00:00:03.000Z")),
      outcome(of(b.id)[1]!, ok("2026-01-01T00:00:04.000Z")),
      outcome(of(a.id)[2]!, failed("2026-01-01T00:00:05.000Z")),
      outcome(of(b.id)[2]!, failed("2026-01-01T00:00:06.000Z")),
    ]),
  );
  const hook = (id: string) => w.store.read((tx) => tx.webhooks.get(w.actor.companyId, id));
  expect(await hook(a.id)).toMatchObject({
    lastDeliveryStatus: "failed",
    lastDeliveryAt: "2026-01-01T00:00:05.000Z",
    failingSince: "2026-01-01T00:00:05.000Z",
    lastError: "HTTP 500",
  });
  expect(await hook(b.id)).toMatchObject({
    lastDeliveryStatus: "succeeded",
    lastDeliveryAt: "2026-01-01T00:00:04.000Z",
    failingSince: null,
  });
  const hour = new Date(now).toISOString().slice(0, 13);
  const counts = await w.store.read((tx) =>
    tx.webhooks.deliveryCounts(w.actor.companyId, [a.id, b.id], `${hour}:00:00.000Z`, hour),
  );
  expect(counts.sort((x, y) => (x.webhookId < y.webhookId ? -1 : 1))).toEqual(
    [
      { webhookId: a.id, hour, succeeded: 2, failed: 1 },
      { webhookId: b.id, hour, succeeded: 1, failed: 1 },
    ].sort((x, y) => (x.webhookId < y.webhookId ? -1 : 1)),
  );
  // A second batch adds to the same hour's counts.
  const [again] = (await w.store.write((tx) => tx.webhooks.claim("w3", 10, now + 120_000, 60_000))).claimed;
  await w.store.write((tx) => tx.webhooks.complete("w3", [outcome(again!, ok("2026-01-01T00:00:07.000Z"))]));
  const later = await w.store.read((tx) =>
    tx.webhooks.deliveryCounts(w.actor.companyId, [b.id], `${hour}:00:00.000Z`, hour),
  );
  expect(later).toEqual([{ webhookId: b.id, hour, succeeded: 2, failed: 1 }]);
});

it(`claims due retries like pending rows, makes the due ones it leaves pending, and keeps later ones scheduled (${ENGINE})`, async () => {
  const hook = await w.webhooks.create(w.actor, {
    url: "https://hooks.example.com/",
    events: ["contact.created"],
  });
  await w.crm.create(w.actor, "contact", [{ firstName: "A" }]);
  const now = Date.now();
  const [first] = (await w.store.write((tx) => tx.webhooks.claim("w1", 10, now, 60_000))).claimed;
  const retry = (id: string, dueAt: number) =>
    w.store.write((tx) =>
      tx.webhooks.insertLaterAttempt(first!.delivery.id, {
        id,
        url: hook.url,
        status: "scheduled",
        retries: 1,
        dueAt,
        resendOf: null,
        createdAt: new Date(now).toISOString(),
      }),
    );
  await retry("dlv_due1", now - 2000);
  await retry("dlv_due2", now - 1000);
  await retry("dlv_later", now + 60_000);
  const status = async (id: string) =>
    (await w.store.read((tx) => tx.webhooks.getDelivery(w.actor.companyId, id)))!.delivery;
  const taken = await w.store.write((tx) => tx.webhooks.claim("w2", 1, now, 60_000));
  expect(taken.claimed.map((c) => [c.delivery.id, c.delivery.retries])).toHaveLength(1);
  const takenId = taken.claimed[0]!.delivery.id;
  expect(["dlv_due1", "dlv_due2"]).toContain(takenId);
  expect(await status(takenId)).toMatchObject({ status: "sending", claimedBy: "w2", dueAt: null });
  const left = takenId === "dlv_due1" ? "dlv_due2" : "dlv_due1";
  expect(await status(left)).toMatchObject({ status: "pending", dueAt: null });
  expect(await status("dlv_later")).toMatchObject({ status: "scheduled" });
  expect(
    (await w.store.write((tx) => tx.webhooks.claim("w2", 10, now, 60_000))).claimed.map((c) => c.delivery.id),
  ).toEqual([left]);
  const later = await w.store.write((tx) => tx.webhooks.claim("w2", 10, now + 60_001, 60_000));
  expect(later.claimed.map((c) => c.delivery.id)).toContain("dlv_later");
});

it.runIf(ENGINE === "postgres")(
  "a claim skips a due retry another transaction holds, never waits for it (postgres)",
  async () => {
    const hook = await w.webhooks.create(w.actor, {
      url: "https://hooks.example.com/",
      events: ["contact.created"],
    });
    await w.crm.create(w.actor, "contact", [{ firstName: "A" }]);
    const now = Date.now();
    const [first] = (await w.store.write((tx) => tx.webhooks.claim("w1", 10, now, 60_000))).claimed;
    for (const [id, ago] of [
      ["dlv_held", 3000],
      ["dlv_free1", 2000],
      ["dlv_free2", 1000],
    ] as const)
      await w.store.write((tx) =>
        tx.webhooks.insertLaterAttempt(first!.delivery.id, {
          id,
          url: hook.url,
          status: "scheduled",
          retries: 1,
          dueAt: now - ago,
          resendOf: null,
          createdAt: new Date(now).toISOString(),
        }),
      );
    const other = new pg.Client({ connectionString: w.url });
    await other.connect();
    try {
      await other.query("begin");
      await other.query("select id from webhook_deliveries where id = 'dlv_held' for update");
      // Without the guard, the claim's own update of the due rows it leaves waits on this lock
      // until the other transaction ends: the race below then times out.
      const claim = w.store.write((tx) => tx.webhooks.claim("w2", 1, now, 60_000));
      const outcome = await Promise.race([
        claim.then((c) => c.claimed.map((d) => d.delivery.id)),
        new Promise<string>((r) => setTimeout(() => r("waited"), 5000)),
      ]);
      expect(outcome).toEqual(["dlv_free1"]);
    } finally {
      await other.query("rollback").catch(() => undefined);
      await other.end();
    }
    const status = async (id: string) =>
      (await w.store.read((tx) => tx.webhooks.getDelivery(w.actor.companyId, id)))!.delivery.status;
    expect(await status("dlv_held")).toBe("scheduled");
    expect(await status("dlv_free2")).toBe("pending");
  },
);
