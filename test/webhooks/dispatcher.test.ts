import { afterEach, describe, expect, it } from "vitest";
import { Dispatcher } from "../../src/webhooks/dispatcher.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(options: { dispatch?: boolean; timeoutMs?: number } = {}) {
  const receiver = await startReceiver({ respond: { status: 200, body: "ok" } });
  const t = await openTestApp({ ca: receiver.ca, dispatch: options.dispatch, timeoutMs: options.timeoutMs });
  cleanups.push(
    () => receiver.close(),
    () => t.close(),
  );
  return { receiver, t };
}

/** Writes `n` contacts, so each subscribed webhook gets `n` deliveries. */
async function burst(t: TestApp, n: number) {
  for (let i = 0; i < n; i += 100) {
    const size = Math.min(100, n - i);
    await t.app.crm.create(
      t.owner,
      "contact",
      Array.from({ length: size }, (_, j) => ({ firstName: `C${i + j}` })),
    );
  }
}

/**
 * `dead` receivers that never answer, 100 deliveries queued for each, then `updates`
 * deliveries to a healthy receiver: all of them must arrive well before the dead sends'
 * 15 s deadline frees anything (no failure is recorded before they all arrive).
 */
async function sendsPastDeadReceivers(dead: number, updates: number) {
  const { receiver: fast, t } = await setup({ timeoutMs: 15_000 });
  for (let i = 0; i < dead; i++) {
    const receiver = await startReceiver({ respond: { kind: "never" } });
    cleanups.push(() => receiver.close());
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
  }
  await burst(t, 100);
  await t.app.webhooks.create(t.owner, { url: fast.url, events: ["contact.updated"] });
  const started = Date.now();
  const [c] = await t.app.crm.create(t.owner, "contact", [{ firstName: "x" }]);
  for (let i = 0; i < updates; i++)
    await t.app.crm.update(t.owner, "contact", [{ id: c!.id, firstName: `y${i}` }]);
  await fast.waitFor(updates, 15_000);
  // Before any dead send gave up and freed its slot: none has been recorded as failed yet.
  expect((await t.app.deliveries.list(t.owner, { status: "failed", limit: 1 })).total).toBe(0);
  expect(Date.now() - started).toBeLessThan(15_000);
}

function deliveryIds(receiver: Receiver): string[] {
  return receiver.requests.map((r) => r.headers["x-webhook-delivery"] as string);
}

describe("dispatcher", () => {
  it("sends right after the commit, signed, and records the outcome", async () => {
    const { receiver, t } = await setup();
    const hook = await t.app.webhooks.create(t.owner, {
      url: receiver.url,
      events: ["contact.created"],
      secret: "abcdefgh",
    });
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Now" }]);
    const [req] = await receiver.waitFor(1, 5000);
    expect(req!.headers["x-webhook-event"]).toBe("contact.created");
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "succeeded" })).total === 1,
      5000,
      "record",
    );
    const [d] = (await t.app.deliveries.list(t.owner, {})).items;
    expect(d!.webhookId).toBe(hook.id);
    expect(d!.statusCode).toBe(200);
  });

  it("records failures with their class and never retries on its own", async () => {
    const { receiver, t } = await setup({ timeoutMs: 500 });
    receiver.respond = { status: 503, body: "down" };
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Fail" }]);
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "failed" })).total === 1,
      5000,
      "failure",
    );
    const d = await t.app.deliveries.get(t.owner, (await t.app.deliveries.list(t.owner, {})).items[0]!.id);
    expect(d.statusCode).toBe(503);
    expect(d.errorClass).toBe("http_status");
    expect(d.responseBody).toBe("down");
    // Nothing in the outbox is due: a failed row is never claimed again.
    const due = await t.app.store.write((tx) => tx.webhooks.claim("w_probe", 100, Date.now(), 60_000));
    expect(due.claimed).toEqual([]);
    // The next write wakes the dispatcher, which would send a retry in the same claim.
    receiver.respond = { status: 200, body: "ok" };
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Next" }]);
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "succeeded" })).total === 1,
      5000,
      "the next delivery",
    );
    expect(receiver.requests.map((r) => JSON.parse(r.body).data.payload.contact.firstName)).toEqual([
      "Fail",
      "Next",
    ]);
  });

  it("keeps a slow receiver from starving the others", async () => {
    await sendsPastDeadReceivers(1, 1);
  });

  it("keeps a webhook's deliveries in write order when they back up", async () => {
    const { receiver, t } = await setup();
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await t.app.crm.create(t.owner, "contact", [{ firstName: "N-1" }]);
    await until(() => receiver.requests.length === 1, 5000, "the first delivery");
    // 8 sends at a time, 20 ms each: about 400 a second, fewer than the writes below, which
    // go on while the backlog drains.
    receiver.respond = { status: 200, body: "ok", delayMs: 20 };
    const n = 600;
    for (let i = 0; i < n; i++) {
      await t.app.crm.create(t.owner, "contact", [{ firstName: `N${i}` }]);
      // Let sockets and timers run between writes, as they do between requests.
      await new Promise((r) => setImmediate(r));
    }
    await until(() => receiver.requests.length >= n + 1, 30_000, `${n} deliveries`);
    const written = receiver.requests
      .slice(1)
      .map((r) => Number(JSON.parse(r.body).data.payload.contact.firstName.slice(1)));
    // Sends overlap, so neighbours may swap; none jumps the queue or is left behind.
    const displacement = Math.max(...written.map((w, received) => Math.abs(received - w)));
    expect(displacement).toBeLessThanOrEqual(40);
  });

  it("sends a resend at once, without waiting for the next poll", async () => {
    const { receiver, t } = await setup({ dispatch: false });
    const dispatcher = new Dispatcher(t.app.store, {
      timeoutMs: 3000,
      allowPrivate: true,
      ca: receiver.ca,
      pollMs: 60_000,
    });
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    receiver.respond = { status: 500, body: "no" };
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Once" }]);
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "failed" })).total === 1,
      5000,
      "the failure",
    );
    receiver.respond = { status: 200, body: "ok" };
    const failed = (await t.app.deliveries.list(t.owner, { status: "failed" })).items[0]!;
    await t.app.deliveries.resend(t.owner, failed.id);
    await until(() => receiver.requests.length === 2, 5000, "the resend");
  });

  it("holds its claims while they wait behind slow sends: another process never takes them", async () => {
    const { receiver, t } = await setup({ dispatch: false });
    receiver.respond = { status: 200, body: "ok", delayMs: 400 };
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await burst(t, 4);
    // One send at a time and a 1 s lease: the first process claims all four rows, and the
    // last waits 1.2 s behind the others.
    const options = {
      timeoutMs: 2000,
      allowPrivate: true,
      ca: receiver.ca,
      perWebhookConcurrency: 1,
      leaseMs: 1000,
      pollMs: 50,
    };
    const first = new Dispatcher(t.app.store, options);
    first.start();
    cleanups.push(() => first.stop());
    await until(() => receiver.requests.length === 1, 5000, "the first send");
    expect(await t.app.store.read((tx) => tx.webhooks.pendingCount())).toBe(4);
    const second = new Dispatcher(t.app.store, options);
    second.start();
    cleanups.push(() => second.stop());
    await until(
      async () => (await t.app.store.read((tx) => tx.webhooks.pendingCount())) === 0,
      20_000,
      "every delivery recorded",
    );
    // Stopping waits for sends in flight: after it, no send can still arrive.
    await first.stop();
    await second.stop();
    const ids = deliveryIds(receiver);
    expect(new Set(ids).size).toBe(4);
    expect(ids).toHaveLength(4);
  });

  // Fails with leases renewed for every row of the worker, or with a claim that skips its own
  // lapsed rows: the lost rows then wait as long as the held send does.
  it("sends rows claimed under its name that it does not hold (a claim whose answer was lost) once their lease lapses", async () => {
    const { receiver, t } = await setup({ dispatch: false });
    let releaseHeld!: () => void;
    const held = new Promise<void>((r) => {
      releaseHeld = r;
    });
    // The created contact's delivery stays in flight until released, so renewals keep running.
    receiver.respond = (request) =>
      request.headers["x-webhook-event"] === "contact.created"
        ? held.then(() => ({ status: 200 }))
        : { status: 200 };
    const busy = await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    const lostHook = await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.updated"] });
    const [c] = await t.app.crm.create(t.owner, "contact", [{ firstName: "x" }]);
    for (let i = 0; i < 3; i++)
      await t.app.crm.update(t.owner, "contact", [{ id: c!.id, firstName: `y${i}` }]);
    const leaseMs = 600;
    const dispatcher = new Dispatcher(t.app.store, {
      // The held send outlasts the test: it never times out and stops renewing.
      timeoutMs: 30_000,
      allowPrivate: true,
      ca: receiver.ca,
      leaseMs,
      pollMs: 50,
    });
    // Claimed under the dispatcher's name, but never handed to it.
    const { claimed } = await t.app.store.write((tx) =>
      tx.webhooks.claim(dispatcher.workerId, 10, Date.now(), leaseMs, { skipWebhooks: [busy.id] }),
    );
    const lost = claimed.map((x) => x.delivery.id).sort();
    expect(claimed.map((x) => x.delivery.webhookId)).toEqual([lostHook.id, lostHook.id, lostHook.id]);
    dispatcher.start();
    cleanups.push(
      () => dispatcher.stop(),
      () => releaseHeld(),
    );
    await until(() => receiver.requests.length >= 1, 5000, "the held send");
    await until(() => receiver.requests.length >= 4, 8000, "the lost rows, sent by the same dispatcher");
    expect(deliveryIds(receiver).slice(1).sort()).toEqual(lost);
    releaseHeld();
    await until(
      async () => (await t.app.store.read((tx) => tx.webhooks.pendingCount())) === 0,
      10_000,
      "every delivery recorded",
    );
    expect(deliveryIds(receiver)).toHaveLength(4);
  });

  it("claims a backlog in batches, and claims again only when its queue runs low", async () => {
    const { receiver, t } = await setup({ dispatch: false });
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await burst(t, 600);
    // The real store, with each claim's size noted on its way back.
    const sizes: number[] = [];
    const store = new Proxy(t.app.store, {
      get(target, key, receiver) {
        if (key !== "write") return Reflect.get(target, key, receiver);
        return <T>(work: Parameters<typeof target.write<T>>[0]) =>
          target.write((tx) => {
            const webhooks = new Proxy(tx.webhooks, {
              get(repo, name, r) {
                if (name !== "claim") return Reflect.get(repo, name, r);
                return async (...args: Parameters<typeof repo.claim>) => {
                  const result = await repo.claim(...args);
                  sizes.push(result.claimed.length);
                  return result;
                };
              },
            });
            return work(Object.assign(Object.create(Object.getPrototypeOf(tx)), tx, { webhooks }));
          });
      },
    });
    const dispatcher = new Dispatcher(store, {
      timeoutMs: 3000,
      allowPrivate: true,
      ca: receiver.ca,
      pollMs: 60_000,
    });
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    await until(
      async () => (await t.app.store.read((tx) => tx.webhooks.pendingCount())) === 0,
      30_000,
      "every delivery recorded",
    );
    expect(new Set(deliveryIds(receiver)).size).toBe(600);
    // A webhook's queue holds 32 (four times its 8 sends): each claim takes that many, and
    // the next waits until the queue runs low, rather than finding nothing to take.
    const taken = sizes.filter((n) => n > 0);
    expect(taken.length).toBeLessThanOrEqual(600 / 32 + 2);
    expect(sizes.length - taken.length).toBeLessThanOrEqual(3);
  });

  it("keeps two receivers that never answer from starving the others", async () => {
    await sendsPastDeadReceivers(2, 20);
  });

  it("fails a delivery whose webhook was deleted before it was sent, and will not resend it", async () => {
    const { receiver, t } = await setup({ dispatch: false });
    const hook = await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Orphan" }]);
    await t.app.webhooks.delete(t.owner, hook.id);
    t.app.dispatcher.start();
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "failed" })).total === 1,
      5000,
      "failure",
    );
    const [d] = (await t.app.deliveries.list(t.owner, {})).items;
    expect(d!.error).toMatch(/deleted/);
    await expect(t.app.deliveries.resend(t.owner, d!.id)).rejects.toThrow(
      /was deleted, so delivery .* cannot be resent/,
    );
    expect(receiver.requests.length).toBe(0);
  });

  it("resends a failed delivery as a new row with the same body; the original never changes", async () => {
    const { receiver, t } = await setup({ timeoutMs: 1000 });
    receiver.respond = { status: 500 };
    await t.app.webhooks.create(t.owner, {
      url: receiver.url,
      events: ["contact.created"],
      secret: "first-secret",
    });
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Again" }]);
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "failed" })).total === 1,
      5000,
      "failure",
    );
    const original = (await t.app.deliveries.list(t.owner, {})).items[0]!;
    const before = await t.app.deliveries.get(t.owner, original.id);
    receiver.respond = { status: 204 };
    const since = new Date(Date.now() - 60_000).toISOString();
    const { resent } = await t.app.deliveries.resendFailed(t.owner, { since });
    expect(resent).toHaveLength(1);
    expect(resent[0]!.resendOf).toBe(original.id);
    await until(
      async () => (await t.app.deliveries.list(t.owner, { status: "succeeded" })).total === 1,
      5000,
      "resend",
    );
    expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
    expect(receiver.requests[1]!.headers["x-webhook-id"]).toBe(receiver.requests[0]!.headers["x-webhook-id"]);
    // The row never changes; reading it now names the attempt that delivered it.
    expect(await t.app.deliveries.get(t.owner, original.id)).toEqual({
      ...before,
      resolvedBy: resent[0]!.id,
    });
    expect(before.resolvedBy).toBeNull();
    // The latest attempt of that event succeeded: nothing is left to resend.
    expect((await t.app.deliveries.resendFailed(t.owner, { since })).resent).toHaveLength(0);
  });
});
