import { Client, InMemoryTransport, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/events/recorder.js";
import { IdlePool, McpServerPool, poolKey } from "../../src/http/mcp-pool.js";
import { startHttpServer } from "../../src/http/server.js";
import { newServer } from "../../src/mcp/registry.js";
import { ok, openTestApp, type TestApp } from "../support/app.js";
import { until } from "../support/wait.js";

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
const clients: Client[] = [];

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await http?.close();
  await t?.close();
});

async function httpClient(key: string, era: "legacy" | "modern" = "legacy"): Promise<Client> {
  const client = new Client(
    { name: "pool-test", version: "1" },
    era === "modern" ? { versionNegotiation: { mode: { pin: "2026-07-28" } } } : {},
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  clients.push(client);
  return client;
}

describe("Streamable HTTP instances kept between requests", () => {
  // Guard: the pool key holds every field of the actor. Keyed by company alone, the second
  // user's calls would run as the first; keyed by nothing, company B would read company A.
  it("never serve one key's request as another user or company, in turn or at once", async () => {
    const a1 = t.owner;
    const a2user = await t.app.tenants.createUser(a1, "Second in A");
    const a2: Actor = { userId: a2user.id, companyId: a1.companyId };
    const b = await t.app.tenants.createCompany("Company B", "Bea");
    const callers = [
      { actor: a1, client: await httpClient((await t.app.tenants.createApiKey(a1, "a1")).key) },
      { actor: a2, client: await httpClient((await t.app.tenants.createApiKey(a2, "a2")).key) },
      { actor: b, client: await httpClient((await t.app.tenants.createApiKey(b, "b")).key) },
    ];
    await ok(callers[0]!.client, "create_contacts", { contacts: [{ firstName: "Only", lastName: "InA" }] });
    await ok(callers[2]!.client, "create_contacts", { contacts: [{ firstName: "Only", lastName: "InB" }] });

    const check = async ({ actor, client }: (typeof callers)[number]) => {
      const me = await ok(client, "get_current_user");
      expect(me.id).toBe(actor.userId);
      expect(me.companyId).toBe(actor.companyId);
      const found = await ok(client, "filter_entity", { entity: "contact" });
      const names = found.items.map((c: { lastName: string }) => c.lastName);
      expect(names).toEqual([actor.companyId === b.companyId ? "InB" : "InA"]);
    };
    for (let round = 0; round < 5; round++) for (const caller of callers) await check(caller);
    for (let round = 0; round < 5; round++) await Promise.all(callers.flatMap((c) => [check(c), check(c)]));

    // A record written through a kept instance is written as the caller, not as its builder.
    const [made] = (
      await ok(callers[1]!.client, "create_contacts", { contacts: [{ firstName: "By", lastName: "Second" }] })
    ).items;
    const history = await ok(callers[0]!.client, "get_entity_history", { entity: "contact", id: made.id });
    expect(history.items[0].userId).toBe(a2.userId);
  });

  it("keep the actor apart in the 2026 revision too, where the SDK serves each request", async () => {
    const b = await t.app.tenants.createCompany("Company C", "Cid");
    const callers = [
      {
        actor: t.owner,
        client: await httpClient((await t.app.tenants.createApiKey(t.owner, "m1")).key, "modern"),
      },
      { actor: b, client: await httpClient((await t.app.tenants.createApiKey(b, "m2")).key, "modern") },
    ];
    expect(callers[0]!.client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    for (let round = 0; round < 4; round++)
      await Promise.all(
        callers.map(async ({ actor, client }) => {
          const me = await ok(client, "get_current_user");
          expect(me.id).toBe(actor.userId);
        }),
      );
  });

  it("refuses a revoked key at once, though an instance for its user is kept", async () => {
    const made = await t.app.tenants.createApiKey(t.owner, "soon revoked");
    const client = await httpClient(made.key);
    await ok(client, "get_current_user");
    await t.app.tenants.revokeApiKey(made.id);
    await expect(client.callTool({ name: "get_current_user", arguments: {} })).rejects.toThrow(
      /Unauthorized: that API key is not valid/,
    );
  });

  it("writes the clock into the instructions when an agent initializes, not when the instance was built", async () => {
    const { key } = await t.app.tenants.createApiKey(t.owner, "clock");
    const first = await httpClient(key);
    await ok(first, "get_current_user");
    const firstNow = Date.parse(/Now: (\S+)/.exec(first.getInstructions() ?? "")![1]!);
    await until(() => Date.now() > firstNow + 5, 1000, "the clock to move on");
    const before = Date.now();
    const second = await httpClient(key);
    const now = Date.parse(/Now: (\S+)/.exec(second.getInstructions() ?? "")![1]!);
    expect(now).toBeGreaterThanOrEqual(before);
  });
});

describe("2025-era requests over Streamable HTTP", () => {
  it("are answered with one JSON body, not a stream; GET and DELETE have no session to act on", async () => {
    const { key } = await t.app.tenants.createApiKey(t.owner, "json");
    const headers = {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2025-11-25",
    };
    const r = await fetch(`${http.url}/mcp`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "get_current_user", arguments: {} },
      }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await r.json()) as { id: number; result: { structuredContent: { id: string } } };
    expect(body.id).toBe(7);
    expect(body.result.structuredContent.id).toBe(t.owner.userId);
    for (const method of ["GET", "DELETE"]) {
      const other = await fetch(`${http.url}/mcp`, { method, headers });
      expect(other.status, method).toBe(405);
    }
  });

  it("are answered with the length of the body, and a notification with 202 and nothing", async () => {
    const { key } = await t.app.tenants.createApiKey(t.owner, "length");
    const post = (body: unknown) =>
      fetch(`${http.url}/mcp`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify(body),
      });
    const r = await post({ jsonrpc: "2.0", id: "a", method: "tools/list" });
    const text = await r.text();
    expect(r.status).toBe(200);
    expect(r.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text).result.tools.map((x: { name: string }) => x.name)).toContain("get_entities");
    const note = await post({ jsonrpc: "2.0", method: "notifications/initialized" });
    expect(note.status).toBe(202);
    expect(await note.text()).toBe("");
  });

  it("keep the SDK's answers to requests that are not ordinary: bad JSON, Accept, version, batch, size", async () => {
    const { key } = await t.app.tenants.createApiKey(t.owner, "odd");
    const headers = {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    const post = async (body: string, extra: Record<string, string> = {}) => {
      const r = await fetch(`${http.url}/mcp`, { method: "POST", headers: { ...headers, ...extra }, body });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null };
    };
    const list = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/list" });
    const bad = await post("{not json");
    expect([bad.status, bad.body.error.code]).toEqual([400, -32700]);
    const empty = await post("");
    expect([empty.status, empty.body.error.code]).toEqual([400, -32700]);
    const accept = await post(JSON.stringify(list(1)), { accept: "application/json" });
    expect([accept.status, accept.body.error.message]).toEqual([
      406,
      "Not Acceptable: Client must accept both application/json and text/event-stream",
    ]);
    const version = await post(JSON.stringify(list(2)), { "mcp-protocol-version": "1999-01-01" });
    expect(version.status).toBe(400);
    expect(version.body.error.message).toMatch(/Unsupported protocol version: 1999-01-01/);
    const notRpc = await post(JSON.stringify({ hello: "world" }));
    expect(notRpc.status).toBe(400);
    const batch = await post(JSON.stringify([list(3), list(4)]));
    expect(batch.status).toBe(200);
    expect(batch.body.map((m: { id: number }) => m.id).sort()).toEqual([3, 4]);
    const text = await post("x", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    const big = await post(JSON.stringify({ ...list(5), params: { pad: "x".repeat(4 * 1024 * 1024) } }));
    expect(big.status).toBe(413);
  });
});

describe("McpServerPool", () => {
  const actor: Actor = { userId: "usr_1", companyId: "cmp_1" };

  it("keys by every field of the actor, the selection, the public address and the era", () => {
    const base = poolKey("legacy", actor, {}, undefined);
    expect(poolKey("legacy", { companyId: "cmp_1", userId: "usr_1" }, {}, undefined)).toBe(base);
    expect(poolKey("legacy", { ...actor, userId: "usr_2" }, {}, undefined)).not.toBe(base);
    expect(poolKey("legacy", { ...actor, companyId: "cmp_2" }, {}, undefined)).not.toBe(base);
    expect(poolKey("legacy", { ...actor, scopes: "crm:read" } as Actor, {}, undefined)).not.toBe(base);
    expect(poolKey("modern", actor, {}, undefined)).not.toBe(base);
    expect(poolKey("legacy", actor, { readOnly: true }, undefined)).not.toBe(base);
    expect(poolKey("legacy", actor, { toolsets: ["crm"] }, undefined)).not.toBe(base);
    expect(poolKey("legacy", actor, {}, "https://crm.example")).not.toBe(base);
    expect(poolKey("legacy", actor, undefined, undefined)).toBe(base);
  });

  it("hands an instance to one request at a time, from when it is taken until it is closed", async () => {
    const pool = new McpServerPool({ keys: 2, perKey: 2 });
    let built = 0;
    const build = () => {
      built++;
      return newServer("t", "1");
    };
    // Taken but not yet connected, as the SDK holds it for a few awaits: not handed out again.
    const first = pool.take("a", build);
    const second = pool.take("a", build);
    expect(second).not.toBe(first);
    const third = pool.take("a", build);
    expect([first, second]).not.toContain(third);
    expect(pool.size).toBe(0);
    await first.close();
    expect(pool.size).toBe(1);
    expect(pool.take("a", build)).toBe(first);
    expect(pool.size).toBe(0);
    // Given back when its transport closes, too (the SDK's per-request transport does that).
    const [, serverSide] = InMemoryTransport.createLinkedPair();
    await second.connect(serverSide);
    await serverSide.close();
    expect(pool.take("a", build)).toBe(second);
    expect(pool.take("b", build)).not.toBe(first);
    expect(built).toBe(4);
  });

  it("gives an instance back once however its close is told, and keeps at most perKey idle", async () => {
    const pool = new McpServerPool({ keys: 2, perKey: 2 });
    const build = () => newServer("t", "1");
    const a1 = pool.take("a", build);
    const a2 = pool.take("a", build);
    const a3 = pool.take("a", build);
    // Connected and closed: the close itself and its transport's both report it.
    const [, serverSide] = InMemoryTransport.createLinkedPair();
    await a1.connect(serverSide);
    await a1.close();
    await a1.close();
    expect(pool.size).toBe(1);
    await a2.close();
    await a3.close();
    expect(pool.size).toBe(2);
    const again = [pool.take("a", build), pool.take("a", build), pool.take("a", build)];
    expect(new Set(again).size).toBe(3);
    expect(again.filter((s) => [a1, a2, a3].includes(s))).toHaveLength(2);
  });

  it("forgets the least recently used key beyond its bound", async () => {
    const pool = new McpServerPool({ keys: 2, perKey: 1 });
    const a = pool.take("a", () => newServer("t", "1"));
    const b = pool.take("b", () => newServer("t", "1"));
    await a.close();
    await b.close();
    expect(pool.take("a", () => newServer("t", "1"))).toBe(a);
    await a.close();
    const c = pool.take("c", () => newServer("t", "1"));
    await c.close();
    expect(pool.size).toBe(2);
    expect(pool.take("a", () => newServer("t", "1"))).toBe(a);
    expect(pool.take("c", () => newServer("t", "1"))).toBe(c);
    expect(pool.take("b", () => newServer("t", "1"))).not.toBe(b);
  });
});

describe("IdlePool", () => {
  it("hands an idle item out once, keeps at most perKey a key and forgets the least recently used key", () => {
    const pool = new IdlePool<string>({ keys: 2, perKey: 2 });
    expect(pool.take("a")).toBeUndefined();
    pool.give("a", "a1");
    pool.give("a", "a2");
    pool.give("a", "a3");
    expect(pool.size).toBe(2);
    const first = pool.take("a");
    expect(pool.take("a")).not.toBe(first);
    expect(pool.take("a")).toBeUndefined();
    pool.give("a", "a1");
    pool.give("b", "b1");
    pool.take("a");
    pool.give("a", "a1");
    pool.give("c", "c1");
    expect(pool.take("b")).toBeUndefined();
    expect(pool.take("a")).toBe("a1");
    expect(pool.take("c")).toBe("c1");
  });
});

// Fails when a close told twice (the transport's, then the handler's) gives an instance back twice.
it("never hands one instance to two requests when its close is told twice", async () => {
  const pool = new McpServerPool({ keys: 2, perKey: 2 });
  const build = () => newServer("t", "1");
  const first = pool.take("a", build);
  await first.connect(
    new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true }),
  );
  // Request 1 ends: its handler closes the instance; the transport's onclose gives it back at once.
  const closing = first.close();
  // Request 2 takes it meanwhile, and connects a few awaits later.
  const second = pool.take("a", build);
  await closing;
  // Request 3 arrives before request 2 has connected.
  const third = pool.take("a", build);
  expect(second).toBe(first);
  expect(third).not.toBe(second);
});
