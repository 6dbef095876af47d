/**
 * What the HTTP face records of each request, each server started inside its test: the log
 * line's path (no query, at most 200 characters), its ms as the request's duration rounded
 * to a tenth, the same duration in seconds in the route's histogram; and /readyz's deadline.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { until } from "../support/wait.js";
import { type FaceApp, openFaceApp } from "./face-app.js";

const opened: FaceApp[] = [];
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const t of opened.splice(0)) await t.close();
});

async function open() {
  const t = await openFaceApp({}, { logged: true });
  opened.push(t);
  const http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0, logger: t.app.logger });
  servers.push(http);
  return { ...t, http };
}

/** The value of one sample line of a Prometheus text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("the request log line and histogram", () => {
  // Fails when the path is not cut at 200 characters or keeps its query.
  it("logs the path without its query, cut at 200 characters", async () => {
    const { http, lines } = await open();
    const long = `/${"a".repeat(300)}`;
    expect((await fetch(`${http.url}${long}?q=1`)).status).toBe(404);
    expect((await fetch(`${http.url}/x?y=1`)).status).toBe(404);
    await until(() => lines.filter((l) => l.msg === "request").length === 2, 5000, "two request lines");
    const [first, second] = lines.filter((l) => l.msg === "request");
    expect(first).toMatchObject({ method: "GET", path: long.slice(0, 200), status: 404 });
    expect(second).toMatchObject({ method: "GET", path: "/x", status: 404 });
  });

  // Fails when the duration is added rather than subtracted, or scaled or rounded otherwise.
  it("times the request: ms within the test's own measure, a tenth's rounding of the histogram's seconds", async () => {
    const { app, http, lines } = await open();
    const before = performance.now();
    // /readyz waits for the store: long enough (well over 0.05 ms) that the rounding shows.
    const r = await fetch(`${http.url}/readyz`);
    expect(r.status).toBe(200);
    await until(() => lines.some((l) => l.msg === "request"), 5000, "the request line");
    const elapsed = performance.now() - before;
    const line = lines.find((l) => l.msg === "request")!;
    const ms = line.ms as number;
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(elapsed);
    const seconds = sample(
      await app.metrics.text(),
      'crm_http_request_duration_seconds_sum{method="GET",route="/readyz",status="200"}',
    )!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds * 1000).toBeLessThanOrEqual(elapsed);
    expect(ms).toBe(Math.round(seconds * 10_000) / 10);
  });
});

describe("/readyz", () => {
  // Fails when the deadline never fires, or its reason is lost.
  it("answers 503 with the deadline's reason when the store does not answer within 2 s", async () => {
    const { app, http } = await open();
    // A read that holds the store until released: the readiness query waits behind it.
    let release!: () => void;
    const held = app.store.read(() => new Promise<void>((r) => (release = r)));
    try {
      const started = performance.now();
      const r = await fetch(`${http.url}/readyz`, { signal: AbortSignal.timeout(8000) });
      expect(performance.now() - started).toBeGreaterThanOrEqual(1900);
      expect([r.status, await r.json()]).toEqual([
        503,
        { ok: false, error: "not ready: the store did not answer within 2000 ms" },
      ]);
    } finally {
      release();
      await held;
    }
    expect((await fetch(`${http.url}/readyz`)).status).toBe(200);
  });

  // Fails when the 503 says ok: true, or the deadline's timer is not cleared.
  it("answers 503 with ok false once the store is closed, and leaves no timer behind", async () => {
    const { app, http } = await open();
    const timers = () => process.getActiveResourcesInfo().filter((x) => x === "Timeout").length;
    const before = timers();
    for (let i = 0; i < 20; i++) expect((await fetch(`${http.url}/readyz`)).status).toBe(200);
    // Each answer clears its 2 s deadline: twenty pending ones would show here.
    expect(timers() - before).toBeLessThan(10);
    await app.store.close();
    const down = await fetch(`${http.url}/readyz`);
    const body = (await down.json()) as { ok: boolean; error: string };
    expect([down.status, body.ok]).toEqual([503, false]);
    expect(body.error).toMatch(/^not ready: The store is closed/);
  });
});
