import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IdempotencyRow } from "../../src/store/rows.js";
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
    await w.store.write((tx) => tx.idempotency.complete(w.actor.companyId, w.actor.userId, "k1", 201, "{}"));
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
    await w.store.write((tx) => tx.idempotency.release(w.actor.companyId, w.actor.userId, "k1"));
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
});
