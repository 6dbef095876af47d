import { createHash } from "node:crypto";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/events/recorder.js";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { accessToken, browse, CookieJar, mcpCall } from "../support/oauth.js";

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let keyA: string;
let keyB: string;
let b: Actor;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  keyA = (await t.app.tenants.createApiKey(t.owner, "browser")).key;
  b = await t.app.tenants.createCompany("Other Co", "Eve");
  keyB = (await t.app.tenants.createApiKey(b, "browser")).key;
});
afterAll(async () => {
  await http?.close();
  await t?.close();
});

async function clientWith(token: string) {
  const client = new Client({ name: "oauth-test", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read results freely
async function call(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
  // biome-ignore lint/suspicious/noExplicitAny: result shape
  const r = (await client.callTool({ name, arguments: args })) as any;
  return { isError: Boolean(r.isError), text: r.content?.[0]?.text ?? "", data: r.structuredContent };
}

async function signedIn(key: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const r = await browse(jar, `${http.url}/login`, { key });
  expect(r.status).toBe(303);
  return jar;
}

describe("two companies", () => {
  it("a token of one company never sees the other's records", async () => {
    const a = await clientWith((await accessToken(http.url, keyA)).access);
    const other = await clientWith((await accessToken(http.url, keyB)).access);
    const made = await call(a, "create_contacts", {
      contacts: [{ firstName: "Zebulon", lastName: "Quartz" }],
    });
    expect(made.isError, made.text).toBe(false);
    const id = JSON.stringify(made.data).match(/"(ct_[a-z0-9]+)"/)?.[1];
    expect(id).toBeTruthy();

    const mine = await call(a, "search_all_entities", { searchTerm: "Zebulon" });
    expect(JSON.stringify(mine.data)).toContain(id);
    const theirs = await call(other, "search_all_entities", { searchTerm: "Zebulon" });
    expect(theirs.isError).toBe(false);
    expect(JSON.stringify(theirs.data)).not.toContain(id);
    const read = await call(other, "get_entities", { items: [{ entity: "contact", id }] });
    expect(JSON.stringify(read)).not.toContain("Quartz");
    await a.close();
    await other.close();
  });
});

describe("the store", () => {
  it("keeps access and refresh tokens only as their SHA-256", async () => {
    const { access, refresh } = await accessToken(http.url, keyA);
    const rows = await t.app.store.read(async (tx) => {
      const all = [];
      for (const model of ["AccessToken", "RefreshToken", "AuthorizationCode", "Grant", "Session"]) {
        all.push(...(await tx.oauth.ofUser(model, t.owner.userId, Date.now())));
      }
      return all;
    });
    const text = JSON.stringify(rows);
    expect(rows.some((r) => r.model === "AccessToken")).toBe(true);
    expect(rows.some((r) => r.model === "RefreshToken")).toBe(true);
    expect(text).not.toContain(access);
    expect(text).not.toContain(refresh);
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    expect(rows.map((r) => r.key)).toContain(sha(access));
    expect(rows.map((r) => r.key)).toContain(sha(refresh));
  });
});

describe("Connected apps", () => {
  it("lists the user's authorized clients, not another company's, and revokes one", async () => {
    const { access } = await accessToken(http.url, keyA, ["crm:read"]);
    const { access: accessB } = await accessToken(http.url, keyB, ["webhooks:read"]);
    const jar = await signedIn(keyA);
    const page = await browse(jar, `${http.url}/apps`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("Raw client");
    expect(page.text).toContain("crm:read");
    expect(page.text).not.toContain("webhooks:read");

    const forms = [...page.text.matchAll(/action="(\/apps\/[^"]+\/revoke)"/g)].map((m) => m[1]!);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
    // Another company's grant cannot be revoked from here, even by its id.
    const jarB = await signedIn(keyB);
    const pageB = await browse(jarB, `${http.url}/apps`);
    const grantB = /action="(\/apps\/[^"]+\/revoke)"/.exec(pageB.text)![1]!;
    await browse(jar, `${http.url}${grantB}`, { csrf });
    expect((await mcpCall(http.url, accessB, "tools/list")).status).toBe(200);

    for (const action of forms) {
      const r = await browse(jar, `${http.url}${action}`, { csrf });
      expect(r.status).toBe(303);
    }
    const after = await mcpCall(http.url, access, "tools/list");
    expect(after.status).toBe(401);
    expect(after.challenge).toContain('error="invalid_token"');
    expect((await browse(jar, `${http.url}/apps`)).text).toContain("No application is connected");
  });

  it("refuses a revoke without the session's CSRF token", async () => {
    const { access } = await accessToken(http.url, keyA, ["crm:read"]);
    const jar = await signedIn(keyA);
    const page = await browse(jar, `${http.url}/apps`);
    const action = /action="(\/apps\/[^"]+\/revoke)"/.exec(page.text)![1]!;
    const r = await browse(jar, `${http.url}${action}`, { csrf: "forged" });
    expect(r.status).toBe(403);
    expect((await mcpCall(http.url, access, "tools/list")).status).toBe(200);
  });
});
