/**
 * The input checks of `crm-mcp/verify`, one case per failure mode. Each bad input comes with
 * a signature computed over exactly that input, so only the check itself can refuse it: a
 * verifier without the check would accept.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureHex } from "../../src/webhooks/signing.js";
import { verifyStandardWebhook, verifyWebhookSignature } from "../../src/webhooks/verify.js";

const SECRET = "receiver-secret";
const BODY = '{"event":"contact.created"}';
const TS = 1776852000;

/** `v1,<base64>` over `id.timestamp.body` exactly as given, whatever they are. */
function signOver(id: unknown, timestamp: unknown, body = BODY, key: string | Buffer = SECRET): string {
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

const good = {
  id: "evt_1",
  timestamp: String(TS),
  signature: signOver("evt_1", TS),
  rawBody: BODY,
  secret: SECRET,
  now: TS,
};

describe("verifyWebhookSignature input checks", () => {
  const hex = signatureHex(SECRET, BODY);

  it("accepts the header with whitespace around it, as proxies may leave it", () => {
    expect(verifyWebhookSignature(BODY, ` ${hex}\t`, SECRET)).toBe(true);
  });

  it("refuses hex with anything after the 64 digits, though its first 32 bytes match", () => {
    expect(verifyWebhookSignature(BODY, `${hex}zz`, SECRET)).toBe(false);
    expect(verifyWebhookSignature(BODY, `${hex}00`, SECRET)).toBe(false);
  });

  it("answers false, never throws, for a secret that is not a string", () => {
    for (const secret of [undefined, null, 42, {}])
      expect(verifyWebhookSignature(BODY, hex, secret as never)).toBe(false);
  });

  it("refuses a header that is not a string", () => {
    expect(verifyWebhookSignature(BODY, [hex] as never, SECRET)).toBe(false);
  });
});

describe("verifyStandardWebhook input checks", () => {
  it("accepts the well-formed case these build on", () => {
    expect(verifyStandardWebhook(good)).toBe(true);
    expect(verifyStandardWebhook({ ...good, timestamp: TS })).toBe(true);
  });

  it("refuses a missing or empty id, though the signature covers it", () => {
    expect(verifyStandardWebhook({ ...good, id: "", signature: signOver("", TS) })).toBe(false);
    expect(verifyStandardWebhook({ ...good, id: null, signature: signOver(null, TS) })).toBe(false);
    expect(verifyStandardWebhook({ ...good, id: undefined, signature: signOver(undefined, TS) })).toBe(false);
  });

  it("refuses a timestamp that is not 1 to 15 digits, though the signature covers it", () => {
    for (const timestamp of ["17768520O0", " 1776852000", "1776852000.5", "-1776852000", "1e9", ""]) {
      expect(
        verifyStandardWebhook({ ...good, timestamp, signature: signOver("evt_1", timestamp) }),
        timestamp,
      ).toBe(false);
    }
    expect(verifyStandardWebhook({ ...good, timestamp: null, signature: signOver("evt_1", null) })).toBe(
      false,
    );
    expect(
      verifyStandardWebhook({ ...good, timestamp: undefined, signature: signOver("evt_1", undefined) }),
    ).toBe(false);
    const long = "1".repeat(16);
    expect(
      verifyStandardWebhook({
        ...good,
        timestamp: long,
        signature: signOver("evt_1", long),
        now: Number(long),
      }),
    ).toBe(false);
  });

  it("refuses when the clock or the tolerance is not a finite number", () => {
    expect(verifyStandardWebhook({ ...good, now: Number.NaN })).toBe(false);
    expect(verifyStandardWebhook({ ...good, toleranceSeconds: Number.NaN })).toBe(false);
    expect(
      verifyStandardWebhook({ ...good, toleranceSeconds: Number.POSITIVE_INFINITY, now: TS + 10 ** 9 }),
    ).toBe(false);
  });

  it("uses the system clock when no `now` is given", () => {
    const now = Math.floor(Date.now() / 1000);
    const fresh = { ...good, timestamp: String(now), signature: signOver("evt_1", now), now: undefined };
    expect(verifyStandardWebhook(fresh)).toBe(true);
    const stale = {
      ...good,
      timestamp: String(now - 400),
      signature: signOver("evt_1", now - 400),
      now: undefined,
    };
    expect(verifyStandardWebhook(stale)).toBe(false);
  });

  it("answers false, never throws, for a secret that is neither a string nor bytes", () => {
    for (const secret of [undefined, null, 42, {}])
      expect(verifyStandardWebhook({ ...good, secret: secret as never })).toBe(false);
  });

  it("takes only v1 entries, comma-separated from their base64", () => {
    const b64 = good.signature.slice(3);
    for (const signature of [`v1${b64}`, `v1:${b64}`, `v2,${b64}`, `V1,${b64}`, `,${b64}`, ` v1 ,${b64}`])
      expect(verifyStandardWebhook({ ...good, signature }), signature).toBe(false);
    expect(verifyStandardWebhook({ ...good, signature: `v1a v2,x v1,${b64}` })).toBe(true);
  });

  it("refuses base64 that Node would decode leniently to the right bytes: url-safe, junk, whitespace", () => {
    const b64 = good.signature.slice(3);
    const urlSafe = b64.replaceAll("+", "-").replaceAll("/", "_");
    expect(Buffer.from(urlSafe, "base64").equals(Buffer.from(b64, "base64"))).toBe(true);
    if (urlSafe !== b64) expect(verifyStandardWebhook({ ...good, signature: `v1,${urlSafe}` })).toBe(false);
    expect(verifyStandardWebhook({ ...good, signature: `v1,${b64}!` })).toBe(false);
    expect(verifyStandardWebhook({ ...good, signature: `v1,${b64}\t` })).toBe(false);
  });

  it("refuses a signature of the wrong length: a truncated or a longer MAC", () => {
    const mac = Buffer.from(good.signature.slice(3), "base64");
    expect(
      verifyStandardWebhook({ ...good, signature: `v1,${mac.subarray(0, 31).toString("base64")}` }),
    ).toBe(false);
    const longer = Buffer.concat([mac, Buffer.from([0])]).toString("base64");
    expect(verifyStandardWebhook({ ...good, signature: `v1,${longer}` })).toBe(false);
  });
});
