import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import { Dispatcher } from "../../src/webhooks/dispatcher.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { adminQuery, ENGINE } from "../support/engine.js";
import { type Receiver, type Responder, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

/**
 * What the dispatcher does when an outcome cannot be written as it came, and that a row it
 * holds is never sent twice by it. Each test fails without the guard its name gives.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(respond: Responder) {
  const receiver = await startReceiver({ respond });
  const t = await openTestApp({ ca: receiver.ca, dispatch: false });
  cleanups.push(
    () => receiver.close(),
    () => t.close(),
  );
  return { receiver, t };
}

/** A dispatcher with short leases, so that a row left `sending` would come back at once. */
function dispatcher(t: TestApp, receiver: Receiver, leaseMs: number, log?: (m: string) => void) {
  const d = new Dispatcher(t.app.store, {
    timeoutMs: 30_000,
    allowPrivate: true,
    ca: receiver.ca,
    leaseMs,
    pollMs: 20,
    log,
  });
  d.start();
  cleanups.push(() => d.stop());
  return d;
}

async function deliveryOf(t: TestApp, id: string) {
  return (await t.app.store.read((tx) => tx.webhooks.getDelivery(t.owner.companyId, id)))!.delivery;
}

function ids(receiver: Receiver): string[] {
  return receiver.requests.map((r) => r.headers["x-webhook-delivery"] as string);
}

/** Makes the database refuse to record a receiver's answer of "poison", as it would a value it cannot store. */
async function refusePoison(t: TestApp) {
  if (ENGINE === "sqlite") {
    const db = new Database(t.dbPath);
    db.exec(`create trigger refuse_poison before update of response_body on webhook_deliveries
      when new.response_body = 'poison' begin select raise(abort, 'poison refused'); end`);
    db.close();
  } else {
    await adminQuery(
      `create function refuse_poison() returns trigger language plpgsql as $$
       begin if new.response_body = 'poison' then raise exception 'poison refused'; end if; return new; end $$;
       create trigger refuse_poison before update on webhook_deliveries for each row execute function refuse_poison()`,
      t.dbEnv.CRM_DATABASE_URL,
    );
  }
}

// Fails without `storable` in send.ts: PostgreSQL refuses the NUL in text, so the answer was
// never recorded as it came (and before the fallback, the row was sent again and again).
it("records a receiver's answer holding a NUL character, with the NUL replaced", async () => {
  const { receiver, t } = await setup({ status: 200, body: "a\u0000b" });
  await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
  dispatcher(t, receiver, 600);
  await t.app.crm.create(t.owner, "contact", [{ firstName: "Nul" }]);
  await receiver.waitFor(1, 5000);
  const id = ids(receiver)[0]!;
  await until(async () => (await deliveryOf(t, id)).status === "succeeded", 5000, "the outcome recorded");
  expect((await deliveryOf(t, id)).responseBody).toBe("a\uFFFDb");
  expect(ids(receiver)).toEqual([id]);
});

// Fails without the fallback in the dispatcher's flush: the whole batch failed, and neither
// outcome was ever written, so both rows stayed `sending` and went out again.
it("writes the other outcomes of a batch the database refused, and the refused one without the answer", async () => {
  const { receiver, t } = await setup((request) => ({
    status: 200,
    body: request.headers["x-webhook-event"] === "contact.created" ? "poison" : "fine",
  }));
  await refusePoison(t);
  await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created", "contact.updated"] });
  const logs: string[] = [];
  dispatcher(t, receiver, 600, (m) => logs.push(m));
  const [c] = await t.app.crm.create(t.owner, "contact", [{ firstName: "Poison" }]);
  await t.app.crm.update(t.owner, "contact", [{ id: c!.id, firstName: "Fine" }]);
  await receiver.waitFor(2, 5000);
  // Two sends may run at once: each is known by its event, not by when it arrived.
  const byEvent = (event: string) =>
    receiver.requests.find((r) => r.headers["x-webhook-event"] === event)!.headers[
      "x-webhook-delivery"
    ] as string;
  const [poisoned, fine] = [byEvent("contact.created"), byEvent("contact.updated")];
  await until(
    async () =>
      (await deliveryOf(t, poisoned)).status === "succeeded" &&
      (await deliveryOf(t, fine)).status === "succeeded",
    5000,
    "both outcomes recorded",
  );
  expect((await deliveryOf(t, fine)).responseBody).toBe("fine");
  const refused = await deliveryOf(t, poisoned);
  expect(refused.responseBody).toBeNull();
  expect(refused.statusCode).toBe(200);
  expect(refused.error).toMatch(
    /^The outcome could not be recorded in full \(.*poison refused.*\); the receiver's answer is left out$/,
  );
  expect(ids(receiver).sort()).toEqual([poisoned, fine].sort());
});

// Fails when the fallback also follows an error that is not the data's fault: the outcome is
// then tried alone (and, without the second check, written without its answer), where it must
// wait for the database and be sent again.
it.runIf(ENGINE === "postgres")(
  "writes nothing in place of an outcome the database failed to write for a passing reason: the delivery goes out again",
  async () => {
    const { receiver, t } = await setup({ status: 200, body: "busy" });
    // A lock wait that timed out (55P03) each time this answer is written: a passing reason, not the data's.
    await adminQuery(
      `create function busy_answer() returns trigger language plpgsql as $$
       begin if new.response_body = 'busy' then raise exception 'lock wait timed out' using errcode = '55P03'; end if; return new; end $$;
       create trigger busy_answer before update on webhook_deliveries for each row execute function busy_answer()`,
      t.dbEnv.CRM_DATABASE_URL,
    );
    await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
    const logs: string[] = [];
    dispatcher(t, receiver, 300, (m) => logs.push(m));
    await t.app.crm.create(t.owner, "contact", [{ firstName: "Busy" }]);
    await receiver.waitFor(2, 10_000);
    const [first, second] = ids(receiver);
    expect(second).toBe(first);
    const row = await deliveryOf(t, first!);
    expect(row.status).toBe("sending");
    expect(row.error).toBeNull();
    // The batch failed, and no outcome was then tried alone.
    expect(logs.some((l) => /recording 1 results failed: lock wait timed out/.test(l))).toBe(true);
    expect(logs.filter((l) => l.startsWith("webhook dispatcher: recording results failed"))).toEqual([]);
  },
);

// Fails without `held` in the dispatcher's claim: renewals every 100 ms cannot keep a 100 ms
// lease, so the row in flight lapses and the dispatcher's own claim would send it again.
it("never sends a row it holds a second time, even when its lease lapses while the send is in flight", async () => {
  const { receiver, t } = await setup({ status: 200, body: "slow", delayMs: 1500 });
  await t.app.webhooks.create(t.owner, { url: receiver.url, events: ["contact.created"] });
  dispatcher(t, receiver, 100);
  await t.app.crm.create(t.owner, "contact", [{ firstName: "Slow" }]);
  await receiver.waitFor(1, 5000);
  const id = ids(receiver)[0]!;
  await until(async () => (await deliveryOf(t, id)).status === "succeeded", 10_000, "the outcome recorded");
  expect(ids(receiver)).toEqual([id]);
});
