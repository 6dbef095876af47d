import crypto, { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  buildDeliveryHeaders,
  HEADER_STANDARD_ID,
  HEADER_STANDARD_SIGNATURE,
  HEADER_STANDARD_TIMESTAMP,
  HEADER_WEBHOOK_SIGNATURE,
  signatureHex,
  standardWebhookSignature,
} from "../../src/webhooks/signing.js";
import { verifyStandardWebhook, verifyWebhookSignature } from "../../src/webhooks/verify.js";

const SECRET = "test-secret-ü";
const BODY =
  '{"event":"contact.created","data":{"userId":"u_123","companyId":"c_abc","entityId":"ct_xyz",' +
  '"payload":{"contact":{"id":"ct_xyz","firstName":"Max"}}},"timestamp":"2026-04-22T10:00:00.000Z"}';
const EVENT_ID = "evt_1";
const TS = 1776852000;

/** The receiver example from the public webhook documentation, verbatim. */
function specVerify(rawBody: string, received: string, secret: string) {
  const expected = crypto.createHmac("sha256", secret).update(rawBody).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

function headersFor(secret: string | null, rawBody = BODY) {
  return buildDeliveryHeaders({
    eventId: EVENT_ID,
    deliveryId: "dlv_9",
    event: "contact.created",
    rawBody,
    secret,
    timestampSeconds: TS,
    version: "1.2.3",
  });
}

describe("signatureHex", () => {
  it("matches the RFC 4231 HMAC-SHA256 test vector", () => {
    expect(signatureHex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("is lowercase hex HMAC-SHA256 of the raw body", () => {
    const expected = createHmac("sha256", SECRET).update(BODY).digest("hex");
    expect(signatureHex(SECRET, BODY)).toBe(expected);
    expect(expected).toBe("32efbb2bce132c1b4d3bcbf79468a00df53cb81f083d85c7151b7a07a346d6f8");
    expect(signatureHex(SECRET, BODY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("signs the exact bytes: whitespace changes the signature", () => {
    const reformatted = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(signatureHex(SECRET, reformatted)).not.toBe(signatureHex(SECRET, BODY));
  });
});

describe("standardWebhookSignature", () => {
  it("is v1,<base64 HMAC-SHA256 over id.timestamp.body> keyed with the secret's UTF-8 bytes", () => {
    const mac = createHmac("sha256", Buffer.from(SECRET, "utf8"))
      .update(`${EVENT_ID}.${TS}.${BODY}`)
      .digest("base64");
    expect(standardWebhookSignature(SECRET, EVENT_ID, TS, BODY)).toBe(`v1,${mac}`);
    expect(mac).toBe("jO4M8aN5TFP82WqyEgiVA+MnvvT87KH37rQowyj3MgM=");
  });
});

describe("buildDeliveryHeaders", () => {
  it("sends the identity headers always and the signatures only with a secret", () => {
    const plain = headersFor(null);
    expect(plain).toEqual({
      "Content-Type": "application/json",
      "User-Agent": "crm-mcp/1.2.3",
      "X-Webhook-Id": EVENT_ID,
      "X-Webhook-Delivery": "dlv_9",
      "X-Webhook-Event": "contact.created",
    });

    const signed = headersFor(SECRET);
    expect(signed).toMatchObject(plain);
    expect(signed[HEADER_WEBHOOK_SIGNATURE]).toBe(createHmac("sha256", SECRET).update(BODY).digest("hex"));
    expect(signed[HEADER_STANDARD_ID]).toBe(EVENT_ID);
    expect(signed[HEADER_STANDARD_TIMESTAMP]).toBe(String(TS));
    expect(signed[HEADER_STANDARD_SIGNATURE]).toBe(standardWebhookSignature(SECRET, EVENT_ID, TS, BODY));
  });

  it("produces a header the documented receiver snippet accepts", () => {
    const signed = headersFor(SECRET);
    expect(specVerify(BODY, signed[HEADER_WEBHOOK_SIGNATURE]!, SECRET)).toBe(true);
    expect(() => specVerify(BODY, "short", SECRET)).toThrow();
    expect(specVerify(BODY, signatureHex("other", BODY), SECRET)).toBe(false);
  });
});

describe("verifyWebhookSignature", () => {
  const good = signatureHex(SECRET, BODY);

  it("accepts the right signature, for a string or a Buffer body", () => {
    expect(verifyWebhookSignature(BODY, good, SECRET)).toBe(true);
    expect(verifyWebhookSignature(Buffer.from(BODY, "utf8"), good, SECRET)).toBe(true);
  });

  it("refuses a wrong secret", () => {
    expect(verifyWebhookSignature(BODY, good, "not-the-secret")).toBe(false);
  });

  it("refuses a tampered body", () => {
    expect(verifyWebhookSignature(BODY.replace("Max", "Mix"), good, SECRET)).toBe(false);
  });

  it("refuses a missing header", () => {
    expect(verifyWebhookSignature(BODY, undefined, SECRET)).toBe(false);
    expect(verifyWebhookSignature(BODY, null, SECRET)).toBe(false);
    expect(verifyWebhookSignature(BODY, "", SECRET)).toBe(false);
  });

  it("refuses a wrong length", () => {
    expect(verifyWebhookSignature(BODY, good.slice(0, 62), SECRET)).toBe(false);
    expect(verifyWebhookSignature(BODY, `${good}00`, SECRET)).toBe(false);
  });

  it("refuses non-hex", () => {
    expect(verifyWebhookSignature(BODY, `${good.slice(0, 63)}g`, SECRET)).toBe(false);
    expect(verifyWebhookSignature(BODY, `sha256=${good}`, SECRET)).toBe(false);
  });
});

describe("verifyStandardWebhook", () => {
  const signature = standardWebhookSignature(SECRET, EVENT_ID, TS, BODY);
  const base = {
    id: EVENT_ID,
    timestamp: String(TS),
    signature,
    rawBody: BODY,
    secret: SECRET,
    now: TS + 10,
  };

  it("accepts the headers we send", () => {
    const headers = headersFor(SECRET);
    expect(
      verifyStandardWebhook({
        id: headers[HEADER_STANDARD_ID],
        timestamp: headers[HEADER_STANDARD_TIMESTAMP],
        signature: headers[HEADER_STANDARD_SIGNATURE],
        rawBody: Buffer.from(BODY),
        secret: SECRET,
        now: TS,
      }),
    ).toBe(true);
  });

  it("accepts a space-separated list where one entry matches", () => {
    const other = standardWebhookSignature("rotated-away", EVENT_ID, TS, BODY);
    expect(verifyStandardWebhook({ ...base, signature: `v2,abc ${other} ${signature}` })).toBe(true);
  });

  it("refuses a wrong secret", () => {
    expect(verifyStandardWebhook({ ...base, secret: "nope" })).toBe(false);
  });

  it("refuses a tampered body", () => {
    expect(verifyStandardWebhook({ ...base, rawBody: `${BODY} ` })).toBe(false);
  });

  it("refuses another event id (the id is signed)", () => {
    expect(verifyStandardWebhook({ ...base, id: "evt_2" })).toBe(false);
  });

  it("refuses a missing header", () => {
    expect(verifyStandardWebhook({ ...base, signature: undefined })).toBe(false);
    expect(verifyStandardWebhook({ ...base, id: null })).toBe(false);
    expect(verifyStandardWebhook({ ...base, timestamp: undefined })).toBe(false);
  });

  it("refuses a stale or far-future timestamp", () => {
    expect(verifyStandardWebhook({ ...base, now: TS + 301 })).toBe(false);
    expect(verifyStandardWebhook({ ...base, now: TS - 301 })).toBe(false);
    expect(verifyStandardWebhook({ ...base, now: TS + 300 })).toBe(true);
    expect(verifyStandardWebhook({ ...base, now: TS + 1000, toleranceSeconds: 3600 })).toBe(true);
  });

  it("refuses a timestamp that does not match the signed one", () => {
    expect(verifyStandardWebhook({ ...base, timestamp: String(TS + 1) })).toBe(false);
  });

  it("refuses a non-numeric timestamp", () => {
    expect(verifyStandardWebhook({ ...base, timestamp: "17768520O0" })).toBe(false);
  });

  it("refuses malformed or wrong-length signatures", () => {
    const b64 = signature.slice(3);
    expect(verifyStandardWebhook({ ...base, signature: b64 })).toBe(false);
    expect(verifyStandardWebhook({ ...base, signature: `v1,${b64.slice(0, 20)}` })).toBe(false);
    expect(verifyStandardWebhook({ ...base, signature: "v1,!!!notbase64!!!" })).toBe(false);
    expect(verifyStandardWebhook({ ...base, signature: `v2,${b64}` })).toBe(false);
  });
});
