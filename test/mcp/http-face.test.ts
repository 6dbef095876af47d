/**
 * The HTTP face's wiring, each server started inside its test: OAuth on or off from the
 * options and the configuration, the public address from the listening one, the tool
 * selection of an API key, the SDK's path and its error log, SSE session owners, an OAuth
 * token sent as x-api-key, forwarded headers without a proxy, the REST refusal, the 500
 * outside any tool, close().
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import { oauthRefusal, startHttpServer } from "../../src/http/server.js";
import { accessToken, authorizationUrl, pkcePair, registerClient } from "../support/oauth.js";
import { openSseSession } from "../support/sse.js";
import { type FaceApp, openFaceApp } from "./face-app.js";

type Http = Awaited<ReturnType<typeof startHttpServer>>;
const opened: FaceApp[] = [];
const servers: Http[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const t of opened.splice(0)) await t.close();
});

async function open(
  options: Partial<Parameters<typeof startHttpServer>[1]> = {},
  config: Pick<Config, "oauth" | "publicUrl"> = {},
) {
  const t = await openFaceApp(config);
  opened.push(t);
  const http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0, ...options });
  servers.push(http);
  const key = (await t.app.tenants.createApiKey(t.owner, "k")).key;
  return { ...t, http, key, base: http.url.replace("0.0.0.0", "127.0.0.1") };
}

const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });

/** A tools/list to a server whose store is closed: it fails outside any tool, with a 500. */
async function failOutsideAnyTool(options: Partial<Parameters<typeof startHttpServer>[1]> = {}) {
  const { app, base, key } = await open(options);
  await app.store.close();
  const r = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, authorization: `Bearer ${key}` },
    body: LIST,
    signal: AbortSignal.timeout(5000),
  });
  expect([r.status, await r.json()]).toEqual([500, { error: "Internal error" }]);
}

/** The challenge of a POST /mcp without a key. */
async function challenge(base: string): Promise<string | null> {
  const r = await fetch(`${base}/mcp`, { method: "POST", headers: MCP_HEADERS, body: LIST });
  expect(r.status).toBe(401);
  return r.headers.get("www-authenticate");
}

/** The record URL the REST API gives a new contact, if any. */
async function newContactUrl(base: string, key: string): Promise<string | undefined> {
  const r = await fetch(`${base}/api/v1/contacts`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ contacts: [{ firstName: "Ada" }] }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { items: { url?: string }[] }).items[0]!.url;
}

describe("OAuth on or off", () => {
  // Fails when a loopback public URL is accepted for a server that is not on loopback.
  it("oauthRefusal: a public URL on loopback is fine only when the server is on loopback too", () => {
    expect(oauthRefusal("127.0.0.1", "http://localhost:8080")).toBeNull();
    expect(oauthRefusal("0.0.0.0", "http://localhost:8080")).toMatch(
      /^OAuth needs HTTPS when serving on 0\.0\.0\.0/,
    );
    expect(oauthRefusal("127.0.0.1", "http://crm.example.com")).toMatch(/^OAuth needs HTTPS/);
  });

  // Fails when the options and the configuration are combined otherwise than option ?? config ?? on.
  it("takes the configuration's CRM_OAUTH=0 when the options say nothing, and the options over it", async () => {
    const off = await open({}, { oauth: false });
    expect(await challenge(off.base)).toBe('Bearer realm="crm-mcp"');
    const on = await open({ oauth: true }, { oauth: false });
    expect(await challenge(on.base)).toBe(
      `Bearer realm="crm-mcp", resource_metadata="${on.base}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  // Fails when OAuth starts because an address is known although it is off.
  it("serves no OAuth when the options turn it off on loopback, where the address is known", async () => {
    const { base } = await open({ oauth: false });
    expect(await challenge(base)).toBe('Bearer realm="crm-mcp"');
    expect((await fetch(`${base}/.well-known/oauth-protected-resource/mcp`)).status).toBe(404);
  });

  // Fails without the CORS header on the resource metadata.
  it("serves the resource metadata to any origin (CORS *)", async () => {
    const { base } = await open();
    const r = await fetch(`${base}/.well-known/oauth-protected-resource/mcp`);
    expect(r.status).toBe(200);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await r.json()) as { resource: string }).resource).toBe(`${base}/mcp`);
  });
});

describe("forwarded headers", () => {
  /** The cookies the authorization endpoint sets, asked as if through a TLS proxy. */
  async function authorizeCookies(base: string): Promise<string[]> {
    const clientId = await registerClient(base);
    const r = await fetch(authorizationUrl(base, clientId, pkcePair().challenge), {
      redirect: "manual",
      headers: { "x-forwarded-proto": "https" },
    });
    expect(r.status).toBe(303);
    return r.headers.getSetCookie();
  }

  // Fails when the provider trusts X-Forwarded-Proto without CRM_PUBLIC_URL (cookies marked Secure).
  it("are not trusted without CRM_PUBLIC_URL: no proxy is said to be in front", async () => {
    const { base } = await open();
    const cookies = await authorizeCookies(base);
    expect(cookies.length).toBeGreaterThan(0);
    for (const c of cookies) expect(c.toLowerCase()).not.toContain("; secure");
  });
});

describe("the public address", () => {
  // Fails when the listening address replaces a configured public URL, or REST gets no address.
  it("keeps CRM_PUBLIC_URL over the listening address, in the challenge and in record links", async () => {
    const { base, key } = await open({}, { publicUrl: "https://crm.example.com" });
    expect(await challenge(base)).toBe(
      'Bearer realm="crm-mcp", resource_metadata="https://crm.example.com/.well-known/oauth-protected-resource/mcp"',
    );
    expect(await newContactUrl(base, key)).toMatch(/^https:\/\/crm\.example\.com\/records\/ct_/);
  });

  // Fails when REST is not given the public address.
  it("is the listening address on loopback: REST results link records to it", async () => {
    const { base, key } = await open();
    expect(await newContactUrl(base, key)).toMatch(new RegExp(`^${base}/records/ct_`));
  });

  // Fails when 0.0.0.0 or :: is taken for an address anyone can open.
  it("is unknown on 0.0.0.0 or ::, where no one can open it: no record links", async () => {
    const any4 = await open({ host: "0.0.0.0", oauth: false });
    expect(await newContactUrl(any4.base, any4.key)).toBeUndefined();
    const any6 = await open({ host: "::", oauth: false });
    const six = any6.http.url.replace("[::]", "[::1]");
    expect(await newContactUrl(six, any6.key)).toBeUndefined();
  });
});

describe("/mcp", () => {
  // Fails when an API key's requests ignore the server's selection.
  it("lists an API key the server's tool selection", async () => {
    const { base, key } = await open({ selection: { readOnly: true } });
    const client = new Client({ name: "t", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    const tools = (await client.listTools()).tools.map((x) => x.name);
    await client.close();
    expect(tools).toContain("get_entities");
    expect(tools).not.toContain("create_contacts");
  });

  // Fails when the SDK handler's factory gives no instance (500).
  it("serves a batch through the SDK's handler with an instance from the pool", async () => {
    const { base, key } = await open();
    const r = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${key}` },
      body: `[${LIST}]`,
    });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toContain('"name":"get_entities"');
  });

  // Fails when the SDK handler's errors are not passed to the log as "mcp: ...".
  it("logs what the SDK's handler refuses, as 'mcp: ...'", async () => {
    const logs: string[] = [];
    const { base, key } = await open({ log: (m) => logs.push(m) });
    const r = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${key}`, "mcp-protocol-version": "2026-07-28" },
      body: LIST,
    });
    expect(r.status).toBe(400);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^mcp: Rejected inbound request \(modern-header-without-claim\)/);
  });

  // Fails when a token in x-api-key is checked as an OAuth token.
  it("refuses an OAuth access token sent as x-api-key: tokens go in Authorization only", async () => {
    const { base, key } = await open();
    const { access } = await accessToken(base, key, ["crm:read"]);
    const asKey = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, "x-api-key": access },
      body: LIST,
    });
    expect(asKey.status).toBe(401);
    const asBearer = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${access}` },
      body: LIST,
    });
    expect(asBearer.status).toBe(200);
  });
});

describe("SSE sessions", () => {
  // Fails when sessions have no owner: a colleague's POST reaches the session.
  it("take messages from the user who opened them, not from a colleague", async () => {
    const { app, owner, base, key } = await open();
    const colleague = await app.tenants.createUser(owner, "Colleague");
    const other = (await app.tenants.createApiKey({ userId: colleague.id, companyId: owner.companyId }, "c"))
      .key;
    const session = await openSseSession(base, key);
    try {
      const post = (apiKey: string) =>
        fetch(new URL(session.endpoint, base), {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: LIST,
        });
      const refused = await post(other);
      expect(refused.status).toBe(404);
      expect(await refused.json()).toEqual({ error: "Unknown sessionId: open a stream with GET /sse first" });
      expect((await post(key)).status).toBe(202);
    } finally {
      session.close();
    }
  });
});

describe("errors and close", () => {
  // Fails when the REST API is given no refusal (500 instead of 401).
  it("REST refuses a request without a key with the challenge", async () => {
    const { base } = await open();
    const r = await fetch(`${base}/api/v1/contacts`);
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer realm="crm-mcp", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(JSON.stringify(await r.json())).toMatch(/Unauthorized: send an API key/);
  });

  // Fails when the error is not logged with its stack.
  it("answers 500 and logs 'http: ' with the stack when a request fails outside any tool", async () => {
    const logs: string[] = [];
    await failOutsideAnyTool({ log: (m) => logs.push(m) });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^http: \w*Error: .*\n\s+at /);
  });

  // Fails when the log call assumes a log: the catch throws and nothing answers.
  it("answers that 500 without a log too", async () => {
    await failOutsideAnyTool();
  });

  // Fails when the OAuth server's failure is swallowed and the server starts without it.
  it("rejects when the OAuth server cannot start (the store is gone)", async () => {
    const t = await openFaceApp();
    opened.push(t);
    await t.app.store.close();
    await expect(startHttpServer(t.app, { host: "127.0.0.1", port: 0 })).rejects.toThrow();
  });

  // Fails when close() leaves the server listening.
  it("stops listening once closed", async () => {
    const { http, base } = await open();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    await http.close();
    servers.splice(servers.indexOf(http), 1);
    expect(http.server.listening).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
