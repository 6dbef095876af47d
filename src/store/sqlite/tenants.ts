import { and, asc, eq } from "drizzle-orm";
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

  async keyByHash(hash: string): Promise<(ApiKey & { user: User }) | undefined> {
    const row = this.db
      .select()
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(eq(apiKeys.hash, hash))
      .get();
    return row ? { ...row.api_keys, user: row.users } : undefined;
  }
}
