import { afterEach, describe, expect, it } from "vitest";
import { INITIAL_SLOTS, slotsAfter } from "../../src/webhooks/endpoint-slots.js";
import { openTestApp } from "../support/app.js";
import { startReceiver } from "../support/https-receiver.js";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("slotsAfter", () => {
  const answered = (statusCode: number) => ({ errorClass: null, statusCode });
  const failed = (errorClass: "timeout" | "refused" | "reset" | "network" | "tls" | "policy" | "dns") => ({
    errorClass,
    statusCode: null,
  });

  it("earns a slot back for each answer, up to the cap, whatever the status", () => {
    expect(slotsAfter(2, answered(200), 8)).toBe(3);
    expect(slotsAfter(2, { errorClass: "http_status", statusCode: 500 }, 8)).toBe(3);
    expect(slotsAfter(8, answered(204), 8)).toBe(8);
  });

  it("halves for a receiver that hangs, refuses, resets or asks to back off, down to one", () => {
    for (const c of ["timeout", "refused", "reset", "network", "tls"] as const) {
      expect(slotsAfter(8, failed(c), 8), c).toBe(4);
      expect(slotsAfter(1, failed(c), 8), c).toBe(1);
    }
    expect(slotsAfter(8, { errorClass: "http_status", statusCode: 429 }, 8)).toBe(4);
    expect(slotsAfter(5, { errorClass: "http_status", statusCode: 503 }, 8)).toBe(2);
  });

  it("learns nothing from a refusal by policy or DNS", () => {
    expect(slotsAfter(3, failed("policy"), 8)).toBe(3);
    expect(slotsAfter(3, failed("dns"), 8)).toBe(3);
  });

  it("starts a webhook with a few slots, not all", () => {
    expect(INITIAL_SLOTS).toBeLessThan(8);
    expect(INITIAL_SLOTS * 5).toBeLessThan(32);
  });
});

describe("endpoints that cannot starve each other", () => {
  it("five receivers that never answer leave a healthy webhook its slots: it gets every delivery long before their deadline", async () => {
    const healthy = await startReceiver({ respond: { status: 200, body: "ok" } });
    const deadlineMs = 15_000;
    const t = await openTestApp({ ca: healthy.ca, timeoutMs: deadlineMs });
    cleanups.push(
      () => healthy.close(),
      () => t.close(),
    );
    for (let i = 0; i < 5; i++) {
      const hanging = await startReceiver({ respond: { kind: "never" } });
      cleanups.push(() => hanging.close());
      await t.app.webhooks.create(t.owner, { url: hanging.url, events: ["contact.created"] });
    }
    // 40 deliveries for each hanging receiver: without adaptive slots they hold all 32.
    await t.app.crm.create(
      t.owner,
      "contact",
      Array.from({ length: 40 }, (_, i) => ({ firstName: `C${i}` })),
    );
    await t.app.webhooks.create(t.owner, { url: healthy.url, events: ["contact.updated"] });
    const started = Date.now();
    const [c] = await t.app.crm.create(t.owner, "contact", [{ firstName: "x" }]);
    for (let i = 0; i < 20; i++)
      await t.app.crm.update(t.owner, "contact", [{ id: c!.id, firstName: `y${i}` }]);
    await healthy.waitFor(20, deadlineMs);
    // Before any hanging send gave up and freed its slot: none has been recorded as failed yet.
    expect((await t.app.deliveries.list(t.owner, { status: "failed", limit: 1 })).total).toBe(0);
    expect(Date.now() - started).toBeLessThan(deadlineMs);
  });
});
