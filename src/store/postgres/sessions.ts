import type { SessionRepository } from "../api.js";
import type { SessionRow } from "../rows.js";
import type { Conn } from "./db.js";

const SESSION = `token_hash as "tokenHash", company_id as "companyId", user_id as "userId", csrf, flash,
  expires_at::float8 as "expiresAt"`;

export class PgSessionRepository implements SessionRepository {
  constructor(private readonly c: Conn) {}

  async insert(row: SessionRow): Promise<void> {
    await this.c.run(
      "insert into sessions (token_hash, company_id, user_id, csrf, flash, expires_at) values ($1, $2, $3, $4, $5, $6)",
      [row.tokenHash, row.companyId, row.userId, row.csrf, row.flash, row.expiresAt],
    );
  }

  async get(tokenHash: string, now: number): Promise<SessionRow | undefined> {
    return this.c.one<SessionRow>(
      `select ${SESSION} from sessions where token_hash = $1 and expires_at > $2`,
      [tokenHash, now],
    );
  }

  async setFlash(tokenHash: string, flash: string | null): Promise<void> {
    await this.c.run("update sessions set flash = $2 where token_hash = $1", [tokenHash, flash]);
  }

  async delete(tokenHash: string): Promise<void> {
    await this.c.run("delete from sessions where token_hash = $1", [tokenHash]);
  }

  async deleteExpired(now: number): Promise<void> {
    await this.c.run("delete from sessions where expires_at <= $1", [now]);
  }
}
