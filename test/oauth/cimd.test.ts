import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metadataFetch } from "../../src/http/oauth/fetch-metadata.js";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { testCert } from "../support/certs.js";
import {
  authorizationUrl,
  browse,
  CALLBACK,
  CookieJar,
  consent,
  MemoryOAuthClient,
  pkcePair,
} from "../support/oauth.js";

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let key: string;
let docs: Server;
let origin: string;
let ca: string;
const fetched: string[] = [];

function metadata(clientId: string, name: string) {
  return {
    client_id: clientId,
    client_name: name,
    redirect_uris: [CALLBACK],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    application_type: "native",
  };
}

beforeAll(async () => {
  const cert = await testCert();
  ca = cert.ca;
  // The client's own site, over HTTPS on loopback: allowed here as webhook tests allow it
  // (CRM_WEBHOOK_ALLOW_PRIVATE, which the test app sets), with the test CA trusted.
  docs = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    fetched.push(req.url ?? "");
    const url = `${origin}${req.url}`;
    if (req.url === "/client.json" || req.url === "/sdk.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(metadata(url, req.url === "/sdk.json" ? "SDK Metadata App" : "Metadata App")));
    } else if (req.url === "/moved.json") {
      res.writeHead(302, { location: `${origin}/client.json` });
      res.end();
    } else if (req.url === "/big.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...metadata(url, "Big"), padding: "x".repeat(10_000) }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => docs.listen(0, "127.0.0.1", () => r()));
  origin = `https://127.0.0.1:${(docs.address() as AddressInfo).port}`;
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0, ca });
  key = (await t.app.tenants.createApiKey(t.owner, "browser")).key;
});
afterAll(async () => {
  await http?.close();
  await t?.close();
  docs?.closeAllConnections();
  await new Promise((r) => docs?.close(r));
});

describe("Client ID Metadata Documents", () => {
  it("are advertised, and the SDK client connects by its metadata URL without registering", async () => {
    const as = (await (await fetch(`${http.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(as.client_id_metadata_document_supported).toBe(true);

    const oauth = new MemoryOAuthClient("crm:read", `${origin}/sdk.json`);
    const transport = new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), { authProvider: oauth });
    await expect(new Client({ name: "cimd", version: "1" }).connect(transport)).rejects.toThrow(
      UnauthorizedError,
    );
    expect(oauth.authorizationUrl!.searchParams.get("client_id")).toBe(`${origin}/sdk.json`);
    const { page, callback } = await consent(oauth.authorizationUrl!, key, { scopes: ["crm:read"] });
    expect(page).toContain("SDK Metadata App");
    expect(page).toContain(`${origin}/sdk.json`);
    await transport.finishAuth(callback.searchParams);
    const client = new Client({ name: "cimd", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), { authProvider: oauth }),
    );
    expect((await client.listTools()).tools.map((x) => x.name)).toContain("get_entities");
    await client.close();
  });

  it("refuses a metadata document that redirects, without following it", async () => {
    const before = fetched.length;
    const url = authorizationUrl(http.url, `${origin}/moved.json`, pkcePair().challenge);
    const r = await browse(new CookieJar(), url.href);
    expect(r.status).toBe(400);
    expect(r.location).toBeNull();
    expect(r.text).toMatch(/invalid_client/);
    expect(fetched.slice(before)).toContain("/moved.json");
    expect(fetched.slice(before)).not.toContain("/client.json");
  });

  it("refuses a metadata document over the size cap", async () => {
    const url = authorizationUrl(http.url, `${origin}/big.json`, pkcePair().challenge);
    const r = await browse(new CookieJar(), url.href);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/invalid_client/);
  });

  it("fetches only https URLs of public addresses unless private ones are allowed", async () => {
    const strict = metadataFetch({ allowPrivate: false, ca });
    await expect(strict(`${origin}/client.json`)).rejects.toThrow(/public address|loopback/);
    await expect(strict("http://example.com/client.json")).rejects.toThrow(/https/);
    const open = metadataFetch({ allowPrivate: true, ca });
    expect((await open(`${origin}/client.json`)).status).toBe(200);
    await expect(open(`${origin}/big.json`)).rejects.toThrow(/larger than 5120 bytes/);
    expect((await open(`${origin}/moved.json`)).status).toBe(302);
  });
});
