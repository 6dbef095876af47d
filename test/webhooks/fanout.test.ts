/**
 * Which webhooks a write fans out to: each enabled webhook of the company that subscribes to
 * the event, once per event. In-process, over a migrated store with no dispatcher.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openWorld, type World } from "../support/crm.js";

let w: World;
beforeEach(async () => {
  w = await openWorld("memory");
});
afterEach(async () => {
  await w.close();
});

async function deliveries(world: World, actor = world.actor) {
  const { items } = await world.store.read((tx) =>
    tx.webhooks.listDeliveries(actor.companyId, { limit: 100, offset: 0 }),
  );
  return items;
}

const hook = (name: string, events: string[], extra: Record<string, unknown> = {}) => ({
  url: `https://${name}.example.com/hook`,
  events,
  ...extra,
});

describe("fan-out", () => {
  it("a disabled webhook gets no delivery (guard: `enabled = 1` in recordEvents)", async () => {
    const on = await w.webhooks.create(w.actor, hook("on", ["contact.created"]));
    const off = await w.webhooks.create(w.actor, hook("off", ["contact.created"], { enabled: false }));
    await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    const rows = await deliveries(w);
    expect(rows.map((d) => d.webhookId)).toEqual([on.id]);
    expect(rows.map((d) => d.webhookId)).not.toContain(off.id);
  });

  it("disabling a webhook stops its deliveries from the next write on; enabling resumes them", async () => {
    const h = await w.webhooks.create(w.actor, hook("toggle", ["contact.created"]));
    await w.crm.create(w.actor, "contact", [{ firstName: "One" }]);
    await w.webhooks.update(w.actor, { id: h.id, enabled: false });
    await w.crm.create(w.actor, "contact", [{ firstName: "Two" }]);
    expect(await deliveries(w)).toHaveLength(1);
    await w.webhooks.update(w.actor, { id: h.id, enabled: true });
    await w.crm.create(w.actor, "contact", [{ firstName: "Three" }]);
    expect(await deliveries(w)).toHaveLength(2);
  });

  it("only subscribed events, one pending row per event and webhook, with the webhook's url", async () => {
    const a = await w.webhooks.create(w.actor, hook("a", ["contact.created", "contact.updated"]));
    const b = await w.webhooks.create(w.actor, hook("b", ["organization.created"]));
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    await w.crm.update(w.actor, "contact", [{ id: c!.id, firstName: "Ida" }]);
    const rows = await deliveries(w);
    expect(rows.map((d) => [d.webhookId, d.event, d.status, d.url]).sort()).toEqual(
      [
        [a.id, "contact.created", "pending", a.url],
        [a.id, "contact.updated", "pending", a.url],
      ].sort(),
    );
    expect(rows.some((d) => d.webhookId === b.id)).toBe(false);
    expect(new Set(rows.map((d) => d.eventId)).size).toBe(2);
  });

  it("another company's webhook never hears this company's writes", async () => {
    const other = await w.tenants.createCompany("Other", "Eve");
    await w.webhooks.create(other, hook("theirs", ["contact.created"]));
    await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    expect(await deliveries(w)).toHaveLength(0);
    expect(await deliveries(w, other)).toHaveLength(0);
  });
});
