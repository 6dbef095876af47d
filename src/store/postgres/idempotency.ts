import type { IdempotencyRepository } from "../api.js";
import type { IdempotencyRow } from "../rows.js";
import type { Conn } from "./db.js";

const ROW = `company_id as "companyId", user_id as "userId", key, fingerprint, status, response,
  created_at::float8 as "createdAt"`;
const KEY = "company_id = $1 and user_id = $2 and key = $3";
/** One request's reservation: the key as that request took it, not yet answered. */
const RESERVATION = `${KEY} and created_at = $4 and status is null`;

export class PgIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly c: Conn) {}

  async reserve(row: IdempotencyRow, expiredBefore: number): Promise<boolean> {
    await this.c.run(`delete from idempotency_keys where ${KEY} and created_at < $4`, [
      row.companyId,
      row.userId,
      row.key,
      expiredBefore,
    ]);
    const inserted = await this.c.run(
      `insert into idempotency_keys (company_id, user_id, key, fingerprint, status, response, created_at)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
      [row.companyId, row.userId, row.key, row.fingerprint, row.status, row.response, row.createdAt],
    );
    return inserted > 0;
  }

  async get(companyId: string, userId: string, key: string): Promise<IdempotencyRow | undefined> {
    return this.c.one<IdempotencyRow>(`select ${ROW} from idempotency_keys where ${KEY}`, [
      companyId,
      userId,
      key,
    ]);
  }

  async complete(
    companyId: string,
    userId: string,
    key: string,
    createdAt: number,
    status: number,
    response: string,
  ): Promise<boolean> {
    const updated = await this.c.run(
      `update idempotency_keys set status = $5, response = $6 where ${RESERVATION}`,
      [companyId, userId, key, createdAt, status, response],
    );
    return updated > 0;
  }

  async release(companyId: string, userId: string, key: string, createdAt: number): Promise<void> {
    await this.c.run(`delete from idempotency_keys where ${RESERVATION}`, [
      companyId,
      userId,
      key,
      createdAt,
    ]);
  }

  async deleteExpired(before: number): Promise<void> {
    await this.c.run("delete from idempotency_keys where created_at < $1", [before]);
  }
}
