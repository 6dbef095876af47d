import { and, asc, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { TenantRepository } from "../api.js";
import type { ApiKey, Company, User } from "../rows.js";
import type { Db } from "./db.js";
import { apiKeys, companies, users } from "./schema/index.js";

/** Companies, their users and the users' API keys (stored as hashes only). */
export class SqliteTenantRepository implements TenantRepository {
  constructor(private readonly db: Db) {}

  async insertCompany(row: Company): Promise<void> {
    this.db.insert(companies).values(row).run();
  }

  async insertUser(row: User): Promise<void> {
    this.db.insert(users).values(row).run();
  }

  async insertApiKey(row: ApiKey): Promise<void> {
    this.db.insert(apiKeys).values(row).run();
  }

  async company(id: string): Promise<Company | undefined> {
    return this.db.select().from(companies).where(eq(companies.id, id)).get();
  }

  async user(companyId: string, id: string): Promise<User | undefined> {
    return this.db
      .select()
      .from(users)
      .where(and(eq(users.companyId, companyId), eq(users.id, id)))
      .get();
  }

  async users(companyId: string): Promise<User[]> {
    return this.db.select().from(users).where(eq(users.companyId, companyId)).orderBy(asc(users.id)).all();
  }

  /** The first owner ever made: the local owner that stdio acts as without a key. */
  async firstOwner(): Promise<User | undefined> {
    return this.db.select().from(users).where(eq(users.role, "owner")).orderBy(asc(users.id)).limit(1).get();
  }

  async keyCount(userId: string): Promise<number> {
    return this.db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.userId, userId)).all().length;
  }

  async companies(): Promise<Company[]> {
    return this.db.select().from(companies).orderBy(asc(companies.id)).all();
  }

  /** A user by id alone, whatever its company: for the operator's CLI, never for a caller. */
  async userById(id: string): Promise<User | undefined> {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  /** Keys without their hashes, oldest first; narrowed to a company and, within it, a user. */
  async apiKeys(filter: { companyId?: string; userId?: string } = {}): Promise<Omit<ApiKey, "hash">[]> {
    const where: SQL[] = [];
    if (filter.companyId) where.push(eq(apiKeys.companyId, filter.companyId));
    if (filter.userId) where.push(eq(apiKeys.userId, filter.userId));
    return this.db
      .select({
        id: apiKeys.id,
        companyId: apiKeys.companyId,
        userId: apiKeys.userId,
        name: apiKeys.name,
        prefix: apiKeys.prefix,
        createdAt: apiKeys.createdAt,
        lastUsedAt: apiKeys.lastUsedAt,
      })
      .from(apiKeys)
      .where(and(...where))
      .orderBy(asc(apiKeys.id))
      .all();
  }

  async apiKey(id: string): Promise<ApiKey | undefined> {
    return this.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  }

  async touchApiKey(id: string, at: string): Promise<void> {
    this.db
      .update(apiKeys)
      .set({ lastUsedAt: at })
      .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, at))))
      .run();
  }

  async deleteApiKey(id: string): Promise<boolean> {
    return this.db.delete(apiKeys).where(eq(apiKeys.id, id)).run().changes > 0;
  }

  /** Every authenticated request runs it: built and prepared once, not per request. */
  private keyByHashQuery?: ReturnType<SqliteTenantRepository["prepareKeyByHash"]>;

  private prepareKeyByHash() {
    return this.db
      .select()
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(eq(apiKeys.hash, sql.placeholder("hash")))
      .prepare();
  }

  async keyByHash(hash: string): Promise<(ApiKey & { user: User }) | undefined> {
    this.keyByHashQuery ??= this.prepareKeyByHash();
    const row = this.keyByHashQuery.get({ hash });
    return row ? { ...row.api_keys, user: row.users } : undefined;
  }
}
