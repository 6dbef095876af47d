import { and, eq, isNull, lt } from "drizzle-orm";
import type { IdempotencyRepository } from "../api.js";
import type { IdempotencyRow } from "../rows.js";
import type { Db } from "./db.js";
import { idempotencyKeys as t } from "./schema/index.js";

const keyOf = (companyId: string, userId: string, key: string) =>
  and(eq(t.companyId, companyId), eq(t.userId, userId), eq(t.key, key));
/** One request's reservation: the key as that request took it, not yet answered. */
const reservationOf = (companyId: string, userId: string, key: string, createdAt: number) =>
  and(keyOf(companyId, userId, key), eq(t.createdAt, createdAt), isNull(t.status));

export class SqliteIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: Db) {}

  async reserve(row: IdempotencyRow, expiredBefore: number): Promise<boolean> {
    this.db
      .delete(t)
      .where(and(keyOf(row.companyId, row.userId, row.key), lt(t.createdAt, expiredBefore)))
      .run();
    return this.db.insert(t).values(row).onConflictDoNothing().run().changes > 0;
  }

  async get(companyId: string, userId: string, key: string): Promise<IdempotencyRow | undefined> {
    return this.db
      .select()
      .from(t)
      .where(keyOf(companyId, userId, key))
      .get();
  }

  async complete(
    companyId: string,
    userId: string,
    key: string,
    createdAt: number,
    status: number,
    response: string,
  ): Promise<boolean> {
    return (
      this.db
        .update(t)
        .set({ status, response })
        .where(reservationOf(companyId, userId, key, createdAt))
        .run().changes > 0
    );
  }

  async release(companyId: string, userId: string, key: string, createdAt: number): Promise<void> {
    this.db
      .delete(t)
      .where(reservationOf(companyId, userId, key, createdAt))
      .run();
  }

  async deleteExpired(before: number): Promise<void> {
    this.db.delete(t).where(lt(t.createdAt, before)).run();
  }
}
