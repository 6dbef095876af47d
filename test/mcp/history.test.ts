import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, connect, ok, openTestApp, type TestApp } from "../support/app.js";

let t: TestApp;
let client: Client;

beforeAll(async () => {
  t = await openTestApp({ dispatch: false });
  client = await connect(t.app, t.owner);
});
afterAll(async () => {
  await client?.close();
  await t?.close();
});

async function create(kind: string, item: Record<string, unknown>): Promise<string> {
  const r = await ok(client, `create_${kind}`, { [kind]: [item] });
  return r.items[0].id;
}

describe("get_entity_history", () => {
  it("lists the events that touched a record, newest first, with user and changes", async () => {
    const deal = await create("deals", { name: "Roof", notes: "First draft" });
    const org = await create("organizations", { name: "Acme" });
    await ok(client, "update_deals", { deals: [{ id: deal, name: "Roof and walls" }] });
    await ok(client, "link_entities", { entity: "organization", id: org, relation: "dealIds", ids: [deal] });
    await ok(client, "update_entity_notes", { entity: "deal", items: [{ id: deal, notes: "Signed" }] });

    const page = await ok(client, "get_entity_history", { id: deal });
    expect(page.total).toBe(4);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((e: { event: string }) => e.event)).toEqual([
      "deal.updated",
      "deal.updated",
      "deal.updated",
      "deal.created",
    ]);
    const [notes, link, rename, created] = page.items;
    // Notes read as markdown, as everywhere an agent reads them.
    expect(notes.changes).toEqual({ notes: { previous: "First draft", current: "Signed" } });
    // A link made from the other side is in this record's history too.
    expect(link.changes).toEqual({ organizationIds: { previous: [], current: [org] } });
    expect(rename.changes).toEqual({ name: { previous: "Roof", current: "Roof and walls" } });
    expect(created.changes).toBeNull();
    for (const e of page.items) {
      expect(e.userId).toBe(t.owner.userId);
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    }
    expect(page.items.map((e: { at: string }) => e.at)).toEqual(
      page.items
        .map((e: { at: string }) => e.at)
        .sort()
        .reverse(),
    );
    // The organization's history has its own side of the link, not the deal's rename.
    const orgPage = await ok(client, "get_entity_history", { entity: "organization", id: org });
    expect(orgPage.items.map((e: { event: string }) => e.event)).toEqual([
      "organization.updated",
      "organization.created",
    ]);
    expect(orgPage.items[0].changes).toEqual({ dealIds: { previous: [], current: [deal] } });
  });

  it("pages with limit and cursor, and keeps the history of a deleted record", async () => {
    const task = await create("tasks", { name: "Call 0" });
    for (let i = 1; i <= 4; i++)
      await ok(client, "update_tasks", { tasks: [{ id: task, name: `Call ${i}` }] });
    await ok(client, "delete_entities", { entity: "task", ids: [task] });

    const first = await ok(client, "get_entity_history", { id: task, limit: 4 });
    expect(first.total).toBe(6);
    expect(first.items.map((e: { event: string }) => e.event)).toEqual([
      "task.deleted",
      "task.updated",
      "task.updated",
      "task.updated",
    ]);
    expect(first.items[1].changes.name).toEqual({ previous: "Call 3", current: "Call 4" });
    const second = await ok(client, "get_entity_history", { id: task, limit: 4, cursor: first.nextCursor });
    expect(second.total).toBe(6);
    expect(second.nextCursor).toBeNull();
    expect(second.items.map((e: { event: string }) => e.event)).toEqual(["task.updated", "task.created"]);
    expect(second.items[0].changes.name).toEqual({ previous: "Call 0", current: "Call 1" });
  });

  it("sees only the caller's company", async () => {
    const contact = await create("contacts", { firstName: "Ada" });
    const other = await t.app.tenants.createCompany("Other", "Eve");
    const otherClient = await connect(t.app, other);
    try {
      const r = await call(otherClient, "get_entity_history", { id: contact });
      expect(r.isError).toBe(true);
      expect(r.text).toBe(
        `id: no contact with id "${contact}" exists. Look ids up with filter_entity or search_all_entities.`,
      );
      // The other company's own records still have theirs.
      const own = await ok(otherClient, "create_contacts", { contacts: [{ firstName: "Eve" }] });
      const mine = await ok(otherClient, "get_entity_history", { id: own.items[0].id });
      expect(mine.items.map((e: { event: string }) => e.event)).toEqual(["contact.created"]);
      expect(mine.items[0].userId).toBe(other.userId);
    } finally {
      await otherClient.close();
    }
  });

  it("refuses an id that names no entity type, or another type than entity", async () => {
    const contact = await create("contacts", { firstName: "Grace" });
    const wrong = await call(client, "get_entity_history", { entity: "deal", id: contact });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toBe(`entity: "${contact}" is a contact id; pass entity "contact" or leave it out`);
    const hook = await call(client, "get_entity_history", { id: "wh_123" });
    expect(hook.isError).toBe(true);
    expect(hook.text).toBe(
      'id: "wh_123" is not the id of a contact, organization, deal, service or task (theirs start with ct_, org_, deal_, svc_, task_); give entity',
    );
    const missing = await call(client, "get_entity_history", { id: "ct_nothere" });
    expect(missing.text).toMatch(/^id: no contact with id "ct_nothere" exists/);
    const limit = await call(client, "get_entity_history", { id: contact, limit: 101 });
    expect(limit.isError).toBe(true);
    expect(limit.text).toMatch(/^limit: /);
  });
});
