/**
 * The outbox's queries, in process over a migrated store and without a dispatcher: what a
 * write fans out and hands to the local dispatcher, what a claim takes, and what renewing,
 * recording and releasing a claim may touch. Each case holds one condition of those queries.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeliveryResult, EventRow, LocalClaimer } from "../../src/store/index.js";
import { openWorld, type World } from "../support/crm.js";

/** What an outcome of a first attempt carries besides its result. */
const FIRST = { chainId: null, delivery: { retries: 0 } };

let w: World;
let n = 0;
beforeEach(async () => {
  w = await openWorld("memory");
});
afterEach(async () => {
  await w.close();
});

async function hook(events = ["contact.created"], extra: Record<string, unknown> = {}) {
  return w.webhooks.create(w.actor, { url: `https://h${++n}.example.com/hook`, events, ...extra });
}

/** Event rows as the recorder writes them, `createdAt` a second apart from `base`. */
function eventRows(
  count: number,
  event = "contact.created",
  base = Date.parse("2026-01-01T00:00:00Z"),
): EventRow[] {
  return Array.from({ length: count }, () => {
    const i = ++n;
    return {
      id: `evt_${String(i).padStart(6, "0")}`,
      companyId: w.actor.companyId,
      event,
      entityId: `ct_${i}`,
      userId: w.actor.userId,
      body: `{"n":${i}}`,
      createdAt: new Date(base + i * 1000).toISOString(),
    };
  });
}

function record(rows: EventRow[], claimer: LocalClaimer | null = null) {
  return w.store.write((tx) => tx.webhooks.recordEvents(w.actor.companyId, rows, claimer));
}

async function deliveries() {
  const { items } = await w.store.read((tx) =>
    tx.webhooks.listDeliveries(w.actor.companyId, { limit: 1000, offset: 0 }),
  );
  return items;
}

const claim = (
  worker: string,
  limit: number,
  now = Date.now(),
  options: { perWebhook?: number; skipWebhooks?: string[]; held?: string[] } = {},
) => w.store.write((tx) => tx.webhooks.claim(worker, limit, now, 60_000, options));

const ok = (sentAt = "2026-01-01T00:00:00.000Z"): DeliveryResult => ({
  status: "succeeded",
  statusCode: 204,
  requestHeaders: { "X-Webhook-Id": "evt" },
  responseBody: "",
  error: null,
  errorClass: null,
  durationMs: 12,
  sentAt,
});

describe("recordEvents", () => {
  it("writes no delivery for a disabled webhook even with a local dispatcher ready to take it", async () => {
    await hook(["contact.created"], { enabled: false });
    const claimer: LocalClaimer = { workerId: "w_local", leaseMs: 1000, take: () => true };
    expect(await record(eventRows(1), claimer)).toEqual({ written: 0, claimed: [], declined: 0 });
  });

  it("with no webhook writes only the events", async () => {
    expect(await record(eventRows(2))).toEqual({ written: 0, claimed: [], declined: 0 });
    expect(await record([])).toEqual({ written: 0, claimed: [], declined: 0 });
    expect(await deliveries()).toEqual([]);
  });

  it("hands the local dispatcher what it has room for, claimed and leased, and counts what it declines", async () => {
    const h = await hook(["contact.created"], { secret: "s3cret-value" });
    const asked: [string, number, number][] = [];
    const claimer: LocalClaimer = {
      workerId: "w_local",
      leaseMs: 60_000,
      take: (webhookId, forWebhook, total) => {
        asked.push([webhookId, forWebhook, total]);
        return forWebhook < 2;
      },
    };
    const before = Date.now();
    const rows = eventRows(3);
    const result = await record(rows, claimer);
    expect(result.written).toBe(3);
    expect(result.declined).toBe(1);
    expect(asked).toEqual([
      [h.id, 0, 0],
      [h.id, 1, 1],
      [h.id, 2, 2],
    ]);
    expect(result.claimed).toEqual(
      rows.slice(0, 2).map((e) => ({
        delivery: {
          id: expect.stringMatching(/^whd_/),
          webhookId: h.id,
          eventId: e.id,
          event: e.event,
          url: h.url,
          attempt: 1,
          resendOf: null,
          chainId: null,
          retries: 0,
        },
        body: e.body,
        webhook: {
          url: h.url,
          secret: "s3cret-value",
          previousSecret: null,
          enabled: true,
          retryPolicy: "none",
        },
      })),
    );
    const stored = await deliveries();
    const byEvent = new Map(stored.map((d) => [d.eventId, d]));
    for (const e of rows.slice(0, 2)) {
      const d = byEvent.get(e.id)!;
      expect([d.status, d.claimedBy, d.createdAt]).toEqual(["sending", "w_local", e.createdAt]);
      expect(d.leaseUntil).toBeGreaterThanOrEqual(before + 60_000);
      expect(d.leaseUntil).toBeLessThanOrEqual(Date.now() + 60_000);
    }
    expect(byEvent.get(rows[2]!.id)).toMatchObject({
      status: "pending",
      claimedBy: null,
      leaseUntil: null,
      attempt: 1,
    });
  });

  it("without a local dispatcher leaves every row pending and declines nothing", async () => {
    await hook();
    const result = await record(eventRows(2));
    expect(result).toMatchObject({ written: 2, claimed: [], declined: 0 });
    expect((await deliveries()).map((d) => [d.status, d.claimedBy])).toEqual([
      ["pending", null],
      ["pending", null],
    ]);
  });
});

describe("claim", () => {
  it("takes pending rows oldest first, up to the limit, and marks them with the worker and a lease", async () => {
    await hook();
    const rows = eventRows(5);
    await record([...rows].reverse());
    const now = Date.now();
    const { claimed, complete } = await claim("w_a", 3, now);
    expect(claimed.map((c) => c.delivery.eventId).sort()).toEqual(rows.slice(0, 3).map((e) => e.id));
    expect(complete).toBe(true);
    const stored = await deliveries();
    const taken = stored.filter((d) => d.status === "sending");
    expect(taken).toHaveLength(3);
    for (const d of taken) expect([d.claimedBy, d.leaseUntil]).toEqual(["w_a", now + 60_000]);
    expect((await claim("w_b", 10, now)).claimed.map((c) => c.delivery.eventId).sort()).toEqual(
      rows.slice(3).map((e) => e.id),
    );
    expect((await claim("w_c", 10, now)).claimed).toEqual([]);
  });

  it("takes over a claim whose lease ran out, but not a live one, nor one the claimer holds", async () => {
    await hook();
    const rows = eventRows(2);
    await record(rows);
    const now = Date.now();
    await claim("w_live", 1, now); // takes the first; its lease runs 60 s more
    const dead = await claim("w_dead", 1, now - 120_000); // takes the second; its lease ended 60 s ago
    const held = dead.claimed.map((c) => c.delivery.id);
    expect((await claim("w_dead", 10, now, { held })).claimed).toEqual([]);
    const { claimed } = await claim("w_next", 10, now);
    expect(claimed.map((c) => c.delivery.eventId)).toEqual([rows[1]!.id]);
  });

  it("a lease is held until the moment it ends", async () => {
    await hook();
    await record(eventRows(1));
    const t0 = 1_000_000;
    await claim("w_a", 1, t0);
    expect((await claim("w_b", 1, t0 + 60_000)).claimed).toEqual([]);
    expect((await claim("w_b", 1, t0 + 60_001)).claimed).toHaveLength(1);
  });

  it("never takes a recorded delivery", async () => {
    await hook();
    await record(eventRows(2));
    const { claimed } = await claim("w_a", 2);
    await w.store.write((tx) =>
      tx.webhooks.complete(
        "w_a",
        claimed.map((c) => ({ id: c.delivery.id, webhookId: c.delivery.webhookId, result: ok(), ...FIRST })),
      ),
    );
    expect((await claim("w_b", 10, Date.now() + 10 ** 9)).claimed).toEqual([]);
  });

  it("takes at most perWebhook rows of one webhook, so the rest of the claim goes to others", async () => {
    const busy = await hook(["contact.created"]);
    const quiet = await hook(["contact.updated"]);
    await record(eventRows(6, "contact.created"));
    await record(eventRows(2, "contact.updated"));
    const { claimed } = await claim("w_a", 5, Date.now(), { perWebhook: 2 });
    const per = (id: string) => claimed.filter((c) => c.delivery.webhookId === id).length;
    expect([per(busy.id), per(quiet.id)]).toEqual([2, 2]);
  });

  it("stops at the limit across webhooks, not only within one", async () => {
    await hook(["contact.created"]);
    await hook(["contact.updated"]);
    await record(eventRows(3, "contact.created"));
    await record(eventRows(3, "contact.updated"));
    expect((await claim("w_a", 3)).claimed).toHaveLength(3);
    expect((await claim("w_b", 10)).claimed).toHaveLength(3);
  });

  it("skips the webhooks it is told to", async () => {
    const a = await hook(["contact.created"]);
    const b = await hook(["contact.updated"]);
    await record(eventRows(2, "contact.created"));
    await record(eventRows(2, "contact.updated"));
    const { claimed } = await claim("w_a", 10, Date.now(), { skipWebhooks: [a.id] });
    expect(new Set(claimed.map((c) => c.delivery.webhookId))).toEqual(new Set([b.id]));
    const lapsed = await claim("w_b", 10, Date.now() + 10 ** 9, { skipWebhooks: [b.id] });
    expect(new Set(lapsed.claimed.map((c) => c.delivery.webhookId))).toEqual(new Set([a.id]));
    expect((await claim("w_c", 10, Date.now() + 10 ** 9, { skipWebhooks: [a.id] })).claimed).toHaveLength(2);
  });

  it("reports complete only when it saw every due row", async () => {
    await hook();
    await record(eventRows(70));
    const partial = await claim("w_a", 1);
    expect([partial.claimed.length, partial.complete]).toEqual([1, false]);
    const all = await claim("w_b", 100);
    expect([all.claimed.length, all.complete]).toEqual([69, true]);
    await record(eventRows(3));
    const lapsed = await claim("w_c", 1, Date.now() + 10 ** 9);
    expect(lapsed.complete).toBe(false);
  });

  it("carries the body and the webhook's current url, secret and state", async () => {
    const h = await hook(["contact.created"], { secret: "first-secret" });
    const [e1, e2, e3] = eventRows(3);
    await record([e1!]);
    await w.webhooks.update(w.actor, {
      id: h.id,
      url: "https://moved.example.com/hook",
      secret: "second-secret",
    });
    const [c1] = (await claim("w_a", 1)).claimed;
    expect(c1).toEqual({
      delivery: {
        id: expect.any(String),
        webhookId: h.id,
        eventId: e1!.id,
        event: "contact.created",
        url: h.url,
        attempt: 1,
        resendOf: null,
        chainId: null,
        retries: 0,
      },
      body: e1!.body,
      webhook: {
        url: "https://moved.example.com/hook",
        secret: "second-secret",
        previousSecret: null,
        enabled: true,
        retryPolicy: "none",
      },
    });
    await record([e2!]);
    await w.webhooks.update(w.actor, { id: h.id, enabled: false });
    expect((await claim("w_a", 1)).claimed[0]!.webhook).toMatchObject({ enabled: false });
    await w.webhooks.update(w.actor, { id: h.id, enabled: true });
    await record([e3!]);
    await w.webhooks.delete(w.actor, h.id);
    expect((await claim("w_a", 1)).claimed[0]!.webhook).toBeNull();
  });
});

describe("renewLeases, complete and release", () => {
  it("renews only the worker's own claims in flight", async () => {
    await hook();
    await record(eventRows(3));
    const a = await claim("w_a", 1, 0);
    const b = await claim("w_b", 1, 0);
    // w_b's id is listed too: it is renewed only for w_b.
    const ids = [...a.claimed, ...b.claimed].map((c) => c.delivery.id);
    await w.store.write((tx) => tx.webhooks.renewLeases("w_a", ids, 123_456));
    const leases = (await deliveries()).map((d) => [d.claimedBy, d.leaseUntil]).sort();
    expect(leases).toEqual([
      [null, null],
      ["w_a", 123_456],
      ["w_b", 60_000],
    ]);
  });

  it("records an outcome only while the worker still holds the claim, and keeps the webhook's last status", async () => {
    const h = await hook();
    await record(eventRows(2));
    const [mine, lost] = (await claim("w_a", 2, 0)).claimed;
    await claim("w_b", 1, 10 ** 9); // takes one over
    const stolen = (await deliveries()).find((d) => d.claimedBy === "w_b")!;
    const kept = stolen.id === mine!.delivery.id ? lost! : mine!;
    await w.store.write((tx) =>
      tx.webhooks.complete("w_a", [
        { id: kept.delivery.id, webhookId: h.id, result: ok("2026-05-05T05:05:05.000Z"), ...FIRST },
        { id: stolen.id, webhookId: h.id, result: { ...ok(), status: "failed" }, ...FIRST },
      ]),
    );
    const after = new Map((await deliveries()).map((d) => [d.id, d]));
    expect(after.get(kept.delivery.id)).toMatchObject({
      status: "succeeded",
      statusCode: 204,
      requestHeaders: { "X-Webhook-Id": "evt" },
      responseBody: "",
      durationMs: 12,
      sentAt: "2026-05-05T05:05:05.000Z",
      claimedBy: null,
      leaseUntil: null,
    });
    expect(after.get(stolen.id)).toMatchObject({ status: "sending", claimedBy: "w_b" });
    const row = await w.store.read((tx) => tx.webhooks.get(w.actor.companyId, h.id));
    expect([row!.lastDeliveryStatus, row!.lastDeliveryAt]).toEqual(["succeeded", "2026-05-05T05:05:05.000Z"]);
  });

  it("leaves the webhook's last status alone when no outcome was recorded", async () => {
    const h = await hook();
    await record(eventRows(1));
    const [c] = (await claim("w_a", 1, 0)).claimed;
    await w.store.write((tx) =>
      tx.webhooks.complete("w_other", [{ id: c!.delivery.id, webhookId: h.id, result: ok(), ...FIRST }]),
    );
    const row = await w.store.read((tx) => tx.webhooks.get(w.actor.companyId, h.id));
    expect(row!.lastDeliveryStatus).toBeNull();
  });

  it("stores a delivery with no request headers as null", async () => {
    const h = await hook();
    await record(eventRows(1));
    const [c] = (await claim("w_a", 1, 0)).claimed;
    const failed: DeliveryResult = {
      ...ok(),
      status: "failed",
      requestHeaders: null,
      statusCode: null,
      error: "x",
      errorClass: "webhook",
    };
    await w.store.write((tx) =>
      tx.webhooks.complete("w_a", [{ id: c!.delivery.id, webhookId: h.id, result: failed, ...FIRST }]),
    );
    expect((await deliveries())[0]).toMatchObject({
      status: "failed",
      requestHeaders: null,
      error: "x",
      errorClass: "webhook",
    });
  });

  it("hands back only the worker's own rows still being sent", async () => {
    const h = await hook();
    await record(eventRows(3));
    const mine = (await claim("w_a", 2, 0)).claimed;
    const theirs = (await claim("w_b", 1, 0)).claimed;
    await w.store.write((tx) =>
      tx.webhooks.complete("w_a", [{ id: mine[0]!.delivery.id, webhookId: h.id, result: ok(), ...FIRST }]),
    );
    await w.store.write((tx) =>
      tx.webhooks.release(
        "w_a",
        [...mine, ...theirs].map((c) => c.delivery.id),
      ),
    );
    const after = new Map((await deliveries()).map((d) => [d.id, d]));
    expect(after.get(mine[0]!.delivery.id)).toMatchObject({ status: "succeeded" });
    expect(after.get(mine[1]!.delivery.id)).toMatchObject({
      status: "pending",
      claimedBy: null,
      leaseUntil: null,
    });
    expect(after.get(theirs[0]!.delivery.id)).toMatchObject({ status: "sending", claimedBy: "w_b" });
  });
});
