import { describe, expect, it } from "vitest";
import {
  checkWebhookUrl,
  publicNameProblem,
  type Resolver,
  resolveForSend,
  vetUrlForSave,
} from "../../src/webhooks/url-policy.js";
import { call, connect, openTestApp } from "../support/app.js";

/**
 * A mistyped URL costs no DNS lookup (issue 12, finding 12): `https:///x` parses as host
 * `x`, so the host is checked before anything is resolved.
 */

function countingResolver(): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (host: string) => {
    calls.push(host);
    return [{ address: "93.184.216.34", family: 4 as const }];
  };
  return Object.assign(resolver, { calls });
}

describe("the host of a webhook URL", () => {
  it("must be written: https:///x and https:x have none", async () => {
    const resolver = countingResolver();
    for (const url of [
      "https:///x",
      "https:x",
      "https:/x",
      "https:\\\\\\x",
      "HTTPS:///hooks.example.com/x",
    ]) {
      expect(checkWebhookUrl(url)).toEqual({
        ok: false,
        reason: "the URL has no host: write it as https://host.example.com/path",
      });
      // Not even a private network makes a path into a host.
      expect(checkWebhookUrl(url, { allowPrivate: true }).ok).toBe(false);
      await expect(vetUrlForSave(url, { resolver })).rejects.toThrow(/^url: the URL has no host/);
      expect(await resolveForSend(url, { resolver })).toMatchObject({ ok: false, errorClass: "policy" });
    }
    expect(resolver.calls).toEqual([]);
  });

  it("must be a plausible public name before it is resolved", async () => {
    const resolver = countingResolver();
    for (const [url, problem] of [
      ["https://x/hook", "has no dot"],
      ["https://localhost/hook", "has no dot"],
      ["https://app.localhost/hook", "is a local name"],
      ["https://-bad.example.com/hook", "has a label"],
      ["https://hooks.example.c0m/hook", "does not end in a top-level domain"],
      [`https://${"a".repeat(64)}.example.com/hook`, "has a label"],
      [`https://${"abc.".repeat(63)}com/hook`, "is longer than 253 characters"],
    ] as const) {
      const check = checkWebhookUrl(url);
      expect(check.ok, url).toBe(false);
      expect(check.ok ? "" : check.reason, url).toContain(`is not a public host name: it ${problem}`);
      await expect(vetUrlForSave(url, { resolver })).rejects.toThrow(/is not a public host name/);
      expect(await resolveForSend(url, { resolver })).toMatchObject({ ok: false, errorClass: "policy" });
    }
    expect(resolver.calls).toEqual([]);
    // A private network may use names of its own.
    expect(checkWebhookUrl("https://receiver/hook", { allowPrivate: true }).ok).toBe(true);
  });

  it("takes public names, international ones included, and resolves them", async () => {
    const resolver = countingResolver();
    for (const url of [
      "https://hooks.example.com/x",
      "https://a_b.example.co.uk./x",
      "https://bücher.example/x",
    ]) {
      await expect(vetUrlForSave(url, { resolver })).resolves.toBeInstanceOf(URL);
    }
    expect(resolver.calls).toEqual(["hooks.example.com", "a_b.example.co.uk.", "xn--bcher-kva.example"]);
    expect(publicNameProblem("xn--bcher-kva.xn--p1ai")).toBeNull();
  });

  it("create_webhook answers https:///x with a clear error", async () => {
    const t = await openTestApp({ dispatch: false });
    try {
      const client = await connect(t.app, t.owner);
      const r = await call(client, "create_webhook", { url: "https:///x", events: ["contact.created"] });
      expect(r).toMatchObject({
        isError: true,
        text: "url: the URL has no host: write it as https://host.example.com/path",
      });
      await client.close();
    } finally {
      await t.close();
    }
  });
});
