/**
 * The metrics port, each server started inside its test: GET and HEAD of /metrics only, a
 * 500 logged when the figures cannot be read, its listen error, an IPv6 address, its close.
 */
import { request } from "node:http";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startMetricsServer } from "../../src/http/server.js";
import { type FaceApp, openFaceApp } from "./face-app.js";

const opened: FaceApp[] = [];
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const t of opened.splice(0)) await t.close();
});

async function open(options: { logged?: boolean } = {}) {
  const t = await openFaceApp({}, options);
  opened.push(t);
  const metrics = await startMetricsServer(t.app, { host: "127.0.0.1", port: 0 });
  servers.push(metrics);
  return { ...t, metrics };
}

/** A request by node:http, its status, headers and body as text. */
function raw(
  url: string,
  method: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    r.on("error", reject);
    r.end();
  });
}

describe("the metrics port", () => {
  // Fails when the method check lets POST through or refuses HEAD, or the 404 body changes.
  it("serves GET and HEAD /metrics (HEAD with the length), 404 for any other method or path", async () => {
    const { metrics } = await open();
    const get = await raw(`${metrics.url}/metrics`, "GET");
    expect(get.status).toBe(200);
    expect(get.body).toContain("crm_webhook_outbox_depth");
    const head = await raw(`${metrics.url}/metrics`, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(Number(head.headers["content-length"])).toBeGreaterThan(100);
    for (const [method, path] of [
      ["POST", "/metrics"],
      ["DELETE", "/metrics"],
      ["GET", "/"],
      ["GET", "/metrics/x"],
      ["HEAD", "/healthz"],
    ]) {
      const r = await fetch(`${metrics.url}${path}`, { method });
      expect([method, path, r.status]).toEqual([method, path, 404]);
      if (method !== "HEAD")
        expect(await r.json()).toEqual({ error: "Not found: this port serves GET /metrics only" });
    }
  });

  // Fails without the catch (no answer), its log line, or its 500 body.
  it("answers 500 and logs 'metrics failed' when the figures cannot be read (the store is gone)", async () => {
    const { app, metrics, lines } = await open({ logged: true });
    await app.store.close();
    const r = await fetch(`${metrics.url}/metrics`, { signal: AbortSignal.timeout(5000) });
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ error: "Internal error" });
    const failed = lines.filter((l) => l.msg === "metrics failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: "error", err: { message: expect.stringMatching(/./) } });
  });

  // Fails when the log call assumes a logger: the catch throws and nothing answers.
  it("answers 500 without a logger too", async () => {
    const { app, metrics } = await open();
    await app.store.close();
    const r = await fetch(`${metrics.url}/metrics`, { signal: AbortSignal.timeout(5000) });
    expect([r.status, await r.json()]).toEqual([500, { error: "Internal error" }]);
  });

  // Fails when the listen error is not awaited (uncaught), or an IPv6 address goes without brackets.
  it("rejects when its port is taken, and is served on an IPv6 address in brackets", async () => {
    const { app } = await open();
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (taken.address() as { port: number }).port;
      await expect(startMetricsServer(app, { host: "127.0.0.1", port })).rejects.toMatchObject({
        code: "EADDRINUSE",
      });
    } finally {
      await new Promise((r) => taken.close(r));
    }
    const six = await startMetricsServer(app, { host: "::1", port: 0 });
    servers.push(six);
    expect(six.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await fetch(`${six.url}/metrics`)).status).toBe(200);
  });

  // Fails when close() leaves the server listening.
  it("stops listening once closed", async () => {
    const { metrics } = await open();
    expect((await fetch(`${metrics.url}/metrics`)).status).toBe(200);
    await metrics.close();
    await expect(fetch(`${metrics.url}/metrics`)).rejects.toThrow();
  });
});
