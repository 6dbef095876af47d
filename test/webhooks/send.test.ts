import { createServer } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeWebhookConnections, RESPONSE_BODY_CAP, sendWebhook } from "../../src/webhooks/send.js";
import { buildDeliveryHeaders } from "../../src/webhooks/signing.js";
import type { Resolver } from "../../src/webhooks/url-policy.js";
import { verifyStandardWebhook, verifyWebhookSignature } from "../../src/webhooks/verify.js";
import { testCert } from "../support/certs.js";
import { type Receiver, type ReceiverOptions, startReceiver } from "../support/https-receiver.js";

const SECRET = "s3cret";
const BODY = JSON.stringify({
  event: "deal.updated",
  data: { userId: "u_1", companyId: "c_1", entityId: "deal_1", payload: { deal: { id: "deal_1" } } },
  timestamp: "2026-04-22T10:00:00.000Z",
});

function headers(timestampSeconds = Math.floor(Date.now() / 1000)) {
  return buildDeliveryHeaders({
    eventId: "evt_1",
    deliveryId: "dlv_1",
    event: "deal.updated",
    rawBody: BODY,
    secret: SECRET,
    timestampSeconds,
    version: "0.1.0",
  });
}

const receivers: Receiver[] = [];
async function receiver(options?: ReceiverOptions): Promise<Receiver> {
  const started = await startReceiver(options);
  receivers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await closeWebhookConnections();
});

function send(r: Receiver, overrides: Partial<Parameters<typeof sendWebhook>[0]> = {}) {
  return sendWebhook({
    url: r.url,
    body: BODY,
    headers: headers(),
    timeoutMs: 5000,
    allowPrivate: true,
    ca: r.ca,
    ...overrides,
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("sendWebhook", () => {
  it("delivers a signed POST and keeps the answer", async () => {
    const r = await receiver({ respond: { status: 200, body: "thanks" } });
    const sentHeaders = headers();
    const result = await send(r, { headers: sentHeaders });

    expect(result).toMatchObject({
      ok: true,
      statusCode: 200,
      responseBody: "thanks",
      errorClass: null,
      error: null,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [request] = await r.waitFor(1);
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe("/hook");
    expect(request!.body).toBe(BODY);
    expect(request!.headers).toMatchObject({
      host: `127.0.0.1:${r.port}`,
      "content-type": "application/json",
      "user-agent": "crm-mcp/0.1.0",
      "x-webhook-id": "evt_1",
      "x-webhook-delivery": "dlv_1",
      "x-webhook-event": "deal.updated",
      "webhook-id": "evt_1",
    });
    for (const [name, value] of Object.entries(sentHeaders)) {
      expect(request!.headers[name.toLowerCase()]).toBe(value);
    }
    expect(
      verifyWebhookSignature(request!.rawBody, request!.headers["x-webhook-signature"] as string, SECRET),
    ).toBe(true);
    expect(
      verifyStandardWebhook({
        id: request!.headers["webhook-id"] as string,
        timestamp: request!.headers["webhook-timestamp"] as string,
        signature: request!.headers["webhook-signature"] as string,
        rawBody: request!.rawBody,
        secret: SECRET,
      }),
    ).toBe(true);
  });

  it("reuses the kept-alive connection across sends", async () => {
    const r = await receiver();
    for (let i = 0; i < 10; i++) expect((await send(r)).ok).toBe(true);
    expect(r.requests).toHaveLength(10);
    // undici's pool may open a second connection when a request follows the previous
    // response immediately; what matters is that connections are not opened per send.
    expect(r.connectionCount).toBeLessThanOrEqual(2);
  });

  it("records a 500 as a failed delivery", async () => {
    const r = await receiver({ respond: { status: 500, body: "boom" } });
    const result = await send(r);
    expect(result).toMatchObject({
      ok: false,
      statusCode: 500,
      responseBody: "boom",
      errorClass: "http_status",
      error: "Receiver answered 500",
    });
  });

  it("gives up at the deadline when the receiver never answers", async () => {
    const r = await receiver({ respond: { kind: "never" } });
    const result = await send(r, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: "timeout" });
    expect(result.error).toBe("Timed out after 300 ms waiting for the receiver");
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2000);
    expect(r.requests).toHaveLength(1);
  });

  it("counts waiting for headers against the deadline", async () => {
    const r = await receiver({ respond: { status: 200, body: "late", delayMs: 1000 } });
    const result = await send(r, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: "timeout" });
    expect(result.durationMs).toBeLessThan(1000);
  });

  it("counts reading a slow body against the same deadline", async () => {
    const r = await receiver({ respond: { kind: "stream", bytes: 100, chunkSize: 10, chunkDelayMs: 100 } });
    const result = await send(r, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, statusCode: 200, errorClass: "timeout" });
    expect(result.error).toBe("Timed out after 300 ms reading the receiver's response");
    expect(result.durationMs).toBeLessThan(1000);
  });

  it("classifies a connection reset", async () => {
    const r = await receiver({ respond: { kind: "reset" } });
    const result = await send(r);
    expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: "reset" });
    expect(result.error).toMatch(/reset/i);
  });

  it("does not follow a redirect", async () => {
    const r = await receiver();
    const location = `${r.origin}/elsewhere`;
    r.respond = (request) => (request.url === "/hook" ? { kind: "redirect", location } : { status: 200 });
    const result = await send(r);
    expect(result).toMatchObject({ ok: false, statusCode: 302, errorClass: "http_status" });
    expect(result.error).toContain("redirect");
    expect(result.error).toContain(location);
    // A followed redirect would be over before the answer came back: the 302 is the answer.
    expect(r.requests.map((q) => q.url)).toEqual(["/hook"]);
  });

  it("keeps at most 64 KiB of a 10 MB answer, in flat memory", async () => {
    const r = await receiver({ respond: { kind: "stream", bytes: 10 * 1024 * 1024 } });
    await send(r); // warm up
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 3; i++) {
      const result = await send(r);
      expect(result).toMatchObject({ ok: true, statusCode: 200, errorClass: null });
      expect(result.responseBody).toHaveLength(RESPONSE_BODY_CAP);
      expect(result.responseBody).toBe("x".repeat(RESPONSE_BODY_CAP));
    }
    const grown = process.memoryUsage().rss - before;
    expect(grown).toBeLessThan(30 * 1024 * 1024);
  });

  it("keeps a body of exactly the cap in full", async () => {
    const r = await receiver({ respond: { kind: "stream", bytes: RESPONSE_BODY_CAP, chunkSize: 4096 } });
    const result = await send(r);
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(result.responseBody).toHaveLength(RESPONSE_BODY_CAP);
  });

  it("keeps non-UTF-8 bodies as lossy text", async () => {
    const r = await receiver({ respond: { status: 200, body: Buffer.from([0x6f, 0x6b, 0xff, 0xfe]) } });
    const result = await send(r);
    expect(result).toMatchObject({ ok: true, responseBody: "ok\uFFFD\uFFFD" });
  });

  it("fails with tls when the certificate is not trusted", async () => {
    const r = await receiver({ cert: await testCert({ fresh: true }) });
    const result = await send(r, { ca: undefined });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: "tls" });
    expect(result.error).toMatch(/TLS/);
    expect(r.requests).toHaveLength(0);
  });

  it("fails with tls when the trusted certificate belongs to someone else", async () => {
    const r = await receiver({ cert: await testCert({ fresh: true }) });
    const other = await testCert();
    const result = await send(r, { ca: other.ca });
    expect(result).toMatchObject({ ok: false, errorClass: "tls" });
  });

  it("classifies a refused connection", async () => {
    const port = await freePort();
    const result = await sendWebhook({
      url: `https://127.0.0.1:${port}/hook`,
      body: BODY,
      headers: headers(),
      timeoutMs: 2000,
      allowPrivate: true,
    });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: "refused" });
    expect(result.error).toContain(`127.0.0.1:${port}`);
  });

  it("refuses a private address without allowPrivate, before any connection", async () => {
    const r = await receiver();
    const result = await send(r, { allowPrivate: false });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorClass: "policy" });
    expect(result.error).toMatch(/loopback/);
    // A send that is let through afterwards connects after any connection the refused one made.
    expect(await send(r)).toMatchObject({ ok: true });
    expect(r.connectionCount).toBe(1);
    expect(r.requests).toHaveLength(1);
  });

  it("refuses http: even with allowPrivate", async () => {
    const r = await receiver();
    const result = await send(r, { url: r.url.replace("https:", "http:") });
    expect(result).toMatchObject({
      ok: false,
      errorClass: "policy",
      error: expect.stringMatching(/HTTPS is required/),
    });
    expect(r.connectionCount).toBe(0);
  });

  it("classifies a name that does not resolve as dns", async () => {
    const resolver: Resolver = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND hooks.test"), { code: "ENOTFOUND" });
    };
    const result = await sendWebhook({
      url: "https://hooks.test/hook",
      body: BODY,
      headers: headers(),
      timeoutMs: 2000,
      allowPrivate: true,
      resolver,
    });
    expect(result).toMatchObject({
      ok: false,
      errorClass: "dns",
      error: expect.stringContaining("ENOTFOUND"),
    });
  });

  it("counts a resolver that hangs against the deadline", async () => {
    const result = await sendWebhook({
      url: "https://hooks.test/hook",
      body: BODY,
      headers: headers(),
      timeoutMs: 200,
      allowPrivate: true,
      resolver: () => new Promise(() => {}),
    });
    expect(result).toMatchObject({ ok: false, errorClass: "timeout" });
    expect(result.error).toContain("200 ms");
  });

  describe("pinning", () => {
    it("connects to the vetted address while TLS and Host use the name", async () => {
      const r = await receiver({ dnsNames: ["hooks.test"] });
      let calls = 0;
      const resolver: Resolver = async (host) => {
        calls++;
        expect(host).toBe("hooks.test");
        return [{ address: "127.0.0.1", family: 4 }];
      };
      const result = await send(r, { url: `https://hooks.test:${r.port}/hook?x=1`, resolver });
      expect(result).toMatchObject({ ok: true, statusCode: 200 });
      expect(calls).toBe(1);
      const [request] = await r.waitFor(1);
      expect(request!.url).toBe("/hook?x=1");
      expect(request!.headers.host).toBe(`hooks.test:${r.port}`);
    });

    it("checks the certificate against the name, not the address", async () => {
      const r = await receiver(); // certificate without hooks.test
      const result = await send(r, {
        url: `https://hooks.test:${r.port}/hook`,
        resolver: async () => [{ address: "127.0.0.1", family: 4 }],
      });
      expect(result).toMatchObject({ ok: false, errorClass: "tls" });
      expect(result.error).toMatch(/hooks\.test/);
      expect(r.requests).toHaveLength(0);
    });

    it("never reuses a connection pinned to an address that is no longer vetted", async () => {
      const r = await receiver({ dnsNames: ["hooks.test"] });
      let address = "127.0.0.1";
      const resolver: Resolver = async () => [{ address, family: 4 }];
      const url = `https://hooks.test:${r.port}/hook`;

      expect((await send(r, { url, resolver })).ok).toBe(true);
      expect((await send(r, { url, resolver })).ok).toBe(true);
      expect(r.connectionCount).toBeGreaterThan(0);

      // The name now points elsewhere (nothing listens on 127.0.0.2 at this port): the send
      // must go there, not over the live connection to 127.0.0.1.
      address = "127.0.0.2";
      const moved = await send(r, { url, resolver });
      expect(moved).toMatchObject({ ok: false, errorClass: "refused" });
      expect(moved.error).toContain("127.0.0.2");
      expect(r.requests).toHaveLength(2);

      address = "127.0.0.1";
      expect((await send(r, { url, resolver })).ok).toBe(true);
      expect(r.requests).toHaveLength(3);
    });

    it("refuses a name that resolves to a private address without allowPrivate", async () => {
      const r = await receiver({ dnsNames: ["hooks.test"] });
      const result = await send(r, {
        url: `https://hooks.test:${r.port}/hook`,
        allowPrivate: false,
        resolver: async () => [{ address: "127.0.0.1", family: 4 }],
      });
      expect(result).toMatchObject({ ok: false, errorClass: "policy" });
      expect(r.connectionCount).toBe(0);
    });
  });
});
