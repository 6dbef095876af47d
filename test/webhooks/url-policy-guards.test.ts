/**
 * URL policy edges, each held by a case only its check decides: forms of an address that a
 * lenient parser would read as public, the exact refusals, the send resolver's answers, and
 * the bound on the send lookup cache.
 */
import { promises as dnsPromises } from "node:dns";
import { describe, expect, it, vi } from "vitest";
import { ValidationError } from "../../src/domain/errors.js";
import {
  checkWebhookUrl,
  classifyAddress,
  type Resolver,
  resolveForSend,
  stripBrackets,
  systemResolver,
  vetUrlForSave,
} from "../../src/webhooks/url-policy.js";

describe("classifyAddress and stripBrackets", () => {
  it("reads only what node:net calls an IP address (guard: isIP before ipaddr.parse)", () => {
    // ipaddr.js alone would read these as 8.8.8.8, a public address.
    for (const lenient of ["0x08080808", "0x08.0x08.0x08.0x08", "8.8.2056"])
      expect(classifyAddress(lenient)).toEqual({
        public: false,
        reason: `"${lenient}" is not an IP address`,
      });
    expect(classifyAddress("::1%")).toEqual({ public: false, reason: '"::1%" is not an IP address' });
  });

  it("trims before classifying", () => {
    expect(classifyAddress(" 8.8.8.8\n")).toEqual({ public: true });
    expect(classifyAddress(" [2606:4700::1111] ")).toEqual({ public: true });
  });

  it("strips brackets only when both are there", () => {
    expect(stripBrackets("[::1]")).toBe("::1");
    expect(stripBrackets("[::1")).toBe("[::1");
    expect(stripBrackets("::1]")).toBe("::1]");
    expect(stripBrackets("a]")).toBe("a]");
    expect(stripBrackets("[a")).toBe("[a");
  });
});

describe("checkWebhookUrl refusals", () => {
  it("names the scheme it refuses", () => {
    expect(checkWebhookUrl("http://hooks.example.com/")).toEqual({
      ok: false,
      reason: "HTTPS is required: http:// URLs are refused, use https://",
    });
    expect(checkWebhookUrl("ftp://hooks.example.com/")).toEqual({
      ok: false,
      reason: "HTTPS is required: ftp: URLs are refused, use https://",
    });
  });

  it("refuses a password without a user name too", () => {
    expect(checkWebhookUrl("https://:secret@hooks.example.com/")).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/must not contain credentials/),
    });
  });
});

describe("vetUrlForSave", () => {
  it("refuses a private literal unless told otherwise (guard: allowPrivate defaults to false)", async () => {
    await expect(vetUrlForSave("https://127.0.0.1/hook")).rejects.toThrow(ValidationError);
    await expect(vetUrlForSave("https://127.0.0.1/hook", { allowPrivate: true })).resolves.toBeInstanceOf(
      URL,
    );
  });
});

describe("resolveForSend", () => {
  const resolver =
    (records: { address: string; family: number }[]): Resolver =>
    async () =>
      records as never;

  it("refuses private addresses unless told otherwise (guard: allowPrivate defaults to false)", async () => {
    expect(await resolveForSend("https://127.0.0.1/hook")).toMatchObject({ ok: false, errorClass: "policy" });
    expect(
      await resolveForSend("https://hooks.test/hook", {
        resolver: resolver([{ address: "10.0.0.1", family: 4 }]),
      }),
    ).toMatchObject({
      ok: false,
      errorClass: "policy",
    });
  });

  it("refuses an answer that is not an IP address, whatever allowPrivate says", async () => {
    const r = await resolveForSend("https://hooks.test/hook", {
      allowPrivate: true,
      resolver: resolver([
        { address: "93.184.216.34", family: 4 },
        { address: "not-an-ip", family: 4 },
      ]),
    });
    expect(r).toEqual({
      ok: false,
      errorClass: "dns",
      reason: 'hooks.test resolved to "not-an-ip", not an IP address',
    });
  });

  it("says why a lookup failed, with or without an error code", async () => {
    const failing =
      (error: unknown): Resolver =>
      async () => {
        throw error;
      };
    expect(await resolveForSend("https://hooks.test/x", { resolver: failing(new Error("boom")) })).toEqual({
      ok: false,
      errorClass: "dns",
      reason: "could not resolve hooks.test: boom",
    });
    expect(await resolveForSend("https://hooks.test/x", { resolver: failing("plain") })).toMatchObject({
      reason: "could not resolve hooks.test: plain",
    });
    expect(await resolveForSend("https://hooks.test/x", { resolver: failing(null) })).toMatchObject({
      reason: "could not resolve hooks.test: null",
    });
    expect(
      await resolveForSend("https://hooks.test/x", {
        resolver: failing(Object.assign(new Error("x"), { code: "EAI_AGAIN" })),
      }),
    ).toMatchObject({ reason: "could not resolve hooks.test (EAI_AGAIN)" });
  });

  it("refuses a name with no addresses", async () => {
    expect(await resolveForSend("https://hooks.test/x", { resolver: resolver([]) })).toEqual({
      ok: false,
      errorClass: "dns",
      reason: "hooks.test has no A or AAAA records",
    });
  });

  it("pins to the first answer and reports its family", async () => {
    const r = await resolveForSend("https://hooks.test/x", {
      resolver: resolver([
        { address: "2606:4700::1111", family: 6 },
        { address: "93.184.216.34", family: 4 },
      ]),
    });
    expect(r).toMatchObject({
      ok: true,
      address: "2606:4700::1111",
      family: 6,
      addresses: ["2606:4700::1111", "93.184.216.34"],
    });
  });
});

describe("the system resolver", () => {
  it("reports each address with its family", async () => {
    expect(await systemResolver("127.0.0.1")).toEqual([{ address: "127.0.0.1", family: 4 }]);
    expect(await systemResolver("::1")).toEqual([{ address: "::1", family: 6 }]);
  });

  it("keeps at most 256 hosts' answers: the 257th host starts the cache afresh (guard: SEND_LOOKUP_MAX_HOSTS)", async () => {
    const lookup = vi
      .spyOn(dnsPromises, "lookup")
      .mockResolvedValue([{ address: "127.0.0.1", family: 4 }] as never);
    try {
      const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
      const send = (i: number) => resolveForSend(`https://h${i}-${run}.test/x`, { allowPrivate: true });
      // Whatever other tests left in the cache, 256 new hosts fill it to the bound or past it.
      for (let i = 0; i < 256; i++) await send(i);
      const filled = lookup.mock.calls.length;
      expect(filled).toBe(256);
      await send(255);
      await send(0);
      expect(lookup.mock.calls.length).toBe(filled);
      await send(256);
      await send(256);
      expect(lookup.mock.calls.length).toBe(filled + 1);
      // The bound was reached, so the first hosts were forgotten.
      await send(0);
      expect(lookup.mock.calls.length).toBe(filled + 2);
    } finally {
      lookup.mockRestore();
    }
  });
});
