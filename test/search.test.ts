import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrmService } from "../src/crm/service.js";
import type { EntityType } from "../src/domain/model.js";
import { fold, searchText, searchWords } from "../src/domain/search.js";
import { openStore } from "../src/store/index.js";
import { TenantService } from "../src/tenants/service.js";
import { connect, ok, openTestApp, type TestApp } from "./support/app.js";
import { freshDatabase } from "./support/engine.js";

/**
 * Search as an agent uses it (issue 11), the same answers on both engines and through
 * each of filter_entity, count_entity and search_all_entities.
 */

describe("folding", () => {
  it("lowercases and removes accents, letters without a decomposition included", () => {
    expect(fold("José Núñez")).toBe("jose nunez");
    expect(fold("Zoë MÜLLER")).toBe("zoe muller");
    expect(fold("Straße Øresund Łódź")).toBe("strasse oresund lodz");
  });

  it("cuts a term into folded words, each once", () => {
    expect(searchWords("  Lovelace   ADA ada ")).toEqual(["lovelace", "ada"]);
    expect(searchWords("   ")).toEqual([]);
  });

  it("keeps each field apart, and a phone number also as its digits", () => {
    expect(
      searchText("contact", { firstName: "Ada", lastName: "Lovelace", emails: [], phones: ["+49 30 12"] }),
    ).toBe("ada lovelace +49 30 12 493012");
  });
});

let t: TestApp;
let client: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  client = await connect(t.app, t.owner);
  const contacts = await ok(client, "create_contacts", {
    contacts: [
      { firstName: "Ada", lastName: "Lovelace", emails: ["ada@engines.co.uk"] },
      { firstName: "José", lastName: "Núñez", phones: ["+34 91 123 4567"] },
      { firstName: "Zoë", lastName: "Quinn" },
      { firstName: "Karl", lastName: "Müller", emails: ["karl@work.de", "k.mueller@home.de"] },
      { firstName: "Anna", lastName: "Muller" },
      { firstName: "Grace", lastName: "Hopper", jobTitle: "Ada programmer" },
    ],
  });
  for (const [i, key] of ["ada", "jose", "zoe", "karl", "anna", "grace"].entries())
    ids[key] = contacts.items[i].id;
  const orgs = await ok(client, "create_organizations", {
    organizations: [
      { name: "Acme GmbH", domain: "acme.de", phones: ["+49 89 555 0100"] },
      { name: "Analytical Engines", domain: "engines.co.uk" },
    ],
  });
  ids.acme = orgs.items[0].id;
  ids.engines = orgs.items[1].id;
});

afterAll(async () => {
  await client.close();
  await t.close();
});

async function found(entity: EntityType, searchTerm: string): Promise<string[]> {
  const list = await ok(client, "filter_entity", { entity, searchTerm });
  const { count } = await ok(client, "count_entity", { entity, searchTerm });
  const all = await ok(client, "search_all_entities", { searchTerm, entities: [entity], limitPerEntity: 25 });
  const listed = list.items.map((r: { id: string }) => r.id).sort();
  // The three tools agree: the same records, and the count is theirs.
  expect(all.results[0].items.map((r: { id: string }) => r.id).sort()).toEqual(listed);
  expect(count).toBe(listed.length);
  expect(list.total).toBe(listed.length);
  return listed;
}

describe("a full name finds the person", () => {
  it('"Ada Lovelace"', async () => {
    expect(await found("contact", "Ada Lovelace")).toEqual([ids.ada]);
  });
  it('"ada lovelace"', async () => {
    expect(await found("contact", "ada lovelace")).toEqual([ids.ada]);
  });
  it('"Lovelace Ada"', async () => {
    expect(await found("contact", "Lovelace Ada")).toEqual([ids.ada]);
  });
  it("each word must match some field: a word no field holds finds nothing", async () => {
    expect(await found("contact", "Ada Hopper")).toEqual([]);
    expect(await found("contact", "Ada Babbage")).toEqual([]);
  });
  it("a word does not span two fields", async () => {
    expect(await found("contact", "adalovelace")).toEqual([]);
  });
  it("a short word (under three letters) still counts", async () => {
    expect(await found("contact", "Lovelace ad")).toEqual([ids.ada]);
    expect(await found("contact", "Lovelace zz")).toEqual([]);
  });
});

describe("accents fold both ways", () => {
  it('"Jose" finds José Núñez', async () => {
    expect(await found("contact", "Jose")).toEqual([ids.jose]);
  });
  it('"jose nunez" finds José Núñez', async () => {
    expect(await found("contact", "jose nunez")).toEqual([ids.jose]);
  });
  it('"Zoe" finds Zoë', async () => {
    expect(await found("contact", "Zoe")).toEqual([ids.zoe]);
  });
  it('"Muller" finds Müller and Muller', async () => {
    expect(await found("contact", "Muller")).toEqual([ids.karl, ids.anna].sort());
  });
  it('"Müller" finds Muller and Müller', async () => {
    expect(await found("contact", "Müller")).toEqual([ids.karl, ids.anna].sort());
  });
  it('"Zoë" finds Zoë', async () => {
    expect(await found("contact", "ZOË")).toEqual([ids.zoe]);
  });
});

describe("emails, phones and domains", () => {
  it("an organization by its domain", async () => {
    expect(await found("organization", "acme.de")).toEqual([ids.acme]);
  });
  it("an organization by its name, not another's domain", async () => {
    expect(await found("organization", "Acme")).toEqual([ids.acme]);
  });
  it("a contact by its first email", async () => {
    expect(await found("contact", "karl@work.de")).toEqual([ids.karl]);
  });
  it("a contact by any of its emails", async () => {
    expect(await found("contact", "k.mueller@home")).toEqual([ids.karl]);
  });
  it("a contact by its phone as written", async () => {
    expect(await found("contact", "+34 91 123 4567")).toEqual([ids.jose]);
  });
  it("a contact by its phone's digits", async () => {
    expect(await found("contact", "34911234567")).toEqual([ids.jose]);
  });
  it("an organization by its phone", async () => {
    expect(await found("organization", "5550100")).toEqual([ids.acme]);
  });
  it("search_all_entities finds a domain on contacts' emails and organizations at once", async () => {
    const all = await ok(client, "search_all_entities", { searchTerm: "engines.co.uk" });
    const byType = Object.fromEntries(
      all.results.map((r: { entity: string; items: { id: string }[] }) => [
        r.entity,
        r.items.map((i) => i.id),
      ]),
    );
    expect(byType.contact).toEqual([ids.ada]);
    expect(byType.organization).toEqual([ids.engines]);
  });
});

describe("search follows changes", () => {
  it("a renamed contact is found by the new name and not the old", async () => {
    const { items } = await ok(client, "create_contacts", {
      contacts: [{ firstName: "Émile", lastName: "Zola" }],
    });
    expect(await found("contact", "emile zola")).toEqual([items[0].id]);
    await ok(client, "update_contacts", { contacts: [{ id: items[0].id, lastName: "Durkheim" }] });
    expect(await found("contact", "emile zola")).toEqual([]);
    expect(await found("contact", "Émile DURKHEIM")).toEqual([items[0].id]);
    await ok(client, "delete_entities", { entity: "contact", ids: [items[0].id] });
    expect(await found("contact", "durkheim")).toEqual([]);
  });
  it("combines with filters and sorting", async () => {
    const list = await ok(client, "filter_entity", {
      entity: "contact",
      searchTerm: "muller",
      filters: [{ field: "emails", operator: "isNotNull" }],
      sort: { field: "lastName", direction: "asc" },
    });
    expect(list.items.map((r: { id: string }) => r.id)).toEqual([ids.karl]);
  });
});

describe("records stored before the search text", () => {
  it("are found once the store opens again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crm-search-"));
    const db = await freshDatabase(dir);
    try {
      let store = await openStore(db.target);
      const tenants = new TenantService(store);
      const actor = await tenants.localOwner();
      const crm = new CrmService(store);
      const [old] = await crm.create(actor, "contact", [{ firstName: "Ångström", lastName: "Old" }]);
      // As an older version left it: the record without its search text.
      await store.write((tx) => tx.crm.update(actor.companyId, "contact", old!.id, { searchText: "" }));
      expect((await crm.find(actor, "contact", { searchTerm: "angstrom" })).items).toEqual([]);
      await store.close();
      store = await openStore(db.target);
      const found = await new CrmService(store).find(actor, "contact", { searchTerm: "angstrom old" });
      expect(found.items.map((r) => r.id)).toEqual([old!.id]);
      await store.close();
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
