import { and, asc, eq, gt, isNull, lte, or } from "drizzle-orm";
import type { OAuthRepository } from "../api.js";
import type { OAuthRecordRow } from "../rows.js";
import type { Db } from "./db.js";
import { oauthRecords as r } from "./schema/index.js";

const live = (now: number) => or(isNull(r.expiresAt), gt(r.expiresAt, now));

export class SqliteOAuthRepository implements OAuthRepository {
  constructor(private readonly db: Db) {}

  async upsert(row: OAuthRecordRow): Promise<void> {
    const { model: _m, key: _k, ...rest } = row;
    this.db
      .insert(r)
      .values(row)
      .onConflictDoUpdate({ target: [r.model, r.key], set: rest })
      .run();
  }

  async find(model: string, key: string, now: number): Promise<OAuthRecordRow | undefined> {
    return this.db
      .select()
      .from(r)
      .where(and(eq(r.model, model), eq(r.key, key), live(now)))
      .get();
  }

  async findByUid(model: string, uid: string, now: number): Promise<OAuthRecordRow | undefined> {
    return this.db
      .select()
      .from(r)
      .where(and(eq(r.model, model), eq(r.uid, uid), live(now)))
      .get();
  }

  async consume(model: string, key: string, at: number): Promise<void> {
    this.db
      .update(r)
      .set({ consumedAt: at })
      .where(and(eq(r.model, model), eq(r.key, key)))
      .run();
  }

  async destroy(model: string, key: string): Promise<void> {
    this.db
      .delete(r)
      .where(and(eq(r.model, model), eq(r.key, key)))
      .run();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    this.db.delete(r).where(eq(r.grantId, grantId)).run();
  }

  async ofUser(model: string, userId: string, now: number): Promise<OAuthRecordRow[]> {
    return this.db
      .select()
      .from(r)
      .where(and(eq(r.model, model), eq(r.userId, userId), live(now)))
      .orderBy(asc(r.expiresAt))
      .all();
  }

  async deleteExpired(now: number): Promise<void> {
    this.db.delete(r).where(lte(r.expiresAt, now)).run();
  }
}
