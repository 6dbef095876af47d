/**
 * CRM_PUBLIC_URL with a path (https://crm.example.com/crm), behind a reverse proxy that takes
 * /crm off before the request reaches the server: every address OAuth hands out carries the
 * prefix, and the metadata answers at each place a client looks for it.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { ENGINE } from "../support/engine.js";
import { CALLBACK, consent, MemoryOAuthClient, pkcePair } from "../support/oauth.js";

const PUBLIC = "https://crm.example.com/crm";
/** What the proxy adds to each request it forwards. */
const FORWARDED = { "x-forwarded-proto": "https", "x-forwarded-host": "crm.example.com" };

let t: TestApp;
let s: Awaited<ReturnType<typeof startHttpServer>>;
let base: string;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  const app = { ...t.app, config: { ...t.app.config, publicUrl: PUBLIC } };
  s = await startHttpServer(app, { host: "0.0.0.0", port: 0 });
  base = s.url.replace("0.0.0.0", "127.0.0.1");
});
afterAll(async () => {
  await s?.close();
  await t?.close();
});

/** The request as the proxy forwards it: `path` is what is left of the public path. */
function viaProxy(path: string, init: RequestInit = {}) {
  return fetch(`${base}${path}`, {
    redirect: "manual",
    ...init,
    headers: { ...FORWARDED, ...(init.headers as Record<string, string>) },
  });
}

/** The path the server sees for a public URL: the prefix taken off, when it starts with it. */
function forwardedPath(publicUrl: string): string {
  const { pathname, search } = new URL(publicUrl);
  return (pathname.startsWith("/crm/") ? pathname.slice(4) : pathname) + search;
}

describe(`OAuth under a path prefix on ${ENGINE}`, () => {
  it("names the prefixed resource metadata in the 401, and serves it there", async () => {
    const r = await viaProxy("/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(r.status).toBe(401);
    const metadataUrl = `${PUBLIC}/.well-known/oauth-protected-resource/mcp`;
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer realm="crm-mcp", resource_metadata="${metadataUrl}"`,
    );
    const prm = await (await viaProxy(forwardedPath(metadataUrl))).json();
    expect(prm).toMatchObject({ resource: `${PUBLIC}/mcp`, authorization_servers: [PUBLIC] });
  });

  it("serves the resource metadata at the root form RFC 9728 builds from the resource", async () => {
    // https://crm.example.com/.well-known/oauth-protected-resource/crm/mcp: not under /crm, so
    // the proxy forwards it as it is.
    for (const path of [
      "/.well-known/oauth-protected-resource/crm/mcp",
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-protected-resource",
    ]) {
      const r = await viaProxy(path);
      expect(r.status, path).toBe(200);
      expect(await r.json(), path).toMatchObject({
        resource: `${PUBLIC}/mcp`,
        authorization_servers: [PUBLIC],
      });
    }
  });

  it("names the prefixed issuer and endpoints in the authorization server metadata, wherever it is asked", async () => {
    for (const path of [
      // RFC 8414 for an issuer with a path: the path after the well-known name, at the root.
      "/.well-known/oauth-authorization-server/crm",
      "/.well-known/openid-configuration/crm",
      // Below the prefix, as the proxy forwards it.
      "/.well-known/oauth-authorization-server",
      "/.well-known/openid-configuration",
    ]) {
      const r = await viaProxy(path);
      expect(r.status, path).toBe(200);
      expect(await r.json(), path).toMatchObject({
        issuer: PUBLIC,
        authorization_endpoint: `${PUBLIC}/oauth/authorize`,
        token_endpoint: `${PUBLIC}/oauth/token`,
        registration_endpoint: `${PUBLIC}/oauth/register`,
        revocation_endpoint: `${PUBLIC}/oauth/revoke`,
        jwks_uri: `${PUBLIC}/oauth/jwks`,
      });
    }
  });

  it("sends the browser to the consent page under the prefix", async () => {
    const registered = await viaProxy("/oauth/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        client_name: "Prefixed client",
        application_type: "native",
        redirect_uris: [CALLBACK],
        token_endpoint_auth_method: "none",
      }),
    });
    expect(registered.status).toBe(201);
    const { client_id: clientId } = (await registered.json()) as { client_id: string };
    const url = new URL(`${PUBLIC}/oauth/authorize`);
    for (const [k, v] of Object.entries({
      response_type: "code",
      client_id: clientId,
      redirect_uri: CALLBACK,
      scope: "crm:read",
      code_challenge: pkcePair().challenge,
      code_challenge_method: "S256",
      resource: `${PUBLIC}/mcp`,
    }))
      url.searchParams.set(k, v);
    const r = await viaProxy(forwardedPath(url.href));
    expect(r.status).toBe(303);
    const consent = new URL(r.headers.get("location")!, `${PUBLIC}/oauth/authorize`);
    expect(consent.origin + consent.pathname).toMatch(
      /^https:\/\/crm\.example\.com\/crm\/oauth\/consent\/[\w-]+$/,
    );
    // The interaction's cookie is scoped to the consent page the browser opens: under the prefix.
    const cookies = r.headers.getSetCookie().join("\n");
    expect(cookies).toMatch(/path=\/crm\/oauth\/consent\//i);
  });
});

/**
 * A reverse proxy as one is set up for a prefix: `/crm/...` goes to the server with `/crm`
 * taken off, the root's `/.well-known/...` as it is, anything else is not the server's.
 */
async function strippingProxy(target: () => string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    const forwarded = path.startsWith("/crm/")
      ? path.slice(4)
      : path.startsWith("/.well-known/")
        ? path
        : null;
    if (forwarded === null) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not behind this proxy: ${path}`);
      return;
    }
    const upstream = request(
      `${target()}${forwarded}`,
      { method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe(`the SDK client through a proxy that takes the prefix off, on ${ENGINE}`, () => {
  it("discovers, signs in on the consent page under the prefix, approves, and calls tools", async () => {
    let target = "";
    const proxy = await strippingProxy(() => target);
    const publicUrl = `${proxy.url}/crm`;
    const app = { ...t.app, config: { ...t.app.config, publicUrl } };
    const server = await startHttpServer(app, { host: "127.0.0.1", port: 0 });
    target = server.url;
    try {
      const key = (await t.app.tenants.createApiKey(t.owner, "prefixed")).key;
      const oauth = new MemoryOAuthClient("crm:read");
      const endpoint = new URL(`${publicUrl}/mcp`);
      const transport = new StreamableHTTPClientTransport(endpoint, { authProvider: oauth });
      await expect(new Client({ name: "prefix-test", version: "1" }).connect(transport)).rejects.toThrow(
        UnauthorizedError,
      );
      expect(oauth.authorizationUrl!.href.startsWith(`${publicUrl}/oauth/authorize?`)).toBe(true);
      // The browser's whole way, sign-in included, stays below the prefix.
      const { page, callback } = await consent(oauth.authorizationUrl!, key);
      expect(page).toContain("Connect Test client?");
      expect(page).toContain(`action="/crm/oauth/consent/`);
      expect(page).toContain(`href="/crm/apps"`);
      await transport.finishAuth(callback.searchParams);
      const client = new Client({ name: "prefix-test", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(endpoint, { authProvider: oauth }));
      expect((await client.listTools()).tools.map((x) => x.name)).toContain("get_entities");
      await client.close();
    } finally {
      await server.close();
      proxy.server.closeAllConnections();
      await new Promise((r) => proxy.server.close(r));
    }
  });
});
