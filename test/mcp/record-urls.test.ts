import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, readConfig } from "../../src/config.js";
import { startHttpServer } from "../../src/http/server.js";
import { call, connect, openTestApp, type TestApp } from "../support/app.js";

let t: TestApp;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
});
afterAll(async () => {
  await t?.close();
});

/** Every result of the tools that return records, for one contact and one organization. */
async function results(client: Client) {
  const org = await call(client, "create_organizations", { organizations: [{ name: "Linkable Org" }] });
  const orgId = (org.data.items as { id: string }[])[0]!.id;
  const created = await call(client, "create_contacts", {
    contacts: [{ firstName: "Linda", lastName: "Link", organizationIds: [orgId] }],
  });
  const id = (created.data.items as { id: string }[])[0]!.id;
  const updated = await call(client, "update_contacts", { contacts: [{ id, lastName: "Linked" }] });
  const got = await call(client, "get_entities", {
    items: [
      { entity: "contact", id },
      { entity: "organization", id: orgId, include: "withNotes" },
      { entity: "contact", id: "ct_missing" },
    ],
  });
  const found = await call(client, "filter_entity", { entity: "contact", searchTerm: "Linda" });
  const searched = await call(client, "search_all_entities", { searchTerm: "Lin" });
  for (const r of [org, created, updated, got, found, searched]) expect(r.isError, r.text).toBe(false);
  const gotItems = got.data.items as { id: string; record?: Record<string, unknown> }[];
  return {
    id,
    orgId,
    records: [
      ...(created.data.items as Record<string, unknown>[]),
      ...(updated.data.items as Record<string, unknown>[]),
      ...(org.data.items as Record<string, unknown>[]),
      ...gotItems.filter((i) => i.record).map((i) => i.record!),
      ...(found.data.items as Record<string, unknown>[]),
      ...(searched.data.results as { items: Record<string, unknown>[] }[]).flatMap((r) => r.items),
    ],
    missing: gotItems.find((i) => !i.record)!,
    texts: [created, got, found, searched].map((r) => r.text),
  };
}

describe("a link from every result", () => {
  it("over stdio without a known address, records carry no url key", async () => {
    const client = await connect(t.app, t.owner);
    const { records, texts } = await results(client);
    expect(records.length).toBeGreaterThanOrEqual(8);
    for (const r of records) expect(Object.keys(r)).not.toContain("url");
    for (const text of texts) expect(text).not.toContain('"url"');
    await client.close();
  });

  it("with CRM_PUBLIC_URL, each record, item and search hit links to its record page under that address", async () => {
    const publicUrl = readConfig({ CRM_PUBLIC_URL: "https://crm.example.com/team/" }).publicUrl;
    expect(publicUrl).toBe("https://crm.example.com/team");
    const app = { ...t.app, config: { ...t.app.config, publicUrl } };
    const client = await connect(app, t.owner);
    const { records, missing, texts } = await results(client);
    for (const r of records)
      expect(r.url, JSON.stringify(r)).toBe(`https://crm.example.com/team/records/${r.id}`);
    // An id that is not found has no page to link to.
    expect(missing).not.toHaveProperty("url");
    expect(texts[0]).toContain("https://crm.example.com/team/records/ct_");
    await client.close();
  });

  it("served over HTTP, records link to the address the server listens on, and the link opens the record page", async () => {
    const http = await startHttpServer(t.app, { host: "127.0.0.1", port: 0 });
    const { key } = await t.app.tenants.createApiKey(t.owner, "urls");
    const client = new Client({ name: "urls", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${http.url}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
      }),
    );
    try {
      const { id, records } = await results(client);
      for (const r of records) expect(r.url).toBe(`${http.url}/records/${r.id}`);
      // Without a session the page sends to sign-in; signed in, it is the record (the UI tests read it).
      const page = await fetch(`${http.url}/records/${id}`, { redirect: "manual" });
      expect(page.status).toBe(303);
      expect(page.headers.get("location")).toBe("/login");
    } finally {
      await client.close();
      await http.close();
    }
  });

  it("refuses a CRM_PUBLIC_URL that is not an http(s) address, naming the variable and the fix", () => {
    for (const bad of [
      "crm.example.com",
      "ftp://crm.example.com",
      "https://u:p@crm.example.com",
      "https://x.example/?a=1",
      `https://x.example/${"a".repeat(2100)}`,
    ]) {
      expect(() => readConfig({ CRM_PUBLIC_URL: bad }), bad).toThrow(ConfigError);
      expect(() => readConfig({ CRM_PUBLIC_URL: bad }), bad).toThrow(
        /CRM_PUBLIC_URL .*https:\/\/crm\.example\.com/,
      );
    }
    expect(readConfig({}).publicUrl).toBeUndefined();
  });
});
