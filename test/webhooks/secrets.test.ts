import crypto from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApp } from "../../src/app.js";
import { readConfig } from "../../src/config.js";
import { generateSecret, SECRET_PREFIX, secretProblem, standardKey } from "../../src/webhooks/secrets.js";
import { buildDeliveryHeaders, HEADER_STANDARD_SIGNATURE } from "../../src/webhooks/signing.js";
import { checkWebhookUrl } from "../../src/webhooks/url-policy.js";
import { verifyStandardWebhook, verifyWebhookSignature } from "../../src/webhooks/verify.js";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";
import { freshDatabase } from "../support/engine.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";

const BODY = '{"event":"contact.created","data":{"entityId":"ct_1"},"timestamp":"2026-04-22T10:00:00.000Z"}';

/** The receiver example from the public webhook documentation, verbatim. */
function specVerify(rawBody: string, received: string, secret: string) {
  const expected = crypto.createHmac("sha256", secret).update(rawBody).digest("hex");
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

function headers(secret: string, previousSecret?: string) {
  return buildDeliveryHeaders({
    eventId: "evt_1",
    deliveryId: "whd_1",
    event: "contact.created",
    rawBody: BODY,
    secret,
    previousSecret,
    timestampSeconds: Math.floor(Date.now() / 1000),
    version: "1.0.0",
  });
}

/** What a receiver built on the `standardwebhooks` library does: throws on a bad delivery. */
function libraryVerifies(secret: string, h: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(BODY, {
      "webhook-id": h["webhook-id"]!,
      "webhook-timestamp": h["webhook-timestamp"]!,
      "webhook-signature": h["webhook-signature"]!,
    });
    return true;
  } catch {
    return false;
  }
}

describe("whsec_ secrets", () => {
  it("generates whsec_ + base64 of 32 random bytes, a new one each time", () => {
    const a = generateSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(SECRET_PREFIX.length), "base64")).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
    expect(secretProblem(a)).toBeNull();
  });

  it("keys the Standard Webhooks signature with the decoded bytes, so the standardwebhooks library verifies it as is", () => {
    const secret = generateSecret();
    const h = headers(secret);
    expect(libraryVerifies(secret, h)).toBe(true);
    expect(
      verifyStandardWebhook({
        id: "evt_1",
        timestamp: h["webhook-timestamp"],
        signature: h["webhook-signature"],
        rawBody: BODY,
        secret,
      }),
    ).toBe(true);
    // X-Webhook-Signature stays what the documented snippet computes with the whole string.
    expect(specVerify(BODY, h["X-Webhook-Signature"]!, secret)).toBe(true);
    expect(verifyWebhookSignature(BODY, h["X-Webhook-Signature"], secret)).toBe(true);
  });

  it("keys a secret without the prefix with its UTF-8 bytes, as before", () => {
    expect(standardKey("plain-secret-ü")).toEqual(Buffer.from("plain-secret-ü", "utf8"));
    const h = headers("plain-secret-ü");
    expect(
      verifyStandardWebhook({
        id: "evt_1",
        timestamp: h["webhook-timestamp"],
        signature: h["webhook-signature"],
        rawBody: BODY,
        secret: "plain-secret-ü",
      }),
    ).toBe(true);
  });

  it("refuses a whsec_ secret that is not base64 or holds too few or too many bytes", () => {
    expect(secretProblem("whsec_not base64!")).toMatch(/base64/);
    expect(secretProblem(`whsec_${Buffer.alloc(8).toString("base64")}`)).toMatch(/24 to 64 bytes.*not 8/);
    expect(secretProblem(`whsec_${Buffer.alloc(65).toString("base64")}`)).toMatch(/not 65/);
    expect(secretProblem("no-prefix-at-all")).toBeNull();
  });

  it("signs with the new and the old secret during a rotation, new first, so either verifies", () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    const h = headers(newSecret, oldSecret);
    const entries = h[HEADER_STANDARD_SIGNATURE]!.split(" ");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe(headers(newSecret)[HEADER_STANDARD_SIGNATURE]);
    expect(libraryVerifies(newSecret, h)).toBe(true);
    expect(libraryVerifies(oldSecret, h)).toBe(true);
    expect(libraryVerifies(generateSecret(), h)).toBe(false);
    expect(specVerify(BODY, h["X-Webhook-Signature"]!, newSecret)).toBe(true);
    expect(specVerify(BODY, h["X-Webhook-Signature-Previous"]!, oldSecret)).toBe(true);
    expect(headers(newSecret)["X-Webhook-Signature-Previous"]).toBeUndefined();
  });
});

describe("a webhook created without a secret", () => {
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await openTestApp({ ca: receiver.ca });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it("gets a whsec_ secret, shown once in the create result and never again; its deliveries verify with the library", async () => {
    const client = await connect(t.app, t.owner);
    const created = await ok(client, "create_webhook", { url: receiver.url, events: ["contact.created"] });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.hasSecret).toBe(true);
    const again = await ok(client, "get_webhook", { id: created.id });
    expect(again.secret).toBeUndefined();
    expect(again.hasSecret).toBe(true);
    const listed = await ok(client, "list_webhooks", {});
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    await ok(client, "create_contacts", { contacts: [{ firstName: "Ada" }] });
    const [request] = await receiver.waitFor(1);
    const h = request!.headers as Record<string, string>;
    expect(() =>
      new Webhook(created.secret).verify(request!.body, {
        "webhook-id": h["webhook-id"]!,
        "webhook-timestamp": h["webhook-timestamp"]!,
        "webhook-signature": h["webhook-signature"]!,
      }),
    ).not.toThrow();
    expect(specVerify(request!.body, h["x-webhook-signature"]!, created.secret)).toBe(true);
    await client.close();
  });

  it("stays unsigned when the secret is null, and refuses a malformed whsec_ secret naming the field", async () => {
    const client = await connect(t.app, t.owner);
    const unsigned = await ok(client, "create_webhook", {
      url: receiver.url,
      events: ["task.created"],
      secret: null,
    });
    expect(unsigned.secret).toBeUndefined();
    expect(unsigned.hasSecret).toBe(false);
    const bad = await call(client, "create_webhook", {
      url: receiver.url,
      events: ["task.created"],
      secret: "whsec_***not-base64***",
    });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/secret: a secret starting with whsec_ must continue in base64/);
    await client.close();
  });
});

describe("the private-address refusal", () => {
  it("names the setting that lifts it", () => {
    const check = checkWebhookUrl("https://10.0.0.7/hook");
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(/CRM_WEBHOOK_ALLOW_PRIVATE=1/);
  });
});

describe("CRM_WEBHOOK_CA_FILE", () => {
  it("trusts a receiver whose certificate comes from the named CA, and only then", async () => {
    const receiver = await startReceiver();
    const dir = mkdtempSync(join(tmpdir(), "crm-ca-"));
    const caFile = join(dir, "ca.pem");
    writeFileSync(caFile, receiver.ca);
    const db = await freshDatabase(dir);
    const env = { ...db.env, CRM_WEBHOOK_ALLOW_PRIVATE: "1", CRM_WEBHOOK_TIMEOUT_MS: "2000" };
    try {
      for (const trusted of [false, true]) {
        const config = readConfig(trusted ? { ...env, CRM_WEBHOOK_CA_FILE: caFile } : env);
        const app = await openApp(config);
        try {
          const owner = await app.tenants.localOwner();
          const hook = await app.webhooks.create(owner, { url: receiver.url, events: ["contact.created"] });
          await app.crm.create(owner, "contact", [{ firstName: trusted ? "Trusted" : "Untrusted" }]);
          const delivery = await waitFor(async () => {
            const { items } = await app.deliveries.list(owner, { webhookId: hook.id });
            return items.find((d) => d.status === "succeeded" || d.status === "failed");
          });
          expect(delivery.status).toBe(trusted ? "succeeded" : "failed");
          if (!trusted) expect(delivery.error).toMatch(/certificate/i);
          await app.webhooks.delete(owner, hook.id);
        } finally {
          await app.close();
        }
      }
    } finally {
      await receiver.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a file that is missing or holds no certificate, in one line naming the variable", () => {
    expect(() => readConfig({ CRM_WEBHOOK_CA_FILE: "/nonexistent/ca.pem" })).toThrow(
      /^CRM_WEBHOOK_CA_FILE=\/nonexistent\/ca.pem cannot be read \(ENOENT\)/,
    );
    const dir = mkdtempSync(join(tmpdir(), "crm-ca-"));
    writeFileSync(join(dir, "x.pem"), "not a certificate");
    expect(() => readConfig({ CRM_WEBHOOK_CA_FILE: join(dir, "x.pem") })).toThrow(/holds no PEM certificate/);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** Polls `probe` until it returns something, or fails after `ms`. */
async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
