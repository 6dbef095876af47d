/**
 * The HTTP face's guards, in process over real sockets: which requests carry a key, the
 * Host and Origin checks of a loopback binding, and a binding that is not loopback.
 */
import type { IncomingMessage } from "node:http";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopbackHost, keyOf, startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let key: string;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  key = (await t.app.tenants.createApiKey(t.owner, "k")).key;
});
afterAll(async () => {
  await http?.close();
  await t?.close();
});

const req = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as IncomingMessage;

/** A raw request, so that Host can be anything. */
function raw(
  base: string,
  path: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(
      `${base}${path}`,
      { method: body ? "POST" : "GET", headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    r.on("error", reject);
    r.end(body);
  });
}

const LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

describe("keyOf", () => {
  it("reads a Bearer token (any case) or x-api-key, trimmed; nothing else", () => {
    expect(keyOf(req({ authorization: "Bearer crm_a" }))).toBe("crm_a");
    expect(keyOf(req({ authorization: "bearer   crm_a  " }))).toBe("crm_a");
    expect(keyOf(req({ authorization: "Bearer " }))).toBeNull();
    expect(keyOf(req({ authorization: "Basic crm_a" }))).toBeNull();
    expect(keyOf(req({ "x-api-key": " crm_b " }))).toBe("crm_b");
    expect(keyOf(req({ "x-api-key": ["crm_c", "crm_d"] }))).toBe("crm_c");
    expect(keyOf(req({ "x-api-key": "  " }))).toBeNull();
    expect(keyOf(req({ authorization: "Basic x", "x-api-key": "crm_e" }))).toBe("crm_e");
    expect(keyOf(req({}))).toBeNull();
  });

  it("isLoopbackHost knows the loopback names and all of 127/8", () => {
    for (const host of ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]"])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ["0.0.0.0", "128.0.0.1", "localhost.evil.example", "example.com", ""])
      expect(isLoopbackHost(host)).toBe(false);
  });
});

describe("a loopback binding (guard: rebindingRefusal)", () => {
  it("refuses a Host that is not local, before the key is even looked at", async () => {
    for (const host of ["evil.example", "evil.example:80", "[::2]:1", "bad host"]) {
      const r = await raw(http.url, "/mcp", { host, authorization: `Bearer ${key}`, ...MCP_HEADERS }, LIST);
      expect([host, r.status]).toEqual([host, 403]);
      expect(JSON.parse(r.body).error).toBe(`Forbidden: Host "${host}" is not allowed`);
    }
    expect((await raw(http.url, "/webhooks", { host: "evil.example" })).status).toBe(403);
  });

  it("refuses an Origin that is not local, or that does not parse", async () => {
    const port = new URL(http.url).port;
    for (const origin of ["https://evil.example", "not a url", "http://localhost.evil.example"]) {
      const r = await raw(
        http.url,
        "/mcp",
        { host: `127.0.0.1:${port}`, origin, authorization: `Bearer ${key}`, ...MCP_HEADERS },
        LIST,
      );
      expect([origin, r.status]).toEqual([origin, 403]);
      expect(JSON.parse(r.body).error).toBe(`Forbidden: Origin "${origin}" is not allowed`);
    }
  });

  it("lets local names and a null Origin through to the key check", async () => {
    const port = new URL(http.url).port;
    for (const headers of <Record<string, string>[]>[
      { host: `localhost:${port}` },
      { host: `127.0.0.1:${port}`, origin: "null" },
      { host: `127.0.0.1:${port}`, origin: `http://localhost:${port}` },
      { host: `[::1]:${port}`, origin: "http://[::1]" },
    ]) {
      expect((await raw(http.url, "/mcp", { ...headers, ...MCP_HEADERS }, LIST)).status).toBe(401);
      const r = await raw(
        http.url,
        "/mcp",
        { ...headers, authorization: `Bearer ${key}`, ...MCP_HEADERS },
        LIST,
      );
      expect(r.status).toBe(200);
    }
  });

  it("answers 401 as JSON with a WWW-Authenticate challenge", async () => {
    const r = await fetch(`${http.url}/mcp`, { method: "POST", headers: MCP_HEADERS, body: LIST });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer realm="crm-mcp", resource_metadata="${http.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(r.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const text = await r.text();
    expect(r.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text).error).toMatch(/^Unauthorized: send an API key/);
  });

  it("opens SSE streams on GET /sse only, and takes messages on POST /messages only", async () => {
    const auth = { authorization: `Bearer ${key}` };
    const postSse = await fetch(`${http.url}/sse`, { method: "POST", headers: auth, body: "{}" });
    expect(postSse.status).toBe(404);
    expect(((await postSse.json()) as { error: string }).error).toBe("Not found: /sse");
    const getMessages = await fetch(`${http.url}/messages?sessionId=x`, { headers: auth });
    expect(getMessages.status).toBe(404);
    expect(((await getMessages.json()) as { error: string }).error).toBe("Not found: /messages");
  });

  it("answers /healthz whatever the Host, and 404 for an unknown path with a key", async () => {
    expect((await raw(http.url, "/healthz", { host: "evil.example" })).status).toBe(200);
    expect((await raw(http.url, "/nope", {})).status).toBe(404);
  });
});

describe("a binding that is not loopback", () => {
  it("does not check Host or Origin (a proxy or a LAN answers), and still needs a key", async () => {
    const open = await startHttpServer(t.app, { host: "0.0.0.0", port: 0, oauth: false });
    try {
      const base = open.url.replace("0.0.0.0", "127.0.0.1");
      const headers = { host: "crm.example.com", origin: "https://crm.example.com", ...MCP_HEADERS };
      expect((await raw(base, "/mcp", headers, LIST)).status).toBe(401);
      expect((await raw(base, "/mcp", { ...headers, authorization: `Bearer ${key}` }, LIST)).status).toBe(
        200,
      );
    } finally {
      await open.close();
    }
  });

  it("reports an IPv6 binding's URL with brackets", async () => {
    const v6 = await startHttpServer(t.app, { host: "::1", port: 0 });
    try {
      expect(v6.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect((await fetch(`${v6.url}/healthz`)).status).toBe(200);
    } finally {
      await v6.close();
    }
  });
});

describe("start-up", () => {
  it("rejects when the port is taken, instead of hanging", async () => {
    const port = Number(new URL(http.url).port);
    await expect(startHttpServer(t.app, { host: "127.0.0.1", port })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe("a failure outside any tool", () => {
  // Fails without the request handler's catch: the request would hang, and the rejection go unhandled.
  it("answers 500 without detail, logs the stack, and the server goes on", async () => {
    const own = await openTestApp({ dispatch: false });
    const lines: string[] = [];
    const server = await startHttpServer(own.app, { host: "127.0.0.1", port: 0, log: (l) => lines.push(l) });
    try {
      // A store that no longer answers: the key lookup throws before any tool runs.
      await own.close();
      const r = await raw(
        server.url,
        "/mcp",
        { ...MCP_HEADERS, authorization: "Bearer crm_never_seen" },
        LIST,
      );
      expect(r.status).toBe(500);
      expect(JSON.parse(r.body)).toEqual({ error: "Internal error" });
      expect(lines.filter((l) => l.startsWith("http: "))).toHaveLength(1);
      expect(lines[0]).toMatch(/\n\s+at /);
      expect((await raw(server.url, "/healthz", {})).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
