import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import {
  accessToken,
  authorizationUrl,
  browse,
  CALLBACK,
  CookieJar,
  consent,
  mcpCall,
  pkcePair,
  registerClient,
  tokenRequest,
} from "../support/oauth.js";

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let key: string;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  key = (await t.app.tenants.createApiKey(t.owner, "browser")).key;
});
afterAll(async () => {
  await http?.close();
  await t?.close();
});

async function clientWith(token: string, base = http.url) {
  const client = new Client({ name: "oauth-test", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

const LIST = "tools/list";

/** The 401 a refused token gets: the challenge says invalid_token, the body says why. */
async function expectRefused(token: string, why: RegExp, base = http.url) {
  const r = await mcpCall(base, token, LIST);
  expect(r.status).toBe(401);
  expect(r.challenge).toContain('error="invalid_token"');
  expect(r.challenge).toContain(`resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`);
  expect(String(r.body.error)).toMatch(why);
}

async function codeFor(clientId: string, challenge: string): Promise<string> {
  const { callback } = await consent(authorizationUrl(http.url, clientId, challenge), key, {
    scopes: ["crm:read"],
  });
  return callback.searchParams.get("code")!;
}

describe("scopes", () => {
  it("lists and runs only the read tools for a crm:read token; create_contacts is refused", async () => {
    const { access } = await accessToken(http.url, key, ["crm:read"]);
    const client = await clientWith(access);
    const tools = (await client.listTools()).tools.map((x) => x.name);
    expect(tools).toContain("get_entities");
    expect(tools).not.toContain("create_contacts");
    expect(tools.some((n) => n.includes("webhook"))).toBe(false);
    const before = (await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId))).length;
    const r = (await client
      .callTool({ name: "create_contacts", arguments: { contacts: [{ firstName: "Mallory" }] } })
      .catch((e: Error) => ({ isError: true, content: [{ text: e.message }] }))) as {
      isError?: boolean;
      content: { text: string }[];
    };
    expect(r.isError).toBe(true);
    expect(r.content[0]!.text).toMatch(/create_contacts/);
    expect((await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId))).length).toBe(before);
    await client.close();
  });

  it("gives a webhooks:read token the webhook reads and no CRM tool", async () => {
    const { access } = await accessToken(http.url, key, ["webhooks:read"]);
    const client = await clientWith(access);
    const tools = (await client.listTools()).tools.map((x) => x.name);
    expect(tools).toContain("list_webhooks");
    expect(tools).not.toContain("create_webhook");
    expect(tools).not.toContain("get_entities");
    await client.close();
  });
});

describe("scopes on the REST API", () => {
  it("lets a crm:read token read contacts over /api/v1 and refuses its writes and webhook routes", async () => {
    const { access } = await accessToken(http.url, key, ["crm:read"]);
    const headers = { authorization: `Bearer ${access}`, "content-type": "application/json" };
    const listed = await fetch(`${http.url}/api/v1/contacts`, { headers });
    expect(listed.status).toBe(200);
    const before = (await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId))).length;
    const created = await fetch(`${http.url}/api/v1/contacts`, {
      method: "POST",
      headers,
      body: JSON.stringify({ contacts: [{ firstName: "Mallory" }] }),
    });
    expect(created.status).toBe(403);
    expect(created.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect((await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId))).length).toBe(before);
    const hooks = await fetch(`${http.url}/api/v1/webhooks`, { headers });
    expect(hooks.status).toBe(403);
  });

  it("lets a crm:write token write over /api/v1", async () => {
    const { access } = await accessToken(http.url, key, ["crm:read", "crm:write"]);
    const created = await fetch(`${http.url}/api/v1/contacts`, {
      method: "POST",
      headers: { authorization: `Bearer ${access}`, "content-type": "application/json" },
      body: JSON.stringify({ contacts: [{ firstName: "Grace", lastName: "Hopper" }] }),
    });
    expect(created.status).toBe(201);
  });
});

describe("refused tokens", () => {
  it("refuses an expired access token", async () => {
    const { access } = await accessToken(http.url, key);
    expect((await mcpCall(http.url, access, LIST)).status).toBe(200);
    // Age every access token of the user past its expiry, in the store itself.
    await t.app.store.write(async (tx) => {
      for (const row of await tx.oauth.ofUser("AccessToken", t.owner.userId, Date.now())) {
        await tx.oauth.upsert({ ...row, expiresAt: Date.now() - 1000 });
      }
    });
    await expectRefused(access, /unknown, expired or revoked/);
  });

  it("refuses a revoked access token (RFC 7009)", async () => {
    const { access, clientId } = await accessToken(http.url, key);
    expect((await mcpCall(http.url, access, LIST)).status).toBe(200);
    const r = await fetch(`${http.url}/oauth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: access, client_id: clientId }).toString(),
    });
    expect(r.status).toBe(200);
    await expectRefused(access, /unknown, expired or revoked/);
  });

  it("refuses a token issued for another resource", async () => {
    // A second server on the same database is another resource: its tokens name its own URL.
    const other = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
    try {
      const { access } = await accessToken(other.url, key);
      expect((await mcpCall(other.url, access, LIST)).status).toBe(200);
      await expectRefused(access, /issued for another resource/);
    } finally {
      await other.close();
    }
  });

  it("refuses a made-up token", async () => {
    await expectRefused("not-a-token-at-all", /unknown, expired or revoked/);
  });
});

describe("refused authorization and token requests", () => {
  it("refuses a code used twice", async () => {
    const clientId = await registerClient(http.url);
    const { verifier, challenge } = pkcePair();
    const code = await codeFor(clientId, challenge);
    const exchange = {
      grant_type: "authorization_code",
      code,
      redirect_uri: CALLBACK,
      client_id: clientId,
      code_verifier: verifier,
    };
    const first = await tokenRequest(http.url, exchange);
    expect(first.status).toBe(200);
    const second = await tokenRequest(http.url, exchange);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe("invalid_grant");
    // A replayed code ends what the first exchange gave too.
    await expectRefused(first.body.access_token!, /unknown, expired or revoked/);
  });

  it("refuses a PKCE verifier that does not match the challenge", async () => {
    const clientId = await registerClient(http.url);
    const { challenge } = pkcePair();
    const code = await codeFor(clientId, challenge);
    const r = await tokenRequest(http.url, {
      grant_type: "authorization_code",
      code,
      redirect_uri: CALLBACK,
      client_id: clientId,
      code_verifier: pkcePair().verifier,
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("invalid_grant");
    expect(r.body.access_token).toBeUndefined();
  });

  it("refuses a redirect_uri the client did not register, without redirecting to it", async () => {
    const clientId = await registerClient(http.url);
    const url = authorizationUrl(http.url, clientId, pkcePair().challenge, {
      redirect_uri: "http://127.0.0.1:9/elsewhere",
    });
    const r = await browse(new CookieJar(), url.href);
    expect(r.status).toBe(400);
    expect(r.location).toBeNull();
    expect(r.text).toMatch(/redirect_uri/);
  });

  it("refuses the plain PKCE method", async () => {
    const clientId = await registerClient(http.url);
    const { verifier } = pkcePair();
    const url = authorizationUrl(http.url, clientId, verifier, { code_challenge_method: "plain" });
    const r = await browse(new CookieJar(), url.href);
    const back = new URL(r.location ?? "http://x/");
    expect(r.status).toBe(303);
    expect(back.href.startsWith(CALLBACK)).toBe(true);
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("error_description")).toMatch(/code_challenge_method/);
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("refuses an authorization without PKCE", async () => {
    const clientId = await registerClient(http.url);
    const url = authorizationUrl(http.url, clientId, "x");
    url.searchParams.delete("code_challenge");
    url.searchParams.delete("code_challenge_method");
    const back = new URL((await browse(new CookieJar(), url.href)).location ?? "http://x/");
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("error_description")).toMatch(/requires PKCE/);
  });

  it("answers access_denied when the person denies", async () => {
    const clientId = await registerClient(http.url);
    const url = authorizationUrl(http.url, clientId, pkcePair().challenge);
    const { callback } = await consent(url, key, { decision: "deny" });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("code")).toBeNull();
  });
});
