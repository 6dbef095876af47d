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
async function delivered(at: number, status: "succeeded" | "failed") {
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
          errorClass: status === "failed" ? "http_status" : null,
          durationMs: 5,
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
});
