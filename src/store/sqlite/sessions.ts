import { and, eq, gt, lte } from "drizzle-orm";
import type { SessionRepository } from "../api.js";
import type { SessionRow } from "../rows.js";
import type { Db } from "./db.js";
import { sessions } from "./schema/index.js";

export class SqliteSessionRepository implements SessionRepository {
  constructor(private readonly db: Db) {}

  async insert(row: SessionRow): Promise<void> {
    this.db.insert(sessions).values(row).run();
  }

  async get(tokenHash: string, now: number): Promise<SessionRow | undefined> {
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
      .get();
  }

  async setFlash(tokenHash: string, flash: string | null): Promise<void> {
    this.db.update(sessions).set({ flash }).where(eq(sessions.tokenHash, tokenHash)).run();
  }

  async delete(tokenHash: string): Promise<void> {
    this.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
  }

  async deleteExpired(now: number): Promise<void> {
    this.db.delete(sessions).where(lte(sessions.expiresAt, now)).run();
  }
}
