/**
 * Rules of the outbox that the wider tests pass through without pinning, on each engine:
 * what a write reports to the dispatcher, how the local claimer is asked, what a claim
 * carries, and what recording a batch reports as disabled.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HourCounts } from "../../src/store/api.js";
import type { DeliveryOutcome, DeliveryResult } from "../../src/store/index.js";
import { openWorld, type World } from "../support/crm.js";
import { ENGINE } from "../support/engine.js";

let w: World;
beforeEach(async () => {
  w = await openWorld("file");
});
afterEach(async () => {
  await w.close();
});

let n = 0;
function hook(events = ["contact.created"], extra: Record<string, unknown> = {}) {
  return w.webhooks.create(w.actor, { url: `https://r${++n}.example.com/hook`, events, ...extra });
}

const failed = (sentAt: string): DeliveryResult => ({
  status: "failed",
  statusCode: 500,
  requestHeaders: {},
  responseBody: "",
  error: "HTTP 500",
  errorClass: "http",
  durationMs: 1,
  sentAt,
});

/** Claims every due row as `worker` and records `result` for each, with `extra` on each outcome. */
async function sendAll(
  worker: string,
  result: DeliveryResult,
  extra: Partial<DeliveryOutcome> = {},
  options: { disableFailingSince?: string; now?: string } = {},
) {
  const { claimed } = await w.store.write((tx) => tx.webhooks.claim(worker, 100, Date.now(), 60_000));
  return w.store.write((tx) =>
    tx.webhooks.complete(
      worker,
      claimed.map((c) => ({
        id: c.delivery.id,
        webhookId: c.delivery.webhookId,
        chainId: null,
        delivery: { retries: 0 },
        result,
        ...extra,
      })),
      options,
    ),
  );
}

/**
 * What listeners heard from this process's writes: PostgreSQL also announces one row, with
 * nothing claimed, whenever its LISTEN connection (re)opens, for rows written meanwhile.
 */
const ownWrites = (heard: [number, number, number][]) =>
  ENGINE === "postgres" ? heard.filter(([count, claimed]) => count !== 1 || claimed !== 0) : heard;

const webhookRow = (id: string) => w.store.read((tx) => tx.webhooks.get(w.actor.companyId, id));

describe(`the outbox (${ENGINE})`, () => {
  it("tells its listeners, after the commit, how many rows a write put in the outbox", async () => {
    await hook(["contact.created"]);
    await hook(["contact.created", "contact.updated"]);
    await hook(["contact.updated"]);
    const heard: [number, number, number][] = [];
    const off = w.store.onDeliveries((count, claimed, declined) =>
      heard.push([count, claimed.length, declined]),
    );
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "A" }, { firstName: "B" }]);
    await w.crm.update(w.actor, "contact", [{ id: c!.id, firstName: "C" }]);
    off();
    expect(ownWrites(heard)).toEqual([
      [4, 0, 0],
      [2, 0, 0],
    ]);
  });

  it("asks the local claimer with each webhook's own count of rows taken, declines not counted", async () => {
    const a = await hook();
    const b = await hook();
    const asked: [string, number, number][] = [];
    const heard: [number, number, number][] = [];
    const off = w.store.onDeliveries((count, claimed, declined) =>
      heard.push([count, claimed.length, declined]),
    );
    // Takes every other row it is offered.
    w.store.setLocalClaimer({
      workerId: "w_local",
      leaseMs: 60_000,
      take: (webhookId, forWebhook, total) => asked.push([webhookId, forWebhook, total]) % 2 === 1,
    });
    await w.crm.create(
      w.actor,
      "contact",
      ["A", "B", "C"].map((firstName) => ({ firstName })),
    );
    w.store.setLocalClaimer(null);
    off();
    const [first, second] = [asked[0]![0], asked[3]![0]];
    expect(new Set([first, second])).toEqual(new Set([a.id, b.id]));
    expect(asked).toEqual([
      [first, 0, 0],
      [first, 1, 1],
      [first, 1, 1],
      [second, 0, 2],
      [second, 0, 2],
      [second, 1, 3],
    ]);
    expect(ownWrites(heard)).toEqual([[6, 3, 3]]);
  });

  it("carries a webhook's retry policy with each claimed row", async () => {
    await hook(["contact.created"], { retryPolicy: "standard" });
    await w.crm.create(w.actor, "contact", [{ firstName: "A" }]);
    const { claimed } = await w.store.write((tx) => tx.webhooks.claim("w_a", 10, Date.now(), 60_000));
    expect(claimed.map((c) => c.webhook?.retryPolicy)).toEqual(["standard"]);
  });

  it("disables a webhook for a 410 at the batch's time, and reports only webhooks it disabled itself", async () => {
    const gone = await hook();
    await w.crm.create(w.actor, "contact", [{ firstName: "A" }]);
    const at = "2026-03-04T05:06:07.000Z";
    const reason = "The receiver answered 410 Gone";
    const first = await sendAll("w_a", { ...failed(at), statusCode: 410 }, { disable: reason }, { now: at });
    expect(first.disabled).toEqual([gone.id]);
    expect(await webhookRow(gone.id)).toMatchObject({
      enabled: false,
      disabledReason: reason,
      disabledAt: at,
    });

    // Already disabled: a second 410 (a row claimed before the first was recorded) changes nothing.
    await w.webhooks.update(w.actor, { id: gone.id, enabled: true });
    await w.crm.create(w.actor, "contact", [{ firstName: "B" }]);
    await w.webhooks.update(w.actor, { id: gone.id, enabled: false });
    const again = await sendAll("w_a", { ...failed(at), statusCode: 410 }, { disable: reason }, { now: at });
    expect(again.disabled).toEqual([]);
  });

  it("disables a failing webhook only once it has failed since before the limit, and says so once", async () => {
    const h = await hook();
    await w.crm.create(w.actor, "contact", [{ firstName: "A" }]);
    const start = "2026-01-01T00:00:00.000Z";
    const first = await sendAll(
      "w_a",
      failed(start),
      {},
      { disableFailingSince: "2025-12-31T00:00:00.000Z" },
    );
    expect(first.disabled).toEqual([]);
    expect(await webhookRow(h.id)).toMatchObject({ enabled: true, failingSince: start });

    await w.crm.create(w.actor, "contact", [{ firstName: "B" }]);
    const at = "2026-01-09T00:00:00.000Z";
    const later = await sendAll(
      "w_a",
      failed(at),
      {},
      { disableFailingSince: "2026-01-02T00:00:00.000Z", now: at },
    );
    expect(later.disabled).toEqual([h.id]);
    expect(await webhookRow(h.id)).toMatchObject({ enabled: false, disabledAt: at });
    expect((await webhookRow(h.id))!.disabledReason).toMatch(/^Every delivery has failed since 2026-01-01/);

    // Disabled already: a late failure of a row claimed before changes nothing and reports nothing.
    await w.webhooks.update(w.actor, { id: h.id, enabled: true });
    await w.crm.create(w.actor, "contact", [{ firstName: "C" }]);
    await w.webhooks.update(w.actor, { id: h.id, enabled: false });
    const late = await sendAll("w_a", failed(at), {}, { disableFailingSince: "2026-01-02T00:00:00.000Z" });
    expect(late.disabled).toEqual([]);
  });
});

describe("HourCounts", () => {
  it("counts outcomes per webhook and hour of creation, in key order", () => {
    const h = new HourCounts();
    h.add("co_1", "whk_b", "2026-01-01T10:59:59.999Z", "failed");
    h.add("co_1", "whk_a", "2026-01-01T11:00:00.000Z", "succeeded");
    h.add("co_1", "whk_b", "2026-01-01T10:00:00.000Z", "succeeded");
    h.add("co_1", "whk_a", "2026-01-01T09:30:00.000Z", "failed");
    h.add("co_1", "whk_a", "2026-01-01T11:45:00.000Z", "succeeded");
    expect(h.rows()).toEqual([
      { companyId: "co_1", webhookId: "whk_a", hour: "2026-01-01T09", succeeded: 0, failed: 1 },
      { companyId: "co_1", webhookId: "whk_a", hour: "2026-01-01T11", succeeded: 2, failed: 0 },
      { companyId: "co_1", webhookId: "whk_b", hour: "2026-01-01T10", succeeded: 1, failed: 1 },
    ]);
  });

  it("sorts however the outcomes came in", () => {
    const h = new HourCounts();
    const hours = Array.from({ length: 12 }, (_, i) => `2026-01-01T${String(i).padStart(2, "0")}`);
    for (const hour of [...hours].reverse()) h.add("co_1", "whk_a", `${hour}:00:00.000Z`, "succeeded");
    for (const hour of [5, 1, 9, 3, 11, 0, 7].map((i) => hours[i]!))
      h.add("co_1", "whk_0", `${hour}:00:00.000Z`, "failed");
    const keys = h.rows().map((r) => `${r.webhookId} ${r.hour}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(19);
  });
});

describe(`the tenant store (${ENGINE})`, () => {
  it("says whether deleting an API key deleted one", async () => {
    const key = await w.tenants.createApiKey(w.actor, "laptop");
    expect(await w.store.write((tx) => tx.tenants.deleteApiKey(key.id))).toBe(true);
    expect(await w.store.write((tx) => tx.tenants.deleteApiKey(key.id))).toBe(false);
  });
});
