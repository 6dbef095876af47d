import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSecret } from "../src/webhooks/secrets.js";
import { buildDeliveryHeaders } from "../src/webhooks/signing.js";
import { verifyStandardWebhook, verifyWebhookSignature } from "../src/webhooks/verify.js";

type Verifier = (rawBody: string, headersOrValue: unknown, secret: string) => boolean;

/** The js blocks of the README's "Verify a signature" section, each made into its function. */
function readmeVerifiers(): Record<string, Verifier> {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  const section = readme.split("### Verify a signature")[1]!.split("\n### ")[0]!;
  const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const out: Record<string, Verifier> = {};
  for (const block of blocks) {
    // The snippets' imports become parameters bound to the same modules.
    const code = block.replace(/^import .*$/gm, "");
    const name = /function (\w+)\(/.exec(code)![1]!;
    const make = new Function(
      "crypto",
      "Webhook",
      "verifyStandardWebhook",
      "verifyWebhookSignature",
      `${code}\nreturn ${name};`,
    );
    out[name] = make(crypto, Webhook, verifyStandardWebhook, verifyWebhookSignature);
  }
  return out;
}

const BODY = '{"event":"contact.created","data":{},"timestamp":"2026-04-22T10:00:00.000Z"}';

function delivery(secret: string): Record<string, string> {
  const headers = buildDeliveryHeaders({
    eventId: "evt_1",
    deliveryId: "whd_1",
    event: "contact.created",
    rawBody: BODY,
    secret,
    timestampSeconds: Math.floor(Date.now() / 1000),
    version: "1.0.0",
  });
  // As a Node receiver sees them: lowercased names.
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe("the README's verification examples", () => {
  const verifiers = readmeVerifiers();

  it("are the three documented ones", () => {
    expect(Object.keys(verifiers).sort()).toEqual(["verify", "verifyWithLibrary", "verifyWithPackage"]);
  });

  for (const secret of [generateSecret(), "a-secret-you-chose-ü"]) {
    const kind = secret.startsWith("whsec_") ? "a whsec_ secret" : "a chosen secret";
    it(`accept a real delivery signed with ${kind}, and refuse a wrong one without throwing`, () => {
      const headers = delivery(secret);
      const { verify, verifyWithPackage, verifyWithLibrary } = verifiers as Record<string, Verifier>;
      expect(verify!(BODY, headers["x-webhook-signature"], secret)).toBe(true);
      expect(verifyWithPackage!(BODY, headers, secret)).toBe(true);
      expect(verifyWithLibrary!(BODY, headers, secret)).toBe(true);

      const other = generateSecret();
      expect(verify!(BODY, headers["x-webhook-signature"], other)).toBe(false);
      expect(verifyWithPackage!(BODY, headers, other)).toBe(false);
      expect(verifyWithLibrary!(BODY, headers, other)).toBe(false);
      expect(verifyWithPackage!(`${BODY} `, headers, secret)).toBe(false);
    });
  }

  it("return false for a missing or malformed header", () => {
    const secret = generateSecret();
    const { verify, verifyWithPackage, verifyWithLibrary } = verifiers as Record<string, Verifier>;
    for (const bad of [undefined, "", "abc", "zz".repeat(32), "v1,", 42]) {
      expect(verify!(BODY, bad, secret)).toBe(false);
      const headers = { ...delivery(secret), "x-webhook-signature": bad, "webhook-signature": bad };
      expect(verifyWithPackage!(BODY, headers, secret)).toBe(false);
      expect(verifyWithLibrary!(BODY, headers, secret)).toBe(false);
    }
    expect(verifyWithLibrary!(BODY, {}, secret)).toBe(false);
    expect(verifyWithPackage!(BODY, {}, secret)).toBe(false);
  });
});
