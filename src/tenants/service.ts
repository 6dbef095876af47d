import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { NotFoundError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";
import { parse } from "../domain/validate.js";
import type { Actor } from "../events/recorder.js";
import type { Company, Store, User } from "../store/index.js";

export const KEY_PREFIX = "crm_";

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Companies, users and API keys: who is acting, and for which tenant. */
export class TenantService {
  constructor(private readonly store: Store) {}

  /** The local owner of the local company, made on first start. */
  async localOwner(): Promise<Actor> {
    // Stryker disable next-line ArrowFunction: equivalent, the write below looks again; this read only spares a write transaction
    const existing = await this.store.read((tx) => tx.tenants.firstOwner());
    // Stryker disable next-line ConditionalExpression: equivalent, as above
    if (existing) return { userId: existing.id, companyId: existing.companyId };
    return this.store.write(async (tx) => {
      const again = await tx.tenants.firstOwner();
      if (again) return { userId: again.id, companyId: again.companyId };
      return createCompanyIn(tx, "Local company", "Local owner");
    });
  }

  /** A new company with its owner (hosting several tenants, and tests). */
  async createCompany(name: string, ownerName: string, ownerEmail?: string): Promise<Actor> {
    return this.store.write((tx) => createCompanyIn(tx, name, ownerName, ownerEmail));
  }

  async createUser(actor: Actor, name: string, email?: string): Promise<User> {
    const user: User = {
      id: newId("user"),
      companyId: actor.companyId,
      name,
      email: email ?? null,
      role: "member",
      createdAt: new Date().toISOString(),
    };
    await this.store.write((tx) => tx.tenants.insertUser(user));
    return user;
  }

  /** Makes an API key for a user; the key is returned once and only its hash is kept. */
  async createApiKey(actor: Actor, name: string): Promise<{ id: string; key: string; name: string }> {
    const keyName = parse(z.string().trim().min(1, "must not be empty").max(100), name, "name");
    const key = `${KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
    const id = newId("apiKey");
    await this.store.write(async (tx) => {
      if (!(await tx.tenants.user(actor.companyId, actor.userId)))
        throw new NotFoundError("user", actor.userId);
      await tx.tenants.insertApiKey({
        id,
        companyId: actor.companyId,
        userId: actor.userId,
        name: keyName,
        hash: hashKey(key),
        prefix: key.slice(0, KEY_PREFIX.length + 4),
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
      });
    });
    return { id, key, name: keyName };
  }

  /** The actor behind a key, or null for a key that does not exist. */
  async authenticate(key: string | undefined | null): Promise<Actor | null> {
    if (!key) return null;
    const found = await this.store.read((tx) => tx.tenants.keyByHash(hashKey(key.trim())));
    return found ? { userId: found.user.id, companyId: found.user.companyId } : null;
  }

  async hasApiKeys(actor: Actor): Promise<boolean> {
    return this.store.read(async (tx) => (await tx.tenants.keyCount(actor.userId)) > 0);
  }

  async currentUser(actor: Actor): Promise<User> {
    const user = await this.store.read((tx) => tx.tenants.user(actor.companyId, actor.userId));
    if (!user) throw new NotFoundError("user", actor.userId);
    return user;
  }

  async users(actor: Actor): Promise<User[]> {
    return this.store.read((tx) => tx.tenants.users(actor.companyId));
  }

  async company(actor: Actor): Promise<Company> {
    const company = await this.store.read((tx) => tx.tenants.company(actor.companyId));
    if (!company) throw new NotFoundError("company", actor.companyId);
    return company;
  }
}

async function createCompanyIn(
  tx: Parameters<Parameters<Store["write"]>[0]>[0],
  name: string,
  ownerName: string,
  ownerEmail?: string,
): Promise<Actor> {
  const now = new Date().toISOString();
  const companyId = newId("company");
  const userId = newId("user");
  await tx.tenants.insertCompany({ id: companyId, name, createdAt: now });
  await tx.tenants.insertUser({
    id: userId,
    companyId,
    name: ownerName,
    email: ownerEmail ?? null,
    role: "owner",
    createdAt: now,
  });
  return { userId, companyId };
}
