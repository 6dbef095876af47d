/**
 * The server's `--read-only` and `--toolsets` hold in the web UI as on MCP and REST: a form
 * whose tool the server does not serve is neither offered nor accepted, and nothing is written;
 * a page whose read tool it does not serve is neither linked nor shown.
 * Sign-in, sign-out, connected apps and the CSV export are not a toolset's and stay.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer } from "../../src/http/server.js";
import type { ToolSelection } from "../../src/mcp/registry.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { ENGINE } from "../support/engine.js";

let t: TestApp;
let key: string;
let webhookId: string;
let deliveryId: string;
let contactId: string;
const servers: Awaited<ReturnType<typeof startHttpServer>>[] = [];

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  key = (await t.app.tenants.createApiKey(t.owner, "ui")).key;
  const webhook = await t.app.webhooks.create(t.owner, {
    url: "https://127.0.0.1:9/hook",
    events: ["contact.created"],
    description: "as it was",
  });
  webhookId = webhook.id;
  contactId = (await t.app.crm.create(t.owner, "contact", [{ firstName: "Ada" }]))[0]!.id;
  const page = await t.app.deliveries.list(t.owner, {});
  deliveryId = page.items[0]!.id;
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await t?.close();
});

async function serve(selection: ToolSelection) {
  const http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0, selection });
  servers.push(http);
  return http.url;
}

/** Signs in on `base`; the session cookie and its CSRF token. */
async function signIn(base: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ key }).toString(),
    redirect: "manual",
  });
  expect(r.status).toBe(303);
  const cookie = /^(crm_session=[^;]+)/.exec(r.headers.get("set-cookie") ?? "")?.[1];
  if (!cookie) throw new Error("no session cookie");
  const page = await (await fetch(`${base}/webhooks`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("no csrf field on /webhooks");
  return { cookie, csrf };
}

async function get(base: string, cookie: string, path: string) {
  const r = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
  return { status: r.status, body: await r.text() };
}

async function post(base: string, session: { cookie: string; csrf: string }, path: string, fields = {}) {
  const r = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrf: session.csrf, ...fields }).toString(),
    redirect: "manual",
  });
  return { status: r.status, body: await r.text(), location: r.headers.get("location") };
}

async function upload(base: string, session: { cookie: string; csrf: string }, dryRun: boolean) {
  const form = new FormData();
  form.set("csrf", session.csrf);
  form.set("entity", "contact");
  if (dryRun) form.set("dryRun", "1");
  form.set("file", new Blob(["First name,Last name\nGrace,Hopper\n"], { type: "text/csv" }), "people.csv");
  const r = await fetch(`${base}/import`, {
    method: "POST",
    headers: { cookie: session.cookie },
    body: form,
    redirect: "manual",
  });
  return { status: r.status, body: await r.text() };
}

/** What the store holds that a form could change: the webhook, the deliveries, the contacts. */
async function snapshot() {
  const webhook = await t.app.webhooks.get(t.owner, webhookId);
  const deliveries = await t.app.deliveries.list(t.owner, {});
  const contacts = await t.app.crm.count(t.owner, "contact", {});
  return { webhook, deliveries: deliveries.total, contacts };
}

/** Every form of the UI that writes to the CRM, with what its POST carries. */
const WRITES: { path: () => string; fields?: Record<string, string> }[] = [
  { path: () => "/webhooks", fields: { url: "https://127.0.0.1:9/new", events: "contact.created" } },
  {
    path: () => `/webhooks/${webhookId}`,
    fields: { url: "https://127.0.0.1:9/other", events: "deal.created" },
  },
  { path: () => `/webhooks/${webhookId}/toggle`, fields: { enabled: "false" } },
  { path: () => `/webhooks/${webhookId}/rotate`, fields: { graceHours: "0" } },
  { path: () => `/webhooks/${webhookId}/delete` },
  { path: () => "/deliveries/resend-failed", fields: { since: "2000-01-01T00:00" } },
  { path: () => `/deliveries/${deliveryId}/resend` },
];

describe(`the web UI of a read-only server on ${ENGINE}`, () => {
  let base: string;
  let session: { cookie: string; csrf: string };
  beforeAll(async () => {
    base = await serve({ readOnly: true });
    session = await signIn(base);
  });

  it("refuses every form that changes data with a 403 page saying why, and writes nothing", async () => {
    const before = await snapshot();
    for (const w of WRITES) {
      const r = await post(base, session, w.path(), w.fields);
      expect(r.status, w.path()).toBe(403);
      expect(r.body, w.path()).toContain("This server is read-only (--read-only)");
    }
    const imported = await upload(base, session, false);
    expect(imported.status).toBe(403);
    expect(imported.body).toContain("the import_records tool is not served");
    expect(await upload(base, session, true)).toMatchObject({ status: 403 });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses the pages of those forms, and offers none of them on the pages it shows", async () => {
    for (const path of ["/webhooks/new", `/webhooks/${webhookId}/edit`, `/webhooks/${webhookId}/delete`]) {
      const r = await get(base, session.cookie, path);
      expect(r.status, path).toBe(403);
      expect(r.body, path).toContain("read-only");
    }
    const pages = [
      await get(base, session.cookie, "/webhooks"),
      await get(base, session.cookie, `/webhooks/${webhookId}`),
      await get(base, session.cookie, "/deliveries"),
      await get(base, session.cookie, `/deliveries/${deliveryId}`),
      await get(base, session.cookie, "/import"),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      // The only form that posts is sign-out.
      expect(
        [...page.body.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1]),
      ).toEqual(["/logout"]);
      expect(page.body).not.toMatch(/href="\/webhooks\/(new|[^"/]+\/(edit|delete))"/);
    }
    expect(pages[0]!.body).toContain("as it was");
    expect(pages[4]!.body).toContain('id="import-off"');
    // Export is a read: still offered.
    expect(pages[4]!.body).toContain('href="/export/contacts"');
  });

  it("still signs out, and leaves connected apps to the person", async () => {
    const other = await signIn(base);
    // Not a CRM write: revoking an app that is not there is a 404 of its own, not a refusal.
    const revoke = await post(base, other, "/apps/grant_none/revoke");
    expect(revoke.body).not.toContain("read-only");
    const out = await post(base, other, "/logout");
    expect(out).toMatchObject({ status: 303, location: "/login" });
  });
});

describe(`the web UI of a server with some toolsets on ${ENGINE}`, () => {
  it("refuses the webhook forms of a server without the webhooks toolset, and imports", async () => {
    const base = await serve({ toolsets: ["crm"] });
    const session = await signIn(base);
    const before = await snapshot();
    for (const w of WRITES) {
      const r = await post(base, session, w.path(), w.fields);
      expect(r.status, w.path()).toBe(403);
      expect(r.body, w.path()).toContain("serves only the crm toolset (--toolsets)");
    }
    expect(await snapshot()).toEqual(before);
    const listed = await get(base, session.cookie, "/webhooks");
    expect(listed.body).not.toContain('href="/webhooks/new"');
    const dry = await upload(base, session, true);
    expect(dry.status).toBe(200);
    expect(dry.body).toContain("Nothing was written");
  });

  it("refuses an import on a server without the crm toolset, and keeps the webhook forms", async () => {
    const base = await serve({ toolsets: ["webhooks"] });
    const session = await signIn(base);
    const r = await upload(base, session, true);
    expect(r.status).toBe(403);
    expect(r.body).toContain("this form belongs to crm (the import_records tool)");
    const listed = await get(base, session.cookie, "/webhooks");
    expect(listed.body).toContain('href="/webhooks/new"');
    expect(listed.body).toContain(`action="/webhooks/${webhookId}/toggle"`);
  });
});

/** The pages of the webhooks toolset, each with the read tool it stands for. */
const WEBHOOK_PAGES: { path: () => string; tool: string }[] = [
  { path: () => "/webhooks", tool: "list_webhooks" },
  { path: () => `/webhooks/${webhookId}`, tool: "get_webhook" },
  { path: () => "/deliveries", tool: "list_webhook_deliveries" },
  { path: () => `/deliveries?webhookId=${webhookId}`, tool: "list_webhook_deliveries" },
  { path: () => `/deliveries/${deliveryId}`, tool: "get_webhook_delivery" },
  { path: () => "/events", tool: "list_webhook_events" },
];

/** The pages of the crm toolset's reads. */
const RECORD_PAGES: { path: () => string; tool: string }[] = [
  { path: () => `/records/${contactId}`, tool: "get_entities" },
  { path: () => "/search?q=Ada", tool: "search_all_entities" },
];

/** The root-relative links of a page. */
function linksOf(body: string): string[] {
  return [...body.matchAll(/href="(\/[^"]*)"/g)].map((m) => m[1]!);
}

describe(`the web UI's pages follow the server's toolsets on ${ENGINE}`, () => {
  it("a server without the webhooks toolset refuses every webhook and delivery page, and links to none", async () => {
    const base = await serve({ toolsets: ["crm"] });
    const login = await fetch(`${base}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ key }).toString(),
      redirect: "manual",
    });
    // Sign-in and the start lead to a page this server shows, not to the webhooks.
    expect(login.headers.get("location")).toBe("/import");
    const session = await signIn(base);
    const start = await fetch(`${base}/`, { headers: { cookie: session.cookie }, redirect: "manual" });
    expect(start.status).toBe(303);
    expect(start.headers.get("location")).toBe("/import");
    for (const p of WEBHOOK_PAGES) {
      const r = await get(base, session.cookie, p.path());
      expect(r.status, p.path()).toBe(403);
      expect(r.body, p.path()).toContain(
        `serves only the crm toolset (--toolsets), and this page belongs to webhooks (the ${p.tool} tool)`,
      );
      expect(r.body, p.path()).not.toContain("as it was");
      expect(r.body, p.path()).not.toContain(deliveryId);
    }
    const shown = [
      await get(base, session.cookie, `/records/${contactId}`),
      await get(base, session.cookie, "/search?q=Ada"),
      await get(base, session.cookie, "/import"),
      await get(base, session.cookie, "/apps"),
      await get(base, session.cookie, "/webhooks"),
    ];
    for (const page of shown.slice(0, 4)) expect(page.status).toBe(200);
    expect(shown[0]!.body).toContain("Ada");
    expect(shown[0]!.body).not.toContain("Webhook deliveries it caused");
    expect(shown[1]!.body).toContain(`href="/records/${contactId}"`);
    for (const page of shown) {
      const links = linksOf(page.body);
      expect(links).toContain("/import");
      expect(links).toContain("/apps");
      expect(links.filter((l) => /^\/(webhooks|deliveries|events)(\/|\?|$)/.test(l))).toEqual([]);
      expect(page.body).toContain('action="/search"');
    }
    const exported = await fetch(`${base}/export/contacts`, { headers: { cookie: session.cookie } });
    expect(exported.status).toBe(200);
    expect(await exported.text()).toContain("Ada");
  });

  it("a server without the crm toolset refuses the record and search pages, and has no search box", async () => {
    const base = await serve({ toolsets: ["webhooks"] });
    const session = await signIn(base);
    for (const p of RECORD_PAGES) {
      const r = await get(base, session.cookie, p.path());
      expect(r.status, p.path()).toBe(403);
      expect(r.body, p.path()).toContain(
        `serves only the webhooks toolset (--toolsets), and this page belongs to crm (the ${p.tool} tool)`,
      );
      expect(r.body, p.path()).not.toContain('action="/search"');
    }
    for (const p of WEBHOOK_PAGES) {
      const r = await get(base, session.cookie, p.path());
      expect(r.status, p.path()).toBe(200);
      expect(r.body, p.path()).not.toContain('action="/search"');
      expect(linksOf(r.body).filter((l) => l.startsWith("/records/") || l.startsWith("/search"))).toEqual([]);
    }
  });

  it("a server with every toolset serves every page and links them", async () => {
    const base = await serve({});
    const session = await signIn(base);
    for (const p of [...WEBHOOK_PAGES, ...RECORD_PAGES]) {
      const r = await get(base, session.cookie, p.path());
      expect(r.status, p.path()).toBe(200);
      const links = linksOf(r.body);
      for (const nav of ["/webhooks", "/deliveries", "/events", "/apps", "/import"])
        expect(links, p.path()).toContain(nav);
      expect(r.body, p.path()).toContain('action="/search"');
    }
    const record = await get(base, session.cookie, `/records/${contactId}`);
    expect(record.body).toContain("Webhook deliveries it caused");
    expect(linksOf(record.body)).toContain(`/deliveries/${deliveryId}`);
    const start = await fetch(`${base}/`, { headers: { cookie: session.cookie }, redirect: "manual" });
    expect(start.headers.get("location")).toBe("/webhooks");
  });
});
