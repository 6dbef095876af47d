import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { type App, openApp } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import { connect, ok } from "../support/app.js";
import { adminQuery, createPgDatabase, dropPgDatabase } from "../support/engine.js";
import { type Receiver, startReceiver } from "../support/https-receiver.js";

const CLI = join(import.meta.dirname, "..", "..", "dist", "bin", "cli.js");
const reachable = await adminQuery("select 1").then(
  () => true,
  () => false,
);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function open(config: Partial<Config>, receiver: Receiver, dispatch: boolean): Promise<App> {
  const app = await openApp(
    { dbPath: "", apiKey: undefined, allowPrivate: true, timeoutMs: 3000, ...config },
    { ca: receiver.ca, dispatch },
  );
  cleanups.push(() => app.close());
  return app;
}

/** Everything a user can read through MCP, deliveries included, in a stable order. */
async function everything(client: Client) {
  const out: Record<string, unknown> = {};
  for (const entity of ["contact", "organization", "deal", "service", "task"]) {
    const list = await ok(client, "filter_entity", { entity, limit: 100 });
    out[entity] = await ok(client, "get_entities", {
      items: list.items.map((r: { id: string }) => ({ entity, id: r.id, include: "withNotes" })),
    });
  }
  out.columns = await ok(client, "list_custom_columns", {});
  out.deal = await ok(client, "get_entity_configuration", { entity: "deal" });
  // A search finds the same records through the search text the copy carries.
  out.search = await ok(client, "search_all_entities", { searchTerm: "lovelace ada" });
  out.webhooks = await ok(client, "list_webhooks", {});
  const deliveries = await ok(client, "list_webhook_deliveries", { limit: 100 });
  out.deliveries = deliveries;
  out.deliveryDetails = await Promise.all(
    deliveries.items.map((d: { id: string }) => ok(client, "get_webhook_delivery", { id: d.id })),
  );
  out.user = await ok(client, "get_current_user", {});
  out.users = await ok(client, "list_users", {});
  out.company = await ok(client, "get_company", {});
  return out;
}

it.skipIf(!reachable)(
  "copy moves a populated SQLite file into PostgreSQL: every record reads back equal, pending deliveries go out once",
  async () => {
    const receiver = await startReceiver({ respond: { status: 200, body: "ok" } });
    cleanups.push(() => receiver.close());
    const dir = mkdtempSync(join(tmpdir(), "crm-copy-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dbPath = join(dir, "crm.db");

    // A CRM with a history: sent deliveries, then writes whose deliveries are still pending.
    const sqlite = await open({ dbPath }, receiver, true);
    const owner = await sqlite.tenants.localOwner();
    const { key } = await sqlite.tenants.createApiKey(owner, "agent");
    const client = await connect(sqlite, owner);
    await ok(client, "create_webhook", {
      url: receiver.url,
      events: ["contact.created", "deal.created"],
      secret: "s3cret-value",
    });
    const column = await ok(client, "create_custom_column", {
      entityType: "contact",
      label: "Tier",
      type: "singleSelect",
      options: ["gold", "silver"],
    });
    const [org] = (
      await ok(client, "create_organizations", {
        organizations: [
          { name: "Analytical Engines Ltd", domain: "engines.co.uk", phones: ["+44 20 7946 0000"] },
        ],
      })
    ).items;
    const [svc] = (await ok(client, "create_services", { services: [{ name: "Consulting", amount: 120.5 }] }))
      .items;
    await ok(client, "create_contacts", {
      contacts: [
        {
          firstName: "Ada",
          lastName: "Lovelace",
          emails: ["ada@example.com"],
          jobTitle: "Analyst",
          phones: ["+44 20 7946 0001"],
          organizationIds: [org.id],
          notes: "# Met at the salon\n\n- **notes** on the engine\n- [x] send the translation",
          customFieldValues: [{ columnId: column.id, value: "gold" }],
        },
      ],
    });
    await ok(client, "update_custom_column", { id: "deal.stage", options: ["idea", "design", "built"] });
    await ok(client, "create_deals", {
      deals: [
        {
          name: "Engine",
          stage: "design",
          expectedCloseDate: "1843-10-01",
          services: [{ serviceId: svc.id, quantity: 3 }],
          organizationIds: [org.id],
        },
      ],
    });
    await receiver.waitFor(2, 10_000);
    await sqlite.dispatcher.stop();
    await ok(client, "create_contacts", {
      contacts: [
        { firstName: "Pending", lastName: `${1}` },
        { firstName: "Pending", lastName: "2" },
      ],
    });
    await ok(client, "create_tasks", {
      tasks: [{ name: "Call back", dueDate: "2026-12-24", status: "open" }],
    });
    const before = await everything(client);
    expect((before.deliveries as { items: { status: string }[] }).items.map((d) => d.status).sort()).toEqual([
      "pending",
      "pending",
      "succeeded",
      "succeeded",
    ]);
    await sqlite.close();

    const url = await createPgDatabase();
    cleanups.push(() => dropPgDatabase(url));
    const run = (to: string) =>
      spawnSync(process.execPath, [CLI, "copy", "--to", to], {
        env: { PATH: process.env.PATH ?? "", HOME: dir, CRM_DB: dbPath },
        encoding: "utf8",
      });
    const copied = run(url);
    expect(copied.stderr).toMatch(
      /^Copied .*crm\.db into postgres:\/\/.*: 1 companies, 1 users, 1 apiKeys, 1 customColumns, 1 dealStages, 3 contacts/,
    );
    expect(copied.status).toBe(0);
    expect(copied.stdout).toBe("");
    // Its statistics were gathered, so the nodes' first plans see the tables as they are.
    const stats = new pg.Client({ connectionString: url });
    await stats.connect();
    const unanalyzed = await stats
      .query<{ relname: string }>(
        "select relname from pg_stat_user_tables where relname in ('contacts', 'events', 'webhook_deliveries') and last_analyze is null",
      )
      .finally(() => stats.end());
    expect(unanalyzed.rows).toEqual([]);

    // On PostgreSQL: the same key signs in as the same user, and every record reads back equal.
    const postgres = await open({ databaseUrl: url, poolSize: 4 }, receiver, false);
    const actor = await postgres.tenants.authenticate(key);
    expect(actor).toEqual(owner);
    expect(await everything(await connect(postgres, actor!))).toEqual(before);

    // The new store's nodes send what was pending, once.
    postgres.dispatcher.start();
    await receiver.waitFor(4, 10_000);
    // Not a wait for an event: time in which a second send of any of them would arrive.
    await new Promise((r) => setTimeout(r, 1500));
    const ids = receiver.requests.map((r) => r.headers["x-webhook-delivery"]);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(await postgres.store.read((tx) => tx.webhooks.pendingCount())).toBe(0);

    // A second copy finds data there and refuses, writing nothing.
    const again = run(url);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(
      /^crm-mcp: postgres:\/\/.* already holds data \(1 companies, 1 users, .*\); copy only into an empty database/,
    );
  },
  60_000,
);
