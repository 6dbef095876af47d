import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../src/domain/ids.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { ENGINE } from "../support/engine.js";

let t: TestApp;
beforeEach(async () => {
  t = await openTestApp({ dispatch: false });
});
afterEach(async () => {
  await t.close();
});

const HOUR = 60 * 60 * 1000;
const NOW = Date.parse("2026-12-03T05:30:00.000Z");

/** Writes one event at `at` and records its deliveries with the given outcome, as the dispatcher does. */
async function delivered(
  at: number,
  status: "succeeded" | "failed",
  opts: { durationMs?: number; errorClass?: string | null } = {},
) {
  const { app, owner } = t;
  const createdAt = new Date(at).toISOString();
  await app.store.write((tx) =>
    tx.webhooks.recordEvents(owner.companyId, [
      {
        id: newId("event"),
        companyId: owner.companyId,
        event: "contact.created",
        entityId: "ct_x",
        userId: owner.userId,
        body: "{}",
        createdAt,
      },
    ]),
  );
  const { claimed } = await app.store.write((tx) => tx.webhooks.claim("w", 100, Date.now(), 60_000));
  await app.store.write((tx) =>
    tx.webhooks.complete(
      "w",
      claimed.map((c) => ({
        id: c.delivery.id,
        webhookId: c.delivery.webhookId,
        chainId: null,
        delivery: { retries: 0 },
        result: {
          status,
          statusCode: status === "succeeded" ? 200 : 500,
          requestHeaders: {},
          responseBody: "",
          error: status === "failed" ? "HTTP 500" : null,
          errorClass:
            status === "failed" ? (opts.errorClass === undefined ? "http_status" : opts.errorClass) : null,
          durationMs: opts.durationMs === undefined ? 5 : opts.durationMs,
          sentAt: createdAt,
        },
      })),
    ),
  );
}

describe(`delivery health, on ${ENGINE}`, () => {
  it("counts finished deliveries per webhook and hour: a day, a week, and the day by hour", async () => {
    const { app, owner } = t;
    const a = await app.webhooks.create(owner, {
      url: "https://127.0.0.1:9/a",
      events: ["contact.created"],
      secret: null,
    });
    const b = await app.webhooks.create(owner, {
      url: "https://127.0.0.1:9/b",
      events: ["contact.created"],
      secret: null,
    });
    await delivered(NOW - 8 * 24 * HOUR, "failed"); // older than a week: not counted
    await delivered(NOW - 3 * 24 * HOUR, "failed"); // in the week, not the day
    await delivered(NOW - 2 * HOUR, "succeeded");
    await delivered(NOW - 2 * HOUR, "succeeded");
    await delivered(NOW - 10 * 60 * 1000, "failed"); // this hour
    const rival = await app.tenants.createCompany("Rival", "Rita");

    const health = await app.deliveries.health(owner, [a.id, b.id], NOW);
    for (const id of [a.id, b.id]) {
      const h = health.get(id)!;
      expect(h.day).toEqual({ succeeded: 2, failed: 1 });
      expect(h.week).toEqual({ succeeded: 2, failed: 2 });
      expect(h.hours).toHaveLength(24);
      expect(h.hours.at(-1)).toEqual({ hour: "2026-12-03T05", succeeded: 0, failed: 1 });
      expect(h.hours.at(-3)).toEqual({ hour: "2026-12-03T03", succeeded: 2, failed: 0 });
      expect(h.hours.reduce((n, x) => n + x.succeeded + x.failed, 0)).toBe(3);
    }
    // Only the webhooks asked about, only the caller's company.
    expect([...(await app.deliveries.health(owner, [a.id], NOW)).keys()]).toEqual([a.id]);
    expect((await app.deliveries.health(rival, [a.id], NOW)).get(a.id)!.week).toEqual({
      succeeded: 0,
      failed: 0,
    });
    await expect(app.deliveries.health(owner, Array(101).fill(a.id), NOW)).rejects.toThrow(/webhookIds/);
  });

  it("sums up one webhook for its page: hourly counts, duration p50 and p99 and error classes of its latest deliveries", async () => {
    const { app, owner } = t;
    const a = await app.webhooks.create(owner, {
      url: "https://127.0.0.1:9/a",
      events: ["contact.created"],
      secret: null,
    });
    await delivered(NOW - 8 * 24 * HOUR, "failed", { errorClass: "old_class", durationMs: 90_000 }); // before the week
    // Durations 1..100 ms over the last hours: p50 is the 50th, p99 the 99th.
    for (let i = 1; i <= 100; i++) {
      const failing = i % 10 === 0;
      await delivered(NOW - (i % 5) * HOUR, failing ? "failed" : "succeeded", {
        durationMs: i,
        errorClass: i % 20 === 0 ? "timeout" : i === 10 ? null : "http_status",
      });
    }
    await delivered(NOW - HOUR, "failed", { durationMs: 0, errorClass: "url_policy" }); // refused before sending
    const rival = await app.tenants.createCompany("Rival", "Rita");

    const f = await app.deliveries.figures(owner, a.id, NOW);
    expect(f.latest).toBe(101);
    expect(f.p50Ms).toBe(50);
    expect(f.p99Ms).toBe(99);
    expect(f.errorClasses).toEqual([
      { errorClass: "timeout", n: 5 },
      { errorClass: "http_status", n: 4 },
      { errorClass: "unclassified", n: 1 },
      { errorClass: "url_policy", n: 1 },
    ]);
    expect(f.week).toEqual({ succeeded: 90, failed: 11 });
    expect(f.day).toEqual(f.week);
    expect(f.hours.at(-1)).toEqual({ hour: "2026-12-03T05", succeeded: 10, failed: 10 });
    expect(f.hours.at(-2)).toEqual({ hour: "2026-12-03T04", succeeded: 20, failed: 1 });
    // The same figures as the list's for that webhook.
    const listed = (await app.deliveries.health(owner, [a.id], NOW)).get(a.id)!;
    expect({ day: f.day, week: f.week, hours: f.hours }).toEqual(listed);

    // Another company's webhook id reads as one that sent nothing.
    const theirs = await app.deliveries.figures(rival, a.id, NOW);
    expect(theirs).toMatchObject({ latest: 0, p50Ms: null, p99Ms: null, errorClasses: [] });
    expect(theirs.week).toEqual({ succeeded: 0, failed: 0 });
    await expect(app.deliveries.figures(owner, "x".repeat(200), NOW)).rejects.toThrow(/webhookId/);
  });

  it("reads at most the latest 1,000 finished deliveries for the percentiles, newest first", async () => {
    const { app, owner } = t;
    const a = await app.webhooks.create(owner, {
      url: "https://127.0.0.1:9/a",
      events: ["contact.created"],
      secret: null,
    });
    // 1,000 fast ones now, 200 slow ones an hour before: the slow ones fall outside the latest 1,000.
    await manyDelivered(NOW - HOUR, 200, 500);
    await manyDelivered(NOW - 60_000, 1000, 7);
    const f = await app.deliveries.figures(owner, a.id, NOW);
    expect(f.latest).toBe(1000);
    expect([f.p50Ms, f.p99Ms]).toEqual([7, 7]);
    expect(f.week.succeeded).toBe(1200);
  });
});

/** `n` events at `at`, each delivered in `durationMs`, recorded in one batch. */
async function manyDelivered(at: number, n: number, durationMs: number) {
  const { app, owner } = t;
  const createdAt = new Date(at).toISOString();
  const rows = Array.from({ length: n }, () => ({
    id: newId("event"),
    companyId: owner.companyId,
    event: "contact.created",
    entityId: "ct_x",
    userId: owner.userId,
    body: "{}",
    createdAt,
  }));
  await app.store.write((tx) => tx.webhooks.recordEvents(owner.companyId, rows));
  const { claimed } = await app.store.write((tx) => tx.webhooks.claim("w", n, Date.now(), 60_000));
  await app.store.write((tx) =>
    tx.webhooks.complete(
      "w",
      claimed.map((c) => ({
        id: c.delivery.id,
        webhookId: c.delivery.webhookId,
        chainId: null,
        delivery: { retries: 0 },
        result: {
          status: "succeeded" as const,
          statusCode: 200,
          requestHeaders: {},
          responseBody: "",
          error: null,
          errorClass: null,
          durationMs,
          sentAt: createdAt,
        },
      })),
    ),
  );
}
