import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { AxeResults } from "axe-core";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.js";
import type { Actor } from "../../src/events/recorder.js";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { findChromium } from "../support/browser.js";
import { ENGINE } from "../support/engine.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

const SHOTS = join(process.cwd(), "test-results", "ui");
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let t: TestApp;
let app: App;
let server: Awaited<ReturnType<typeof startHttpServer>>;
let receiver: Receiver;
let browser: Browser;
let page: Page;
let owner: Actor;
let key: string;
let base: string;
let healthy: { id: string };
let down: { id: string };
let contactId: string;

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function signIn(p: Page) {
  await p.goto(`${base}/login`);
  await p.fill("#key", key);
  await p.click("button[type=submit]");
  expect(new URL(p.url()).pathname).toBe("/webhooks");
}

/** The finished deliveries of a webhook, as its page counts them. */
async function finished(webhookId: string): Promise<number> {
  const f = await app.deliveries.figures(owner, webhookId);
  return f.week.succeeded + f.week.failed;
}

async function createContacts(n: number, tag: string) {
  const made = await app.crm.create(
    owner,
    "contact",
    Array.from({ length: n }, (_, i) => ({ firstName: tag, lastName: `${i}` })),
  );
  contactId = made[0]!.id;
}

beforeAll(async () => {
  const executablePath = findChromium();
  mkdirSync(SHOTS, { recursive: true });
  receiver = await startReceiver({ respond: { status: 500, body: "receiver is down" } });
  t = await openTestApp({ ca: receiver.ca, timeoutMs: 2000 });
  app = t.app;
  owner = t.owner;
  server = await startHttpServer(app, { host: "127.0.0.1", port: 0 });
  base = server.url;
  key = (await app.tenants.createApiKey(owner, "ui")).key;

  // Real deliveries: to a receiver that fails four, then takes six; and to a closed port.
  healthy = await app.webhooks.create(owner, {
    url: receiver.url,
    events: ["contact.created"],
    description: "Warehouse sync",
    secret: null,
  });
  down = await app.webhooks.create(owner, {
    url: "https://127.0.0.1:9/hook",
    events: ["contact.created"],
    secret: null,
  });
  await createContacts(4, "Failing");
  await until(async () => (await finished(healthy.id)) === 4, 10_000, "four failed deliveries");
  receiver.respond = { status: 200, body: "ok" };
  await createContacts(6, "Taken");
  await until(async () => (await finished(healthy.id)) === 10, 10_000, "ten finished deliveries");
  await until(async () => (await finished(down.id)) === 10, 10_000, "ten refused deliveries");

  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
  await receiver?.close();
});

describe(`a webhook's page, on ${ENGINE}`, () => {
  it("shows the chart larger, the success rates, duration p50 and p99 and the error classes of failures", async () => {
    await page.goto(`${base}/webhooks`);
    await page.click(`a[href="/webhooks/${healthy.id}"]`);
    expect(new URL(page.url()).pathname).toBe(`/webhooks/${healthy.id}`);

    const chart = page.locator("svg.chart[role=img]");
    await expect(chart.getAttribute("aria-label")).resolves.toBe(
      "Deliveries per hour over the last 24 hours: 6 succeeded, 4 failed",
    );
    await expect(chart.locator("g[data-hour]").count()).resolves.toBe(24);
    // The deliveries fall in the last hour, or in the last two when they (or this page) came
    // either side of an hour's start.
    const titles = await chart.locator("g[data-hour] title").allTextContents();
    const bars = titles.map((title) => {
      const m = /^\d\d:00 UTC: (\d+) succeeded, (\d+) failed$/.exec(title);
      expect(m, title).not.toBeNull();
      return [Number(m![1]), Number(m![2])] as const;
    });
    expect(bars.slice(0, -2).every(([ok, failed]) => ok + failed === 0)).toBe(true);
    expect(bars.slice(-2).reduce((sum, [ok, failed]) => [sum[0] + ok, sum[1] + failed], [0, 0])).toEqual([
      6, 4,
    ]);
    expect((await chart.boundingBox())!.width).toBeGreaterThan(600);

    const figures = (await page.locator("#figures").textContent()) ?? "";
    expect(figures).toContain("Last 24 hours60 % of 10");
    expect(figures).toContain("Last 7 days60 % of 10");
    const f = await app.deliveries.figures(owner, healthy.id);
    expect(f.p50Ms).not.toBeNull();
    await expect(page.locator("#p50").textContent()).resolves.toBe(`${f.p50Ms} ms`);
    await expect(page.locator("#p99").textContent()).resolves.toBe(`${f.p99Ms} ms`);
    await expect(page.locator("#error-classes tbody tr").allTextContents()).resolves.toEqual([
      "http_status4",
    ]);
    // The last deliveries succeeded: not failing.
    await expect(page.locator("#failing-since").count()).resolves.toBe(0);
    await shot(page, "webhook-page");
  });

  it("says since when a webhook whose recent deliveries all failed has been failing", async () => {
    await page.goto(`${base}/webhooks/${down.id}`);
    const since = (await app.webhooks.get(owner, down.id)).failingSince!;
    const banner = (await page.locator("#failing-since").textContent()) ?? "";
    expect(banner).toContain(`Failing since ${since.slice(0, 19).replace("T", " ")} UTC`);
    expect(banner).toContain("Connection refused");
    await expect(page.locator("#error-classes tbody tr").allTextContents()).resolves.toEqual(["refused10"]);
    await shot(page, "webhook-page-failing");
  });

  it("is a 404 for another company's webhook", async () => {
    const rival = await app.tenants.createCompany("Rival", "Rita");
    const theirs = await app.webhooks.create(rival, { url: receiver.url, events: ["deal.created"] });
    const res = await page.goto(`${base}/webhooks/${theirs.id}`);
    expect(res?.status()).toBe(404);
  });

  it("stays readable 390 px wide: the chart fits the screen", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const small = await phone.newPage();
    await signIn(small);
    await small.goto(`${base}/webhooks/${healthy.id}`);
    expect(await small.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    const box = (await small.locator("svg.chart").boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await shot(small, "webhook-page-390");
    await phone.close();
  });
});

/** axe-core's serious and critical findings on the page as it stands, one line each. */
async function seriousFindings(p: Page): Promise<string[]> {
  await p.evaluate(AXE_SOURCE);
  const results = await p.evaluate<AxeResults>("axe.run(document, { resultTypes: ['violations'] })");
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")}: ${v.help}`));
}

describe("accessibility: axe-core in the page finds nothing serious or critical", () => {
  it("on the sign-in page, with and without an error", async () => {
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`${base}/login`);
    expect(await seriousFindings(visitor)).toEqual([]);
    await visitor.fill("#key", "crm_not-a-key");
    await visitor.click("button[type=submit]");
    await expect(visitor.locator("#key-error").count()).resolves.toBe(1);
    expect(await seriousFindings(visitor)).toEqual([]);
    await visitor.context().close();
  });

  const pages: [string, () => string][] = [
    ["webhooks-list", () => "/webhooks"],
    ["webhook-page", () => `/webhooks/${healthy.id}`],
    ["webhook-page-failing", () => `/webhooks/${down.id}`],
    ["webhook-new", () => "/webhooks/new"],
    ["webhook-edit", () => `/webhooks/${healthy.id}/edit`],
    ["deliveries", () => "/deliveries"],
    ["events", () => "/events"],
    ["record-page", () => `/records/${contactId}`],
    ["search", () => "/search?q=Taken"],
  ];
  for (const [name, path] of pages) {
    it(`on ${name}`, async () => {
      const res = await page.goto(`${base}${path()}`);
      expect(res?.status()).toBe(200);
      expect(await seriousFindings(page)).toEqual([]);
      await shot(page, `axe-${name}`);
    });
  }

  it("on a delivery's page", async () => {
    const { items } = await app.deliveries.list(owner, { webhookId: healthy.id, status: "failed" });
    await page.goto(`${base}/deliveries/${items[0]!.id}`);
    await expect(page.locator("#delivery-error").count()).resolves.toBe(1);
    expect(await seriousFindings(page)).toEqual([]);
    await shot(page, "axe-delivery");
  });

  it("at 390 px wide too", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const small = await phone.newPage();
    await signIn(small);
    for (const path of ["/webhooks", `/webhooks/${healthy.id}`, "/deliveries", `/records/${contactId}`]) {
      await small.goto(`${base}${path}`);
      expect(await seriousFindings(small), path).toEqual([]);
    }
    await phone.close();
  });
});
