import { promises as dnsPromises } from "node:dns";
import { describe, expect, it, vi } from "vitest";
import { ValidationError } from "../../src/domain/errors.js";
import {
  checkWebhookUrl,
  classifyAddress,
  type Resolver,
  resolveForSend,
  vetUrlForSave,
} from "../../src/webhooks/url-policy.js";

/** A resolver over a fixed table; unknown names fail like getaddrinfo does. */
function table(entries: Record<string, string[]>): Resolver {
  return async (host) => {
    const addresses = entries[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

const resolver = table({
  localhost: ["127.0.0.1", "::1"],
  "internal.example.com": ["10.0.0.7"],
  "mixed.example.com": ["93.184.216.34", "192.168.0.10"],
  "public.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c7:1946"],
  "metadata.example.com": ["169.254.169.254"],
});

async function saveError(url: string): Promise<ValidationError> {
  try {
    await vetUrlForSave(url, { allowPrivate: false, resolver });
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe("url");
    return err as ValidationError;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe("checkWebhookUrl", () => {
  it("refuses http: with a message saying HTTPS is required", () => {
    const result = checkWebhookUrl("http://hooks.example.com/x");
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("HTTPS is required") });
  });

  it("refuses other schemes and garbage", () => {
    expect(checkWebhookUrl("ftp://hooks.example.com/").ok).toBe(false);
    expect(checkWebhookUrl("not a url")).toEqual({
      ok: false,
      reason: expect.stringContaining("not a valid URL"),
    });
  });

  it("refuses userinfo", () => {
    const withUser = checkWebhookUrl("https://user:pw@hooks.example.com/x");
    expect(withUser).toEqual({ ok: false, reason: expect.stringContaining("credentials") });
    expect(checkWebhookUrl("https://user@hooks.example.com/x").ok).toBe(false);
  });

  it("accepts an https URL with a name without resolving it", () => {
    const result = checkWebhookUrl("https://hooks.example.com:8443/in?x=1");
    expect(result.ok && result.url.hostname).toBe("hooks.example.com");
  });

  it("judges literal addresses, brackets removed", () => {
    expect(checkWebhookUrl("https://[::1]/").ok).toBe(false);
    expect(checkWebhookUrl("https://127.0.0.1/").ok).toBe(false);
    expect(checkWebhookUrl("https://[2606:2800:220:1:248:1893:25c7:1946]/").ok).toBe(true);
    // WHATWG URL parsing turns these spellings of 127.0.0.1 into 127.0.0.1.
    expect(checkWebhookUrl("https://2130706433/").ok).toBe(false);
    expect(checkWebhookUrl("https://0x7f.1/").ok).toBe(false);
  });
});

describe("classifyAddress", () => {
  const refused: Array<[string, RegExp]> = [
    ["127.0.0.1", /loopback/],
    ["10.1.2.3", /private/],
    ["172.16.0.1", /private/],
    ["172.31.255.255", /private/],
    ["192.168.1.1", /private/],
    ["169.254.169.254", /metadata.*link-local/],
    ["169.254.1.1", /link-local/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["0.0.0.0", /unspecified/],
    ["224.0.0.1", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["240.0.0.1", /reserved/],
    ["192.0.2.1", /documentation/],
    ["198.51.100.7", /documentation/],
    ["203.0.113.9", /documentation/],
    ["::1", /loopback/],
    ["::", /unspecified/],
    ["[::1]", /loopback/],
    ["::ffff:127.0.0.1", /IPv4-mapped form of 127\.0\.0\.1, a loopback/],
    ["::ffff:10.0.0.1", /IPv4-mapped form of 10\.0\.0\.1, a private/],
    ["64:ff9b::7f00:1", /NAT64 form of 127\.0\.0\.1/],
    ["64:ff9b::a9fe:a9fe", /NAT64 form of 169\.254\.169\.254/],
    ["64:ff9b:1::a00:1", /NAT64.*10\.0\.0\.1/],
    ["64:ff9b:1::5db8:d822", /local-use NAT64/],
    ["fc00::1", /unique local/],
    ["fd12::1", /unique local/],
    ["fe80::1", /link-local/],
    ["ff02::1", /multicast/],
    ["2001:db8::1", /documentation/],
    ["::7f00:1", /global unicast/],
    ["fe80::1%eth0", /scoped/],
    ["hooks.example.com", /not an IP address/],
  ];
  it.each(refused)("refuses %s", (ip, reason) => {
    const verdict = classifyAddress(ip);
    expect(verdict.public).toBe(false);
    expect(verdict.public === false && verdict.reason).toMatch(reason);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "2606:2800:220:1:248:1893:25c7:1946",
    "::ffff:93.184.216.34",
    "64:ff9b::5db8:d822",
  ])("accepts %s", (ip) => {
    expect(classifyAddress(ip)).toEqual({ public: true });
  });
});

describe("vetUrlForSave", () => {
  it.each([
    ["http://hooks.example.com/x", /HTTPS is required/],
    ["https://user:pw@hooks.example.com/x", /credentials/],
    ["https://localhost/x", /"localhost" is not a public host name: it has no dot/],
    ["https://127.0.0.1/x", /loopback/],
    ["https://10.1.2.3/x", /private/],
    ["https://172.16.0.1/x", /private/],
    ["https://172.31.255.255/x", /private/],
    ["https://192.168.1.1/x", /private/],
    ["https://169.254.169.254/latest/meta-data", /metadata/],
    ["https://100.64.0.1/x", /carrier-grade NAT/],
    ["https://0.0.0.0/x", /unspecified/],
    ["https://224.0.0.1/x", /multicast/],
    ["https://[::1]/x", /loopback/],
    ["https://[::ffff:127.0.0.1]/x", /IPv4-mapped form of 127\.0\.0\.1/],
    ["https://[64:ff9b::7f00:1]/x", /NAT64 form of 127\.0\.0\.1/],
    ["https://[fc00::1]/x", /unique local/],
    ["https://[fd12::1]/x", /unique local/],
    ["https://[fe80::1]/x", /link-local/],
    [
      "https://internal.example.com/x",
      /internal\.example\.com resolves to a non-public address: 10\.0\.0\.7 is a private/,
    ],
    ["https://mixed.example.com/x", /mixed\.example\.com resolves to a non-public address: 192\.168\.0\.10/],
    ["https://metadata.example.com/x", /metadata/],
  ])("refuses %s", async (url, reason) => {
    const err = await saveError(url);
    expect(err.message).toMatch(/^url: /);
    expect(err.message).toMatch(reason);
  });

  it.each([
    "https://93.184.216.34/hook",
    "https://[2606:2800:220:1:248:1893:25c7:1946]/hook",
    "https://public.example.com/hook",
    "https://not-created-yet.example.com/hook",
  ])("accepts %s", async (url) => {
    const saved = await vetUrlForSave(url, { allowPrivate: false, resolver });
    expect(saved).toBeInstanceOf(URL);
    expect(saved.href).toBe(url);
  });

  it("with the system resolver, sends share one lookup per host and second; a failure is not kept", async () => {
    const lookup = vi.spyOn(dnsPromises, "lookup");
    // The clock is moved by hand, so the second's edges are exact and nothing sleeps.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const send = () => resolveForSend("https://localhost/x", { allowPrivate: true });
      const targets = await Promise.all([send(), send(), send(), send()]);
      for (const target of targets) expect(target).toMatchObject({ ok: true });
      expect(lookup).toHaveBeenCalledTimes(1);
      vi.setSystemTime(Date.now() + 999);
      expect(await send()).toMatchObject({ ok: true });
      expect(lookup).toHaveBeenCalledTimes(1);
      vi.setSystemTime(Date.now() + 1);
      expect(await send()).toMatchObject({ ok: true });
      expect(lookup).toHaveBeenCalledTimes(2);

      const host = "crm-mcp-test-unresolvable.invalid";
      lookup.mockRejectedValueOnce(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" }),
      );
      lookup.mockResolvedValueOnce([{ address: "127.0.0.1", family: 4 }] as never);
      const failed = await resolveForSend(`https://${host}/x`, { allowPrivate: true });
      expect(failed).toMatchObject({ ok: false, errorClass: "dns" });
      // The next send looks again instead of reusing the failure.
      expect(await resolveForSend(`https://${host}/x`, { allowPrivate: true })).toMatchObject({
        ok: true,
        address: "127.0.0.1",
      });
      expect(lookup).toHaveBeenCalledTimes(4);
    } finally {
      vi.useRealTimers();
      lookup.mockRestore();
    }
  });

  it("allowPrivate lifts the address check but not the https rule", async () => {
    for (const url of [
      "https://127.0.0.1/x",
      "https://[::1]/x",
      "https://localhost/x",
      "https://10.1.2.3/x",
    ]) {
      await expect(vetUrlForSave(url, { allowPrivate: true, resolver })).resolves.toBeInstanceOf(URL);
    }
    await expect(vetUrlForSave("http://127.0.0.1/x", { allowPrivate: true, resolver })).rejects.toThrow(
      /HTTPS is required/,
    );
    await expect(vetUrlForSave("https://u:p@127.0.0.1/x", { allowPrivate: true, resolver })).rejects.toThrow(
      /credentials/,
    );
  });
});

describe("resolveForSend", () => {
  it("returns the address to pin for a public name", async () => {
    const target = await resolveForSend("https://public.example.com/hook", { allowPrivate: false, resolver });
    expect(target).toMatchObject({ ok: true, address: "93.184.216.34", family: 4 });
    expect(target.ok && target.url.hostname).toBe("public.example.com");
    expect(target.ok && target.addresses).toEqual(["93.184.216.34", "2606:2800:220:1:248:1893:25c7:1946"]);
  });

  it("pins an IPv6 literal without brackets", async () => {
    const target = await resolveForSend("https://[2606:2800:220:1:248:1893:25c7:1946]/", { resolver });
    expect(target).toMatchObject({ ok: true, address: "2606:2800:220:1:248:1893:25c7:1946", family: 6 });
  });

  it("refuses when any record is not public", async () => {
    const target = await resolveForSend("https://mixed.example.com/hook", { allowPrivate: false, resolver });
    expect(target).toEqual({
      ok: false,
      errorClass: "policy",
      reason: expect.stringMatching(/192\.168\.0\.10/),
    });
  });

  it("refuses literal and resolved private addresses as policy", async () => {
    for (const url of ["https://127.0.0.1/", "https://localhost/", "https://[::ffff:127.0.0.1]/"]) {
      expect(await resolveForSend(url, { allowPrivate: false, resolver })).toMatchObject({
        ok: false,
        errorClass: "policy",
      });
    }
  });

  it("a name that does not resolve fails the send as dns", async () => {
    const target = await resolveForSend("https://not-created-yet.example.com/", { resolver });
    expect(target).toEqual({ ok: false, errorClass: "dns", reason: expect.stringContaining("ENOTFOUND") });
    const empty = await resolveForSend("https://x.example.com/", { resolver: async () => [] });
    expect(empty).toMatchObject({ ok: false, errorClass: "dns" });
  });

  it("allowPrivate lifts the address check but not the https rule", async () => {
    expect(await resolveForSend("https://localhost/x", { allowPrivate: true, resolver })).toMatchObject({
      ok: true,
      address: "127.0.0.1",
    });
    expect(await resolveForSend("http://localhost/x", { allowPrivate: true, resolver })).toMatchObject({
      ok: false,
      errorClass: "policy",
      reason: expect.stringContaining("HTTPS is required"),
    });
  });
});
