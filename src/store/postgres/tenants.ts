import type { TenantRepository } from "../api.js";
import type { ApiKey, Company, User } from "../rows.js";
import type { Conn } from "./db.js";
import type { WriteLocks } from "./lock.js";

const USER = `id, company_id as "companyId", name, email, role, created_at as "createdAt"`;
const KEY = `k.id, k.company_id as "companyId", k.user_id as "userId", k.name, k.hash, k.prefix,
  k.created_at as "createdAt", k.last_used_at as "lastUsedAt"`;

/** Companies, their users and the users' API keys (stored as hashes only). */
export class PgTenantRepository implements TenantRepository {
  constructor(
    private readonly c: Conn,
    private readonly locks: WriteLocks,
  ) {}

  async insertCompany(row: Company): Promise<void> {
    await this.c.run("insert into companies (id, name, created_at) values ($1, $2, $3)", [
      row.id,
      row.name,
      row.createdAt,
    ]);
  }

  async insertUser(row: User): Promise<void> {
    await this.c.run(
      "insert into users (id, company_id, name, email, role, created_at) values ($1, $2, $3, $4, $5, $6)",
      [row.id, row.companyId, row.name, row.email, row.role, row.createdAt],
    );
  }

  async insertApiKey(row: ApiKey): Promise<void> {
    await this.c.run(
      "insert into api_keys (id, company_id, user_id, name, hash, prefix, created_at, last_used_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
      [row.id, row.companyId, row.userId, row.name, row.hash, row.prefix, row.createdAt, row.lastUsedAt],
    );
  }

  async company(id: string): Promise<Company | undefined> {
    return this.c.one<Company>(`select id, name, created_at as "createdAt" from companies where id = $1`, [
      id,
    ]);
  }

  async user(companyId: string, id: string): Promise<User | undefined> {
    return this.c.one<User>(`select ${USER} from users where company_id = $1 and id = $2`, [companyId, id]);
  }

  async users(companyId: string): Promise<User[]> {
    return this.c.all<User>(`select ${USER} from users where company_id = $1 order by id`, [companyId]);
  }

  async firstOwner(): Promise<User | undefined> {
    // Nodes starting at once on an empty database must make one local owner, not one each.
    await this.locks.take("tenants");
    return this.c.one<User>(`select ${USER} from users where role = 'owner' order by id limit 1`);
  }

  async keyCount(userId: string): Promise<number> {
    const row = await this.c.one<{ n: number }>(
      "select count(*)::int as n from api_keys where user_id = $1",
      [userId],
    );
    return row?.n ?? 0;
  }

  async companies(): Promise<Company[]> {
    return this.c.all<Company>(`select id, name, created_at as "createdAt" from companies order by id`);
  }

  async userById(id: string): Promise<User | undefined> {
    return this.c.one<User>(`select ${USER} from users where id = $1`, [id]);
  }

  async apiKeys(filter: { companyId?: string; userId?: string } = {}): Promise<Omit<ApiKey, "hash">[]> {
    const values: unknown[] = [];
    const where: string[] = [];
    if (filter.companyId) where.push(`k.company_id = $${values.push(filter.companyId)}`);
    if (filter.userId) where.push(`k.user_id = $${values.push(filter.userId)}`);
    return this.c.all<Omit<ApiKey, "hash">>(
      `select k.id, k.company_id as "companyId", k.user_id as "userId", k.name, k.prefix,
         k.created_at as "createdAt", k.last_used_at as "lastUsedAt"
       from api_keys k ${where.length ? `where ${where.join(" and ")}` : ""} order by k.id`,
      values,
    );
  }

  async apiKey(id: string): Promise<ApiKey | undefined> {
    return this.c.one<ApiKey>(`select ${KEY} from api_keys k where k.id = $1`, [id]);
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    await this.c.run(
      "update api_keys set last_used_at = $2 where id = $1 and (last_used_at is null or last_used_at < $2)",
      [id, at],
    );
  }

  async deleteApiKey(id: string): Promise<boolean> {
    const row = await this.c.one<{ id: string }>("delete from api_keys where id = $1 returning id", [id]);
    return row !== undefined;
  }

  async keyByHash(hash: string): Promise<(ApiKey & { user: User }) | undefined> {
    const row = await this.c.one<ApiKey & { u: User }>(
      `select ${KEY}, json_build_object('id', u.id, 'companyId', u.company_id, 'name', u.name, 'email', u.email,
         'role', u.role, 'createdAt', u.created_at) as u
       from api_keys k join users u on u.id = k.user_id where k.hash = $1`,
      [hash],
    );
    if (!row) return undefined;
    const { u, ...key } = row;
    return { ...key, user: u };
  }
}
