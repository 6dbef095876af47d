import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../src/http/local-origin.js";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";

/**
 * DNS rebinding (issue 12, finding 3): a server bound to loopback answers only requests whose
 * Host and Origin name a loopback address or localhost, on every path behind the check.
 */

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let port: number;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  port = Number(new URL(http.url).port);
});
afterAll(async () => {
  await http?.close();
  await t?.close();
});

/** The status of a request with exactly these Host and Origin headers. */
function statusOf(path: string, host: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: "GET", headers: { host, ...(origin ? { origin } : {}) } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const PATHS = ["/mcp", "/", "/login", "/webhooks"];

describe("Host and Origin of a server bound to loopback", () => {
  it("refuses names that only start like a loopback address", async () => {
    for (const path of PATHS) {
      for (const host of [
        `127.0.0.1.evil.example:${port}`,
        `127.0.0.1.nip.io:${port}`,
        `localhost.evil.example:${port}`,
        `127.evil.example:${port}`,
        "evil.example",
      ]) {
        expect(await statusOf(path, host), `${path} Host ${host}`).toBe(403);
      }
      for (const origin of [
        "http://127.0.0.1.evil.example",
        "http://127.0.0.1.nip.io:3000",
        "https://evil.example",
      ]) {
        expect(await statusOf(path, `127.0.0.1:${port}`, origin), `${path} Origin ${origin}`).toBe(403);
      }
    }
  });

  it("lets loopback addresses and localhost through", async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      `127.0.0.2:${port}`,
      "LOCALHOST",
    ]) {
      expect(await statusOf("/login", host), host).not.toBe(403);
    }
    expect(await statusOf("/login", `127.0.0.1:${port}`, `http://localhost:${port}`)).not.toBe(403);
    expect(await statusOf("/login", `127.0.0.1:${port}`, "null")).not.toBe(403);
  });

  it("classifies hosts by parsing them, not by their prefix", () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("127.255.0.1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("::1")).toBe(true);
    expect(isLoopbackHost("[::ffff:7f00:1]")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    for (const host of [
      "127.0.0.1.nip.io",
      "127.0.0.1.evil.example",
      "127.",
      "128.0.0.1",
      "[::2]",
      "localhost.",
      "0.0.0.0",
      "",
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});
