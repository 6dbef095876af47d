/**
 * Unlinking, relation removal by update, and the deal-service link with its derived totals.
 * Each test names the guard it holds: remove that line from `src/crm/service.ts` or
 * `src/store/crm.ts` and it fails.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../src/domain/errors.js";
import { eventsOf, openWorld, type World } from "./support/crm.js";

let w: World;
beforeEach(async () => {
  w = await openWorld("memory");
});
afterEach(async () => {
  await w.close();
});

async function one(type: Parameters<World["crm"]["get"]>[1], id: string) {
  return (await w.crm.get(w.actor, type, [id])).get(id)!;
}

/** Events written after the first `skip`, as [event, entityId, changes]. */
async function eventsAfter(skip: number) {
  return (await eventsOf(w)).slice(skip).map((e) => [e.event, e.data.entityId, e.data.payload.changes]);
}

describe("unlink (guard: applyRelations' remove branch, removeLinks)", () => {
  it("unlinks both sides and emits updated for each, with the arrays before and after", async () => {
    const [org] = await w.crm.create(w.actor, "organization", [{ name: "Acme" }]);
    const [a, b] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }, { firstName: "Bo" }]);
    await w.crm.link(w.actor, "organization", org!.id, "contactIds", [a!.id, b!.id], "add");
    const skip = (await eventsOf(w)).length;

    await w.crm.link(w.actor, "organization", org!.id, "contactIds", [a!.id], "remove");

    expect((await one("organization", org!.id)).contactIds).toEqual([b!.id]);
    expect((await one("contact", a!.id)).organizationIds).toEqual([]);
    expect((await one("contact", b!.id)).organizationIds).toEqual([org!.id]);
    expect(await eventsAfter(skip)).toEqual([
      ["organization.updated", org!.id, { contactIds: { previous: [a!.id, b!.id], current: [b!.id] } }],
      ["contact.updated", a!.id, { organizationIds: { previous: [org!.id], current: [] } }],
    ]);
  });

  it("unlinks from either side: the link is one row, whichever side named it", async () => {
    const [org] = await w.crm.create(w.actor, "organization", [{ name: "Acme" }]);
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    await w.crm.link(w.actor, "organization", org!.id, "contactIds", [c!.id], "add");
    await w.crm.link(w.actor, "contact", c!.id, "organizationIds", [org!.id], "remove");
    expect((await one("organization", org!.id)).contactIds).toEqual([]);
    expect((await one("contact", c!.id)).organizationIds).toEqual([]);
  });

  it("unlinking what is not linked moves nothing and emits nothing", async () => {
    const [org] = await w.crm.create(w.actor, "organization", [{ name: "Acme" }]);
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    const skip = (await eventsOf(w)).length;
    await w.crm.link(w.actor, "contact", c!.id, "organizationIds", [org!.id], "remove");
    expect(await eventsAfter(skip)).toEqual([]);
  });

  it("refuses a relation the entity does not have, naming the valid ones", async () => {
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    const refused = w.crm.link(w.actor, "contact", c!.id, "serviceIds", ["svc_1"], "remove");
    await expect(refused).rejects.toThrow(ValidationError);
    await expect(refused).rejects.toThrow(
      /"serviceIds" is not a relationship of contact. Use one of: .*organizationIds/,
    );
  });
});

describe("update replaces a relationship array (guard: the remove pass in update)", () => {
  it("removes the ids left out and adds the new ones, on both sides", async () => {
    const [o1, o2, o3] = await w.crm.create(w.actor, "organization", [
      { name: "One" },
      { name: "Two" },
      { name: "Three" },
    ]);
    const [c] = await w.crm.create(w.actor, "contact", [
      { firstName: "Ada", organizationIds: [o1!.id, o2!.id] },
    ]);
    const skip = (await eventsOf(w)).length;

    await w.crm.update(w.actor, "contact", [{ id: c!.id, organizationIds: [o2!.id, o3!.id] }]);

    expect(new Set((await one("contact", c!.id)).organizationIds as string[])).toEqual(
      new Set([o2!.id, o3!.id]),
    );
    expect((await one("organization", o1!.id)).contactIds).toEqual([]);
    expect((await one("organization", o3!.id)).contactIds).toEqual([c!.id]);
    const events = await eventsAfter(skip);
    expect(events.map(([event, id]) => `${event} ${id}`).sort()).toEqual(
      [`contact.updated ${c!.id}`, `organization.updated ${o1!.id}`, `organization.updated ${o3!.id}`].sort(),
    );
  });

  it("an empty array removes every link", async () => {
    const [o1] = await w.crm.create(w.actor, "organization", [{ name: "One" }]);
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada", organizationIds: [o1!.id] }]);
    await w.crm.update(w.actor, "contact", [{ id: c!.id, organizationIds: [] }]);
    expect((await one("contact", c!.id)).organizationIds).toEqual([]);
    expect((await one("organization", o1!.id)).contactIds).toEqual([]);
  });
});

describe("deal-service link totals (guard: recomputeDealTotals after each link change)", () => {
  async function dealWithServices() {
    const [s1, s2] = await w.crm.create(w.actor, "service", [
      { name: "A", amount: 10 },
      { name: "B", amount: 5 },
    ]);
    const [deal] = await w.crm.create(w.actor, "deal", [
      {
        name: "D",
        services: [
          { serviceId: s1!.id, quantity: 2 },
          { serviceId: s2!.id, quantity: 3 },
        ],
      },
    ]);
    return { s1: s1!, s2: s2!, deal: deal! };
  }

  it("linking a service from the service's side adds it with quantity 1 and moves the totals", async () => {
    const { deal } = await dealWithServices();
    const [s3] = await w.crm.create(w.actor, "service", [{ name: "C", amount: 7 }]);
    const skip = (await eventsOf(w)).length;
    await w.crm.link(w.actor, "service", s3!.id, "dealIds", [deal.id], "add");
    const after = await one("deal", deal.id);
    expect(after.totalValue).toBe(42);
    expect(after.totalQuantity).toBe(6);
    expect((after.services as { serviceId: string; quantity: number }[]).at(-1)).toEqual({
      serviceId: s3!.id,
      quantity: 1,
    });
    const dealUpdate = (await eventsAfter(skip)).find(([e]) => e === "deal.updated")!;
    expect(dealUpdate[2]).toMatchObject({
      totalValue: { previous: 35, current: 42 },
      totalQuantity: { previous: 5, current: 6 },
    });
  });

  it("unlinking a service from the deal's side drops its line and its share of the totals", async () => {
    const { s1, s2, deal } = await dealWithServices();
    await w.crm.link(w.actor, "deal", deal.id, "serviceIds", [s1.id], "remove");
    const after = await one("deal", deal.id);
    expect(after.services).toEqual([{ serviceId: s2.id, quantity: 3 }]);
    expect(after.totalValue).toBe(15);
    expect(after.totalQuantity).toBe(3);
    expect((await one("service", s1.id)).dealIds).toEqual([]);
  });

  it("unlinking a deal from the service's side does the same", async () => {
    const { s2, deal } = await dealWithServices();
    await w.crm.link(w.actor, "service", s2.id, "dealIds", [deal.id], "remove");
    const after = await one("deal", deal.id);
    expect(after.totalValue).toBe(20);
    expect(after.totalQuantity).toBe(2);
  });

  it("replacing a deal's services recomputes the totals", async () => {
    const { s2, deal } = await dealWithServices();
    await w.crm.update(w.actor, "deal", [{ id: deal.id, services: [{ serviceId: s2.id, quantity: 4 }] }]);
    const after = await one("deal", deal.id);
    expect(after.totalValue).toBe(20);
    expect(after.totalQuantity).toBe(4);
  });

  it("deleting a service takes its share out of every deal that held it", async () => {
    const { s1, deal } = await dealWithServices();
    const skip = (await eventsOf(w)).length;
    await w.crm.delete(w.actor, "service", [s1.id]);
    const after = await one("deal", deal.id);
    expect(after.totalValue).toBe(15);
    expect(after.totalQuantity).toBe(3);
    const dealUpdate = (await eventsAfter(skip)).find(([e]) => e === "deal.updated")!;
    expect(dealUpdate[2]).toMatchObject({ totalValue: { previous: 35, current: 15 } });
  });

  it("deleting a deal emits service.updated for the services it held", async () => {
    const { s1, s2, deal } = await dealWithServices();
    const skip = (await eventsOf(w)).length;
    await w.crm.delete(w.actor, "deal", [deal.id]);
    const events = await eventsAfter(skip);
    expect(events.map(([e, id]) => `${e} ${id}`).sort()).toEqual(
      [`deal.deleted ${deal.id}`, `service.updated ${s1.id}`, `service.updated ${s2.id}`].sort(),
    );
  });
});
