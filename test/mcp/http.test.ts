import { Client, SSEClientTransport, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport as V1SSE } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport as V1Http } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let key: string;
let otherKey: string;

beforeAll(async () => {
  t = await openTestApp();
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  key = (await t.app.tenants.createApiKey(t.owner, "test")).key;
  const other = await t.app.tenants.createCompany("Other", "Eve");
  otherKey = (await t.app.tenants.createApiKey(other, "other")).key;
});
afterAll(async () => {
  await http?.close();
  await t?.close();
});

const headers = (k: string) => ({ Authorization: `Bearer ${k}` });

async function structured(
  client: { callTool: (p: { name: string; arguments: Record<string, unknown> }) => Promise<unknown> },
  name: string,
  args: Record<string, unknown>,
) {
  // biome-ignore lint/suspicious/noExplicitAny: result shape differs between SDK lines
  const r = (await client.callTool({ name, arguments: args })) as any;
  expect(r.isError ?? false, JSON.stringify(r.content)).toBe(false);
  return r.structuredContent;
}

describe("HTTP", () => {
  it("answers /healthz without a key", async () => {
    const r = await fetch(`${http.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true });
  });

  it("refuses /mcp, /sse and /messages without a valid key", async () => {
    for (const [path, method] of [
      ["/mcp", "POST"],
      ["/sse", "GET"],
      ["/messages?sessionId=x", "POST"],
    ] as const) {
      const r = await fetch(`${http.url}${path}`, {
        method,
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: method === "POST" ? JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) : undefined,
      });
      expect(r.status, path).toBe(401);
      expect(((await r.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
      const bad = await fetch(`${http.url}${path}`, { method, headers: { "x-api-key": "crm_wrong" } });
      expect(bad.status, path).toBe(401);
      expect(((await bad.json()) as { error: string }).error).toMatch(/not valid/);
    }
  });

  it("refuses a foreign Host or Origin when bound to localhost", async () => {
    const r = await fetch(`${http.url}/mcp`, {
      method: "POST",
      headers: { ...headers(key), origin: "https://evil.example", "content-type": "application/json" },
      body: "{}",
    });
    expect(r.status).toBe(403);
  });

  it("serves the v2 client over Streamable HTTP, scoped to the key's company", async () => {
    const client = new Client({ name: "v2", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), {
        requestInit: { headers: headers(key) },
      }),
    );
    const created = await structured(client, "create_organizations", {
      organizations: [{ name: "Over HTTP" }],
    });
    expect(created.items[0].name).toBe("Over HTTP");

    const other = new Client({ name: "v2", version: "1" });
    await other.connect(
      new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), {
        requestInit: { headers: { "x-api-key": otherKey } },
      }),
    );
    const seen = await structured(other, "filter_entity", { entity: "organization" });
    expect(seen.total).toBe(0);
    await client.close();
    await other.close();
  });

  it("serves the v2 client over legacy SSE", async () => {
    const client = new Client({ name: "v2-sse", version: "1" });
    await client.connect(
      new SSEClientTransport(new URL(`${http.url}/sse`), {
        requestInit: { headers: headers(key) },
        eventSourceInit: {
          fetch: (u, init) =>
            fetch(u, { ...init, headers: { ...(init?.headers as object), ...headers(key) } }),
        },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(30);
    await client.close();
  });

  it("serves the v1 SDK client over Streamable HTTP and over SSE", async () => {
    const v1 = new V1Client({ name: "v1", version: "1" });
    await v1.connect(new V1Http(new URL(`${http.url}/mcp`), { requestInit: { headers: headers(key) } }));
    const r = await structured(v1, "count_entity", { entity: "organization" });
    expect(r.count).toBeGreaterThanOrEqual(1);
    await v1.close();

    const v1sse = new V1Client({ name: "v1-sse", version: "1" });
    await v1sse.connect(
      new V1SSE(new URL(`${http.url}/sse`), {
        requestInit: { headers: headers(key) },
        eventSourceInit: {
          fetch: (u, init) =>
            fetch(u, { ...init, headers: { ...(init?.headers as object), ...headers(key) } }),
        },
      }),
    );
    const listed = await v1sse.listTools();
    expect(listed.tools.map((x) => x.name)).toContain("create_webhook");
    const r2 = await structured(v1sse, "count_entity", { entity: "organization" });
    expect(r2.count).toBeGreaterThanOrEqual(1);
    await v1sse.close();
  });
});
