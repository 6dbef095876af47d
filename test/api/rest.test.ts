import { createHash } from "node:crypto";
import createClient, { type Client } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApp } from "../../src/app.js";
import { openApiDocument } from "../../src/http/api/openapi.js";
import { startHttpServer } from "../../src/http/server.js";
import { call, connect, openTestApp, type TestApp } from "../support/app.js";
import { createPgDatabase, dropPgDatabase, ENGINE } from "../support/engine.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { until } from "../support/wait.js";
import type { paths } from "./openapi.gen.js";

type Http = Awaited<ReturnType<typeof startHttpServer>>;
type Api = Client<paths>;

let t: TestApp;
let http: Http;
let receiver: Receiver;
let api: Api;
let other: Api;
let ownerKey: string;
/** Every operation the tests called, as `METHOD /path`: the last test checks none was left out. */
const called = new Set<string>();

function client(url: string, key: string): Api {
  const c = createClient<paths>({ baseUrl: `${url}/api/v1`, headers: { authorization: `Bearer ${key}` } });
  c.use({
    onRequest({ request, schemaPath }) {
      called.add(`${request.method} ${schemaPath}`);
    },
  });
  return c;
}

beforeAll(async () => {
  receiver = await startReceiver({ respond: { status: 200, body: "ok" } });
  t = await openTestApp({ ca: receiver.ca });
  http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
  ownerKey = (await t.app.tenants.createApiKey(t.owner, "rest")).key;
  api = client(http.url, ownerKey);
  const company = await t.app.tenants.createCompany("Other", "Eve");
  other = client(http.url, (await t.app.tenants.createApiKey(company, "other")).key);
});
afterAll(async () => {
  await http?.close();
  await t?.close();
  await receiver?.close();
});

/** The problem of an error answer, after checking its media type and shape. */
async function problemOf(response: Response, error: unknown) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const p = error as { type: string; title: string; status: number; detail: string; errors?: unknown[] };
  expect(p.type).toBe("about:blank");
  expect(p.status).toBe(response.status);
  expect(typeof p.title).toBe("string");
  return p as {
    type: string;
    title: string;
    status: number;
    detail: string;
    errors?: { field: string; message: string }[];
  };
}

describe("REST API: the document and credentials", () => {
  it("serves the OpenAPI document without a key", async () => {
    const r = await fetch(`${http.url}/api/v1/openapi.json`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it("answers 401 as a problem without a key or with a wrong one, as /mcp does", async () => {
    const none = createClient<paths>({ baseUrl: `${http.url}/api/v1` });
    const a = await none.GET("/contacts");
    const p = await problemOf(a.response, a.error);
    expect(a.response.status).toBe(401);
    expect(a.response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(p.detail).toMatch(/Authorization: Bearer/);
    const wrong = createClient<paths>({
      baseUrl: `${http.url}/api/v1`,
      headers: { "x-api-key": "crm_wrong" },
    });
    const b = await wrong.GET("/contacts");
    expect(b.response.status).toBe(401);
    expect((await problemOf(b.response, b.error)).detail).toMatch(/not valid/);
  });

  it("answers a refused OAuth token with the challenge /mcp gives and why it was refused", async () => {
    const r = await fetch(`${http.url}/api/v1/contacts`, {
      headers: { authorization: "Bearer not-a-token-at-all" },
    });
    expect(r.status).toBe(401);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    const challenge = r.headers.get("www-authenticate") ?? "";
    expect(challenge).toContain(`resource_metadata="${http.url}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).toContain('error="invalid_token"');
    expect(((await r.json()) as { detail: string }).detail).toMatch(/unknown, expired or revoked/);
    const none = await fetch(`${http.url}/api/v1/contacts`);
    expect(none.headers.get("www-authenticate")).toContain("resource_metadata=");
    expect(none.headers.get("www-authenticate")).not.toContain("invalid_token");
  });

  it("answers an unexpected failure as a problem too, not as bare JSON", async () => {
    const own = await openTestApp({ dispatch: false });
    const server = await startHttpServer(own.app, { host: "127.0.0.1", port: 0 });
    try {
      const apiKey = (await own.app.tenants.createApiKey(own.owner, "k")).key;
      await own.app.store.close();
      const r = await fetch(`${server.url}/api/v1/contacts`, { headers: { "x-api-key": apiKey } });
      expect(r.status).toBe(500);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      const body = (await r.json()) as { status: number; detail: string };
      expect(body.status).toBe(500);
      expect(body.detail).not.toMatch(/store is closed/);
    } finally {
      await server.close();
      await own.close().catch(() => undefined);
    }
  });

  it.runIf(ENGINE === "postgres")("answers 503 as a problem while the database is unreachable", async () => {
    const url = new URL(await createPgDatabase());
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const through = new URL(url);
    through.port = String(proxy.port);
    const app = await openApp(
      {
        dbPath: "",
        databaseUrl: through.toString(),
        poolSize: 4,
        apiKey: undefined,
        allowPrivate: true,
        timeoutMs: 2000,
      },
      { dispatch: false },
    );
    const server = await startHttpServer(app, { host: "127.0.0.1", port: 0 });
    try {
      const owner = await app.tenants.localOwner();
      const apiKey = (await app.tenants.createApiKey(owner, "k")).key;
      const up = await fetch(`${server.url}/api/v1/contacts`, { headers: { "x-api-key": apiKey } });
      expect(up.status).toBe(200);
      await proxy.down();
      const down = await fetch(`${server.url}/api/v1/contacts`, { headers: { "x-api-key": apiKey } });
      expect(down.status).toBe(503);
      expect(down.headers.get("content-type")).toBe("application/problem+json");
      expect(((await down.json()) as { detail: string }).detail).toMatch(/database is unavailable/);
    } finally {
      await server.close();
      await app.close().catch(() => undefined);
      await proxy.close();
      await dropPgDatabase(url.toString());
    }
  });

  it("takes the key as x-api-key too", async () => {
    const c = createClient<paths>({ baseUrl: `${http.url}/api/v1`, headers: { "x-api-key": ownerKey } });
    const r = await c.GET("/me");
    expect(r.response.status).toBe(200);
    expect(r.data?.id).toBe(t.owner.userId);
  });
});

describe("REST API: contacts, every route", () => {
  let orgId: string;
  let contactId: string;
  let columnId: string;

  it("creates in a batch (201) and reads back", async () => {
    const org = await api.POST("/organizations", { body: { organizations: [{ name: "Acme" }] } });
    expect(org.response.status).toBe(201);
    orgId = org.data!.items[0]!.id;
    const r = await api.POST("/contacts", {
      body: {
        contacts: [
          { firstName: "Ada", lastName: "Lovelace", emails: ["ada@example.com"], organizationIds: [orgId] },
          { firstName: "Grace", lastName: "Hopper", notes: "# Navy\n\n- COBOL" },
        ],
      },
    });
    expect(r.response.status).toBe(201);
    expect(r.data!.items.map((i) => i.name)).toEqual(["Ada Lovelace", "Grace Hopper"]);
    contactId = r.data!.items[0]!.id;
    const got = await api.GET("/contacts/{id}", { params: { path: { id: contactId } } });
    expect(got.response.status).toBe(200);
    expect(got.data).toMatchObject({ id: contactId, firstName: "Ada", organizationIds: [orgId] });
    expect(got.data).not.toHaveProperty("notes");
    const org2 = await api.GET("/organizations/{id}", { params: { path: { id: orgId } } });
    expect(org2.data).toMatchObject({ contactIds: [contactId] });
  });

  it("links each record to its page, as MCP results do, at the address the server listens on", async () => {
    const link = (id: string) => `${http.url}/records/${id}`;
    const created = await api.POST("/contacts", {
      body: { contacts: [{ firstName: "Linus", lastName: "Link" }] },
    });
    const id = created.data!.items[0]!.id;
    expect(created.data!.items[0]).toEqual({ id, name: "Linus Link", url: link(id) });
    const got = await api.GET("/contacts/{id}", { params: { path: { id } } });
    expect(got.data!.url).toBe(link(id));
    const listed = await api.GET("/contacts", { params: { query: { searchTerm: "linus" } } });
    expect(listed.data!.items.map((c) => c.url)).toEqual([link(id)]);
    const searched = await api.POST("/contacts/search", { body: { searchTerm: "linus" } });
    expect(searched.data!.items.map((c) => c.url)).toEqual([link(id)]);
    // The page the link names is the record's (without a session it sends to sign-in).
    const page = await fetch(link(id), { redirect: "manual" });
    expect([page.status, page.headers.get("location")]).toEqual([303, "/login"]);
    await api.DELETE("/contacts/{id}", { params: { path: { id } } });
  });

  it("lists, searches with filters and counts with the same paging as MCP", async () => {
    const page = await api.GET("/contacts", { params: { query: { limit: 1 } } });
    expect(page.data!.total).toBe(2);
    expect(page.data!.items).toHaveLength(1);
    expect(page.data!.nextCursor).toEqual(expect.any(String));
    const next = await api.GET("/contacts", {
      params: { query: { limit: 1, cursor: page.data!.nextCursor! } },
    });
    expect(next.data!.items).toHaveLength(1);
    expect(next.data!.nextCursor).toBeNull();
    expect(next.data!.items[0]!.id).not.toBe(page.data!.items[0]!.id);

    const term = await api.GET("/contacts", { params: { query: { searchTerm: "grace" } } });
    expect(term.data!.items.map((c) => c.firstName)).toEqual(["Grace"]);
    const found = await api.POST("/contacts/search", {
      body: {
        filters: [{ field: "organizationIds", operator: "hasSome", value: [orgId] }],
        sort: { field: "firstName", direction: "desc" },
      },
    });
    expect(found.response.status).toBe(200);
    expect(found.data!.items.map((c) => c.id)).toEqual([contactId]);
    const counted = await api.GET("/contacts/count", { params: { query: { searchTerm: "ada" } } });
    expect(counted.data).toEqual({ entity: "contact", count: 1 });
    const byFilters = await api.POST("/contacts/count", {
      body: { filters: [{ field: "organizationIds", operator: "isNull" }] },
    });
    expect(byFilters.data).toEqual({ entity: "contact", count: 1 });
    const config = await api.GET("/contacts/configuration");
    expect(config.data!.entity).toBe("contact");
    expect(config.data!.relations.map((r) => r.name)).toContain("organizationIds");
  });

  it("updates in a batch, only the fields given", async () => {
    const r = await api.PATCH("/contacts", { body: { contacts: [{ id: contactId, lastName: "King" }] } });
    expect(r.response.status).toBe(200);
    expect(r.data!.items).toEqual([
      { id: contactId, name: "Ada King", changed: ["lastName"], url: `${http.url}/records/${contactId}` },
    ]);
    const got = await api.GET("/contacts/{id}", { params: { path: { id: contactId } } });
    expect(got.data).toMatchObject({ firstName: "Ada", lastName: "King", emails: ["ada@example.com"] });
  });

  it("links and unlinks, on both sides", async () => {
    const deal = await api.POST("/deals", { body: { deals: [{ name: "Engine" }] } });
    const dealId = deal.data!.items[0]!.id;
    const linked = await api.POST("/contacts/{id}/link", {
      params: { path: { id: contactId } },
      body: { relation: "dealIds", ids: [dealId] },
    });
    expect(linked.response.status).toBe(200);
    const d = await api.GET("/deals/{id}", { params: { path: { id: dealId } } });
    expect(d.data).toMatchObject({ contactIds: [contactId] });
    await api.POST("/contacts/{id}/unlink", {
      params: { path: { id: contactId } },
      body: { relation: "dealIds", ids: [dealId] },
    });
    const after = await api.GET("/deals/{id}", { params: { path: { id: dealId } } });
    expect(after.data).toMatchObject({ contactIds: [] });
  });

  it("takes notes as markdown and gives them back as markdown", async () => {
    const put = await api.PUT("/contacts/notes", {
      body: { items: [{ id: contactId, notes: "# Analyst\n\n- [x] first program" }] },
    });
    expect(put.response.status).toBe(200);
    await api.POST("/contacts/notes", {
      body: { items: [{ id: contactId, notes: "**Bernoulli** numbers" }] },
    });
    const notes = await api.GET("/contacts/{id}/notes", { params: { path: { id: contactId } } });
    expect(notes.data).toEqual({
      id: contactId,
      notes: "# Analyst\n\n- [x] first program\n\n**Bernoulli** numbers",
    });
    const withNotes = await api.GET("/contacts/{id}", {
      params: { path: { id: contactId }, query: { include: "withNotes" } },
    });
    expect(withNotes.data!.notes).toBe(notes.data!.notes);
    await api.PUT("/contacts/notes", { body: { items: [{ id: contactId, notes: null }] } });
    const cleared = await api.GET("/contacts/{id}/notes", { params: { path: { id: contactId } } });
    expect(cleared.data!.notes).toBeNull();
  });

  it("manages custom columns and sets their values", async () => {
    const col = await api.POST("/custom-columns", {
      body: { entityType: "contact", label: "Tier", type: "singleSelect", options: ["gold", "silver"] },
    });
    expect(col.response.status).toBe(201);
    columnId = col.data!.id as string;
    const renamed = await api.PATCH("/custom-columns/{id}", {
      params: { path: { id: columnId } },
      body: { label: "Level" },
    });
    expect(renamed.data).toMatchObject({ id: columnId, label: "Level" });
    const listed = await api.GET("/custom-columns", { params: { query: { entityType: "contact" } } });
    expect(listed.data!.items.map((c) => c.id)).toEqual([columnId]);
    const set = await api.PATCH("/contacts/custom-fields", {
      body: { items: [{ id: contactId, customFieldValues: [{ columnId, value: "gold" }] }] },
    });
    expect(set.response.status).toBe(200);
    const got = await api.GET("/contacts/{id}", { params: { path: { id: contactId } } });
    expect(got.data!.customFieldValues).toEqual([{ columnId, label: "Level", value: "gold" }]);
    const refused = await api.PATCH("/contacts/custom-fields", {
      body: { items: [{ id: contactId, customFieldValues: [{ columnId, value: "bronze" }] }] },
    });
    expect(refused.response.status).toBe(400);
    const p = await problemOf(refused.response, refused.error);
    expect(p.errors?.[0]?.field).toMatch(/^items\[0\]\.customFieldValues/);
    const removed = await api.DELETE("/custom-columns/{id}", { params: { path: { id: columnId } } });
    expect(removed.data).toEqual({ deleted: [columnId] });
  });

  it("tells a record's history, newest first", async () => {
    const h = await api.GET("/contacts/{id}/history", {
      params: { path: { id: contactId }, query: { limit: 2 } },
    });
    expect(h.response.status).toBe(200);
    expect(h.data!.items).toHaveLength(2);
    expect(h.data!.total).toBeGreaterThan(2);
    expect(h.data!.items[0]).toMatchObject({ event: "contact.updated" });
  });

  it("searches across entity types", async () => {
    const r = await api.GET("/search", {
      params: { query: { searchTerm: "acme", entities: ["organization", "deal"] } },
    });
    expect(r.data!.results.find((x) => x.entity === "organization")?.items.map((i) => i.id)).toEqual([orgId]);
  });

  it("deletes one, and in a batch", async () => {
    const one = await api.DELETE("/contacts/{id}", { params: { path: { id: contactId } } });
    expect(one.data).toEqual({ deleted: [contactId] });
    const gone = await api.GET("/contacts/{id}", { params: { path: { id: contactId } } });
    expect(gone.response.status).toBe(404);
    const rest = await api.GET("/contacts");
    const ids = rest.data!.items.map((c) => c.id as string);
    const batch = await api.POST("/contacts/delete", { body: { ids } });
    expect(batch.data).toEqual({ deleted: ids });
    expect((await api.GET("/contacts/count")).data!.count).toBe(0);
  });
});

/** The same routes for the other four types, through the same generated client. */
const OTHERS = [
  { plural: "organizations", entity: "organization", create: { name: "Org A" }, change: { name: "Org B" } },
  { plural: "deals", entity: "deal", create: { name: "Deal A" }, change: { name: "Deal B" } },
  { plural: "services", entity: "service", create: { name: "Svc A", amount: 5 }, change: { name: "Svc B" } },
  { plural: "tasks", entity: "task", create: { name: "Task A" }, change: { name: "Task B", status: "done" } },
] as const;

describe("REST API: the other entity types, every route", () => {
  for (const { plural, entity, create, change } of OTHERS) {
    it(`${plural}: create, read, list, search, count, update, link, notes, custom fields, history, delete`, async () => {
      // One path type stands for the five: their routes are made by one function.
      const p = <S extends string>(suffix: S) => `/${plural}${suffix}` as `/contacts${S}`;
      const contact = await api.POST("/contacts", { body: { contacts: [{ firstName: `For ${plural}` }] } });
      const contactId = contact.data!.items[0]!.id;
      const made = await api.POST(p(""), { body: { [plural]: [create, create] } as never });
      expect(made.response.status).toBe(201);
      const [id, second] = made.data!.items.map((i) => i.id) as [string, string];
      const pid = { params: { path: { id } } };
      expect((await api.GET(`/${plural}/{id}` as "/contacts/{id}", pid)).data).toMatchObject({
        id,
        ...create,
      });
      const named = { params: { query: { searchTerm: create.name } } };
      expect((await api.GET(p(""), named)).data!.total).toBe(2);
      const searched = await api.POST(p("/search"), {
        body: { searchTerm: create.name, sort: { field: "createdAt", direction: "asc" } },
      });
      expect(searched.data!.total).toBe(2);
      expect((await api.GET(p("/count"), named)).data).toEqual({ entity, count: 2 });
      expect((await api.POST(p("/count"), { body: { searchTerm: "nothing like it" } })).data!.count).toBe(0);
      expect((await api.GET(p("/configuration"))).data!.entity).toBe(entity);
      const changed = await api.PATCH(p(""), { body: { [plural]: [{ id, ...change }] } as never });
      expect(changed.data!.items).toEqual([
        { id, name: change.name, changed: Object.keys(change), url: `${http.url}/records/${id}` },
      ]);
      const link = `/${plural}/{id}/link` as "/contacts/{id}/link";
      const unlink = `/${plural}/{id}/unlink` as "/contacts/{id}/unlink";
      expect(
        (await api.POST(link, { ...pid, body: { relation: "contactIds", ids: [contactId] } })).response
          .status,
      ).toBe(entity === "service" ? 400 : 200);
      if (entity !== "service") {
        const c = await api.GET("/contacts/{id}", { params: { path: { id: contactId } } });
        expect(c.data![`${entity}Ids`]).toEqual([id]);
        await api.POST(unlink, { ...pid, body: { relation: "contactIds", ids: [contactId] } });
        const after = await api.GET("/contacts/{id}", { params: { path: { id: contactId } } });
        expect(after.data![`${entity}Ids`]).toEqual([]);
      } else {
        const refused = await api.POST(unlink, {
          ...pid,
          body: { relation: "contactIds", ids: [contactId] },
        });
        expect(refused.response.status).toBe(400);
      }
      await api.PUT(p("/notes"), { body: { items: [{ id, notes: "Plain *note*" }] } });
      await api.POST(p("/notes"), { body: { items: [{ id, notes: "more" }] } });
      const notes = await api.GET(`/${plural}/{id}/notes` as "/contacts/{id}/notes", pid);
      expect(notes.data).toEqual({ id, notes: "Plain *note*\n\nmore" });
      const col = await api.POST("/custom-columns", {
        body: { entityType: entity, label: "Score", type: "number" },
      });
      const columnId = col.data!.id as string;
      await api.PATCH(p("/custom-fields"), {
        body: { items: [{ id, customFieldValues: [{ columnId, value: 7 }] }] },
      });
      expect((await api.GET(`/${plural}/{id}` as "/contacts/{id}", pid)).data!.customFieldValues).toEqual([
        { columnId, label: "Score", value: 7 },
      ]);
      const history = await api.GET(`/${plural}/{id}/history` as "/contacts/{id}/history", pid);
      expect(history.data!.items[0]).toMatchObject({ event: `${entity}.updated` });
      expect((await api.DELETE(`/${plural}/{id}` as "/contacts/{id}", pid)).data).toEqual({ deleted: [id] });
      expect((await api.POST(p("/delete"), { body: { ids: [second] } })).data).toEqual({ deleted: [second] });
      expect((await api.GET(p("/count"), named)).data!.count).toBe(0);
      await api.DELETE("/custom-columns/{id}", { params: { path: { id: columnId } } });
      await api.DELETE("/contacts/{id}", { params: { path: { id: contactId } } });
    });
  }
});

describe("REST API: errors are problems that name the field, with the MCP tools' texts", () => {
  it("a bad body: 400 with each field's path, and the same text as the MCP tool", async () => {
    const body = { contacts: [{ firstName: "A", emails: ["not-an-email"] }, { lastName: 5 }] };
    const before = (await api.GET("/contacts/count")).data!.count;
    const r = await api.POST("/contacts", { body: body as never });
    expect(r.response.status).toBe(400);
    const p = await problemOf(r.response, r.error);
    expect(p.errors!.map((e) => e.field)).toEqual(["contacts[0].emails[0]", "contacts[1].lastName"]);
    expect(p.errors![0]!.message).toMatch(/email address/);
    const mcp = await call(await connect(t.app, t.owner), "create_contacts", body);
    expect(mcp.isError).toBe(true);
    expect(p.detail).toBe(mcp.text);
    expect((await api.GET("/contacts/count")).data!.count).toBe(before);
  });

  it("a bad query parameter, path parameter, body or key in the wrong place: 400 naming it", async () => {
    const limit = await api.GET("/contacts", { params: { query: { limit: 0 } } });
    expect(limit.response.status).toBe(400);
    expect((await problemOf(limit.response, limit.error)).errors![0]!.field).toBe("limit");
    const notNumber = await fetch(`${http.url}/api/v1/contacts?limit=ten`, {
      headers: { "x-api-key": ownerKey },
    });
    expect(((await notNumber.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("limit");
    const unknown = await fetch(`${http.url}/api/v1/webhooks?colour=red`, {
      headers: { "x-api-key": ownerKey },
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { detail: string }).detail).toMatch(/colour/);
    const stray = await fetch(`${http.url}/api/v1/webhook-events?limit=5`, {
      headers: { "x-api-key": ownerKey },
    });
    expect(stray.status).toBe(400);
    expect(((await stray.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("limit");
    const long = await api.GET("/contacts/{id}", { params: { path: { id: "x".repeat(65) } } });
    expect(long.response.status).toBe(400);
    expect((await problemOf(long.response, long.error)).errors![0]!.field).toBe("id");
    const json = await fetch(`${http.url}/api/v1/contacts`, {
      method: "POST",
      headers: { "x-api-key": ownerKey, "content-type": "application/json" },
      body: "{not json",
    });
    expect(json.status).toBe(400);
    expect(json.headers.get("content-type")).toBe("application/problem+json");
    expect(((await json.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe("body");
    const array = await fetch(`${http.url}/api/v1/contacts`, {
      method: "POST",
      headers: { "x-api-key": ownerKey },
      body: "[]",
    });
    expect(((await array.json()) as { detail: string }).detail).toBe("body: must be a JSON object");
    const twice = await api.POST("/contacts/search", { body: { entity: "deal" } as never });
    expect(twice.response.status).toBe(400);
    expect((await problemOf(twice.response, twice.error)).errors![0]!.field).toBe("entity");
    const bodyless = await fetch(`${http.url}/api/v1/webhook-events`, {
      method: "GET",
      headers: { "x-api-key": ownerKey },
    });
    expect(bodyless.status).toBe(200);
  });

  it("an unknown id: 404 naming the field; an unknown route: 404; a wrong method: 405 with Allow", async () => {
    const r = await api.GET("/deals/{id}", { params: { path: { id: "deal_nothing" } } });
    expect(r.response.status).toBe(404);
    const p = await problemOf(r.response, r.error);
    expect(p.detail).toMatch(/no deal with id "deal_nothing"/);
    const patch = await api.PATCH("/deals", { body: { deals: [{ id: "deal_nothing", name: "x" }] } });
    expect(patch.response.status).toBe(404);
    expect((await problemOf(patch.response, patch.error)).errors![0]!.field).toMatch(/deals\[0\]\.id|id/);
    const none = await fetch(`${http.url}/api/v1/nothing`, { headers: { "x-api-key": ownerKey } });
    expect(none.status).toBe(404);
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    const wrong = await fetch(`${http.url}/api/v1/webhooks`, {
      method: "PUT",
      headers: { "x-api-key": ownerKey },
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
  });

  it("a body past the bound: 413 before it is read in full", async () => {
    const r = await fetch(`${http.url}/api/v1/contacts`, {
      method: "POST",
      headers: { "x-api-key": ownerKey, "content-type": "application/json" },
      body: `{"contacts":[{"firstName":"${"a".repeat(5 * 1024 * 1024)}"}]}`,
    });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/^body: larger than/);
  });
});

describe("REST API: Idempotency-Key", () => {
  const key = () => `k-${Math.random().toString(36).slice(2)}`;

  it("the same key and body twice: the stored answer, one record, one event", async () => {
    const k = key();
    const body = { organizations: [{ name: "Once Ltd" }] };
    const first = await api.POST("/organizations", { body, params: { header: { "Idempotency-Key": k } } });
    expect(first.response.status).toBe(201);
    expect(first.response.headers.get("idempotent-replayed")).toBeNull();
    const again = await api.POST("/organizations", { body, params: { header: { "Idempotency-Key": k } } });
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get("idempotent-replayed")).toBe("true");
    expect(again.data).toEqual(first.data);
    const count = await api.GET("/organizations/count", { params: { query: { searchTerm: "Once Ltd" } } });
    expect(count.data!.count).toBe(1);
    const history = await api.GET("/organizations/{id}/history", {
      params: { path: { id: first.data!.items[0]!.id } },
    });
    expect(history.data!.total).toBe(1);
    // Without a key, the same request is a second create.
    await api.POST("/organizations", { body });
    expect(
      (await api.GET("/organizations/count", { params: { query: { searchTerm: "Once Ltd" } } })).data!.count,
    ).toBe(2);
  });

  it("the same key with another body or path: 422, nothing written", async () => {
    const k = key();
    await api.POST("/organizations", {
      body: { organizations: [{ name: "First" }] },
      params: { header: { "Idempotency-Key": k } },
    });
    const other = await api.POST("/organizations", {
      body: { organizations: [{ name: "Second" }] },
      params: { header: { "Idempotency-Key": k } },
    });
    expect(other.response.status).toBe(422);
    const p = await problemOf(other.response, other.error);
    expect(p.errors).toEqual([
      { field: "Idempotency-Key", message: expect.stringMatching(/different request/) },
    ]);
    const elsewhere = await api.POST("/deals", {
      body: { deals: [{ name: "First" }] },
      params: { header: { "Idempotency-Key": k } },
    });
    expect(elsewhere.response.status).toBe(422);
    expect(
      (await api.GET("/organizations/count", { params: { query: { searchTerm: "Second" } } })).data!.count,
    ).toBe(0);
  });

  it("replays an error answer too, and keeps keys apart per user", async () => {
    const k = key();
    const bad = { deals: [{ name: "" }] };
    const first = await api.POST("/deals", { body: bad, params: { header: { "Idempotency-Key": k } } });
    expect(first.response.status).toBe(400);
    const again = await api.POST("/deals", { body: bad, params: { header: { "Idempotency-Key": k } } });
    expect(again.response.headers.get("idempotent-replayed")).toBe("true");
    expect(again.error).toEqual(first.error);
    expect(again.response.headers.get("content-type")).toBe("application/problem+json");
    const theirs = await other.POST("/deals", {
      body: { deals: [{ name: "Theirs" }] },
      params: { header: { "Idempotency-Key": k } },
    });
    expect(theirs.response.status).toBe(201);
  });

  it("a repeat while the first is answered: 409; a key older than 24 hours: a new request", async () => {
    const body = JSON.stringify({ organizations: [{ name: "Racing" }] });
    const fingerprint = createHash("sha256").update("POST /organizations\n").update(body).digest("hex");
    const row = {
      companyId: t.owner.companyId,
      userId: t.owner.userId,
      fingerprint,
      status: null,
      response: null,
    };
    const busy = key();
    await t.app.store.write((tx) => tx.idempotency.reserve({ ...row, key: busy, createdAt: Date.now() }, 0));
    const send = (k: string) =>
      fetch(`${http.url}/api/v1/organizations`, {
        method: "POST",
        headers: { "x-api-key": ownerKey, "idempotency-key": k, "content-type": "application/json" },
        body,
      });
    const r = await send(busy);
    expect(r.status).toBe(409);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/still being answered/);
    const wait = Number(r.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(120);
    const old = key();
    const stale = {
      ...row,
      key: old,
      status: 201,
      response: '{"status":201,"body":"{}","type":"application/json"}',
    };
    await t.app.store.write((tx) =>
      tx.idempotency.reserve({ ...stale, createdAt: Date.now() - 25 * 3600_000 }, 0),
    );
    const fresh = await send(old);
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    expect(((await fresh.json()) as { items: unknown[] }).items).toHaveLength(1);
  });

  it("a reservation left pending past its lease is taken over; a kept answer of that age still replays", async () => {
    const body = JSON.stringify({ organizations: [{ name: "Abandoned" }] });
    const fingerprint = createHash("sha256").update("POST /organizations\n").update(body).digest("hex");
    const row = { companyId: t.owner.companyId, userId: t.owner.userId, fingerprint };
    const threeMinutesAgo = Date.now() - 3 * 60_000;
    const lost = key();
    await t.app.store.write((tx) =>
      tx.idempotency.reserve(
        { ...row, key: lost, status: null, response: null, createdAt: threeMinutesAgo },
        0,
      ),
    );
    const kept = key();
    const answer = '{"status":201,"body":"{\\"items\\":[]}","type":"application/json"}';
    await t.app.store.write((tx) =>
      tx.idempotency.reserve(
        { ...row, key: kept, status: 201, response: answer, createdAt: threeMinutesAgo },
        0,
      ),
    );
    const send = (k: string) =>
      fetch(`${http.url}/api/v1/organizations`, {
        method: "POST",
        headers: { "x-api-key": ownerKey, "idempotency-key": k, "content-type": "application/json" },
        body,
      });
    const retried = await send(lost);
    expect(retried.status).toBe(201);
    expect(((await retried.json()) as { items: unknown[] }).items).toHaveLength(1);
    const again = await send(lost);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const replayed = await send(kept);
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(await replayed.json()).toEqual({ items: [] });
  });

  it("the same key sent twice at once: one create; the other waits its turn (409) or gets the answer", async () => {
    const k = key();
    const body = { organizations: [{ name: "Concurrent Co" }] };
    const [a, b] = await Promise.all(
      [0, 1].map(() => api.POST("/organizations", { body, params: { header: { "Idempotency-Key": k } } })),
    );
    const statuses = [a!.response.status, b!.response.status].sort();
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses);
    const count = await api.GET("/organizations/count", {
      params: { query: { searchTerm: "Concurrent Co" } },
    });
    expect(count.data!.count).toBe(1);
  });

  it("refuses a key that is too long or not printable", async () => {
    const r = await api.POST("/deals", {
      body: { deals: [{ name: "x" }] },
      params: { header: { "Idempotency-Key": "k".repeat(256) } },
    });
    expect(r.response.status).toBe(400);
    expect((await problemOf(r.response, r.error)).errors![0]!.field).toBe("Idempotency-Key");
  });
});

describe("REST API: tenant isolation", () => {
  it("another company's ids behave as if they did not exist", async () => {
    const mine = await api.POST("/contacts", { body: { contacts: [{ firstName: "Private" }] } });
    const id = mine.data!.items[0]!.id;
    const hook = await api.POST("/webhooks", {
      body: { url: `${receiver.url}/iso`, events: ["deal.created"] },
    });
    const hookId = hook.data!.id as string;
    expect((await other.GET("/contacts/{id}", { params: { path: { id } } })).response.status).toBe(404);
    expect((await other.GET("/contacts", { params: { query: { searchTerm: "Private" } } })).data!.total).toBe(
      0,
    );
    expect(
      (await other.PATCH("/contacts", { body: { contacts: [{ id, firstName: "Mine now" }] } })).response
        .status,
    ).toBe(404);
    expect((await other.DELETE("/contacts/{id}", { params: { path: { id } } })).response.status).toBe(404);
    expect((await other.GET("/webhooks/{id}", { params: { path: { id: hookId } } })).response.status).toBe(
      404,
    );
    expect((await other.GET("/webhooks")).data!.total).toBe(0);
    expect((await other.DELETE("/webhooks/{id}", { params: { path: { id: hookId } } })).response.status).toBe(
      404,
    );
    expect((await api.GET("/contacts/{id}", { params: { path: { id } } })).data!.firstName).toBe("Private");
    await api.DELETE("/webhooks/{id}", { params: { path: { id: hookId } } });
    await api.DELETE("/contacts/{id}", { params: { path: { id } } });
  });
});

describe("REST API: webhooks, deliveries and the event catalog", () => {
  it("every webhook and delivery route", async () => {
    const made = await api.POST("/webhooks", {
      body: { url: `${receiver.url}/hook`, events: ["service.created"], description: "REST" },
    });
    expect(made.response.status).toBe(201);
    const id = made.data!.id as string;
    expect(made.data!.secret).toMatch(/^whsec_/);
    const got = await api.GET("/webhooks/{id}", { params: { path: { id } } });
    expect(got.data).toMatchObject({ id, hasSecret: true, description: "REST" });
    expect(got.data).not.toHaveProperty("secret");
    const listed = await api.GET("/webhooks", { params: { query: { searchTerm: "REST" } } });
    expect(listed.data!.items.map((w) => w.id)).toEqual([id]);
    const changed = await api.PATCH("/webhooks/{id}", {
      params: { path: { id } },
      body: { description: "Changed" },
    });
    expect(changed.data).toMatchObject({ id, description: "Changed" });
    const rotated = await api.POST("/webhooks/{id}/rotate-secret", {
      params: { path: { id } },
      body: { graceHours: 0 },
    });
    expect(rotated.response.status).toBe(200);
    expect(rotated.data!.secret).not.toBe(made.data!.secret);

    const before = receiver.requests.length;
    await api.POST("/services", { body: { services: [{ name: "Hooked", amount: 1 }] } });
    await until(() => receiver.requests.length > before, 10_000, "the service.created delivery");
    let deliveryId = "";
    await until(
      async () => {
        const page = await api.GET("/webhook-deliveries", {
          params: { query: { webhookId: id, status: "succeeded" } },
        });
        deliveryId = (page.data?.items[0]?.id as string) ?? "";
        return deliveryId !== "";
      },
      10_000,
      "the delivery to be recorded as succeeded",
    );
    const delivery = await api.GET("/webhook-deliveries/{id}", { params: { path: { id: deliveryId } } });
    expect(delivery.data).toMatchObject({ id: deliveryId, event: "service.created", statusCode: 200 });
    const resent = await api.POST("/webhook-deliveries/{id}/resend", {
      params: { path: { id: deliveryId } },
    });
    expect(resent.response.status).toBe(201);
    expect(resent.data).toMatchObject({ resendOf: deliveryId, status: "succeeded" });

    receiver.respond = { status: 500, body: "down" };
    const failing = receiver.requests.length;
    await api.POST("/services", { body: { services: [{ name: "Failing", amount: 1 }] } });
    await until(() => receiver.requests.length > failing, 10_000, "the failing delivery");
    await until(
      async () =>
        ((await api.GET("/webhook-deliveries", { params: { query: { webhookId: id, status: "failed" } } }))
          .data?.total ?? 0) > 0,
      10_000,
      "the delivery to be recorded as failed",
    );
    receiver.respond = { status: 200, body: "ok" };
    const since = new Date(Date.now() - 60_000).toISOString();
    const again = await api.POST("/webhook-deliveries/resend-failed", { body: { since, webhookId: id } });
    expect(again.response.status).toBe(200);
    expect(again.data!.resent).toHaveLength(1);

    const events = await api.GET("/webhook-events");
    expect(events.data!.events).toHaveLength(15);
    const deleted = await api.DELETE("/webhooks/{id}", { params: { path: { id } } });
    expect(deleted.data).toEqual({ deleted: [id] });
  });

  it("who am I, the users and the company", async () => {
    expect((await api.GET("/me")).data!.id).toBe(t.owner.userId);
    expect((await api.GET("/users")).data!.items.map((u) => u.id)).toContain(t.owner.userId);
    expect((await api.GET("/company")).data!.id).toBe(t.owner.companyId);
  });
});

describe("REST API: scopes follow the server's toolsets and read-only flag", () => {
  it("a read-only server answers reads and refuses writes with 403, keeping nothing", async () => {
    const ro = await startHttpServer(t.app, { host: "127.0.0.1", port: 0, selection: { readOnly: true } });
    try {
      const c = client(ro.url, ownerKey);
      expect((await c.GET("/contacts")).response.status).toBe(200);
      const k = "read-only-key";
      const refused = await c.POST("/contacts", {
        body: { contacts: [{ firstName: "No" }] },
        params: { header: { "Idempotency-Key": k } },
      });
      expect(refused.response.status).toBe(403);
      expect((await problemOf(refused.response, refused.error)).detail).toMatch(/read-only/);
      expect((await c.DELETE("/webhooks/{id}", { params: { path: { id: "wh_x" } } })).response.status).toBe(
        403,
      );
      expect(
        await t.app.store.read((tx) => tx.idempotency.get(t.owner.companyId, t.owner.userId, k)),
      ).toBeUndefined();
      expect(
        (await api.GET("/contacts/count", { params: { query: { searchTerm: "No" } } })).data!.count,
      ).toBe(0);
    } finally {
      await ro.close();
    }
  });

  it("a server without the webhooks toolset refuses its routes", async () => {
    const crm = await startHttpServer(t.app, {
      host: "127.0.0.1",
      port: 0,
      selection: { toolsets: ["crm"] },
    });
    try {
      const c = client(crm.url, ownerKey);
      expect((await c.GET("/contacts")).response.status).toBe(200);
      const r = await c.GET("/webhooks");
      expect(r.response.status).toBe(403);
      expect((await problemOf(r.response, r.error)).detail).toMatch(/webhooks toolset/);
      expect((await c.GET("/custom-columns")).response.status).toBe(403);
    } finally {
      await crm.close();
    }
  });
});

describe("REST API: coverage", () => {
  it("the tests above called every operation of the document", () => {
    const document = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const all = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(all.filter((op) => !called.has(op))).toEqual([]);
  });

  it("times its requests under one route label, whatever the path", async () => {
    const text = await t.app.metrics.text();
    expect(text).toContain(
      'crm_http_request_duration_seconds_count{method="GET",route="/api/v1",status="200"}',
    );
    expect(text).not.toMatch(/route="\/api\/v1\/[^"]/);
  });
});
