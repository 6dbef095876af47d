import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../src/domain/errors.js";
import type { TenantService } from "../src/tenants/service.js";
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
    expect(await tenants.revokeApiKey(key.id)).toMatchObject({ id: key.id, name: "lost laptop" });
    expect(await tenants.authenticate(key.key)).toBeNull();
    expect(await tenants.authenticate(kept.key)).toEqual(t.owner);
    await refuses(() => tenants.revokeApiKey(key.id), "id", /no API key with id "key_\w+" exists/);
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
