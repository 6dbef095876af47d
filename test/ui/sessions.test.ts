import type { IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type App, openApp } from "../../src/app.js";
import { startHttpServer } from "../../src/http/server.js";
import { SESSION_TTL_MS, SessionStore } from "../../src/http/ui/sessions.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { ENGINE } from "../support/engine.js";

/** Web UI sessions live in the store: this file runs on both engines. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function testApp(): Promise<TestApp> {
  const t = await openTestApp({ dispatch: false });
  cleanups.push(() => t.close());
  return t;
}

const request = (cookie: string) => ({ headers: { cookie } }) as unknown as IncomingMessage;

/** A second node on the same database as `t`. */
async function secondNode(t: TestApp): Promise<App> {
  const app = await openApp(
    {
      dbPath: t.dbPath,
      databaseUrl: t.dbEnv.CRM_DATABASE_URL,
      poolSize: 4,
      apiKey: undefined,
      allowPrivate: true,
      timeoutMs: 2000,
    },
    { dispatch: false },
  );
  cleanups.push(() => app.close());
  return app;
}

async function serve(app: App): Promise<string> {
  const http = await startHttpServer(app, { host: "127.0.0.1", port: 0 });
  cleanups.push(() => http.close());
  return http.url;
}

function post(url: string, cookie: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

const get = (url: string, cookie: string) => fetch(url, { redirect: "manual", headers: { cookie } });

describe(`web UI sessions on ${ENGINE}`, () => {
  it("forgets a session after 12 hours, and keeps only a hash of its token", async () => {
    const t = await testApp();
    let now = Date.now();
    const sessions = new SessionStore(t.app.store, () => now);
    const session = await sessions.create(t.owner);
    const req = request(`other=1; crm_session=${session.token}`);
    expect((await sessions.fromRequest(req))?.actor).toEqual(t.owner);
    expect(await t.app.store.read((tx) => tx.sessions.get(session.token, now))).toBeUndefined();
    now += SESSION_TTL_MS - 1;
    expect(await sessions.fromRequest(req)).not.toBeNull();
    now += 1;
    expect(await sessions.fromRequest(req)).toBeNull();
    expect(await sessions.fromRequest(request("crm_session=forged"))).toBeNull();
  });

  it("a session made on one node is honoured by another: sign-in, forms, messages and sign-out", async () => {
    const t = await testApp();
    const key = (await t.app.tenants.createApiKey(t.owner, "ui")).key;
    const a = await serve(t.app);
    const b = await serve(await secondNode(t));

    const signedIn = await post(`${a}/login`, "", { key });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;

    const onB = await get(`${b}/webhooks`, cookie);
    expect(onB.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await onB.text())![1]!;

    const created = await post(`${b}/webhooks`, cookie, {
      csrf,
      url: "https://hooks.example.com/crm",
      events: ["contact.created"],
      // A secret given: without one, the page that shows the made secret answers instead.
      secret: "a-long-enough-secret",
      enabled: "on",
    });
    expect(created.status).toBe(303);
    // The message set by B shows on A's next page, once.
    expect(await (await get(`${a}/webhooks`, cookie)).text()).toContain("Webhook created.");
    expect(await (await get(`${b}/webhooks`, cookie)).text()).not.toContain("Webhook created.");

    expect((await post(`${a}/logout`, cookie, { csrf })).status).toBe(303);
    const after = await get(`${b}/webhooks`, cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/login");
  });
});
