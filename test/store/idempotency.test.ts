import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Answer, Idempotency } from "../../src/http/api/idempotency.js";
import type { IdempotencyRow } from "../../src/store/rows.js";
import { createLogger } from "../../src/telemetry/log.js";
import { openWorld, type World } from "../support/crm.js";
import { ENGINE } from "../support/engine.js";

let w: World;
beforeEach(async () => {
  w = await openWorld("file");
});
afterEach(async () => {
  await w.close();
});

const HOUR = 3600_000;

function row(over: Partial<IdempotencyRow> = {}): IdempotencyRow {
  return {
    companyId: w.actor.companyId,
    userId: w.actor.userId,
    key: "k1",
    fingerprint: "f1",
    status: null,
    response: null,
    createdAt: 1_000 * HOUR,
    ...over,
  };
}

describe(`idempotency keys on ${ENGINE}`, () => {
  it("reserves a key once, keeps the answer, and reads it back whole", async () => {
    const cutoff = 990 * HOUR;
    expect(await w.store.write((tx) => tx.idempotency.reserve(row(), cutoff))).toBe(true);
    expect(await w.store.write((tx) => tx.idempotency.reserve(row({ fingerprint: "f2" }), cutoff))).toBe(
      false,
    );
    expect(await w.store.read((tx) => tx.idempotency.get(w.actor.companyId, w.actor.userId, "k1"))).toEqual(
      row(),
    );
    await w.store.write((tx) =>
      tx.idempotency.complete(w.actor.companyId, w.actor.userId, "k1", 1_000 * HOUR, 201, "{}"),
    );
    expect(await w.store.read((tx) => tx.idempotency.get(w.actor.companyId, w.actor.userId, "k1"))).toEqual(
      row({ status: 201, response: "{}" }),
    );
  });

  it("keeps keys apart per user and per company", async () => {
    const cutoff = 0;
    expect(await w.store.write((tx) => tx.idempotency.reserve(row(), cutoff))).toBe(true);
    expect(await w.store.write((tx) => tx.idempotency.reserve(row({ userId: "usr_other" }), cutoff))).toBe(
      true,
    );
    expect(await w.store.write((tx) => tx.idempotency.reserve(row({ companyId: "co_other" }), cutoff))).toBe(
      true,
    );
    expect(await w.store.read((tx) => tx.idempotency.get("co_other", w.actor.userId, "k1"))).toMatchObject({
      companyId: "co_other",
    });
    expect(
      await w.store.read((tx) => tx.idempotency.get(w.actor.companyId, w.actor.userId, "k2")),
    ).toBeUndefined();
  });

  it("replaces a record older than the cutoff, releases a key, and clears expired ones", async () => {
    await w.store.write((tx) => tx.idempotency.reserve(row({ status: 201, response: "old" }), 0));
    // Created at hour 1000; a cutoff just after it means it has expired.
    const later = row({ fingerprint: "f2", createdAt: 1_025 * HOUR });
    expect(await w.store.write((tx) => tx.idempotency.reserve(later, 1_000 * HOUR + 1))).toBe(true);
    expect(await w.store.read((tx) => tx.idempotency.get(w.actor.companyId, w.actor.userId, "k1"))).toEqual(
      later,
    );
    await w.store.write((tx) =>
      tx.idempotency.release(w.actor.companyId, w.actor.userId, "k1", 1_025 * HOUR),
    );
    expect(
      await w.store.read((tx) => tx.idempotency.get(w.actor.companyId, w.actor.userId, "k1")),
    ).toBeUndefined();

    await w.store.write(async (tx) => {
      await tx.idempotency.reserve(row({ key: "old", createdAt: 10 * HOUR }), 0);
      await tx.idempotency.reserve(row({ key: "new", createdAt: 40 * HOUR }), 0);
    });
    await w.store.write((tx) => tx.idempotency.deleteExpired(20 * HOUR));
    const left = await w.store.read(async (tx) => [
      await tx.idempotency.get(w.actor.companyId, w.actor.userId, "old"),
      await tx.idempotency.get(w.actor.companyId, w.actor.userId, "new"),
    ]);
    expect(left.map((r) => r?.key)).toEqual([undefined, "new"]);
  });

  it("answers and frees only the reservation it names: not another request's, not an answered one", async () => {
    const { companyId, userId } = w.actor;
    const get = () => w.store.read((tx) => tx.idempotency.get(companyId, userId, "k1"));
    await w.store.write((tx) => tx.idempotency.reserve(row({ createdAt: 1_025 * HOUR }), 0));
    // A request whose reservation was taken over (created at hour 1000) changes nothing.
    expect(
      await w.store.write((tx) => tx.idempotency.complete(companyId, userId, "k1", 1_000 * HOUR, 201, "old")),
    ).toBe(false);
    await w.store.write((tx) => tx.idempotency.release(companyId, userId, "k1", 1_000 * HOUR));
    expect(await get()).toEqual(row({ createdAt: 1_025 * HOUR }));
    // The owner answers once; a second answer, or a release, leaves the kept one alone.
    expect(
      await w.store.write((tx) => tx.idempotency.complete(companyId, userId, "k1", 1_025 * HOUR, 201, "new")),
    ).toBe(true);
    expect(
      await w.store.write((tx) =>
        tx.idempotency.complete(companyId, userId, "k1", 1_025 * HOUR, 200, "again"),
      ),
    ).toBe(false);
    await w.store.write((tx) => tx.idempotency.release(companyId, userId, "k1", 1_025 * HOUR));
    expect(await get()).toEqual(row({ createdAt: 1_025 * HOUR, status: 201, response: "new" }));
  });

  describe("a request that outlives its lease", () => {
    const LEASE_MS = 50;
    const body = Buffer.from('{"name":"Ada"}');
    const answerOf = (name: string): Answer => ({
      status: 201,
      body: `{"name":"${name}"}`,
      type: "application/json",
    });
    const begin = (idem: Idempotency) => idem.begin(w.actor, "k1", "POST", "/contacts", body);
    const lapse = () => new Promise((r) => setTimeout(r, LEASE_MS + 20));
    // Later requests judge the repeat's reservation with the default lease: on a loaded machine
    // more than LEASE_MS may pass before they come, and the repeat must still hold the key.
    const patient = () => new Idempotency(w.store);

    it("does not answer the key in place of the request that took it over, and says so in the log", async () => {
      const lines: Record<string, unknown>[] = [];
      const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) });
      const idem = new Idempotency(w.store, { leaseMs: LEASE_MS, logger, base: "/api/v1" });
      // A query string stays out of the log.
      const withQuery = (i = idem) => i.begin(w.actor, "k1", "POST", "/contacts?note=s3cret", body);
      const slow = await withQuery();
      expect(slow.kind).toBe("fresh");
      await lapse();
      const repeat = await withQuery();
      expect(repeat.kind).toBe("fresh");
      if (slow.kind !== "fresh" || repeat.kind !== "fresh") return;
      expect(lines).toEqual([]);
      await slow.finish(answerOf("slow"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: "warn",
        method: "POST",
        route: "/api/v1/contacts",
        status: 201,
        msg: `Idempotency-Key: the answer to POST /api/v1/contacts was not stored, as the request outlived its ${LEASE_MS} ms lease`,
      });
      expect(JSON.stringify(lines[0])).not.toContain("k1");
      expect(JSON.stringify(lines[0])).not.toContain("s3cret");
      // The repeat still holds the key: a third request waits rather than replaying the slow answer.
      const third = await withQuery(patient());
      expect(third.kind).toBe("refused");
      await repeat.finish(answerOf("repeat"));
      // An answer kept in time logs nothing.
      expect(lines).toHaveLength(1);
      expect(await withQuery()).toEqual({ kind: "replay", answer: answerOf("repeat") });
    });

    it("does not free the key another request took over, on failure or abandon", async () => {
      const idem = new Idempotency(w.store, { leaseMs: LEASE_MS });
      const failing = await begin(idem);
      await lapse();
      const repeat = await begin(idem);
      if (failing.kind !== "fresh" || repeat.kind !== "fresh") throw new Error("expected fresh reservations");
      await failing.finish({ status: 503, body: "{}", type: "application/problem+json" });
      await failing.abandon();
      expect(
        await w.store.read((tx) => tx.idempotency.get(w.actor.companyId, w.actor.userId, "k1")),
      ).toMatchObject({
        status: null,
        createdAt: expect.any(Number),
      });
      const third = await begin(patient());
      expect(third.kind).toBe("refused");
      await repeat.finish(answerOf("repeat"));
      expect(await begin(idem)).toEqual({ kind: "replay", answer: answerOf("repeat") });
    });
  });
});
