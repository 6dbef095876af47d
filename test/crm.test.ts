import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "../src/domain/errors.js";
import { EVENT_CATALOG } from "../src/events/catalog.js";
import { eventsOf, openWorld, type World } from "./support/crm.js";

let w: World;
beforeEach(async () => {
  w = await openWorld("file");
});
afterEach(async () => {
  await w.close();
});

describe("events", () => {
  it("fires each of the fifteen events with the catalog's payload keys", async () => {
    const a = w.actor;
    const [org] = await w.crm.create(a, "organization", [{ name: "Acme" }]);
    const [contact] = await w.crm.create(a, "contact", [
      { firstName: "Ada", lastName: "L", emails: ["ada@acme.io"] },
    ]);
    const [service] = await w.crm.create(a, "service", [{ name: "Audit", amount: 100 }]);
    const [deal] = await w.crm.create(a, "deal", [{ name: "Big deal" }]);
    const [task] = await w.crm.create(a, "task", [{ name: "Call", dueDate: "2026-12-01" }]);
    await w.crm.update(a, "organization", [{ id: org!.id, name: "Acme Inc" }]);
    await w.crm.update(a, "contact", [{ id: contact!.id, lastName: "Lovelace" }]);
    await w.crm.update(a, "service", [{ id: service!.id, name: "Audit+" }]);
    await w.crm.update(a, "deal", [{ id: deal!.id, name: "Bigger deal" }]);
    await w.crm.update(a, "task", [{ id: task!.id, status: "done" }]);
    await w.crm.delete(a, "organization", [org!.id]);
    await w.crm.delete(a, "contact", [contact!.id]);
    await w.crm.delete(a, "service", [service!.id]);
    await w.crm.delete(a, "deal", [deal!.id]);
    await w.crm.delete(a, "task", [task!.id]);

    const events = await eventsOf(w);
    expect(events.map((e) => e.event).sort()).toEqual(EVENT_CATALOG.map((e) => e.name).sort());
    for (const e of events) {
      const def = EVENT_CATALOG.find((d) => d.name === e.event)!;
      expect(Object.keys(e.data.payload).sort()).toEqual([...def.payloadKeys].sort());
      expect(def.payload.safeParse(e.data.payload).success).toBe(true);
      expect(e.data.userId).toBe(a.userId);
      expect(e.data.companyId).toBe(a.companyId);
      expect(e.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
    const deleted = events.find((e) => e.event === "contact.deleted")!;
    expect(deleted.data.payload).toEqual({ contactId: contact!.id });
    const updated = events.find((e) => e.event === "contact.updated")!;
    expect(updated.data.payload.changes).toEqual({ lastName: { previous: "L", current: "Lovelace" } });
  });

  it("suppresses a write that moves nothing", async () => {
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada", emails: ["a@x.io"] }]);
    await w.crm.update(w.actor, "contact", [{ id: c!.id, firstName: "Ada", emails: ["a@x.io"] }]);
    const events = await eventsOf(w);
    expect(events.map((e) => e.event)).toEqual(["contact.created"]);
    const [after] = (await w.crm.get(w.actor, "contact", [c!.id])).values();
    expect(after!.updatedAt).toBe(c!.updatedAt);
  });

  it("links symmetrically and emits updated on both sides", async () => {
    const [org] = await w.crm.create(w.actor, "organization", [{ name: "Acme" }]);
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "Ada" }]);
    await w.crm.link(w.actor, "contact", c!.id, "organizationIds", [org!.id], "add");
    const org2 = (await w.crm.get(w.actor, "organization", [org!.id])).get(org!.id)!;
    expect(org2.contactIds).toEqual([c!.id]);
    const events = (await eventsOf(w)).slice(2);
    expect(events.map((e) => [e.event, e.data.entityId])).toEqual([
      ["contact.updated", c!.id],
      ["organization.updated", org!.id],
    ]);
    expect(events[1]!.data.payload.changes).toEqual({ contactIds: { previous: [], current: [c!.id] } });

    // Linking again moves nothing.
    await w.crm.link(w.actor, "organization", org!.id, "contactIds", [c!.id], "add");
    expect((await eventsOf(w)).length).toBe(4);

    // Deleting the organization unlinks it; the contact emits updated.
    await w.crm.delete(w.actor, "organization", [org!.id]);
    const last = (await eventsOf(w)).slice(4);
    expect(last.map((e) => e.event).sort()).toEqual(["contact.updated", "organization.deleted"]);
    const contact = (await w.crm.get(w.actor, "contact", [c!.id])).get(c!.id)!;
    expect(contact.organizationIds).toEqual([]);
  });

  it("derives deal totals and emits deal.updated when a service's amount moves", async () => {
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
    expect(deal!.totalValue).toBe(35);
    expect(deal!.totalQuantity).toBe(5);
    const svc = (await w.crm.get(w.actor, "service", [s1!.id])).get(s1!.id)!;
    expect(svc.dealIds).toEqual([deal!.id]);

    await w.crm.update(w.actor, "service", [{ id: s1!.id, amount: 20 }]);
    const events = await eventsOf(w);
    const dealUpdate = events.filter((e) => e.event === "deal.updated").at(-1)!;
    expect(dealUpdate.data.payload.changes).toEqual({ totalValue: { previous: 35, current: 55 } });
  });

  it("stores and diffs custom fields, validated against the column's type", async () => {
    const stage = await w.crm.createColumn(w.actor, {
      entityType: "contact",
      label: "Stage",
      type: "singleSelect",
      options: ["lead", "won"],
    });
    const [c] = await w.crm.create(w.actor, "contact", [
      { firstName: "A", customFieldValues: [{ columnId: stage.id, value: "lead" }] },
    ]);
    await expect(
      w.crm.setCustomFields(w.actor, "contact", [
        { id: c!.id, customFieldValues: [{ columnId: stage.id, value: "lost" }] },
      ]),
    ).rejects.toThrow(/items\[0\]\.customFieldValues\[0\]\.value: .*expected one of "lead", "won"/);
    await w.crm.setCustomFields(w.actor, "contact", [
      { id: c!.id, customFieldValues: [{ columnId: stage.id, value: "won" }] },
    ]);
    const events = await eventsOf(w);
    expect(events.at(-1)!.data.payload.changes).toEqual({
      customFieldValues: {
        previous: [{ columnId: stage.id, value: "lead" }],
        current: [{ columnId: stage.id, value: "won" }],
      },
    });
  });
});

describe("bad input", () => {
  it("writes nothing when one item of a batch is invalid", async () => {
    const error = await w.crm
      .create(w.actor, "contact", [{ firstName: "Ok" }, { firstName: "Bad", emails: ["not-an-email"] }])
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/^contacts\[1\]\.emails\[0\]: must be an email address/);
    expect((await w.crm.find(w.actor, "contact", {})).total).toBe(0);
    expect(await eventsOf(w)).toEqual([]);
  });

  it("names an unknown id in a relationship array, and writes nothing", async () => {
    const error = await w.crm
      .create(w.actor, "contact", [{ firstName: "A", organizationIds: ["org_nope"] }])
      .catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/^contacts\[0\]\.organizationIds\[0\]: no organization with id "org_nope"/);
    expect((await w.crm.find(w.actor, "contact", {})).total).toBe(0);
  });

  it("refuses a null relationship array and points to link_entities", async () => {
    const [c] = await w.crm.create(w.actor, "contact", [{ firstName: "A" }]);
    await expect(w.crm.update(w.actor, "contact", [{ id: c!.id, organizationIds: null }])).rejects.toThrow(
      /organizationIds: cannot be null.*link_entities/,
    );
  });

  it("leaves neither the entity nor its event when the transaction fails", async () => {
    await expect(
      w.store.write(async (tx) => {
        const { ChangeRecorder } = await import("../src/events/recorder.js");
        const recorder = new ChangeRecorder(tx, w.actor);
        recorder.created("organization", ["org_x"]);
        await tx.crm.insert("organization", {
          id: "org_x",
          companyId: w.actor.companyId,
          name: "Doomed",
          createdAt: "2026-01-01T00:00:00.000Z",
          updatedAt: "2026-01-01T00:00:00.000Z",
        });
        await recorder.finish();
        throw new Error("disk on fire");
      }),
    ).rejects.toThrow("disk on fire");
    expect((await w.crm.get(w.actor, "organization", ["org_x"])).size).toBe(0);
    expect(await eventsOf(w)).toEqual([]);
  });
});

describe("tenancy", () => {
  it("keeps two companies apart: ids of another company do not exist", async () => {
    const other = await w.tenants.createCompany("Other", "Eve");
    const [mine] = await w.crm.create(w.actor, "organization", [{ name: "Mine" }]);
    const [theirs] = await w.crm.create(other, "organization", [{ name: "Theirs" }]);
    expect((await w.crm.find(w.actor, "organization", {})).items.map((o) => o.id)).toEqual([mine!.id]);
    expect((await w.crm.get(w.actor, "organization", [theirs!.id])).size).toBe(0);
    await expect(
      w.crm.update(w.actor, "organization", [{ id: theirs!.id, name: "x" }]),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(w.crm.delete(w.actor, "organization", [theirs!.id])).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      w.crm.create(w.actor, "contact", [{ firstName: "A", organizationIds: [theirs!.id] }]),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await eventsOf(w, other)).map((e) => e.event)).toEqual(["organization.created"]);
  });
});

describe("find", () => {
  it("filters, searches, sorts and pages", async () => {
    const [org] = await w.crm.create(w.actor, "organization", [{ name: "Acme" }]);
    await w.crm.create(
      w.actor,
      "contact",
      Array.from({ length: 30 }, (_, i) => ({
        firstName: `Person${i}`,
        lastName: i % 2 ? "Odd" : "Even",
        emails: [`p${i}@example.com`],
        ...(i < 3 ? { organizationIds: [org!.id] } : {}),
      })),
    );
    const page1 = await w.crm.find(w.actor, "contact", { limit: 20 });
    expect(page1.items.length).toBe(20);
    expect(page1.total).toBe(30);
    const page2 = await w.crm.find(w.actor, "contact", { limit: 20, cursor: page1.nextCursor! });
    expect(page2.items.length).toBe(10);
    expect(page2.nextCursor).toBeNull();

    expect((await w.crm.find(w.actor, "contact", { searchTerm: "person1" })).total).toBe(11);
    expect((await w.crm.find(w.actor, "contact", { searchTerm: "p2@" })).total).toBe(1);
    expect(
      (
        await w.crm.find(w.actor, "contact", {
          filters: [{ field: "organizationIds", operator: "hasSome", value: [org!.id] }],
        })
      ).total,
    ).toBe(3);
    expect(
      await w.crm.count(w.actor, "contact", {
        filters: [{ field: "lastName", operator: "equals", value: "Odd" }],
      }),
    ).toBe(15);
    const sorted = await w.crm.find(w.actor, "contact", {
      sort: { field: "firstName", direction: "asc" },
      limit: 2,
    });
    expect(sorted.items.map((c) => c.firstName)).toEqual(["Person0", "Person1"]);
    await expect(
      w.crm.find(w.actor, "contact", { filters: [{ field: "nope", operator: "equals", value: 1 }] }),
    ).rejects.toThrow(/filters\[0\]\.field: "nope" is not a field of contact\. Valid fields: id, firstName/);
  });

  it("works on an in-memory database too", async () => {
    const m = await openWorld("memory");
    const [c] = await m.crm.create(m.actor, "contact", [{ firstName: "Mem" }]);
    expect((await m.crm.find(m.actor, "contact", { searchTerm: "mem" })).items[0]!.id).toBe(c!.id);
    await m.close();
  });
});

describe("validation messages", () => {
  it("lists every problem of a call (up to five), each with its field", async () => {
    const error = await w.crm
      .create(w.actor, "contact", [{ firstNam: "Typo" }, { firstName: "B", emails: ["nope"] }])
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe("contacts[0]");
    expect(error.message).toBe(
      'contacts[0]: unknown field "firstNam"; did you mean "firstName"?; contacts[1].emails[0]: must be an email address such as ada@example.com',
    );
  });

  it("refuses a contact with nothing to name it by", async () => {
    const error = await w.crm
      .create(w.actor, "contact", [{ firstName: "Ada" }, { firstName: " ", emails: [] }])
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe("contacts[1]: a new contact needs a firstName, a lastName or an email");
    expect(await w.crm.count(w.actor, "contact", {})).toBe(0);
  });

  it("names the fields an object has when an unknown one is nothing like them", async () => {
    const error = await w.crm.create(w.actor, "task", [{ name: "Call", bogus: 1 }]).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(
      /^tasks\[0\]: unknown field "bogus"; remove it \(fields here: [a-zA-Z, ]*\bname\b/,
    );
    expect(await w.crm.count(w.actor, "task", {})).toBe(0);
  });
});
