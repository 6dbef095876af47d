/**
 * Companies, users and API keys, in process: a key is shown once and stored only as its
 * SHA-256, and authenticates as its own user only.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "../src/domain/errors.js";
import { hashKey, KEY_PREFIX } from "../src/tenants/service.js";
import { openWorld, type World } from "./support/crm.js";

let w: World;
beforeEach(async () => {
  w = await openWorld("memory");
});
afterEach(async () => {
  await w.close();
});

describe("API keys", () => {
  it("hashKey is SHA-256 in hex (answer computed with `openssl dgst -sha256`)", () => {
    expect(hashKey("crm_test-key")).toBe("d55b2aeb88f6d099f7e7873c7e8697d8b9479ca66072f24930db9728c830535c");
  });

  it("makes a prefixed random key, keeps only its hash and a short prefix (guard: hashKey on insert)", async () => {
    const made = await w.tenants.createApiKey(w.actor, "  laptop  ");
    expect(made.name).toBe("laptop");
    expect(made.key).toMatch(/^crm_[A-Za-z0-9_-]{32}$/);
    expect(made.key.startsWith(KEY_PREFIX)).toBe(true);
    const stored = await w.store.read((tx) => tx.tenants.keyByHash(hashKey(made.key)));
    expect(stored).toMatchObject({
      id: made.id,
      userId: w.actor.userId,
      companyId: w.actor.companyId,
      name: "laptop",
      prefix: made.key.slice(0, 8),
      lastUsedAt: null,
    });
    expect(JSON.stringify(stored)).not.toContain(made.key);
    expect(await w.store.read((tx) => tx.tenants.keyByHash(made.key))).toBeUndefined();
    const other = await w.tenants.createApiKey(w.actor, "second");
    expect(other.key).not.toBe(made.key);
  });

  it("authenticates a key as its user and company, trimmed; anything else is no one (guard: authenticate)", async () => {
    const { key } = await w.tenants.createApiKey(w.actor, "k");
    expect(await w.tenants.authenticate(key)).toEqual(w.actor);
    expect(await w.tenants.authenticate(` ${key}\n`)).toEqual(w.actor);
    for (const bad of [null, undefined, "", `${key}x`, key.slice(0, -1), hashKey(key), key.toUpperCase()])
      expect(await w.tenants.authenticate(bad)).toBeNull();
  });

  it("a key acts for the user it was made for, not for the company's owner", async () => {
    const member = await w.tenants.createUser(w.actor, "Member", "m@example.com");
    expect(member).toMatchObject({ companyId: w.actor.companyId, role: "member", email: "m@example.com" });
    const actor = { userId: member.id, companyId: member.companyId };
    const { key } = await w.tenants.createApiKey(actor, "member key");
    expect(await w.tenants.authenticate(key)).toEqual(actor);
    expect(await w.tenants.hasApiKeys(actor)).toBe(true);
    expect(await w.tenants.hasApiKeys(w.actor)).toBe(false);
  });

  it("refuses an empty or over-long name, and a user that does not exist; writes nothing", async () => {
    for (const name of ["", "   "])
      await expect(w.tenants.createApiKey(w.actor, name)).rejects.toThrow(/name: must not be empty/);
    await expect(w.tenants.createApiKey(w.actor, "x".repeat(101))).rejects.toThrow(ValidationError);
    expect((await w.tenants.createApiKey(w.actor, "x".repeat(100))).name).toHaveLength(100);
    const ghost = { userId: "usr_ghost", companyId: w.actor.companyId };
    await expect(w.tenants.createApiKey(ghost, "k")).rejects.toThrow(NotFoundError);
    expect(await w.tenants.hasApiKeys(ghost)).toBe(false);
    // A user of another company is not found under this company's id.
    const other = await w.tenants.createCompany("Other", "Eve");
    await expect(
      w.tenants.createApiKey({ userId: other.userId, companyId: w.actor.companyId }, "k"),
    ).rejects.toThrow(NotFoundError);
  });
});

describe("companies and users", () => {
  it("the local owner is made once and found again", async () => {
    expect(await w.tenants.localOwner()).toEqual(w.actor);
    await w.tenants.createCompany("Second", "Someone");
    expect(await w.tenants.localOwner()).toEqual(w.actor);
    expect(await w.tenants.company(w.actor)).toMatchObject({ id: w.actor.companyId, name: "Local company" });
    expect(await w.tenants.currentUser(w.actor)).toMatchObject({
      id: w.actor.userId,
      name: "Local owner",
      role: "owner",
    });
  });

  it("keeps each company's users to itself", async () => {
    const other = await w.tenants.createCompany("Other", "Eve", "eve@example.com");
    await w.tenants.createUser(w.actor, "Member");
    expect((await w.tenants.users(w.actor)).map((u) => u.name).sort()).toEqual(["Local owner", "Member"]);
    expect(await w.tenants.users(other)).toEqual([
      expect.objectContaining({ name: "Eve", email: "eve@example.com", role: "owner" }),
    ]);
    await expect(
      w.tenants.currentUser({ userId: other.userId, companyId: w.actor.companyId }),
    ).rejects.toThrow(NotFoundError);
    await expect(w.tenants.company({ userId: w.actor.userId, companyId: "co_nope" })).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe("first start", () => {
  it("two callers racing for the local owner get the same one (guard: the second look inside the write)", async () => {
    const { openStore } = await import("../src/store/index.js");
    const { TenantService } = await import("../src/tenants/service.js");
    const store = await openStore({ dbPath: ":memory:" });
    try {
      const tenants = new TenantService(store);
      const [a, b] = await Promise.all([tenants.localOwner(), tenants.localOwner()]);
      expect(b).toEqual(a);
      expect(a.userId).toMatch(/^usr_/);
      expect(a.companyId).toMatch(/^co_/);
      expect(await tenants.users(a)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it("names what was not found, and gives each kind of row its id prefix", async () => {
    const member = await w.tenants.createUser(w.actor, "Member");
    expect(member.id).toMatch(/^usr_/);
    expect((await w.tenants.createApiKey(w.actor, "k")).id).toMatch(/^key_/);
    const other = await w.tenants.createCompany("Other", "Eve");
    expect([other.userId, other.companyId]).toEqual([
      expect.stringMatching(/^usr_/),
      expect.stringMatching(/^co_/),
    ]);
    const ghost = { userId: "usr_ghost", companyId: w.actor.companyId };
    await expect(w.tenants.createApiKey(ghost, "k")).rejects.toThrow('no user with id "usr_ghost"');
    await expect(w.tenants.currentUser(ghost)).rejects.toThrow('no user with id "usr_ghost"');
    await expect(w.tenants.company({ ...ghost, companyId: "co_gone" })).rejects.toThrow(
      'no company with id "co_gone"',
    );
  });
});
