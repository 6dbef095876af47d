import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, openApp } from "../../src/app.js";
import type { Actor } from "../../src/events/recorder.js";
import { startHttpServer } from "../../src/http/server.js";
import { findChromium } from "../support/browser.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";

const SHOTS = join(process.cwd(), "test-results", "ui");
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let dir: string;
let app: App;
let server: Awaited<ReturnType<typeof startHttpServer>>;
let receiver: Receiver;
let browser: Browser;
let desktop: BrowserContext;
let page: Page;
let owner: Actor;
let apiKey: string;
let base: string;

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** A raw request, to send what a browser would not (a foreign Origin, an old cookie). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = "",
): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function sessionCookie(): Promise<string> {
  const cookie = (await desktop.cookies()).find((c) => c.name === "crm_session");
  if (!cookie) throw new Error("no session cookie");
  return `crm_session=${cookie.value}`;
}

async function csrfToken(p: Page): Promise<string> {
  return (await p.locator('input[name="csrf"]').first().getAttribute("value")) ?? "";
}

/** Waits until no delivery of the company is still on its way. */
async function deliveriesSettled(count: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { items } = await app.deliveries.list(owner, {});
    if (items.length >= count && items.every((d) => d.status === "succeeded" || d.status === "failed"))
      return items;
    if (Date.now() > deadline) throw new Error(`deliveries did not settle: ${JSON.stringify(items)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  // First, so that a machine without a browser fails here with the one line that says why.
  const executablePath = findChromium();
  mkdirSync(SHOTS, { recursive: true });
  receiver = await startReceiver({ respond: { status: 500, body: "receiver is down" } });
  dir = mkdtempSync(join(tmpdir(), "crm-ui-"));
  app = await openApp(
    { dbPath: join(dir, "crm.db"), apiKey: undefined, allowPrivate: true, timeoutMs: 2000 },
    { ca: receiver.ca },
  );
  server = await startHttpServer(app, { host: "127.0.0.1", port: 0 });
  base = server.url;
  owner = await app.tenants.localOwner();
  apiKey = (await app.tenants.createApiKey(owner, "ui")).key;
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await desktop.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await app?.close();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("web UI", () => {
  it("sends a visitor without a session to the sign-in page, and refuses a wrong key", async () => {
    await page.goto(`${base}/webhooks`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe("/login");

    await page.fill("#key", "crm_not-a-key");
    await page.click("button[type=submit]");
    await expect(page.locator("#key-error").textContent()).resolves.toContain("not valid");
    await shot(page, "login");
  });

  it("signs in with an API key; the cookie holds a session token, not the key", async () => {
    await page.fill("#key", apiKey);
    await page.click("button[type=submit]");
    expect(new URL(page.url()).pathname).toBe("/webhooks");
    await expect(page.locator("header .company").textContent()).resolves.toBe("Local company");

    const cookie = (await desktop.cookies()).find((c) => c.name === "crm_session")!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Strict");
    expect(cookie.path).toBe("/");
    expect(cookie.value).not.toContain(apiKey);
    expect(Buffer.from(cookie.value, "base64url")).toHaveLength(32);
  });

  it("shows the service's refusals next to the field and keeps what was typed", async () => {
    await page.click("text=New webhook");
    expect(new URL(page.url()).pathname).toBe("/webhooks/new");

    await page.fill("#url", "http://hooks.example.com/crm");
    await page.fill("#description", "Sync to the data warehouse");
    await page.check('input[value="contact.created"]');
    await page.click("button:has-text('Create webhook')");

    const urlError = page.locator("#url-error");
    await expect(urlError.textContent()).resolves.toContain("HTTPS is required");
    await expect(urlError.textContent()).resolves.not.toMatch(/^url:/);
    await expect(page.locator("#url").getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(page.locator("#url").inputValue()).resolves.toBe("http://hooks.example.com/crm");
    await expect(page.locator("#description").inputValue()).resolves.toBe("Sync to the data warehouse");
    await expect(page.locator('input[value="contact.created"]').isChecked()).resolves.toBe(true);
    await shot(page, "webhook-form-errors");

    // No event at all: the message goes under the checklist.
    await page.fill("#url", receiver.url);
    await page.uncheck('input[value="contact.created"]');
    await page.click("button:has-text('Create webhook')");
    await expect(page.locator("#events-error").textContent()).resolves.toContain("choose at least one event");
    await expect(page.locator("#url-error").count()).resolves.toBe(0);
  });

  it("creates a webhook with every contact event through the entity's select-all box", async () => {
    await page.check('fieldset[data-entity="contact"] input[data-select-all]');
    for (const action of ["created", "updated", "deleted"]) {
      await expect(page.locator(`input[value="contact.${action}"]`).isChecked()).resolves.toBe(true);
    }
    await expect(page.locator('input[value="deal.created"]').isChecked()).resolves.toBe(false);
    await page.fill("#secret", "a-long-enough-secret");
    await page.click("button:has-text('Create webhook')");

    expect(new URL(page.url()).pathname).toBe("/webhooks");
    await expect(page.locator(".flash.ok").textContent()).resolves.toContain("Webhook created");
    const row = page.locator("tbody tr", { hasText: receiver.url });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain("contact.*");
    await expect(row.textContent()).resolves.toContain("enabled");

    const [webhook] = (await app.webhooks.list(owner)).items;
    expect(webhook).toMatchObject({
      url: receiver.url,
      hasSecret: true,
      enabled: true,
      description: "Sync to the data warehouse",
    });
    expect(webhook!.events.sort()).toEqual(["contact.created", "contact.deleted", "contact.updated"]);
  });

  it("lists the failed deliveries of a change, and searches them", async () => {
    const [contact] = await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    await app.crm.update(owner, "contact", [{ id: contact!.id, lastName: "Lovelace" }]);
    await receiver.waitFor(2);
    await deliveriesSettled(2);

    await page.reload();
    await expect(page.locator("tbody tr .badge.failed").count()).resolves.toBe(1);
    await shot(page, "webhooks");

    await page.click("nav >> text=Webhook Deliveries");
    expect(new URL(page.url()).pathname).toBe("/deliveries");
    const rows = page.locator("#deliveries tbody tr");
    await expect(rows.count()).resolves.toBe(2);
    // Newest first.
    await expect(rows.nth(0).textContent()).resolves.toContain("contact.updated");
    await expect(rows.nth(1).textContent()).resolves.toContain("contact.created");
    await expect(rows.nth(0).locator(".badge.failed").count()).resolves.toBe(1);
    await expect(rows.nth(0).textContent()).resolves.toContain("500");
    await shot(page, "deliveries");

    await page.fill("#q", "contact.updated");
    await page.click("button:has-text('Search')");
    expect(new URL(page.url()).searchParams.get("q")).toBe("contact.updated");
    await expect(rows.count()).resolves.toBe(1);

    await page.fill("#q", "127.0.0.1");
    await page.selectOption("#status", "failed");
    await page.click("button:has-text('Search')");
    await expect(rows.count()).resolves.toBe(2);

    await page.fill("#q", "no-such-host.example");
    await page.click("button:has-text('Search')");
    await expect(rows.count()).resolves.toBe(0);
    await expect(page.locator(".empty").textContent()).resolves.toContain("No delivery matches");
  });

  it("opens a failed delivery and resends it to a receiver that now answers 200", async () => {
    await page.goto(`${base}/deliveries?q=contact.updated`);
    await page.click("#deliveries tbody tr >> nth=0 >> a >> nth=0");
    const failedId = new URL(page.url()).pathname.split("/").pop()!;
    expect(failedId).toMatch(/^whd_/);

    await expect(page.locator("h1 .badge.failed").count()).resolves.toBe(1);
    const requestBody = (await page.locator("#request-body").textContent())!;
    expect(requestBody).toContain('"event": "contact.updated"');
    expect(requestBody).toContain('"lastName": "Lovelace"');
    await expect(page.locator("#request-headers").textContent()).resolves.toMatch(
      /x-webhook-signature: [0-9a-f]{64}/i,
    );
    await expect(page.locator("#response-body").textContent()).resolves.toBe("receiver is down");
    await shot(page, "delivery-failed");

    receiver.respond = { status: 200, body: '{"ok":true}' };
    await page.click("button:has-text('Resend')");
    const newId = new URL(page.url()).pathname.split("/").pop()!;
    expect(newId).toMatch(/^whd_/);
    expect(newId).not.toBe(failedId);
    await expect(page.locator("h1 .badge.succeeded").count()).resolves.toBe(1);
    await expect(page.locator(".card").textContent()).resolves.toContain(failedId);
    await expect(page.locator("#response-body").textContent()).resolves.toContain('"ok": true');
    await shot(page, "delivery-resent");

    await page.click("text=All deliveries");
    const top = page.locator("#deliveries tbody tr").first();
    await expect(top.textContent()).resolves.toContain("contact.updated");
    await expect(top.textContent()).resolves.toContain("(resend)");
    await expect(top.locator(".badge.succeeded").count()).resolves.toBe(1);
    // The original row never changes.
    await expect(page.locator(`a[href="/deliveries/${failedId}"]`).first().count()).resolves.toBe(1);
    expect((await app.deliveries.get(owner, failedId)).status).toBe("failed");
  });

  it("resends every failed delivery since a UTC time, once", async () => {
    const since = new Date(Date.now() - 60 * 60 * 1000).toISOString().slice(0, 16);
    await page.fill("#since", since);
    await page.click("button:has-text('Resend failed')");
    expect(new URL(page.url()).pathname).toBe("/deliveries");
    await expect(page.locator(".flash.ok").textContent()).resolves.toContain("Resent 1 failed delivery");
    await deliveriesSettled(4);
    await page.reload();
    await expect(page.locator("#deliveries tbody tr").count()).resolves.toBe(4);
    await expect(
      page.locator("#deliveries tbody tr").first().locator(".badge.succeeded").count(),
    ).resolves.toBe(1);

    // A time the service cannot read is refused under the field.
    await page.locator("#since").evaluate((input) => {
      const el = input as unknown as { type: string; value: string };
      el.type = "text";
      el.value = "yesterday";
    });
    await page.click("button:has-text('Resend failed')");
    await expect(page.locator("#since-error").textContent()).resolves.toContain("ISO 8601");
  });

  it("edits, disables and re-enables a webhook; a blank secret keeps the old one", async () => {
    await page.click("nav >> text=Webhooks");
    await page.click("tbody tr >> text=Edit");
    expect(new URL(page.url()).pathname).toMatch(/^\/webhooks\/wh_[^/]+\/edit$/);
    await expect(page.locator("#secret").inputValue()).resolves.toBe("");
    await expect(page.locator("text=A secret is set").count()).resolves.toBe(1);
    await shot(page, "webhook-edit");

    await page.fill("#description", "Warehouse sync");
    await page.check('input[value="deal.updated"]');
    await page.click("button:has-text('Save')");
    await expect(page.locator(".flash.ok").textContent()).resolves.toContain("saved");
    let [webhook] = (await app.webhooks.list(owner)).items;
    expect(webhook).toMatchObject({ description: "Warehouse sync", hasSecret: true });
    expect(webhook!.events).toContain("deal.updated");

    await page.click("tbody tr >> button:has-text('Disable')");
    await expect(page.locator(".flash.ok").textContent()).resolves.toContain("disabled");
    expect((await app.webhooks.get(owner, webhook!.id)).enabled).toBe(false);
    await page.click("tbody tr >> button:has-text('Enable')");
    expect((await app.webhooks.get(owner, webhook!.id)).enabled).toBe(true);

    await page.click("tbody tr >> text=Edit");
    await page.check('input[name="removeSecret"]');
    await page.click("button:has-text('Save')");
    [webhook] = (await app.webhooks.list(owner)).items;
    expect(webhook!.hasSecret).toBe(false);
  });

  it("shows the event catalog with each payload's JSON Schema", async () => {
    await page.click("nav >> text=Events");
    await expect(page.locator("section.event").count()).resolves.toBe(15);
    await expect(page.locator("details").count()).resolves.toBe(15);
    const updated = page.locator('section[id="deal.updated"]');
    await expect(updated.textContent()).resolves.toContain("changes");
    await updated.locator("summary").click();
    await expect(updated.locator("pre").textContent()).resolves.toContain('"totalValue"');
    await shot(page, "events");
  });

  it("fits a phone's width: tables stack and forms fit", async () => {
    const phone = await browser.newContext({
      viewport: { width: 375, height: 812 },
      storageState: await desktop.storageState(),
    });
    const p = await phone.newPage();
    try {
      for (const [path, name] of [
        ["/deliveries", "deliveries-375"],
        ["/webhooks/new", "webhook-form-375"],
        ["/webhooks", "webhooks-375"],
      ] as const) {
        await p.goto(`${base}${path}`);
        expect(new URL(p.url()).pathname).toBe(path);
        const width = await p.evaluate<number>("document.documentElement.scrollWidth");
        expect(width, `${path} is wider than the screen`).toBeLessThanOrEqual(375);
        await shot(p, name);
      }
    } finally {
      await phone.close();
    }
  });

  it("refuses a cross-site POST and a POST without the form's token", async () => {
    const cookie = await sessionCookie();
    const csrf = await csrfToken(page);
    const [webhook] = (await app.webhooks.list(owner)).items;
    const body = new URLSearchParams({ csrf, enabled: "false" }).toString();
    const form = { cookie, "content-type": "application/x-www-form-urlencoded" };

    const evil = await raw(
      "POST",
      `/webhooks/${webhook!.id}/toggle`,
      { ...form, origin: "http://evil.example" },
      body,
    );
    expect(evil.status).toBe(403);
    // A loopback origin on another port passes the server's rebinding check; the UI still refuses it.
    const otherPort = await raw(
      "POST",
      `/webhooks/${webhook!.id}/toggle`,
      { ...form, origin: "http://127.0.0.1:1" },
      body,
    );
    expect(otherPort.status).toBe(403);
    const noToken = await raw(
      "POST",
      `/webhooks/${webhook!.id}/toggle`,
      { ...form, origin: base },
      new URLSearchParams({ enabled: "false" }).toString(),
    );
    expect(noToken.status).toBe(403);
    expect((await app.webhooks.get(owner, webhook!.id)).enabled).toBe(true);

    const same = await raw("POST", `/webhooks/${webhook!.id}/toggle`, { ...form, origin: base }, body);
    expect(same.status).toBe(303);
    expect((await app.webhooks.get(owner, webhook!.id)).enabled).toBe(false);
    await app.webhooks.update(owner, { id: webhook!.id, enabled: true });
  });

  it("answers 404 for another company's webhook and delivery", async () => {
    const other = await app.tenants.createCompany("Other Ltd", "Someone else");
    const theirs = await app.webhooks.create(other, { url: receiver.url, events: ["deal.created"] });
    await app.crm.create(other, "deal", [{ name: "Their deal" }]);
    await receiver.waitFor(1);
    const deadline = Date.now() + 5000;
    let delivery = (await app.deliveries.list(other, {})).items[0];
    while (!delivery && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      delivery = (await app.deliveries.list(other, {})).items[0];
    }

    for (const path of [
      `/webhooks/${theirs.id}/edit`,
      `/webhooks/${theirs.id}/delete`,
      `/deliveries/${delivery!.id}`,
    ]) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(404);
    }
    await expect(page.locator("h1").textContent()).resolves.toBe("Not found");
    await shot(page, "not-found");

    const attempt = await raw(
      "POST",
      `/webhooks/${theirs.id}/delete`,
      { cookie: await sessionCookie(), origin: base, "content-type": "application/x-www-form-urlencoded" },
      new URLSearchParams({ csrf: await csrfToken(page) }).toString(),
    );
    expect(attempt.status).toBe(404);
    await expect(app.webhooks.get(other, theirs.id)).resolves.toMatchObject({ id: theirs.id });
    await page.goto(`${base}/deliveries`);
    await expect(page.locator("#deliveries tbody").textContent()).resolves.not.toContain("deal.created");
  });

  it("deletes a webhook after a confirmation step", async () => {
    await page.goto(`${base}/webhooks`);
    await page.click("tbody tr >> text=Delete");
    expect(new URL(page.url()).pathname).toMatch(/^\/webhooks\/wh_[^/]+\/delete$/);
    await shot(page, "webhook-delete-confirm");
    await page.click("button:has-text('Delete webhook')");
    expect(new URL(page.url()).pathname).toBe("/webhooks");
    await expect(page.locator(".flash.ok").textContent()).resolves.toContain("deleted");
    await expect(page.locator("tbody tr").count()).resolves.toBe(0);
    expect((await app.webhooks.list(owner)).total).toBe(0);
  });

  it("makes a secret when the field is left blank, shows it once, sets retries and rotates the secret", async () => {
    await page.goto(`${base}/webhooks/new`);
    await page.fill("#url", receiver.url);
    await page.check('input[value="task.deleted"]');
    await page.click("button:has-text('Create webhook')");
    await expect(page.locator("h1").textContent()).resolves.toBe("Webhook created");
    const secret = (await page.locator("#generated-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await shot(page, "webhook-secret-once");
    const [webhook] = (await app.webhooks.list(owner)).items;
    expect(webhook).toMatchObject({ hasSecret: true, events: ["task.deleted"] });
    await page.goto(`${base}/webhooks/${webhook!.id}/edit`);
    await expect(page.locator("text=A secret is set").count()).resolves.toBe(1);
    expect(await page.content()).not.toContain(secret);
    await page.selectOption("#retryPolicy", "standard");
    await page.click("button:has-text('Save')");
    expect((await app.webhooks.get(owner, webhook!.id)).retryPolicy).toBe("standard");

    await page.goto(`${base}/webhooks/${webhook!.id}/edit`);
    await page.fill("#graceHours", "12");
    await page.click("button:has-text('Rotate secret')");
    await expect(page.locator("h1").textContent()).resolves.toBe("Secret rotated");
    const rotated = (await page.locator("#generated-secret").textContent()) ?? "";
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await expect(page.locator("text=The old secret signs too").count()).resolves.toBe(1);
    await shot(page, "webhook-secret-rotated");
    const view = await app.webhooks.get(owner, webhook!.id);
    expect(Date.parse(view.previousSecretValidUntil!) - Date.now()).toBeGreaterThan(11 * 3_600_000);
    await app.webhooks.delete(owner, webhook!.id);
    await page.goto(`${base}/webhooks`);
  });

  it("signs out: the pages send to sign-in and the old cookie no longer works", async () => {
    const oldCookie = await sessionCookie();
    await page.click("nav >> button:has-text('Sign out')");
    expect(new URL(page.url()).pathname).toBe("/login");
    expect((await desktop.cookies()).find((c) => c.name === "crm_session")).toBeUndefined();

    await page.goto(`${base}/webhooks`);
    expect(new URL(page.url()).pathname).toBe("/login");

    const replay = await raw("GET", "/webhooks", { cookie: oldCookie });
    expect(replay.status).toBe(303);
    expect(replay.location).toBe("/login");
    const post = await raw(
      "POST",
      "/deliveries/resend-failed",
      { cookie: oldCookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
      "since=2020-01-01T00:00",
    );
    expect(post.status).toBe(303);
    expect(post.location).toBe("/login");
  });
});
