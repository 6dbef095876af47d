/**
 * The dispatcher's policy, in process: how many of one webhook's rows it holds, which
 * webhooks a claim skips, when it claims again, and what it takes or keeps once it stops.
 *
 * SQLite only: these tests order a claim or a write against the test's own transaction
 * through SQLite's single serial connection, which makes "nothing more was taken" something
 * to read, not something to wait for.
 */
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "../../src/domain/ids.js";
import type { Tx } from "../../src/store/index.js";
import { Dispatcher, type DispatcherOptions } from "../../src/webhooks/dispatcher.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { type Responder, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(reply: Responder, options: Partial<DispatcherOptions> = {}) {
  const receiver = await startReceiver({ respond: reply });
  const t = await openTestApp({ ca: receiver.ca, dispatch: false });
  cleanups.push(
    () => receiver.close(),
    () => t.close(),
  );
  const hook = await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
  // One send at a time per webhook (so at most 4 held), no poll within the test, and leases
  // that outlast it.
  const d = new Dispatcher(t.app.store, {
    timeoutMs: 1000,
    allowPrivate: true,
    ca: receiver.ca,
    perWebhookConcurrency: 1,
    pollMs: 600_000,
    leaseMs: 600_000,
    ...options,
  });
  cleanups.push(() => d.stop());
  return { receiver, t, hook, d };
}

/** The outbox as rows' statuses and owners, counted. */
async function statuses(t: TestApp) {
  const { items } = await t.app.store.read((tx) =>
    tx.webhooks.listDeliveries(t.owner.companyId, { limit: 2000, offset: 0 }),
  );
  const counts: Record<string, number> = {};
  for (const d of items) {
    const key = `${d.status}${d.claimedBy ? " (claimed)" : ""}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const contacts = (t: TestApp, n: number) =>
  t.app.crm.create(
    t.owner,
    "contact",
    Array.from({ length: n }, (_, i) => ({ firstName: `C${i}` })),
  );

/** A write transaction that stays open until `release` is called; `begun` once it has begun. */
function openWrite<T>(t: TestApp, work: (tx: Tx) => Promise<T> = async () => undefined as T) {
  let release!: () => void;
  let begin!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const begun = new Promise<void>((r) => {
    begin = r;
  });
  const done = t.app.store.write(async (tx) => {
    begin();
    await gate;
    return work(tx);
  });
  return { release, begun, done };
}

describe("dispatcher policy", () => {
  it("takes at most four times its per-webhook concurrency of one webhook's rows from a write; the rest wait in the outbox", async () => {
    const { t, d } = await setup({ kind: "never" });
    d.start();
    await contacts(t, 6);
    // The write committed with what the dispatcher took: 1 in flight, 3 queued.
    expect(await statuses(t)).toEqual({ "sending (claimed)": 4, pending: 2 });
  });

  it("counts what it already holds of a webhook when a later write offers more", async () => {
    const { t, d } = await setup({ kind: "never" });
    d.start();
    await contacts(t, 3); // all taken: 1 in flight, 2 queued
    expect(await statuses(t)).toEqual({ "sending (claimed)": 3 });
    await contacts(t, 3); // room for one more
    expect(await statuses(t)).toEqual({ "sending (claimed)": 4, pending: 2 });
  });

  it("holds at most 1024 rows over all webhooks, counting those in flight and queued", async () => {
    const { receiver, t, d } = await setup({ kind: "never" }, { perWebhookConcurrency: 8 });
    for (let i = 1; i < 40; i++)
      await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    d.start();
    await contacts(t, 15); // 600 rows, all taken; 32 go out at once
    expect(await statuses(t)).toEqual({ "sending (claimed)": 600 });
    await contacts(t, 15); // 600 more: room for 424
    expect(await statuses(t)).toEqual({ "sending (claimed)": 1024, pending: 176 });
  });

  it("holds more than 1024 rows of one webhook when its per-webhook concurrency asks for it", async () => {
    const { t, d } = await setup({ kind: "never" }, { perWebhookConcurrency: 300 });
    d.start();
    for (let i = 0; i < 11; i++) await contacts(t, 100);
    expect(await statuses(t)).toEqual({ "sending (claimed)": 1100 });
  });

  it("claims no more than it may hold from an outbox written before it started", async () => {
    const { receiver, t, d } = await setup({ kind: "never" }, { perWebhookConcurrency: 8 });
    for (let i = 1; i < 40; i++)
      await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await contacts(t, 30); // 1200 rows, 30 per webhook
    d.start();
    await until(async () => (await statuses(t))["sending (claimed)"] === 1024, 10_000, "1024 claimed");
    d.wake();
    expect(await statuses(t)).toEqual({ "sending (claimed)": 1024, pending: 176 });
  });

  it("keeps a webhook whose claim took its fill behind its older rows: a new write does not jump them", async () => {
    let answerFirst!: () => void;
    const first = new Promise<void>((r) => {
      answerFirst = r;
    });
    const { receiver, t, d } = await setup({ kind: "never" });
    receiver.respond = (_request, index) =>
      index === 0 ? first.then(() => ({ status: 204 })) : { kind: "never" as const };
    await contacts(t, 6);
    d.start(); // claims 4 of the 6: the webhook's fill
    await until(() => receiver.requests.length === 1, 5000, "the first send");
    answerFirst();
    await until(() => receiver.requests.length === 2, 5000, "the second send");
    // Room for one more of this webhook now, but two older rows wait in the outbox.
    const [late] = await contacts(t, 1);
    const rows = await t.app.store.read((tx) =>
      tx.webhooks.listDeliveries(t.owner.companyId, { limit: 100, offset: 0, entityId: late!.id }),
    );
    expect(rows.items.map((r) => r.status)).toEqual(["pending"]);
  });

  it("sends one at a time to a webhook whose concurrency is one, and over all webhooks as the process allows", async () => {
    const { t, d } = await setup({ kind: "never" }, { timeoutMs: 300 });
    await contacts(t, 2);
    const two = await setup({ kind: "never" }, { timeoutMs: 300, concurrency: 1, perWebhookConcurrency: 8 });
    await two.t.app.webhooks.create(two.t.owner, { url: two.receiver.url, events: ["contact.created"] });
    await contacts(two.t, 1);
    d.start();
    two.d.start();
    const sentAts = async (x: TestApp, n: number) => {
      await until(async () => (await statuses(x)).failed === n, 10_000, `${n} failures`);
      const { items } = await x.app.store.read((tx) =>
        tx.webhooks.listDeliveries(x.owner.companyId, { limit: 100, offset: 0 }),
      );
      return items.map((r) => Date.parse(r.sentAt!)).sort((a, b) => a - b);
    };
    // The second send starts only once the first has timed out.
    const one = await sentAts(t, 2);
    expect(one[1]! - one[0]!).toBeGreaterThanOrEqual(300);
    const all = await sentAts(two.t, 2);
    expect(all[1]! - all[0]!).toBeGreaterThanOrEqual(300);
  });

  it("logs a claim that fails and goes on (the store closed under it)", async () => {
    const logs: string[] = [];
    const { t, d } = await setup({ status: 204 }, { log: (m) => logs.push(m) });
    await t.app.store.close();
    d.start();
    await until(() => logs.length > 0, 5000, "a log line");
    expect(logs[0]).toBe("webhook dispatcher: claim failed: The store is closed");
  });

  it("skips a webhook that holds its fill when it claims again (guard: the saturated list)", async () => {
    const { t, d } = await setup({ kind: "never" });
    await contacts(t, 6);
    d.start();
    await until(async () => (await statuses(t))["sending (claimed)"] === 4, 5000, "the first claim");
    d.wake();
    // The claim the wake makes runs before this read (one connection, in order).
    expect(await statuses(t)).toEqual({ "sending (claimed)": 4, pending: 2 });
  });

  it("claims a backlogged webhook's rest as soon as its queue runs low, not at the next poll", async () => {
    const { receiver, t, d } = await setup({ status: 204 });
    d.start();
    await contacts(t, 6);
    await receiver.waitFor(6, 10_000);
    await until(async () => (await statuses(t)).succeeded === 6, 5000, "six recorded outcomes");
  });

  it("hands back what a claim under way took when it stops (guard: release in pump)", async () => {
    const { receiver, t, d } = await setup({ status: 204 });
    await contacts(t, 3);
    const held = openWrite(t);
    d.start(); // its claim waits for the open write
    const stopping = d.stop();
    held.release();
    await held.done;
    await stopping;
    expect(await statuses(t)).toEqual({ pending: 3 });
    expect(receiver.requests).toHaveLength(0);
  });

  // Fails without the dispatcher's learning (learn): a webhook would stay at its initial two sends.
  it("earns a healthy receiver more sends at once, from the initial two up to its per-webhook concurrency", async () => {
    const held: (() => void)[] = [];
    let open = 0;
    let most = 0;
    let holding = true;
    const { t, d } = await setup(
      async () => {
        open++;
        most = Math.max(most, open);
        if (holding) await new Promise<void>((r) => held.push(r));
        open--;
        return { status: 200 };
      },
      { perWebhookConcurrency: 4 },
    );
    await contacts(t, 20);
    d.start();
    const releaseAll = () => {
      for (const r of held.splice(0)) r();
    };
    await until(() => held.length === 2, 10_000, "the initial two sends");
    expect(most).toBe(2);
    releaseAll();
    // Two answers in time earn two slots: four sends at once, the webhook's cap.
    await until(() => held.length === 4, 10_000, "four sends at once");
    holding = false;
    releaseAll();
    await until(async () => (await statuses(t)).succeeded === 20, 10_000, "every delivery");
    expect(most).toBe(4);
  });

  it("takes nothing from a write that commits after it stopped (guard: stopped in the local claimer)", async () => {
    const { receiver, t, d } = await setup({ status: 204 });
    d.start();
    await until(async () => (await statuses(t)).pending === undefined, 5000, "the start's empty claim");
    // A transaction that began while the dispatcher ran, and writes once it has stopped.
    const late = openWrite(t, (tx) =>
      tx.webhooks.recordEvents(
        t.owner.companyId,
        [
          {
            id: newId("event"),
            companyId: t.owner.companyId,
            event: "contact.created",
            entityId: "ct_late",
            userId: t.owner.userId,
            body: "{}",
            createdAt: new Date().toISOString(),
          },
        ],
        tx.localClaimer,
      ),
    );
    await late.begun;
    await d.stop();
    late.release();
    expect(await late.done).toMatchObject({ written: 1, claimed: [] });
    expect(await statuses(t)).toEqual({ pending: 1 });
    expect(receiver.requests).toHaveLength(0);
  });
});

/** One event of `event` written with the local dispatcher offered its deliveries, as the recorder does. */
function emit(t: TestApp, event: string, claimer = true) {
  return t.app.store.write(async (tx) => {
    const r = await tx.webhooks.recordEvents(
      t.owner.companyId,
      [
        {
          id: newId("event"),
          companyId: t.owner.companyId,
          event,
          entityId: `ct_${newId("event")}`,
          userId: t.owner.userId,
          body: "{}",
          createdAt: new Date().toISOString(),
        },
      ],
      claimer ? tx.localClaimer : null,
    );
    tx.noteDeliveries(r.written, r.claimed, r.declined);
    return r;
  });
}

/** A receiver whose answers wait until released: `open` holds the waiting ones. */
function holdingReceiver() {
  const open: (() => void)[] = [];
  let holding = true;
  const respond: Responder = async () => {
    if (holding) await new Promise<void>((r) => open.push(r));
    return { status: 200 };
  };
  const release = (n = open.length) => {
    for (const r of open.splice(0, n)) r();
  };
  const releaseAll = () => {
    holding = false;
    release();
  };
  return { open, respond, release, releaseAll };
}

describe("dispatcher policy: when to claim again", () => {
  // Fails without `more` in claimWorthwhile (stuck at 1024 until the next poll), with room
  // counted otherwise than held rows subtracted (claims as the first answers come), and with
  // a claim made when there is no room (a claim for 0 rows).
  it("holding its fill, claims again once room for a batch has come free, and exactly that much", async () => {
    const hold = holdingReceiver();
    const { receiver, t } = await setup(hold.respond, { perWebhookConcurrency: 8 });
    for (let i = 1; i < 40; i++)
      await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    await contacts(t, 30); // 1200 rows, 30 per webhook: none fills its queue of 32
    const limits: number[] = [];
    const store = new Proxy(t.app.store, {
      get(target, key, r) {
        if (key !== "write") return Reflect.get(target, key, r);
        return <T>(
          work: Parameters<typeof target.write<T>>[0],
          options?: Parameters<typeof target.write>[1],
        ) =>
          target.write((tx) => {
            const webhooks = new Proxy(tx.webhooks, {
              get(repo, name, rr) {
                if (name !== "claim") return Reflect.get(repo, name, rr);
                return (...args: Parameters<typeof repo.claim>) => {
                  limits.push(args[1]);
                  return repo.claim(...args);
                };
              },
            });
            return work(Object.assign(Object.create(Object.getPrototypeOf(tx)), tx, { webhooks }));
          }, options);
      },
    });
    const d = new Dispatcher(store, {
      timeoutMs: 60_000,
      allowPrivate: true,
      ca: receiver.ca,
      perWebhookConcurrency: 8,
      pollMs: 600_000,
      leaseMs: 600_000,
    });
    d.start();
    cleanups.push(
      () => d.stop(),
      () => hold.releaseAll(),
    );
    await until(async () => (await statuses(t))["sending (claimed)"] === 1024, 20_000, "1024 claimed");
    await until(() => hold.open.length === 32, 10_000, "32 sends in flight");
    expect(await statuses(t)).toEqual({ "sending (claimed)": 1024, pending: 176 });
    // 31 answers: 31 rows of room, less than the 32 sends a claim must have room for.
    hold.release(31);
    await until(async () => (await statuses(t)).succeeded === 31, 10_000, "31 recorded");
    expect(await statuses(t)).toEqual({ succeeded: 31, "sending (claimed)": 993, pending: 176 });
    // The 32nd: a claim of exactly the room there is, recorded before the outcome that freed it.
    hold.release(1);
    await until(async () => (await statuses(t)).succeeded === 32, 10_000, "32 recorded");
    expect(await statuses(t)).toEqual({ succeeded: 32, "sending (claimed)": 1024, pending: 144 });
    expect(limits.filter((n) => n <= 0)).toEqual([]);
  });

  // Fails with `<=` for `<`: a claim while the queue still holds a full round of sends.
  it("claims a backlogged webhook's rest once its queue is shorter than its concurrency, not before", async () => {
    const hold = holdingReceiver();
    const { t, d } = await setup(hold.respond, { timeoutMs: 60_000 });
    cleanups.push(() => hold.releaseAll());
    await contacts(t, 10);
    d.start(); // takes its fill of 4: one in flight, three queued
    await until(() => hold.open.length === 1, 5000, "the first send");
    expect(await statuses(t)).toEqual({ "sending (claimed)": 4, pending: 6 });
    hold.release(1);
    await until(async () => (await statuses(t)).succeeded === 1, 5000, "the first outcome");
    await until(() => hold.open.length === 1, 5000, "the second send");
    hold.release(1);
    await until(async () => (await statuses(t)).succeeded === 2, 5000, "the second outcome");
    // One queued, one in flight: the queue is not shorter than one send.
    expect(await statuses(t)).toEqual({ succeeded: 2, "sending (claimed)": 2, pending: 6 });
    await until(() => hold.open.length === 1, 5000, "the third send");
    hold.release(1);
    await until(async () => (await statuses(t)).succeeded === 3, 5000, "the third outcome");
    expect(await statuses(t)).toEqual({ succeeded: 3, "sending (claimed)": 5, pending: 2 });
  });

  // Fails with the saturated webhooks listed as anything but their ids (the claim then skips
  // every webhook), or with a webhook that has sends in flight and an empty queue read as
  // having a queue (the claim throws).
  it("skips only the webhooks that hold their fill when it claims again", async () => {
    const hold = holdingReceiver();
    const { receiver, t, d } = await setup(
      (request, index) => (request.url.endsWith("?other") ? { status: 200 } : hold.respond(request, index)),
      { timeoutMs: 60_000 },
    );
    cleanups.push(() => hold.releaseAll());
    await t.app.webhooks.create(t.owner, { url: `${receiver.url}?idle`, events: ["contact.updated"] });
    await t.app.webhooks.create(t.owner, { url: `${receiver.url}?other`, events: ["task.created"] });
    await contacts(t, 4);
    await emit(t, "contact.updated", false);
    d.start(); // full: one in flight, three queued (its fill); idle: one in flight, none queued
    await until(() => hold.open.length === 2, 5000, "the two sends held");
    await emit(t, "task.created", false); // not offered to the dispatcher: left for a claim
    d.wake();
    await until(
      () => receiver.requests.some((r) => r.url.endsWith("?other")),
      5000,
      "the other webhook's send",
    );
    // The full webhook's rows were not taken again: its four, idle's one, other's one.
    expect(await statuses(t)).toEqual({ "sending (claimed)": 6 });
  });

  // Fails if slots are never forgotten, forgotten before more than 1024 webhooks hold them,
  // forgotten when the webhook learning already has its own, or forgotten while in flight.
  it("forgets the slots of idle webhooks, and only theirs, once a 1025th webhook earns its own", async () => {
    const hold = holdingReceiver();
    const held = (suffix: string) => (request: { url: string }) => request.url.endsWith(suffix);
    const { receiver, t, d } = await setup(
      (request, index) =>
        held("?probe")(request) || held("?idle")(request) ? hold.respond(request, index) : { status: 200 },
      { timeoutMs: 60_000, perWebhookConcurrency: 4 },
    );
    cleanups.push(() => hold.releaseAll());
    await t.app.webhooks.create(t.owner, { url: `${receiver.url}?probe`, events: ["task.created"] });
    await t.app.webhooks.create(t.owner, { url: `${receiver.url}?idle`, events: ["service.created"] });
    await t.app.webhooks.create(t.owner, { url: `${receiver.url}?mark`, events: ["task.updated"] });
    for (let i = 0; i < 1021; i++)
      await t.app.webhooks.create(t.owner, { url: `${receiver.url}?n=${i}`, events: ["deal.created"] });
    await t.app.webhooks.create(t.owner, { url: `${receiver.url}?last`, events: ["deal.updated"] });
    d.start();
    let recorded = 0;
    const settle = async (n: number) => {
      recorded += n;
      await until(
        async () => {
          hold.release();
          return (await statuses(t)).succeeded === recorded;
        },
        30_000,
        `${recorded} recorded`,
      );
    };
    /**
     * How many of `rows` sends to a webhook go out at once: 2 when it is not known (the initial
     * slots), more once it has earned them (up to 4). The marker's row is written after the
     * webhook's: when its send arrives, the webhook's sends that had a slot have been started.
     */
    const probe = async (event: string, rows = 3) => {
      const marks = receiver.requests.filter(held("?mark")).length;
      for (let i = 0; i < rows; i++) await emit(t, event);
      await emit(t, "task.updated");
      await until(
        () => receiver.requests.filter(held("?mark")).length > marks && hold.open.length >= 2,
        5000,
        "the marker's send and the first two",
      );
      const atOnce = hold.open.length;
      await settle(rows + 1);
      return atOnce;
    };
    // Each earns 4 slots: three answers in time.
    expect(await probe("task.created")).toBe(2);
    expect(await probe("service.created")).toBe(2);
    await emit(t, "deal.created"); // 1021 more webhooks learn: 1024 in all
    await settle(1021);
    expect(await probe("task.created")).toBe(3);
    expect(await probe("service.created")).toBe(3);
    // The 1025th learns while the probe webhook has a send in flight: only the idle ones are
    // forgotten, and the probe webhook's answer then adds to the slots it had.
    await emit(t, "task.created");
    await until(() => hold.open.length === 1, 5000, "the probe webhook's send");
    await emit(t, "deal.updated");
    await until(() => receiver.requests.some(held("?last")), 5000, "the 1025th webhook's send");
    await settle(2);
    expect(await probe("service.created")).toBe(2);
    expect(await probe("task.created", 4)).toBe(4);
  });
});

describe("dispatcher policy: sends whose outcome is not recorded", () => {
  // Fails with the bound on in-flight plus unrecorded sends loosened (a third send starts while
  // two outcomes wait) or tightened (the second never starts).
  it("starts no send while twice its concurrency of sends are in flight or unrecorded", async () => {
    let started = 0;
    let outcomes = 0;
    let firstSend!: () => void;
    const gate = new Promise<void>((r) => {
      firstSend = r;
    });
    const { receiver, t, d } = await setup(
      { status: 200 },
      {
        timeoutMs: 60_000,
        concurrency: 1,
        // Called as each send starts, before it connects: the first waits for the gate.
        resolver: async () => {
          if (++started === 1) await gate;
          return [{ address: "127.0.0.1", family: 4 }];
        },
        onOutcome: () => {
          outcomes++;
        },
      },
    );
    cleanups.push(() => firstSend());
    const url = receiver.url.replace("127.0.0.1", "localhost");
    await t.app.webhooks.create(t.owner, { url, events: ["task.created"] });
    for (let i = 0; i < 4; i++) await emit(t, "task.created", false);
    d.start();
    await until(() => started === 1, 5000, "the first send");
    // Outcomes cannot be written while this write is open.
    const held = openWrite(t);
    cleanups.push(() => held.release());
    await held.begun;
    firstSend();
    // Each outcome's send ends in the same turn that starts any send it allows: by the time
    // the second outcome is seen, a third send would have started.
    await until(() => outcomes === 2, 10_000, "two outcomes");
    expect(started).toBe(2);
    held.release();
    await held.done;
    await until(async () => (await statuses(t)).succeeded === 4, 10_000, "every delivery recorded");
    expect(started).toBe(4);
  });
});
