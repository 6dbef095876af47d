import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { type App, openApp } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import {
  AUTO_DISABLE_AFTER_MS,
  afterFailure,
  MAX_WAIT_MS,
  parseDuration,
  parseRetryAfter,
  parseSchedule,
  type RetryContext,
  STANDARD_SCHEDULE_MS,
  shouldAutoDisable,
  THROTTLE_FLOOR_MS,
} from "../../src/webhooks/retry-policy.js";
import { connect, ok } from "../support/app.js";
import { freshDatabase } from "../support/engine.js";
import { type Reply, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

const NOW = Date.parse("2026-12-03T10:00:00Z");
const ctx = (over: Partial<RetryContext> = {}): RetryContext => ({
  policy: "standard",
  attempts: 1,
  schedule: STANDARD_SCHEDULE_MS,
  now: NOW,
  random: 0.5,
  ...over,
});
const status = (statusCode: number | null, retryAfter: string | null = null) => ({ statusCode, retryAfter });

describe("the retry policy", () => {
  it("never retries under `none`, the published contract", () => {
    expect(afterFailure(status(500), ctx({ policy: "none" }))).toEqual({ kind: "give-up" });
    expect(afterFailure(status(410), ctx({ policy: "none" }))).toEqual({ kind: "give-up" });
  });

  it("follows 5s, 5m, 30m, 2h, 5h, 10h, 10h, then gives up", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempts) => afterFailure(status(500), ctx({ attempts })));
    expect(delays).toEqual(
      [5e3, 3e5, 1.8e6, 7.2e6, 1.8e7, 3.6e7, 3.6e7].map((delayMs) => ({ kind: "retry", delayMs })),
    );
    expect(afterFailure(status(500), ctx({ attempts: 8 }))).toEqual({ kind: "give-up" });
    expect(afterFailure(status(null), ctx({ attempts: 1 }))).toEqual({ kind: "retry", delayMs: 5000 });
  });

  it("jitters each delay by at most 20 % either way", () => {
    expect(afterFailure(status(500), ctx({ random: 0 }))).toEqual({ kind: "retry", delayMs: 4000 });
    expect(afterFailure(status(500), ctx({ random: 0.999999 }))).toEqual({ kind: "retry", delayMs: 6000 });
  });

  it("waits at least a minute after 429, 502, 503 and 504", () => {
    for (const code of [429, 502, 503, 504])
      expect(afterFailure(status(code), ctx()), String(code)).toEqual({
        kind: "retry",
        delayMs: THROTTLE_FLOOR_MS,
      });
    expect(afterFailure(status(500), ctx())).toEqual({ kind: "retry", delayMs: 5000 });
  });

  it("honours Retry-After in seconds or as an HTTP date, between the next delay and 24 h", () => {
    expect(afterFailure(status(503, "120"), ctx())).toEqual({ kind: "retry", delayMs: 120_000 });
    expect(afterFailure(status(500, "1"), ctx())).toEqual({ kind: "retry", delayMs: 5000 });
    expect(afterFailure(status(500, "999999"), ctx())).toEqual({ kind: "retry", delayMs: MAX_WAIT_MS });
    expect(afterFailure(status(500, "Thu, 03 Dec 2026 10:10:00 GMT"), ctx())).toEqual({
      kind: "retry",
      delayMs: 600_000,
    });
    expect(afterFailure(status(500, "soon"), ctx())).toEqual({ kind: "retry", delayMs: 5000 });
  });

  it("disables the webhook on 410 Gone", () => {
    expect(afterFailure(status(410), ctx())).toMatchObject({
      kind: "disable",
      reason: expect.stringMatching(/410 Gone/),
    });
  });

  it("reads Retry-After strictly", () => {
    expect(parseRetryAfter("30", NOW)).toBe(30_000);
    expect(parseRetryAfter(" 30 ", NOW)).toBe(30_000);
    expect(parseRetryAfter("Thu, 03 Dec 2026 09:00:00 GMT", NOW)).toBe(0);
    for (const bad of [null, "", "-5", "1.5", "tomorrow", "2026-12-03T10:10:00Z"])
      expect(parseRetryAfter(bad, NOW)).toBeNull();
  });

  it("reads a compressed schedule and refuses a bad one, naming the setting", () => {
    expect(parseSchedule("100ms,200ms, 2s")).toEqual([100, 200, 2000]);
    expect(() => parseSchedule("100ms,soon")).toThrow(
      /^CRM_WEBHOOK_RETRY_SCHEDULE: "soon" is not a duration/,
    );
    expect(() => parseSchedule("25h")).toThrow(/longer than 24h/);
    expect(parseDuration("5d", "X")).toBe(AUTO_DISABLE_AFTER_MS);
  });

  // Each guard of the parsers below, held on its own: an anchor, a bound, the check of a date
  // that matches the pattern but names no real day, and what the error message quotes.
  it("takes an HTTP date only whole: no text before it, no offset after it, a real month", () => {
    expect(parseRetryAfter("Thu, 03 Dec 2026 10:10:00 GMT", NOW)).toBe(600_000);
    expect(parseRetryAfter("xx Thu, 03 Dec 2026 10:10:00 GMT", NOW)).toBeNull();
    expect(parseRetryAfter("Thu, 03 Dec 2026 10:10:00 GMT+0100", NOW)).toBeNull();
    expect(parseRetryAfter("Thu, 03 Foo 2026 10:10:00 GMT", NOW)).toBeNull();
  });

  it("takes a duration only whole, and quotes at most 20 characters of a bad one", () => {
    expect(() => parseDuration("x5s", "X")).toThrow(/^X: "x5s" is not a duration/);
    expect(() => parseDuration("5sx", "X")).toThrow(/^X: "5sx" is not a duration/);
    const long = `${"9".repeat(30)}q`;
    expect(() => parseDuration(long, "X")).toThrow(`X: "${"9".repeat(20)}" is not a duration`);
  });

  it("takes up to 20 delays of up to 24 h, and names the bound it refuses", () => {
    expect(parseSchedule(Array(20).fill("1s").join(","))).toHaveLength(20);
    expect(() => parseSchedule(Array(21).fill("1s").join(","))).toThrow(
      "CRM_WEBHOOK_RETRY_SCHEDULE must list 1 to 20 delays, e.g. 5s,5m,30m,2h",
    );
    expect(parseSchedule("24h")).toEqual([MAX_WAIT_MS]);
    expect(() => parseSchedule("1s, 25h")).toThrow('CRM_WEBHOOK_RETRY_SCHEDULE: "25h" is longer than 24h');
  });

  it("disables a webhook only once every delivery has failed for the whole period", () => {
    const since = new Date(NOW - AUTO_DISABLE_AFTER_MS).toISOString();
    expect(shouldAutoDisable(since, NOW, AUTO_DISABLE_AFTER_MS)).toBe(true);
    expect(shouldAutoDisable(since, NOW - 1, AUTO_DISABLE_AFTER_MS)).toBe(false);
    expect(shouldAutoDisable(null, NOW, AUTO_DISABLE_AFTER_MS)).toBe(false);
  });
});

describe("retries, end to end", () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setup(replies: Reply[], config: Partial<Config> = {}) {
    let n = 0;
    const receiver = await startReceiver({ respond: () => replies[Math.min(n++, replies.length - 1)]! });
    const dir = mkdtempSync(join(tmpdir(), "crm-retry-"));
    const db = await freshDatabase(dir);
    const base: Config = {
      dbPath: join(dir, "crm.db"),
      ...("databaseUrl" in db.target ? db.target : {}),
      apiKey: undefined,
      allowPrivate: true,
      timeoutMs: 2000,
      retrySchedule: [100, 200, 400],
      ...config,
    };
    const open = () => openApp(base, { ca: receiver.ca });
    const app = await open();
    const owner = await app.tenants.localOwner();
    const state = { app };
    cleanups.push(
      () => receiver.close(),
      () => rmSync(dir, { recursive: true, force: true }),
      () => db.drop(),
      () => state.app.close(),
    );
    return { receiver, state, owner, open };
  }

  async function chain(app: App, owner: Awaited<ReturnType<App["tenants"]["localOwner"]>>) {
    const { items } = await app.deliveries.list(owner, { limit: 100 });
    return items.sort((a, b) => a.attempt - b.attempt);
  }

  it("retries a failed delivery on the schedule: each attempt its own row, same event id, fresh signatures; the failures are resolved", async () => {
    const { receiver, state, owner } = await setup([{ status: 500 }, { status: 503 }, { status: 200 }], {
      retrySchedule: [100, 100],
    });
    const { app } = state;
    const hook = await app.webhooks.create(owner, {
      url: receiver.url,
      events: ["contact.created"],
      retryPolicy: "standard",
    });
    await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    // A 503 waits at least a minute, so the third attempt is due then: hold it to the schedule by hand.
    await until(async () => (await chain(app, owner)).length === 3, 10_000, "the retry after the 503");
    const scheduled = (await chain(app, owner))[2]!;
    expect(scheduled.status).toBe("scheduled");
    expect(Date.parse(scheduled.dueAt!) - Date.now()).toBeGreaterThan(50_000);

    const [first, second] = receiver.requests;
    expect(first!.headers["webhook-id"]).toBe(second!.headers["webhook-id"]);
    expect(first!.headers["x-webhook-delivery"]).not.toBe(second!.headers["x-webhook-delivery"]);
    expect(first!.body).toBe(second!.body);
    for (const r of [first!, second!])
      expect(() =>
        new Webhook(hook.secret!).verify(r.body, r.headers as Record<string, string>),
      ).not.toThrow();
    const rows = await chain(app, owner);
    expect(rows.map((d) => [d.attempt, d.status])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "scheduled"],
    ]);
    // Each attempt is a delivery of its own, with a delivery's id.
    for (const d of rows) expect(d.id).toMatch(/^whd_/);
    const detail = await app.deliveries.get(owner, rows[1]!.id);
    expect(detail.chainId).toBe(rows[0]!.id);
    expect(rows[0]!.resolvedBy).toBeNull();
  });

  it("sends a retry with a fresh webhook-timestamp, and a success resolves every failure before it", async () => {
    const { receiver, state, owner } = await setup([{ status: 500 }, { status: 500 }, { status: 200 }], {
      retrySchedule: [100, 1100],
    });
    const { app } = state;
    await app.webhooks.create(owner, {
      url: receiver.url,
      events: ["contact.created"],
      retryPolicy: "standard",
    });
    await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    await until(
      async () => (await chain(app, owner)).some((d) => d.status === "succeeded"),
      10_000,
      "the third attempt to succeed",
    );
    const stamps = receiver.requests.map((r) => Number(r.headers["webhook-timestamp"]));
    expect(stamps[2]).toBeGreaterThan(stamps[0]!);
    const rows = await chain(app, owner);
    expect(rows.map((d) => [d.attempt, d.status, d.resolvedBy])).toEqual([
      [1, "failed", rows[2]!.id],
      [2, "failed", rows[2]!.id],
      [3, "succeeded", null],
    ]);
    expect((await app.deliveries.list(owner, { unresolved: true })).total).toBe(0);
    // Nothing left to resend: the chain was delivered.
    const since = new Date(Date.now() - 60_000).toISOString();
    expect((await app.deliveries.resendFailed(owner, { since })).resent).toHaveLength(0);
  });

  // Fails when the dispatcher asks the policy about a success: it would schedule a retry of a delivered event.
  it("schedules nothing after a success, though the schedule has delays left", async () => {
    const { receiver, state, owner } = await setup([{ status: 200 }], { retrySchedule: [60_000, 60_000] });
    const { app } = state;
    await app.webhooks.create(owner, {
      url: receiver.url,
      events: ["contact.created"],
      retryPolicy: "standard",
    });
    await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    // The outcome and any retry it schedules are written in one transaction.
    await until(
      async () => (await chain(app, owner)).some((d) => d.status === "succeeded"),
      10_000,
      "the delivery to succeed",
    );
    expect((await chain(app, owner)).map((d) => [d.attempt, d.status])).toEqual([[1, "succeeded"]]);
  });

  it("gives up after the last delay of the schedule", async () => {
    const { receiver, state, owner } = await setup([{ status: 500 }], { retrySchedule: [50, 50] });
    const { app } = state;
    await app.webhooks.create(owner, {
      url: receiver.url,
      events: ["contact.created"],
      retryPolicy: "standard",
    });
    await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    await until(
      async () => {
        const rows = await chain(app, owner);
        return rows.length === 3 && rows.every((d) => d.status === "failed");
      },
      10_000,
      "three failed attempts",
    );
    // The third failure is recorded with no fourth row: the store holds no scheduled retry.
    expect((await app.deliveries.list(owner, { status: "scheduled" })).total).toBe(0);
    expect(receiver.requests).toHaveLength(3);
    expect((await app.deliveries.list(owner, { unresolved: true })).total).toBe(3);
  });

  it("keeps a waiting retry in the store: a process stopped while it waits leaves it to the next one", async () => {
    const { receiver, state, owner, open } = await setup([{ status: 500 }, { status: 200 }], {
      retrySchedule: [1500],
    });
    await state.app.webhooks.create(owner, {
      url: receiver.url,
      events: ["contact.created"],
      retryPolicy: "standard",
    });
    await state.app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    await until(
      async () => (await state.app.deliveries.list(owner, { status: "scheduled" })).total === 1,
      10_000,
      "the scheduled retry",
    );
    await state.app.close();
    state.app = await open();
    await until(
      async () => (await state.app.deliveries.list(owner, { status: "succeeded" })).total === 1,
      10_000,
      "the retry sent by the next process",
    );
    expect(receiver.requests).toHaveLength(2);
  });

  it("never retries a manual resend, and numbers attempts along the chain", async () => {
    const { receiver, state, owner } = await setup([{ status: 500 }], { retrySchedule: [60_000] });
    const { app } = state;
    await app.webhooks.create(owner, {
      url: receiver.url,
      events: ["contact.created"],
      retryPolicy: "standard",
    });
    await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    await until(
      async () => (await chain(app, owner)).length === 2,
      10_000,
      "the first failure and its retry",
    );
    const first = (await chain(app, owner))[0]!;
    const a = await app.deliveries.resend(owner, first.id);
    const b = await app.deliveries.resend(owner, first.id);
    expect([a.attempt, b.attempt]).toEqual([3, 4]);
    await until(
      async () => (await app.deliveries.list(owner, { status: "failed" })).total === 3,
      10_000,
      "both resends to fail",
    );
    // Only the automatic chain's one scheduled retry: the failed resends schedule nothing.
    expect((await app.deliveries.list(owner, { status: "scheduled" })).total).toBe(1);
  });

  it("disables the webhook when the receiver answers 410 Gone, with the reason shown", async () => {
    const { receiver, state, owner } = await setup([{ status: 410 }]);
    const { app } = state;
    const hook = await app.webhooks.create(owner, {
      url: receiver.url,
      events: ["contact.created"],
      retryPolicy: "standard",
    });
    await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    await until(
      async () => !(await app.webhooks.get(owner, hook.id)).enabled,
      10_000,
      "the webhook to be disabled",
    );
    const view = await app.webhooks.get(owner, hook.id);
    expect(view.disabledReason).toMatch(/410 Gone/);
    expect(view.disabledAt).not.toBeNull();
    expect((await app.deliveries.list(owner, { status: "scheduled" })).total).toBe(0);
    await app.crm.create(owner, "contact", [{ firstName: "Grace" }]);
    expect(receiver.requests).toHaveLength(1);
  });

  it("disables a webhook whose every delivery has failed for the set period, and one action enables it again", async () => {
    const { receiver, state, owner } = await setup([{ status: 500 }], { autoDisableAfterMs: 1 });
    const { app } = state;
    const client = await connect(app, owner);
    const hook = await ok(client, "create_webhook", { url: receiver.url, events: ["contact.created"] });
    await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    await until(
      async () => (await app.deliveries.list(owner, { status: "failed" })).total === 1,
      10_000,
      "a failure",
    );
    await app.crm.create(owner, "contact", [{ firstName: "Grace" }]);
    await until(async () => !(await app.webhooks.get(owner, hook.id)).enabled, 10_000, "auto-disable");
    const seen = await ok(client, "get_webhook", { id: hook.id });
    expect(seen.disabledReason).toMatch(
      /^Every delivery has failed since .*; the last error: Receiver answered 500/,
    );
    expect(seen.failingSince).not.toBeNull();
    const listed = await ok(client, "list_webhooks", {});
    expect(listed.items[0].disabledReason).toBe(seen.disabledReason);

    const enabled = await ok(client, "update_webhook", { id: hook.id, enabled: true });
    expect(enabled).toMatchObject({
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
    });
    await client.close();
  });

  it("rotates a secret: during the grace period deliveries verify with the old and the new secret", async () => {
    const { receiver, state, owner } = await setup([{ status: 200 }]);
    const { app } = state;
    const client = await connect(app, owner);
    const hook = await ok(client, "create_webhook", { url: receiver.url, events: ["contact.created"] });
    const rotated = await ok(client, "rotate_webhook_secret", { id: hook.id });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);
    expect(Date.parse(rotated.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect((await ok(client, "get_webhook", { id: hook.id })).secret).toBeUndefined();

    await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    const [during] = await receiver.waitFor(1);
    const headers = during!.headers as Record<string, string>;
    expect(headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(hook.secret).verify(during!.body, headers)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(during!.body, headers)).not.toThrow();

    // With no grace, the old secret stops at once.
    const again = await ok(client, "rotate_webhook_secret", { id: hook.id, graceHours: 0 });
    expect(again.previousSecretValidUntil).toBeNull();
    await app.crm.create(owner, "contact", [{ firstName: "Grace" }]);
    const after = (await receiver.waitFor(2))[1]!;
    const h2 = after.headers as Record<string, string>;
    expect(h2["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(h2["x-webhook-signature-previous"]).toBeUndefined();
    expect(() => new Webhook(again.secret).verify(after.body, h2)).not.toThrow();
    expect(() => new Webhook(rotated.secret).verify(after.body, h2)).toThrow();
    await client.close();
  });
});
