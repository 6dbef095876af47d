import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../src/domain/errors.js";
import { KEY_CACHE_MS, LAST_USED_EVERY_MS, TenantService } from "../src/tenants/service.js";
import { openTestApp, type TestApp } from "./support/app.js";

let t: TestApp;
let tenants: TenantService;
beforeEach(async () => {
  t = await openTestApp({ dispatch: false });
  tenants = t.app.tenants;
});
afterEach(async () => {
  await t.close();
});

/** Everything the tenant tables hold, to show that a refused call wrote nothing. */
async function snapshot() {
  const companies = await tenants.companies();
  const users = (await Promise.all(companies.map((c) => tenants.usersIn(c.id)))).flat();
  return { companies, users, keys: await tenants.listApiKeys() };
}

async function refuses(work: () => Promise<unknown>, field: string, message: RegExp) {
  const before = await snapshot();
  const error = await work().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).field).toBe(field);
  expect((error as Error).message).toMatch(message);
  expect(await snapshot()).toEqual(before);
}

describe("companies, users and keys without SQL", () => {
  it("makes a second company whose key acts in it alone", async () => {
    const acme = await tenants.createCompany("Acme Ltd", "Ada", "ada@acme.io");
    const bob = await tenants.createUserIn(acme.companyId, { name: "Bob", email: "bob@acme.io" });
    expect(bob).toMatchObject({ companyId: acme.companyId, role: "member", email: "bob@acme.io" });
    const key = await tenants.createApiKeyForUser(bob.id, "bob's agent");
    expect(await tenants.authenticate(key.key)).toEqual({ userId: bob.id, companyId: acme.companyId });
    expect((await tenants.companies()).map((c) => c.name)).toEqual(["Local company", "Acme Ltd"]);
    expect((await tenants.usersIn(acme.companyId)).map((u) => [u.name, u.role])).toEqual([
      ["Ada", "owner"],
      ["Bob", "member"],
    ]);
  });

  it("lists keys without their secret, by company and by user", async () => {
    const local = await tenants.createApiKey(t.owner, "laptop");
    const acme = await tenants.createCompany("Acme", "Ada");
    const theirs = await tenants.createApiKey(acme, "ci");
    const all = await tenants.listApiKeys();
    expect(all.map((k) => k.id)).toEqual([local.id, theirs.id]);
    for (const k of all) {
      expect(Object.keys(k)).not.toContain("hash");
      expect(JSON.stringify(k)).not.toContain(k.id === local.id ? local.key : theirs.key);
      expect((k.id === local.id ? local.key : theirs.key).startsWith(k.prefix)).toBe(true);
    }
    expect((await tenants.listApiKeys({ companyId: acme.companyId })).map((k) => k.id)).toEqual([theirs.id]);
    expect((await tenants.listApiKeys({ userId: t.owner.userId })).map((k) => k.id)).toEqual([local.id]);
  });

  it("revokes a key at once, and only once", async () => {
    const key = await tenants.createApiKey(t.owner, "lost laptop");
    const kept = await tenants.createApiKey(t.owner, "desk");
    // Found once, so its lookup is trusted for a while: the revoke must forget it here.
    expect(await tenants.authenticate(key.key)).toEqual(t.owner);
    expect(await tenants.revokeApiKey(key.id)).toMatchObject({ id: key.id, name: "lost laptop" });
    expect(await tenants.authenticate(key.key)).toBeNull();
    expect(await tenants.authenticate(kept.key)).toEqual(t.owner);
    await refuses(() => tenants.revokeApiKey(key.id), "id", /no API key with id "key_\w+" exists/);
  });

  it("a lookup that overlaps a revoke is not trusted afterwards", async () => {
    // Lookups started before, during and after each revoke: without the revoke count, one that
    // read the key before the commit and ended after it would cache it for KEY_CACHE_MS.
    const keys = await Promise.all(
      Array.from({ length: 12 }, (_, i) => tenants.createApiKey(t.owner, `k${i}`)),
    );
    await Promise.all(
      keys.map(async (k) => {
        const lookups = [tenants.authenticate(k.key)];
        const revoke = tenants.revokeApiKey(k.id);
        lookups.push(tenants.authenticate(k.key));
        await revoke;
        await Promise.all(lookups);
      }),
    );
    for (const k of keys) expect(await tenants.authenticate(k.key)).toBeNull();
  });

  it("refuses bad input by field, before any write", async () => {
    const long = "x".repeat(201);
    await refuses(() => tenants.createCompany("", "Ada"), "name", /must not be empty/);
    await refuses(() => tenants.createCompany(long, "Ada"), "name", /the limit is 100/);
    await refuses(() => tenants.createCompany("Acme", long), "ownerName", /the limit is 100/);
    await refuses(() => tenants.createCompany("Acme", "Ada", "ada"), "ownerEmail", /email address/);
    await refuses(
      () => tenants.createCompany("Acme", "Ada", `${"a".repeat(250)}@x.io`),
      "ownerEmail",
      /the limit is 254/,
    );
    await refuses(() => tenants.createUserIn("co_nope", { name: "Bob" }), "company", /no company with id/);
    await refuses(() => tenants.createUserIn("usr_x", { name: "Bob" }), "company", /starts with co_/);
    await refuses(() => tenants.createUserIn("co_x".repeat(20), { name: "B" }), "company", /the limit is 64/);
    await refuses(
      () => tenants.createUserIn(t.owner.companyId, { name: "Bob", role: "admin" as "member" }),
      "role",
      /not one of "owner", "member"/,
    );
    await refuses(() => tenants.createApiKey(t.owner, long), "name", /the limit is 100/);
    await refuses(() => tenants.createApiKeyForUser("usr_nope", "ci"), "user", /no user with id/);
    await refuses(() => tenants.createApiKeyForUser(t.owner.userId, " "), "name", /must not be empty/);
    await refuses(() => tenants.listApiKeys({ companyId: "acme" }), "company", /starts with co_/);
    await refuses(() => tenants.revokeApiKey("usr_x"), "id", /starts with key_/);
  });
});

describe("a key's lookup and its last use", () => {
  const START = Date.parse("2026-03-01T09:00:00.000Z");
  const lastUsedOf = async (id: string) => (await tenants.listApiKeys()).find((k) => k.id === id)!.lastUsedAt;

  it("a key revoked by another process is refused once its lookup here is KEY_CACHE_MS old", async () => {
    let now = START;
    // Another node on the same database: its own service, its own clock.
    const node = new TenantService(t.app.store, () => now);
    const made = await tenants.createApiKey(t.owner, "two nodes");
    expect(await node.authenticate(made.key)).toEqual(t.owner);
    await tenants.revokeApiKey(made.id);
    now += KEY_CACHE_MS - 1;
    expect(await node.authenticate(made.key)).toEqual(t.owner);
    now += 1;
    expect(await node.authenticate(made.key)).toBeNull();
    // A key never found is asked for each time, so a key made elsewhere works at once.
    const later = await tenants.createApiKey(t.owner, "made elsewhere");
    expect(await node.authenticate(`${later.key}x`)).toBeNull();
    expect(await node.authenticate(later.key)).toEqual(t.owner);
    await node.flushUses();
  });

  it("writes lastUsedAt on a key's first use, then at most once every LAST_USED_EVERY_MS", async () => {
    let now = START;
    const node = new TenantService(t.app.store, () => now);
    const made = await tenants.createApiKey(t.owner, "used");
    const idle = await tenants.createApiKey(t.owner, "never used");
    expect(await lastUsedOf(made.id)).toBeNull();

    const use = async (ms: number) => {
      now = START + ms;
      expect(await node.authenticate(made.key)).toEqual(t.owner);
      await node.flushUses();
    };
    await use(0);
    expect(await lastUsedOf(made.id)).toBe("2026-03-01T09:00:00.000Z");
    await use(1);
    await use(KEY_CACHE_MS + 1);
    await use(LAST_USED_EVERY_MS - 1);
    expect(await lastUsedOf(made.id)).toBe("2026-03-01T09:00:00.000Z");
    await use(LAST_USED_EVERY_MS);
    expect(await lastUsedOf(made.id)).toBe("2026-03-01T09:01:00.000Z");
    expect(await lastUsedOf(idle.id)).toBeNull();

    // A node started later reads the last use from the store and does not write it again early.
    const restarted = new TenantService(t.app.store, () => now);
    now = START + LAST_USED_EVERY_MS + 30_000;
    await restarted.authenticate(made.key);
    await restarted.flushUses();
    expect(await lastUsedOf(made.id)).toBe("2026-03-01T09:01:00.000Z");
    // Nor does a node whose clock is behind move it back.
    const behind = new TenantService(t.app.store, () => START);
    await behind.authenticate(made.key);
    await behind.flushUses();
    expect(await lastUsedOf(made.id)).toBe("2026-03-01T09:01:00.000Z");
  });
});
