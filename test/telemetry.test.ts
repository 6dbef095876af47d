import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type App, openApp } from "../src/app.js";
import { startHttpServer, startMetricsServer } from "../src/http/server.js";
import { createLogger, type LogLevel } from "../src/telemetry/log.js";
import { call, connect, ok } from "./support/app.js";
import { type Receiver, startReceiver } from "./support/https-receiver.js";

let good: Receiver;
let bad: Receiver;
beforeAll(async () => {
  good = await startReceiver({ respond: { status: 200, body: "ok" } });
  bad = await startReceiver({ respond: { status: 500, body: "no" } });
});
afterAll(async () => {
  await good?.close();
  await bad?.close();
});

const opened: { app: App; dir: string }[] = [];
afterEach(async () => {
  for (const { app, dir } of opened.splice(0)) {
    await app.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A real app whose JSON log lines land in `lines`. */
async function openLogged(level: LogLevel, options: { dispatch?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "crm-telemetry-"));
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger(level, {
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line));
      return true;
    },
  });
  const app = await openApp(
    { dbPath: join(dir, "crm.db"), apiKey: undefined, allowPrivate: true, timeoutMs: 3000 },
    { ca: good.ca, logger, dispatch: options.dispatch },
  );
  opened.push({ app, dir });
  return { app, lines, raw, owner: await app.tenants.localOwner() };
}

async function until(check: () => Promise<boolean> | boolean, what: string) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The value of one sample line of a Prometheus text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("metrics", () => {
  it("counts deliveries by status and error class, their durations, and tool calls by outcome", async () => {
    const { app, owner, lines } = await openLogged("debug");
    const client = await connect(app, owner);
    await ok(client, "create_webhook", { url: good.url, events: ["contact.created"] });
    await ok(client, "create_webhook", { url: bad.url, events: ["contact.created"] });
    await ok(client, "create_contacts", { contacts: [{ firstName: "Ada" }] });
    expect((await call(client, "create_contacts", { contacts: [{ firstNam: "x" }] })).isError).toBe(true);
    await until(async () => (await app.store.read((tx) => tx.webhooks.pendingCount())) === 0, "deliveries");
    await until(() => lines.filter((l) => l.msg === "delivery").length === 2, "delivery log lines");

    const text = await app.metrics.text();
    expect(sample(text, 'crm_webhook_deliveries_total{status="succeeded",error_class="none"}')).toBe(1);
    expect(sample(text, 'crm_webhook_deliveries_total{status="failed",error_class="http_status"}')).toBe(1);
    expect(sample(text, "crm_webhook_delivery_duration_seconds_count")).toBe(2);
    expect(sample(text, 'crm_webhook_delivery_duration_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(sample(text, 'crm_webhook_delivery_duration_seconds_bucket{le="120"}')).toBe(2);
    expect(sample(text, "crm_webhook_delivery_duration_seconds_sum")).toBeGreaterThan(0);
    expect(sample(text, 'crm_mcp_tool_calls_total{tool="create_contacts",outcome="ok"}')).toBe(1);
    expect(sample(text, 'crm_mcp_tool_calls_total{tool="create_contacts",outcome="invalid"}')).toBe(1);
    expect(sample(text, "crm_webhook_outbox_depth")).toBe(0);
    expect(sample(text, "crm_webhook_oldest_pending_age_seconds")).toBe(0);

    // One debug line per outcome, without the body or any secret.
    const outcomes = lines.filter((l) => l.msg === "delivery");
    expect(outcomes.map((l) => [l.status, l.errorClass, l.statusCode]).sort()).toEqual([
      ["failed", "http_status", 500],
      ["succeeded", null, 200],
    ]);
    for (const l of outcomes) expect(Object.keys(l)).not.toContain("body");
    await client.close();
  });

  it("writes no delivery line below debug", async () => {
    const { app, owner, lines } = await openLogged("info");
    const client = await connect(app, owner);
    await ok(client, "create_webhook", { url: good.url, events: ["contact.created"] });
    await ok(client, "create_contacts", { contacts: [{ firstName: "Ada" }] });
    await until(async () => (await app.store.read((tx) => tx.webhooks.pendingCount())) === 0, "delivery");
    await until(async () => (await app.metrics.text()).includes('error_class="none"} 1'), "the count");
    expect(lines.filter((l) => l.msg === "delivery")).toEqual([]);
    await client.close();
  });

  it("reads the outbox depth and the oldest pending delivery's age from the store", async () => {
    const { app, owner } = await openLogged("silent", { dispatch: false });
    const client = await connect(app, owner);
    await ok(client, "create_webhook", { url: good.url, events: ["contact.created"] });
    await ok(client, "create_contacts", { contacts: [{ firstName: "Ada" }, { firstName: "Bob" }] });
    // Not a wait for an event: the oldest pending delivery must be a second old to be measured so.
    await new Promise((r) => setTimeout(r, 1100));
    const text = await app.metrics.text();
    expect(sample(text, "crm_webhook_outbox_depth")).toBe(2);
    const age = sample(text, "crm_webhook_oldest_pending_age_seconds")!;
    expect(age).toBeGreaterThanOrEqual(1);
    expect(age).toBeLessThan(30);
    await client.close();
  });
});

describe("HTTP logs, /metrics, /readyz", () => {
  it("logs one line per request, with no key, query or body, and times it by route", async () => {
    const { app, owner, lines, raw } = await openLogged("info");
    const key = (await app.tenants.createApiKey(owner, "agent")).key;
    const http = await startHttpServer(app, { host: "127.0.0.1", port: 0, logger: app.logger });
    const metrics = await startMetricsServer(app, { host: "127.0.0.1", port: 0 });
    try {
      expect((await fetch(`${http.url}/healthz?token=sekrit`)).status).toBe(200);
      expect(
        (await fetch(`${http.url}/mcp`, { method: "POST", headers: { "x-api-key": "crm_wrong" } })).status,
      ).toBe(401);
      const client = new Client({ name: "t", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), {
          requestInit: { headers: { Authorization: `Bearer ${key}` } },
        }),
      );
      await client.callTool({
        name: "create_contacts",
        arguments: { contacts: [{ firstName: "Zed-body" }] },
      });
      await client.close();
      // The metrics port is the only place /metrics is served.
      expect(
        (await fetch(`${http.url}/metrics`, { headers: { Authorization: `Bearer ${key}` } })).status,
      ).toBe(404);
      await until(() => lines.filter((l) => l.msg === "request").length >= 4, "request lines");

      const requests = lines.filter((l) => l.msg === "request");
      expect(requests[0]).toMatchObject({ method: "GET", path: "/healthz", status: 200, level: "info" });
      expect(requests[1]).toMatchObject({ method: "POST", path: "/mcp", status: 401 });
      expect(requests.every((l) => typeof l.ms === "number" && typeof l.time === "string")).toBe(true);
      const all = raw.join("");
      for (const secret of [key, "crm_wrong", "sekrit", "Zed-body", "Bearer"])
        expect(all).not.toContain(secret);

      const res = await fetch(`${metrics.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      expect(
        sample(text, 'crm_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}'),
      ).toBe(1);
      expect(
        sample(text, 'crm_http_request_duration_seconds_count{method="POST",route="/mcp",status="401"}'),
      ).toBe(1);
      expect(sample(text, 'crm_mcp_tool_calls_total{tool="create_contacts",outcome="ok"}')).toBe(1);
      expect((await fetch(`${metrics.url}/`)).status).toBe(404);
    } finally {
      await metrics.close();
      await http.close();
    }
  });

  it("answers /readyz from the store: 200 while it answers, 503 once it is gone", async () => {
    const { app } = await openLogged("silent");
    const http = await startHttpServer(app, { host: "127.0.0.1", port: 0 });
    try {
      const up = await fetch(`${http.url}/readyz`);
      expect([up.status, await up.json()]).toEqual([200, { ok: true }]);
      await app.store.close();
      const down = await fetch(`${http.url}/readyz`);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { error: string }).error).toMatch(/^not ready: The store is closed/);
      // Liveness does not depend on the store.
      expect((await fetch(`${http.url}/healthz`)).status).toBe(200);
    } finally {
      await http.close();
    }
  });
});
