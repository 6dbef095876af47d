import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openApp } from "../../src/app.js";
import { openStore, type Store, StoreOpenError, StoreUnavailableError } from "../../src/store/index.js";
import { OUTBOX_STATS_SQL, PENDING_COUNT_SQL } from "../../src/store/postgres/webhooks.js";
import { TenantService } from "../../src/tenants/service.js";
import { WebhookService } from "../../src/webhooks/records.js";
import { call, connect } from "../support/app.js";
import { adminQuery, createPgDatabase, dropPgDatabase, TEST_DATABASE_URL } from "../support/engine.js";
import { startTcpProxy } from "../support/tcp-proxy.js";

const JOURNAL = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "drizzle", "postgres", "meta", "_journal.json"), "utf8"),
) as { entries: unknown[] };

/** What only the PostgreSQL engine does: opening, migrating together, conflicts, faults. */
const reachable = await adminQuery("select 1").then(
  () => true,
  () => false,
);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function database(): Promise<string> {
  const url = await createPgDatabase();
  cleanups.push(() => dropPgDatabase(url));
  return url;
}

async function open(url: string): Promise<Store> {
  const store = await openStore({ databaseUrl: url, poolSize: 4 });
  cleanups.push(() => store.close());
  return store;
}

/** An app on a fresh database whose deliveries stay in the outbox, and its owner. */
async function appWithoutDispatcher() {
  const url = await database();
  const app = await openApp(
    { dbPath: "", databaseUrl: url, poolSize: 2, apiKey: undefined, allowPrivate: true, timeoutMs: 1000 },
    { dispatch: false },
  );
  cleanups.push(() => app.close());
  return { url, app, owner: await app.tenants.localOwner() };
}

function withPort(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(port);
  return u.toString();
}

describe("opening PostgreSQL", () => {
  it("refuses a URL that is not PostgreSQL's, or names no database, before connecting", async () => {
    await expect(openStore({ databaseUrl: "mysql://me@db/crm" })).rejects.toThrow(
      /CRM_DATABASE_URL must start with postgres:\/\/ .*use postgres:\/\/user@host:5432\/database/,
    );
    await expect(openStore({ databaseUrl: "postgres://me@db:5432" })).rejects.toThrow(/names no database/);
    await expect(openStore({ databaseUrl: "not a url" })).rejects.toBeInstanceOf(StoreOpenError);
  });

  it("says which server cannot be reached, and how to fix it", async () => {
    await expect(openStore({ databaseUrl: "postgres://root@127.0.0.1:1/crm" })).rejects.toThrow(
      "cannot reach PostgreSQL at 127.0.0.1:1 (ECONNREFUSED): start the server, or fix the host and port in CRM_DATABASE_URL",
    );
  });

  it.skipIf(!reachable)("says which database is missing, and how to make it", async () => {
    const u = new URL(TEST_DATABASE_URL);
    u.pathname = "/crm_missing_database";
    await expect(openStore({ databaseUrl: u.toString() })).rejects.toThrow(
      /has no database "crm_missing_database": create it \(createdb .*\), or fix the database name in CRM_DATABASE_URL/,
    );
  });

  it.skipIf(!reachable)("migrates once when several nodes start together on an empty database", async () => {
    const url = await database();
    const stores = await Promise.all([1, 2, 3, 4].map(() => open(url)));
    const owners = await Promise.all(stores.map((s) => new TenantService(s).localOwner()));
    // One local owner, made by whichever node came first.
    expect(new Set(owners.map((o) => o.userId)).size).toBe(1);
    const applied = await adminQuery("select count(*)::int as n from drizzle.__drizzle_migrations", url);
    expect(applied.rows[0].n).toBe(JOURNAL.entries.length);
  });
});

describe.skipIf(!reachable)("faults on PostgreSQL", () => {
  it("retries a write the server aborted as a deadlock, instead of failing the call", async () => {
    const store = await open(await database());
    const owner = await new TenantService(store).localOwner();
    const hooks = new WebhookService(store, { allowPrivate: true });
    const a = await hooks.create(owner, { url: "https://a.example.com/", events: ["contact.created"] });
    const b = await hooks.create(owner, { url: "https://b.example.com/", events: ["contact.created"] });
    // Two writes lock the same two rows in opposite orders, each waiting for the other to
    // hold its first row: the server aborts one of them, which must run again and succeed.
    let arrived = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((r) => {
      release = r;
    });
    const write = (first: string, second: string, label: string) =>
      store.write(async (tx) => {
        await tx.webhooks.update(owner.companyId, first, { description: label });
        if (++arrived === 2) release();
        await bothHoldOne;
        await tx.webhooks.update(owner.companyId, second, { description: label });
      });
    await Promise.all([write(a.id, b.id, "one"), write(b.id, a.id, "two")]);
    const after = await store.read(async (tx) => [
      (await tx.webhooks.get(owner.companyId, a.id))!.description,
      (await tx.webhooks.get(owner.companyId, b.id))!.description,
    ]);
    // Whichever ran last wrote both rows.
    expect(after[0]).toBe(after[1]);
  });

  it("goes on when the server ends every connection, even in the middle of a write", async () => {
    const url = await database();
    const store = await open(url);
    const tenants = new TenantService(store);
    const owner = await tenants.localOwner();
    await tenants.createUser(owner, "Before");
    const name = new URL(url).pathname.slice(1);
    const endAll = async () =>
      (
        await adminQuery(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`,
        )
      ).rows[0].n as number;
    expect(await endAll()).toBeGreaterThan(0);
    await tenants.createUser(owner, "After");
    // The write's own connection ends between two statements: it runs again on a new one.
    let runs = 0;
    await store.write(async (tx) => {
      runs++;
      await tx.tenants.users(owner.companyId);
      if (runs === 1) expect(await endAll()).toBeGreaterThan(0);
      await tx.tenants.insertUser({
        id: `usr_mid${runs}`,
        companyId: owner.companyId,
        name: "Mid-write",
        email: null,
        role: "member",
        createdAt: new Date().toISOString(),
      });
    });
    expect(runs).toBe(2);
    expect((await tenants.users(owner)).map((u) => u.name).sort()).toEqual([
      "After",
      "Before",
      "Local owner",
      "Mid-write",
    ]);
  });

  it("answers calls in an outage with an isError that says so, within seconds, and recovers by itself", async () => {
    const real = new URL(await database());
    const proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    cleanups.push(() => proxy.close());
    const app = await openApp(
      {
        dbPath: "",
        databaseUrl: withPort(real.toString(), proxy.port),
        poolSize: 4,
        apiKey: undefined,
        allowPrivate: true,
        timeoutMs: 2000,
      },
      { dispatch: true },
    );
    cleanups.push(() => app.close());
    const owner = await app.tenants.localOwner();
    const client = await connect(app, owner);
    expect((await call(client, "create_contacts", { contacts: [{ firstName: "Up" }] })).isError).toBe(false);

    await proxy.down();
    const started = Date.now();
    const during = await call(client, "create_contacts", { contacts: [{ firstName: "Down" }] });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(during.isError).toBe(true);
    expect(during.text).toMatch(/^The database is unavailable \(.+\)\. Try again in a moment/);
    await expect(app.store.read((tx) => tx.tenants.users(owner.companyId))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );

    await proxy.up();
    const after = await call(client, "create_contacts", { contacts: [{ firstName: "Again" }] });
    expect(after.isError).toBe(false);
    const found = await call(client, "filter_entity", { entity: "contact" });
    expect((found.data.items as { firstName: string }[]).map((c) => c.firstName).sort()).toEqual([
      "Again",
      "Up",
    ]);
  });
});

describe.skipIf(!reachable)("one-statement writes on PostgreSQL", () => {
  it("refuse a second statement, which would commit apart from the first, unless the transaction was opened", async () => {
    const store = await open(await database());
    const twice = async (tx: Parameters<Parameters<Store["write"]>[0]>[0]) => {
      await tx.webhooks.renewLeases("w_a", [], 1);
      await tx.webhooks.renewLeases("w_a", [], 2);
    };
    await expect(store.write(twice, { oneStatement: true })).rejects.toThrow(
      "A one-statement write ran a second statement: call together() before the first",
    );
    await expect(store.write(twice)).resolves.toBeUndefined();
    await expect(
      store.write((tx) => tx.webhooks.renewLeases("w_a", [], 3), { oneStatement: true }),
    ).resolves.toBeUndefined();
  });
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Every scan of `table` in a plan, as its node type and index. */
function scansOf(node: PlanNode, table: string): string[] {
  const own =
    node["Relation Name"] === table ? [`${node["Node Type"]} ${node["Index Name"] ?? ""}`.trim()] : [];
  return [...own, ...(node.Plans ?? []).flatMap((p) => scansOf(p, table))];
}

describe.skipIf(!reachable)("the outbox's size on PostgreSQL", () => {
  it("counts pending and sending rows, and finds the oldest, from their partial indexes alone", async () => {
    const { url, app, owner } = await appWithoutDispatcher();
    await app.webhooks.create(owner, { url: "https://hooks.example.com/in", events: ["contact.created"] });
    for (const firstName of ["Old", "Mid", "New"]) await app.crm.create(owner, "contact", [{ firstName }]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    cleanups.push(() => client.end());
    const rows = (
      await client.query<{ id: string; created_at: string }>(
        "select id, created_at from webhook_deliveries order by created_at, id",
      )
    ).rows;
    expect(rows).toHaveLength(3);
    // The oldest has been sent, the next is being sent, the newest waits.
    await client.query("update webhook_deliveries set status = 'succeeded' where id = $1", [rows[0]!.id]);
    await client.query("update webhook_deliveries set status = 'sending', lease_until = 1 where id = $1", [
      rows[1]!.id,
    ]);
    expect(await app.store.read((tx) => tx.webhooks.pendingCount())).toBe(2);
    expect(await app.store.read((tx) => tx.webhooks.outboxStats())).toEqual({
      depth: 2,
      oldestCreatedAt: rows[1]!.created_at,
    });
    await client.query("update webhook_deliveries set status = 'failed' where id = $1", [rows[1]!.id]);
    expect(await app.store.read((tx) => tx.webhooks.outboxStats())).toEqual({
      depth: 1,
      oldestCreatedAt: rows[2]!.created_at,
    });
    await client.query("update webhook_deliveries set status = 'succeeded' where id = $1", [rows[2]!.id]);
    expect(await app.store.read((tx) => tx.webhooks.outboxStats())).toEqual({
      depth: 0,
      oldestCreatedAt: null,
    });
    // A table this small is read whole whatever the query; with that way closed, the plan
    // shows which indexes the statement can use. Any other scan reads the whole delivery log.
    await client.query("set enable_seqscan = off");
    for (const sql of [PENDING_COUNT_SQL, OUTBOX_STATS_SQL]) {
      const plan = (
        await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`)
      ).rows[0]!["QUERY PLAN"][0].Plan;
      const scans = scansOf(plan, "webhook_deliveries");
      expect(scans.length, sql).toBeGreaterThanOrEqual(2);
      for (const scan of scans) expect(scan, sql).toMatch(/Index.* Scan deliveries_(pending|sending)$/);
    }
  });
});

describe.skipIf(!reachable)("round trips of a write on PostgreSQL", () => {
  /** Every statement text the driver sends while `work` runs, in order. */
  async function sentDuring(work: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text: string };
      sent.push(typeof first === "string" ? first : first.text);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      await work();
    } finally {
      pg.Client.prototype.query = query;
    }
    return sent;
  }

  it("updates a record with a webhook in seven: BEGIN goes with the lock, the record's time with its event, the notification with COMMIT", async () => {
    const { url, app, owner } = await appWithoutDispatcher();
    await app.webhooks.create(owner, { url: "https://hooks.example.com/in", events: ["contact.updated"] });
    const [contact] = await app.crm.create(owner, "contact", [{ firstName: "Ada" }]);
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    cleanups.push(() => listener.end());
    const heard: string[] = [];
    listener.on("notification", (n) => heard.push(n.payload ?? ""));
    await listener.query("listen crm_outbox");

    const sent = await sentDuring(() =>
      app.crm.update(owner, "contact", [{ id: contact!.id, lastName: "Lovelace" }]),
    );
    expect(sent[0]).toMatch(/^begin; select pg_advisory_xact_lock\(hashtextextended\('co_\w+', 0\)\)$/);
    expect(sent.at(-1)).toMatch(/^select pg_notify\('crm_outbox', '[0-9a-f]{12} 1'\); commit$/);
    // The lock and BEGIN, the record before (its links and custom values with it), the
    // change, the record after, the event with the record's time and the webhooks, the
    // outbox row, COMMIT.
    expect(sent).toHaveLength(7);
    await expect.poll(() => heard).toEqual([expect.stringMatching(/^[0-9a-f]{12} 1$/)]);
    const [after] = await app.crm.get(owner, "contact", [contact!.id]).then((m) => [...m.values()]);
    expect(after!.lastName).toBe("Lovelace");
    const events = await app.store.read((tx) => tx.webhooks.events(owner.companyId, 10));
    const event = events.find((e) => e.event === "contact.updated");
    expect(after!.updatedAt).toBe(event!.createdAt);
    expect(after!.updatedAt > contact!.updatedAt).toBe(true);
    expect(await app.store.read((tx) => tx.webhooks.pendingCount())).toBe(1);
  });

  it("leaves nothing of a write that fails after its first statement, BEGIN and all", async () => {
    const store = await open(await database());
    const tenants = new TenantService(store);
    const owner = await tenants.localOwner();
    await expect(
      store.write(async (tx) => {
        // The company's lock goes out with BEGIN, in one message.
        await tx.crm.load(owner.companyId, "contact", ["ct_none"]);
        await tx.tenants.insertUser({
          id: "usr_gone",
          companyId: owner.companyId,
          name: "Gone",
          email: null,
          role: "member",
          createdAt: new Date().toISOString(),
        });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect((await tenants.users(owner)).map((u) => u.name)).toEqual(["Local owner"]);
    // The connection went back to the pool outside any transaction: the next write is its own.
    await tenants.createUser(owner, "Next");
    expect((await tenants.users(owner)).map((u) => u.name).sort()).toEqual(["Local owner", "Next"]);
  });
});
