import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../src/domain/errors.js";
import { normalizeDomain, normalizeWebsite } from "../src/domain/web.js";
import { EVENT_CATALOG } from "../src/events/catalog.js";
import { call, connect, ok, openTestApp, type TestApp } from "./support/app.js";
import { eventsOf, openWorld, type World } from "./support/crm.js";

/** The fields a CRM needs, first-class on both engines: checked, filterable, sortable, in events. */

describe("domain and website normalisation", () => {
  it.each([
    ["acme.de", "acme.de"],
    ["ACME.de", "acme.de"],
    ["https://www.acme.de/about?x=1", "acme.de"],
    ["http://user@shop.acme.de:8080/", "shop.acme.de"],
    ["www.acme.co.uk.", "acme.co.uk"],
    ["MÜLLER.de", "müller.de"],
    ["xn--mller-kva.de", "müller.de"],
  ])("%s is %s", (input, domain) => {
    expect(normalizeDomain(input)).toBe(domain);
  });

  it.each(["acme", "10.0.0.1", "-acme.de", "acme..de", "a b.de", ""])("%s is not a domain", (input) => {
    expect(normalizeDomain(input)).toBeNull();
  });

  it("gives a website without scheme https, and refuses other schemes", () => {
    expect(normalizeWebsite("acme.de/about")).toBe("https://acme.de/about");
    expect(normalizeWebsite("http://acme.de")).toBe("http://acme.de");
    expect(normalizeWebsite("ftp://acme.de")).toBeNull();
    expect(normalizeWebsite("javascript:alert(1)")).toBeNull();
    expect(normalizeWebsite("not a site")).toBeNull();
  });
});

describe("fields through the service", () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld("file");
  });
  afterAll(async () => {
    await w.close();
  });

  it("stores contact jobTitle and ordered phones, and checks each phone", async () => {
    const [c] = await w.crm.create(w.actor, "contact", [
      { firstName: "Ada", jobTitle: "CTO", phones: ["+49 30 1234567", "030 7654321"] },
    ]);
    expect(c).toMatchObject({ jobTitle: "CTO", phones: ["+49 30 1234567", "030 7654321"] });
    const bad = await w.crm
      .create(w.actor, "contact", [{ firstName: "Bo", phones: ["call me"] }])
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).field).toBe("contacts[0].phones[0]");
    expect((bad as ValidationError).message).toMatch(
      /"call me" is not a phone number; give one such as \+49 30 1234567/,
    );
    const [updated] = await w.crm.update(w.actor, "contact", [{ id: c!.id, phones: ["030 7654321"] }]);
    expect(updated!.phones).toEqual(["030 7654321"]);
    const events = await eventsOf(w);
    const change = events.find((e) => e.event === "contact.updated" && e.data.entityId === c!.id)!;
    expect(change.data.payload.changes).toEqual({
      phones: { previous: ["+49 30 1234567", "030 7654321"], current: ["030 7654321"] },
    });
  });

  it("normalises an organization's domain and website, and refuses what is not one", async () => {
    const [o] = await w.crm.create(w.actor, "organization", [
      { name: "Acme", domain: "https://www.Acme.de/team", website: "acme.de", phones: ["+49 89 100"] },
    ]);
    expect(o).toMatchObject({ domain: "acme.de", website: "https://acme.de", phones: ["+49 89 100"] });
    const bad = await w.crm
      .create(w.actor, "organization", [{ name: "X", domain: "not a domain" }])
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).field).toBe("organizations[0].domain");
    expect((bad as ValidationError).message).toMatch(/such as acme\.de/);
    const site = await w.crm
      .update(w.actor, "organization", [{ id: o!.id, website: "ftp://acme.de" }])
      .catch((e: unknown) => e);
    expect((site as ValidationError).field).toBe("organizations[0].website");
    const [cleared] = await w.crm.update(w.actor, "organization", [{ id: o!.id, domain: null }]);
    expect(cleared!.domain).toBeNull();
  });

  it("starts a deal at the first stage, checks stages, and sorts them in pipeline order", async () => {
    const [lead, won, proposal] = await w.crm.create(w.actor, "deal", [
      { name: "Lead deal" },
      { name: "Won deal", stage: "won", expectedCloseDate: "2026-12-31" },
      { name: "Proposal deal", stage: "proposal" },
    ]);
    expect(lead).toMatchObject({ stage: "lead", expectedCloseDate: null });
    expect(won).toMatchObject({ stage: "won", expectedCloseDate: "2026-12-31" });
    const bad = await w.crm
      .update(w.actor, "deal", [{ id: lead!.id, stage: "closed" }])
      .catch((e: unknown) => e);
    expect((bad as ValidationError).field).toBe("deals[0].stage");
    expect((bad as ValidationError).message).toContain("lead, qualified, proposal, won, lost");
    const date = await w.crm
      .update(w.actor, "deal", [{ id: lead!.id, expectedCloseDate: "2026-02-30" }])
      .catch((e: unknown) => e);
    expect((date as ValidationError).field).toBe("deals[0].expectedCloseDate");

    const sorted = await w.crm.find(w.actor, "deal", { sort: { field: "stage", direction: "asc" } });
    expect(sorted.items.map((d) => d.id)).toEqual([lead!.id, proposal!.id, won!.id]);
    const open = await w.crm.find(w.actor, "deal", {
      filters: [{ field: "stage", operator: "in", value: ["lead", "proposal"] }],
      sort: { field: "expectedCloseDate", direction: "desc" },
    });
    expect(open.items.map((d) => d.id).sort()).toEqual([lead!.id, proposal!.id].sort());
    const closing = await w.crm.count(w.actor, "deal", {
      filters: [{ field: "expectedCloseDate", operator: "lte", value: "2026-12-31" }],
    });
    expect(closing).toBe(1);
    const events = await eventsOf(w);
    const created = events.find((e) => e.event === "deal.created" && e.data.entityId === won!.id)!;
    const def = EVENT_CATALOG.find((d) => d.name === "deal.created")!;
    expect(def.payload.safeParse(created.data.payload).success).toBe(true);
    expect((created.data.payload.deal as Record<string, unknown>).stage).toBe("won");
  });

  it("refuses totalValue, saying it follows from the service lines and how to set them", async () => {
    const bad = await w.crm
      .create(w.actor, "deal", [{ name: "D", totalValue: 100 }])
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).field).toBe("deals[0].totalValue");
    expect((bad as ValidationError).message).toMatch(/derived from the deal's service lines/);
    expect((bad as ValidationError).message).toMatch(/services: \[\{serviceId, quantity\}\]/);
  });

  it("filters and sorts the new fields on organizations and contacts", async () => {
    await w.crm.create(w.actor, "organization", [
      { name: "Beta", domain: "beta.io" },
      { name: "Gamma", domain: "gamma.io" },
    ]);
    const found = await w.crm.find(w.actor, "organization", {
      filters: [{ field: "domain", operator: "equals", value: "beta.io" }],
    });
    expect(found.items.map((o) => o.name)).toEqual(["Beta"]);
    const byDomain = await w.crm.find(w.actor, "organization", {
      filters: [{ field: "domain", operator: "isNotNull" }],
      sort: { field: "domain", direction: "desc" },
    });
    expect(byDomain.items.map((o) => o.domain)).toEqual(["gamma.io", "beta.io"]);
    const withPhone = await w.crm.count(w.actor, "contact", {
      filters: [{ field: "phones", operator: "hasSome", value: ["030 7654321"] }],
    });
    expect(withPhone).toBe(1);
  });
});

describe("fields through the MCP tools", () => {
  let t: TestApp;
  let client: Client;
  beforeAll(async () => {
    t = await openTestApp();
    client = await connect(t.app, t.owner);
  });
  afterAll(async () => {
    await client.close();
    await t.close();
  });

  it("describes the new fields, the stages, assignees and a deal's serviceIds", async () => {
    const deal = await ok(client, "get_entity_configuration", { entity: "deal" });
    const field = (name: string) => deal.fields.find((f: { name: string }) => f.name === name);
    expect(field("stage")).toMatchObject({
      options: ["lead", "qualified", "proposal", "won", "lost"],
      sortable: true,
    });
    expect(field("expectedCloseDate")).toMatchObject({ kind: "date", sortable: true });
    expect(field("totalValue").description).toMatch(/service lines/);
    expect(deal.relations.map((r: { name: string }) => r.name)).toContain("serviceIds");
    const task = await ok(client, "get_entity_configuration", { entity: "task" });
    expect(task.relations.find((r: { name: string }) => r.name === "userIds")).toMatchObject({
      meaning: "assignees",
    });
    const org = await ok(client, "get_entity_configuration", { entity: "organization" });
    expect(org.fields.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(["domain", "website", "phones"]),
    );
  });

  it("sets the company's stages through update_custom_column, keeping stages deals hold", async () => {
    const set = await ok(client, "update_custom_column", {
      id: "deal.stage",
      options: ["new", "lead", "negotiation", "won", "lost"],
    });
    expect(set.options).toEqual(["new", "lead", "negotiation", "won", "lost"]);
    const created = await ok(client, "create_deals", {
      deals: [{ name: "Fresh" }, { name: "Talks", stage: "negotiation" }],
    });
    const [fresh] = created.items;
    const got = await ok(client, "get_entities", { items: [{ id: fresh.id }] });
    expect(got.items[0].record.stage).toBe("new");
    const refused = await call(client, "update_custom_column", {
      id: "deal.stage",
      options: ["new", "won", "lost"],
    });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/1 deal is at stage "negotiation"/);
    const config = await ok(client, "get_entity_configuration", { entity: "deal" });
    expect(config.fields.find((f: { name: string }) => f.name === "stage").options).toEqual([
      "new",
      "lead",
      "negotiation",
      "won",
      "lost",
    ]);
    const renamed = await call(client, "update_custom_column", { id: "deal.stage", label: "Phase" });
    expect(renamed.isError).toBe(true);
  });

  it("creates a service already on deals with dealIds", async () => {
    const { items } = await ok(client, "create_deals", { deals: [{ name: "With service" }] });
    const service = await ok(client, "create_services", {
      services: [{ name: "Audit", amount: 250, dealIds: [items[0].id] }],
    });
    const got = await ok(client, "get_entities", {
      items: [{ id: items[0].id }, { id: service.items[0].id }],
    });
    expect(got.items[0].record).toMatchObject({
      services: [{ serviceId: service.items[0].id, quantity: 1 }],
      totalValue: 250,
    });
    expect(got.items[1].record.dealIds).toEqual([items[0].id]);
  });
});
