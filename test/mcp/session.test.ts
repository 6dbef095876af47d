import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallResult, call, connect, openTestApp, type TestApp } from "../support/app.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";
import { until } from "../support/wait.js";

/**
 * The six everyday tasks of issue 11, done as an agent would do them from tools/list alone,
 * each result checked: at most 20 calls, none failing.
 */
let t: TestApp;
let client: Client;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver({ respond: { status: 500, body: "down" } });
  t = await openTestApp({ ca: receiver.ca, timeoutMs: 2000 });
  client = await connect(t.app, t.owner);
});
afterAll(async () => {
  await client?.close();
  await t?.close();
  await receiver?.close();
});

const calls: { name: string; result: CallResult }[] = [];

// biome-ignore lint/suspicious/noExplicitAny: results are read as the agent reads them
async function agent(name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = await call(client, name, args);
  calls.push({ name, result });
  expect(result.isError, `${name}: ${result.text}`).toBe(false);
  return result.data;
}

describe("an agent's session", () => {
  it("does the six tasks in at most 20 calls, none failing", async () => {
    // 1. A company, its people, and a note of the meeting.
    const acme = (
      await agent("create_organizations", { organizations: [{ name: "Acme GmbH", domain: "acme.de" }] })
    ).items[0];
    const people = await agent("create_contacts", {
      contacts: [
        {
          firstName: "Jana",
          lastName: "Novak",
          jobTitle: "Head of Purchasing",
          emails: ["jana@acme.de"],
          organizationIds: [acme.id],
          notes: "Met at the expo.\nWants a quote by Friday.",
        },
        { firstName: "Otto", lastName: "Berg", emails: ["otto@acme.de"], organizationIds: [acme.id] },
      ],
    });
    const [jana, otto] = people.items;
    expect(people.items.map((p: { name: string }) => p.name)).toEqual(["Jana Novak", "Otto Berg"]);

    // 2. A deal with a service line and a follow-up task.
    const audit = (await agent("create_services", { services: [{ name: "Security audit", amount: 4000 }] }))
      .items[0];
    const deal = (
      await agent("create_deals", {
        deals: [
          {
            name: "Acme audit",
            services: [{ serviceId: audit.id, quantity: 2 }],
            organizationIds: [acme.id],
            contactIds: [jana.id],
          },
        ],
      })
    ).items[0];
    const task = (
      await agent("create_tasks", {
        tasks: [{ name: "Send the quote", dueDate: "2026-12-11", dealIds: [deal.id], contactIds: [jana.id] }],
      })
    ).items[0];
    expect(task.name).toBe("Send the quote");

    // 3. A custom "Lead source" field, set by its label.
    await agent("create_custom_column", {
      entityType: "contact",
      label: "Lead source",
      type: "singleSelect",
      options: ["expo", "web"],
    });
    const set = await agent("update_entity_custom_fields", {
      entity: "contact",
      items: [{ id: jana.id, customFieldValues: [{ columnId: "Lead source", value: "expo" }] }],
    });
    expect(set.items[0].changed).toEqual(["customFieldValues"]);

    // 4. Everyone at acme.de, how many deals, and Jana with her notes.
    const atAcme = await agent("filter_entity", {
      entity: "organization",
      filters: [{ field: "domain", operator: "equals", value: "acme.de" }],
      linked: true,
      fields: ["name", "contactIds"],
    });
    expect(atAcme.items[0].contactIds.map((c: { name: string }) => c.name).sort()).toEqual([
      "Jana Novak",
      "Otto Berg",
    ]);
    expect((await agent("count_entity", { entity: "deal" })).count).toBe(1);
    const found = await agent("search_all_entities", { searchTerm: "Jana", entities: ["contact"] });
    expect(found.results[0].items[0].id).toBe(jana.id);
    const janaRead = (
      await agent("get_entities", { items: [{ id: jana.id, include: "withNotes" }], linked: true })
    ).items[0].record;
    expect(janaRead.notes.split("\n")).toHaveLength(2);
    expect(janaRead.organizationIds).toEqual([{ id: acme.id, name: "Acme GmbH" }]);
    expect(janaRead.customFieldValues).toEqual([
      { columnId: expect.stringMatching(/^col_/), label: "Lead source", value: "expo" },
    ]);

    // 5. A webhook, and resending what failed in the last hour.
    const hook = await agent("create_webhook", { url: receiver.url, events: ["contact.updated"] });
    expect(hook.enabled).toBe(true);
    // 6. Append a note (its delivery fails: the receiver is down), unlink, delete.
    const appended = await agent("append_entity_notes", {
      entity: "contact",
      items: [{ id: jana.id, notes: "Quote sent." }],
    });
    expect(appended.items[0].changed).toEqual(["notes"]);
    await until(
      async () =>
        (await t.app.deliveries.list(t.owner, { status: "failed" })).items.some(
          (d) => d.webhookId === hook.id,
        ),
      10_000,
      "the failed delivery",
    );
    receiver.respond = { status: 200, body: "ok" };
    const resent = await agent("resend_failed_webhook_deliveries", { sinceMinutes: 60 });
    expect(resent.resentCount).toBe(1);
    expect(resent.resent[0].id).toMatch(/^whd_/);
    const unlinked = await agent("unlink_entities", {
      entity: "organization",
      id: acme.id,
      relation: "contactIds",
      ids: [otto.id],
    });
    expect(unlinked.ids).toEqual([jana.id]);
    expect(await agent("delete_entities", { ids: [otto.id] })).toEqual({ deleted: [otto.id] });

    expect(calls.filter((c) => c.result.isError)).toEqual([]);
    expect(calls.length).toBeLessThanOrEqual(20);
  });
});
