import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { consent, MemoryOAuthClient } from "../support/oauth.js";

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

async function connectWith(oauth: MemoryOAuthClient) {
  const client = new Client({ name: "oauth-test", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), { authProvider: oauth }),
  );
  return client;
}

/** The SDK client's own flow: 401, discovery, registration, PKCE authorization, consent, token. */
async function authorize(oauth: MemoryOAuthClient, scopes: string[], apiKey = key) {
  const transport = new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), { authProvider: oauth });
  await expect(new Client({ name: "oauth-test", version: "1" }).connect(transport)).rejects.toThrow(
    UnauthorizedError,
  );
  const { page, callback } = await consent(oauth.authorizationUrl!, apiKey, { scopes });
  await transport.finishAuth(callback.searchParams);
  return page;
}

describe("OAuth discovery", () => {
  it("answers an unauthenticated /mcp with 401 naming the protected resource metadata", async () => {
    const r = await fetch(`${http.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer realm="crm-mcp", resource_metadata="${http.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
    ]) {
      const prm = (await (await fetch(`${http.url}${path}`)).json()) as Record<string, unknown>;
      expect(prm).toMatchObject({ resource: `${http.url}/mcp`, authorization_servers: [http.url] });
    }
    const as = (await (await fetch(`${http.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(as).toMatchObject({
      issuer: http.url,
      authorization_endpoint: `${http.url}/oauth/authorize`,
      token_endpoint: `${http.url}/oauth/token`,
      registration_endpoint: `${http.url}/oauth/register`,
      revocation_endpoint: `${http.url}/oauth/revoke`,
      code_challenge_methods_supported: ["S256"],
    });
  });
});

describe("the SDK client's OAuth flow", () => {
  it("registers, authorizes with PKCE after consent, lists and calls tools, and refreshes", async () => {
    const oauth = new MemoryOAuthClient("crm:read crm:write");
    const page = await authorize(oauth, ["crm:read", "crm:write"]);
    expect(oauth.client?.client_id).toBeTruthy();
    expect(oauth.authorizationUrl!.searchParams.get("code_challenge_method")).toBe("S256");
    expect(oauth.authorizationUrl!.searchParams.get("resource")).toBe(`${http.url}/mcp`);
    expect(page).toContain("Test client");
    expect(page).toContain("http://127.0.0.1:9/callback");
    expect(page).toContain("crm:write");

    const first = oauth.tokens()!;
    expect(first.refresh_token).toBeTruthy();
    const client = await connectWith(oauth);
    const tools = (await client.listTools()).tools.map((x) => x.name);
    expect(tools).toContain("create_contacts");
    expect(tools).not.toContain("create_webhook");
    const r = (await client.callTool({
      name: "create_contacts",
      arguments: { contacts: [{ firstName: "Ada", lastName: "Lovelace" }] },
    })) as { isError?: boolean; content: { text: string }[] };
    expect(r.isError ?? false, r.content[0]?.text).toBe(false);
    await client.close();
    const events = await t.app.store.read((tx) => tx.webhooks.events(t.owner.companyId));
    expect(events.map((e) => [e.event, e.userId])).toContainEqual(["contact.created", t.owner.userId]);

    // An access token that no longer works makes the client refresh; the refresh token rotates.
    oauth.saveTokens({ ...first, access_token: "expired-or-unknown" });
    const again = await connectWith(oauth);
    expect((await again.listTools()).tools.length).toBeGreaterThan(0);
    await again.close();
    const second = oauth.tokens()!;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
  });
});
