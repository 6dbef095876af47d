/**
 * The SDK client's OAuth flow with the consent given in Chromium, as a person gives it: the
 * browser opens the authorization URL, signs in, reads the consent page, presses Approve, and
 * lands on the client's callback. What a form post cannot show is checked here: the page's
 * Content-Security-Policy lets the form's redirects reach the client, and the sign-in comes
 * back to the consent page.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { findChromium } from "../support/browser.js";
import { ENGINE } from "../support/engine.js";
import { CALLBACK, MemoryOAuthClient } from "../support/oauth.js";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

let t: TestApp;
let http: Awaited<ReturnType<typeof startHttpServer>>;
let browser: Browser;
let key: string;

beforeAll(async () => {
  const executablePath = findChromium();
  t = await openTestApp({ dispatch: false });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  key = (await t.app.tenants.createApiKey(t.owner, "browser")).key;
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  await http?.close();
  await t?.close();
});

describe(`the consent page in Chromium on ${ENGINE}`, () => {
  it("signs in, shows the client, its redirect URI and scopes, and Approve completes the SDK client's flow", async () => {
    const oauth = new MemoryOAuthClient("crm:read crm:write", undefined, "Browser client");
    const transport = new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), { authProvider: oauth });
    await expect(new Client({ name: "oauth-test", version: "1" }).connect(transport)).rejects.toThrow(
      UnauthorizedError,
    );
    expect(oauth.authorizationUrl).toBeDefined();

    const context = await browser.newContext();
    const page = await context.newPage();
    // Nothing listens at the client's callback: the browser's arrival there is the answer.
    let callback: URL | undefined;
    await page.route(`${CALLBACK}**`, async (route) => {
      callback = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: "text/plain", body: "back at the client" });
    });

    await page.goto(oauth.authorizationUrl!.href);
    // Not signed in: the consent page sends the browser to sign in first.
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.fill("#key", key);
    await page.click("button[type=submit]");
    expect(new URL(page.url()).pathname).toMatch(/^\/oauth\/consent\/[\w-]+$/);

    expect(await page.textContent("h1")).toBe("Connect Browser client?");
    const facts = await page.$$eval("dl dt", (dts) =>
      dts.map((dt) => [dt.textContent?.trim(), dt.nextElementSibling?.textContent?.trim()]),
    );
    expect(facts).toContainEqual(["Returns to", CALLBACK]);
    expect(facts).toContainEqual(["Application", oauth.client!.client_id]);
    // Each scope the client asked for is a box, ticked; the person keeps the CRM ones only.
    const asked = oauth.authorizationUrl!.searchParams.get("scope")!.split(" ");
    const boxes = () =>
      page.$$eval("input[name=scope]", (inputs) =>
        inputs.map((i) => {
          const box = i as unknown as { value: string; checked: boolean };
          return [box.value, box.checked];
        }),
      );
    const offered = await boxes();
    expect(offered.map(([scope]) => scope)).toEqual(asked.filter((s) => s !== "offline_access"));
    expect(offered.map(([scope]) => scope)).toEqual(
      expect.arrayContaining(["crm:read", "crm:write", "webhooks:write"]),
    );
    expect(offered.every(([, checked]) => checked)).toBe(true);
    for (const [scope] of offered) {
      if (!String(scope).startsWith("crm:")) await page.uncheck(`input[name=scope][value="${scope}"]`);
    }
    expect((await boxes()).filter(([, checked]) => checked).map(([scope]) => scope)).toEqual([
      "crm:read",
      "crm:write",
    ]);

    await page.click("button[value=approve]");
    await page.waitForURL(`${CALLBACK}**`, { timeout: 10_000 });
    expect(callback?.searchParams.get("code")).toBeTruthy();
    await context.close();

    await transport.finishAuth(callback!.searchParams);
    const client = new Client({ name: "oauth-test", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), { authProvider: oauth }),
    );
    const tools = (await client.listTools()).tools.map((x) => x.name);
    expect(tools).toContain("create_contacts");
    expect(tools).not.toContain("create_webhook");
    await client.close();
  });
});
