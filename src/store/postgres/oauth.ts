import type { OAuthRepository } from "../api.js";
import type { OAuthRecordRow } from "../rows.js";
import type { Conn } from "./db.js";

const RECORD = `model, key, uid, grant_id as "grantId", user_id as "userId", client_id as "clientId", payload,
  expires_at::float8 as "expiresAt", consumed_at::float8 as "consumedAt"`;
const LIVE = "(expires_at is null or expires_at > $3)";

export class PgOAuthRepository implements OAuthRepository {
  constructor(private readonly c: Conn) {}

  async upsert(row: OAuthRecordRow): Promise<void> {
    await this.c.run(
      `insert into oauth_records (model, key, uid, grant_id, user_id, client_id, payload, expires_at, consumed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (model, key) do update set uid = excluded.uid, grant_id = excluded.grant_id,
         user_id = excluded.user_id, client_id = excluded.client_id, payload = excluded.payload,
         expires_at = excluded.expires_at, consumed_at = excluded.consumed_at`,
      [
        row.model,
        row.key,
        row.uid,
        row.grantId,
        row.userId,
        row.clientId,
        row.payload,
        row.expiresAt,
        row.consumedAt,
      ],
    );
  }

  async find(model: string, key: string, now: number): Promise<OAuthRecordRow | undefined> {
    return this.c.one<OAuthRecordRow>(
      `select ${RECORD} from oauth_records where model = $1 and key = $2 and ${LIVE}`,
      [model, key, now],
    );
  }

  async findByUid(model: string, uid: string, now: number): Promise<OAuthRecordRow | undefined> {
    return this.c.one<OAuthRecordRow>(
      `select ${RECORD} from oauth_records where model = $1 and uid = $2 and ${LIVE}`,
      [model, uid, now],
    );
  }

  async consume(model: string, key: string, at: number): Promise<void> {
    await this.c.run("update oauth_records set consumed_at = $3 where model = $1 and key = $2", [
      model,
      key,
      at,
    ]);
  }

  async destroy(model: string, key: string): Promise<void> {
    await this.c.run("delete from oauth_records where model = $1 and key = $2", [model, key]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.c.run("delete from oauth_records where grant_id = $1", [grantId]);
  }

  async ofUser(model: string, userId: string, now: number): Promise<OAuthRecordRow[]> {
    return this.c.all<OAuthRecordRow>(
      `select ${RECORD} from oauth_records where model = $1 and user_id = $2 and ${LIVE} order by expires_at`,
      [model, userId, now],
    );
  }

  async deleteExpired(now: number): Promise<void> {
    await this.c.run("delete from oauth_records where expires_at <= $1", [now]);
  }
}
