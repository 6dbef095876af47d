import { readFileSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { findChromium } from "../support/browser.js";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

let t: TestApp;
let server: Awaited<ReturnType<typeof startHttpServer>>;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  const executablePath = findChromium();
  t = await openTestApp({ dispatch: false });
  server = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  base = server.url;
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(`${base}/login`);
  await page.fill("#key", (await t.app.tenants.createApiKey(t.owner, "ui")).key);
  await page.click("button[type=submit]");
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.close();
});

const CSV = "First Name,Last Name,E-mail,Company\nAda,Lovelace,ada@example.com,Acme\nBob,,bob@,Acme\n";
const upload = (name: string, text: string) => ({
  name,
  mimeType: "text/csv",
  buffer: Buffer.from(text),
});

describe("the import page", () => {
  it("shows a dry run's report, writes nothing, then imports from the report page", async () => {
    await page.goto(`${base}/webhooks`);
    await page.click("nav >> text=Import / Export");
    expect(new URL(page.url()).pathname).toBe("/import");
    await page.selectOption("#entity", "contact");
    await page.setInputFiles("#file", upload("people.csv", CSV));
    await page.check("input[name=createOrganizations]");
    expect(await page.isChecked("input[name=dryRun]")).toBe(true);
    await page.click("form.card button[type=submit]");

    expect(await page.textContent("h1")).toBe("Dry run: people.csv");
    expect(await page.textContent("#summary")).toContain(
      "Would create 1, would update 0, unchanged 0, refused 1",
    );
    const rows = await page.$$eval("#report tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim())),
    );
    expect(rows).toEqual([
      ["2", "created", "Ada Lovelace", ""],
      ["3", "refused", "", expect.stringMatching(/^E-mail: must be an email address/)],
    ]);
    expect(await t.app.crm.count(t.owner, "contact", {})).toBe(0);
    expect(await t.app.crm.count(t.owner, "organization", {})).toBe(0);

    // The form under the report runs it for real.
    await page.setInputFiles("#file", upload("people.csv", CSV));
    await page.click("form.card button[type=submit]");
    expect(await page.textContent("h1")).toBe("Import: people.csv");
    expect(await page.textContent("#summary")).toContain("Created 1, updated 0, unchanged 0, refused 1");
    expect(await t.app.crm.count(t.owner, "contact", {})).toBe(1);
    expect(await page.getAttribute("#report tbody tr >> nth=0 >> a", "href")).toMatch(/^\/records\/ct_/);
  });

  it("offers each type as a CSV download", async () => {
    await page.goto(`${base}/import`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("a[href='/export/contacts']"),
    ]);
    expect(download.suggestedFilename()).toBe("contacts.csv");
    const text = readFileSync((await download.path())!, "utf8");
    expect(text).toMatch(
      /^Id,First Name,Last Name,Emails,Job Title,Phones,Organization,Notes\nct_\w+,Ada,Lovelace,ada@example.com,,,Acme,\n$/,
    );
  });

  it("says what is wrong with a file that is not CSV, and refuses a post without the CSRF token", async () => {
    await page.goto(`${base}/import`);
    await page.setInputFiles("#file", upload("broken.csv", 'a,b\n"open,1\n'));
    await page.click("form.card button[type=submit]");
    expect(await page.textContent("[role=alert]")).toMatch(/^broken.csv: is not valid CSV/);

    const response = await page.request.post(`${base}/import`, {
      headers: { origin: base },
      multipart: { entity: "contact", file: upload("x.csv", CSV) },
    });
    expect(response.status()).toBe(403);
    expect(await t.app.crm.count(t.owner, "contact", {})).toBe(1);
  });
});
