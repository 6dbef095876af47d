import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EVENT_NAMES } from "../../src/events/catalog.js";
import { openTestApp, type TestApp } from "../support/app.js";
import { ENGINE } from "../support/engine.js";

let t: TestApp;
beforeEach(async () => {
  // Nothing is sent: the rows stay as written, which is all these questions are about.
  t = await openTestApp({ dispatch: false });
});
afterEach(async () => {
  await t.close();
});

describe(`deliveries a record caused, on ${ENGINE}`, () => {
  it("lists the deliveries of the record's events, resends included, newest first, and no one else's", async () => {
    const { app, owner } = t;
    await app.webhooks.create(owner, {
      url: "https://127.0.0.1:9/a",
      events: [...EVENT_NAMES],
      secret: null,
    });
    await app.webhooks.create(owner, {
      url: "https://127.0.0.1:9/b",
      events: ["contact.created"],
      secret: null,
    });
    const [ada, bob] = await app.crm.create(owner, "contact", [{ firstName: "Ada" }, { firstName: "Bob" }]);
    await app.crm.update(owner, "contact", [{ id: ada!.id, lastName: "Lovelace" }]);
    const [org] = await app.crm.create(owner, "organization", [{ name: "Org" }]);
    // One link, two events: contact.updated for Ada and organization.updated for the org.
    await app.crm.link(owner, "contact", ada!.id, "organizationIds", [org!.id], "add");

    const mine = await app.deliveries.forEntity(owner, ada!.id);
    // created (to both webhooks), updated, updated by the link.
    expect(mine.total).toBe(4);
    expect(mine.items.map((d) => d.event).sort()).toEqual([
      "contact.created",
      "contact.created",
      "contact.updated",
      "contact.updated",
    ]);
    const all = await app.deliveries.list(owner, { limit: 100 });
    const adaIds = new Set(mine.items.map((d) => d.id));
    // The same order as the whole log.
    expect(all.items.filter((d) => adaIds.has(d.id)).map((d) => d.id)).toEqual(mine.items.map((d) => d.id));

    expect((await app.deliveries.forEntity(owner, bob!.id)).total).toBe(2);
    const orgs = await app.deliveries.forEntity(owner, org!.id);
    expect(orgs.items.map((d) => d.event).sort()).toEqual(["organization.created", "organization.updated"]);

    // A resend is a delivery of the same event, so it belongs to the record too.
    const resent = await app.deliveries.resend(owner, mine.items.at(-1)!.id);
    const after = await app.deliveries.forEntity(owner, ada!.id);
    expect(after.total).toBe(5);
    expect(after.items[0]!.id).toBe(resent.id);
    expect((await app.deliveries.forEntity(owner, bob!.id)).total).toBe(2);

    const limited = await app.deliveries.forEntity(owner, ada!.id, 2);
    expect(limited.items).toHaveLength(2);
    expect(limited.total).toBe(5);

    const rival = await app.tenants.createCompany("Rival", "Rita");
    expect(await app.deliveries.forEntity(rival, ada!.id)).toEqual({ items: [], total: 0 });
    await expect(app.deliveries.forEntity(owner, "x".repeat(65))).rejects.toThrow(/entityId/);
  });
});
