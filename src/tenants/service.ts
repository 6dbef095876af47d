import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../domain/errors.js";
import { ID_PREFIX, type IdKind, newId } from "../domain/ids.js";
import { parse } from "../domain/validate.js";
import type { Actor } from "../events/recorder.js";
import type { ApiKey, Company, Store, User } from "../store/index.js";

export const KEY_PREFIX = "crm_";
export const MAX_KEY_LENGTH = 100;

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The bounds of the names, emails and ids that administration takes. */
export const TENANT_LIMITS = { name: 100, email: 254, id: 64 } as const;

const nameInput = z.string().trim().min(1, "must not be empty").max(TENANT_LIMITS.name);
const emailInput = z
  .string()
  .max(TENANT_LIMITS.email)
  .pipe(z.email("must be an email address such as ada@example.com"));
const ROLES = ["owner", "member"] as const;

/** An id of one kind, checked for shape before any lookup. */
function idInput(kind: IdKind) {
  const prefix = ID_PREFIX[kind];
  return z
    .string()
    .max(TENANT_LIMITS.id)
    .regex(new RegExp(`^${prefix}_[0-9a-z]+$`), `must be an id that starts with ${prefix}_`);
}

const companyCreate = z.strictObject({
  name: nameInput,
  ownerName: nameInput,
  ownerEmail: emailInput.optional(),
});
const userCreate = z.strictObject({
  name: nameInput,
  email: emailInput.optional(),
  role: z.enum(ROLES).default("member"),
});

/** What is shown of a key: never its hash, and the key itself only once, at creation. */
export type ApiKeyInfo = Omit<ApiKey, "hash">;

/**
 * How long a key found in the store is trusted without asking it again. A key revoked through
 * this process is refused at once; one revoked by another process on the same database
 * (another node, `crm-mcp keys revoke`) within this time.
 */
export const KEY_CACHE_MS = 5_000;
/** A key's `lastUsedAt` is written at most this often, not on every request. */
export const LAST_USED_EVERY_MS = 60_000;
/** At most this many keys are remembered, the oldest forgotten first. */
const KEY_CACHE_SIZE = 1_000;

/** Companies, users and API keys: who is acting, and for which tenant. */
export class TenantService {
  /** Keys found lately, by hash: the actor, the key's id, and until when it is trusted. */
  private readonly keys = new Map<string, { actor: Actor; keyId: string; until: number }>();
  /** Counts revokes made here: a lookup that a revoke overlapped is not cached. */
  private revokes = 0;
  /** When each key's use was last written (or read from the store), by key id. */
  private readonly lastUsed = new Map<string, number>();
  /** Writes of `lastUsedAt` under way. */
  private readonly writes = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

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
    const input = parse(companyCreate, { name, ownerName, ownerEmail });
    return this.store.write((tx) => createCompanyIn(tx, input.name, input.ownerName, input.ownerEmail));
  }

  /** Every company of the database: for the operator, never for a tenant's caller. */
  async companies(): Promise<Company[]> {
    return this.store.read((tx) => tx.tenants.companies());
  }

  /** A new member of the actor's company. */
  async createUser(actor: Actor, name: string, email?: string): Promise<User> {
    return this.addUser(actor.companyId, parse(userCreate, { name, email }));
  }

  /** A new user of any company: the operator's way in, with no actor. */
  async createUserIn(
    companyId: string,
    fields: { name: string; email?: string; role?: (typeof ROLES)[number] },
  ): Promise<User> {
    const id = parse(idInput("company"), companyId, "company");
    return this.addUser(id, parse(userCreate, fields));
  }

  private async addUser(companyId: string, input: z.output<typeof userCreate>): Promise<User> {
    const user: User = {
      id: newId("user"),
      companyId,
      name: input.name,
      email: input.email ?? null,
      role: input.role,
      createdAt: new Date().toISOString(),
    };
    await this.store.write(async (tx) => {
      if (!(await tx.tenants.company(companyId)))
        throw new ValidationError("company", `no company with id "${companyId}" exists`);
      await tx.tenants.insertUser(user);
    });
    return user;
  }

  /** The users of any company, for the operator. */
  async usersIn(companyId: string): Promise<User[]> {
    const id = parse(idInput("company"), companyId, "company");
    return this.store.read(async (tx) => {
      if (!(await tx.tenants.company(id)))
        throw new ValidationError("company", `no company with id "${id}" exists`);
      return tx.tenants.users(id);
    });
  }

  /** A key for any user, named by id: the operator's way in, with no actor. */
  async createApiKeyForUser(
    userId: string,
    name: string,
  ): Promise<{ id: string; key: string; name: string }> {
    const keyName = parse(nameInput, name, "name");
    const id = parse(idInput("user"), userId, "user");
    const user = await this.store.read((tx) => tx.tenants.userById(id));
    if (!user) throw new ValidationError("user", `no user with id "${id}" exists`);
    return this.createApiKey({ userId: user.id, companyId: user.companyId }, keyName);
  }

  /** A user by id, whatever the company: for credentials (OAuth tokens) that name their user. */
  async userById(id: string): Promise<User | undefined> {
    return this.store.read((tx) => tx.tenants.userById(id));
  }

  /** The keys of the whole database, or of one company or user: for the operator. */
  async listApiKeys(filter: { companyId?: string; userId?: string } = {}): Promise<ApiKeyInfo[]> {
    const companyId = filter.companyId && parse(idInput("company"), filter.companyId, "company");
    const userId = filter.userId && parse(idInput("user"), filter.userId, "user");
    return this.store.read((tx) => tx.tenants.apiKeys({ companyId, userId }));
  }

  /** Revokes a key at once: its hash is deleted, so the next request made with it is refused. */
  async revokeApiKey(keyId: string): Promise<ApiKeyInfo> {
    const id = parse(idInput("apiKey"), keyId, "id");
    this.revokes++;
    try {
      return await this.store.write(async (tx) => {
        const key = await tx.tenants.apiKey(id);
        if (!key) throw new ValidationError("id", `no API key with id "${id}" exists`);
        await tx.tenants.deleteApiKey(id);
        const { hash: _hash, ...info } = key;
        return info;
      });
    } finally {
      // After the commit (or its failure), and counted again: a lookup that read the key before
      // the commit and finishes after it cannot cache it.
      this.revokes++;
      for (const [hash, entry] of this.keys) if (entry.keyId === id) this.keys.delete(hash);
    }
  }

  /** Makes an API key for a user; the key is returned once and only its hash is kept. */
  async createApiKey(actor: Actor, name: string): Promise<{ id: string; key: string; name: string }> {
    const keyName = parse(nameInput, name, "name");
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

  /**
   * The actor behind a key, or null for a key that does not exist. A key found is trusted for
   * `KEY_CACHE_MS` (a key not found is asked for again each time), and its use is recorded.
   */
  async authenticate(key: string | undefined | null): Promise<Actor | null> {
    // Keys are 36 characters; anything much longer is not one, and is not worth hashing.
    if (!key || key.length > MAX_KEY_LENGTH) return null;
    const hash = hashKey(key.trim());
    const now = this.now();
    let entry = this.keys.get(hash);
    if (!entry || entry.until <= now) {
      this.keys.delete(hash);
      const revokes = this.revokes;
      const found = await this.store.read((tx) => tx.tenants.keyByHash(hash));
      if (!found) return null;
      entry = {
        actor: { userId: found.user.id, companyId: found.user.companyId },
        keyId: found.id,
        until: now + KEY_CACHE_MS,
      };
      // A revoke began or ended while this lookup ran: the answer stands for this request only.
      if (revokes === this.revokes) this.keys.set(hash, entry);
      if (this.keys.size > KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value!);
      const stored = found.lastUsedAt ? Date.parse(found.lastUsedAt) : Number.NaN;
      if (stored > (this.lastUsed.get(found.id) ?? 0)) this.lastUsed.set(found.id, stored);
    }
    this.noteUse(entry.keyId, now);
    return entry.actor;
  }

  /** Writes a key's `lastUsedAt` if it was last written `LAST_USED_EVERY_MS` ago or more; never waited for. */
  private noteUse(keyId: string, now: number): void {
    const last = this.lastUsed.get(keyId);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    if (this.lastUsed.size >= KEY_CACHE_SIZE) this.lastUsed.clear();
    this.lastUsed.set(keyId, now);
    const at = new Date(now).toISOString();
    const write = this.store
      .write((tx) => tx.tenants.touchApiKey(keyId, at))
      .catch(() => {
        // Only a record of use: a store too busy or gone refuses nothing. Tried again next time.
        if (this.lastUsed.get(keyId) === now) this.lastUsed.delete(keyId);
      })
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }

  /** Resolves once the uses noted so far are written: before the store closes. */
  async flushUses(): Promise<void> {
    await Promise.all(this.writes);
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
