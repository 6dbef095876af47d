import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { openApp } from "../src/app.js";
import { newId } from "../src/domain/ids.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import type { EventRow, StoreTarget } from "../src/store/index.js";
import { adminQuery, createPgDatabase, dropPgDatabase } from "../test/support/engine.js";
import { benchWriteToReceipt } from "./delivery.js";
import { benchSearchOn } from "./mcp.js";
import { benchUpdateOutbox } from "./store.js";
import { analyzePg, cpuMs, postgresCpuMs, sleep, startReceiverProcess, tempDir } from "./support.js";

/**
 * The PostgreSQL figures, each on a database of its own on the server at
 * CRM_TEST_DATABASE_URL (default: the local one). Skipped, with a note, when none answers.
 */
const CLI = join(PACKAGE_ROOT, "dist", "bin", "cli.js");

async function pgReachable(): Promise<boolean> {
  const up = await adminQuery("select 1").then(
    () => true,
    () => false,
  );
  if (!up) process.stderr.write("bench: no PostgreSQL server reachable; the pg_ figures are skipped\n");
  return up;
}

export async function benchPostgres(opts: { quick: boolean }): Promise<Record<string, number>> {
  if (!(await pgReachable())) return {};
  const made: string[] = [];
  const fresh = async (): Promise<StoreTarget> => {
    const url = await createPgDatabase();
    made.push(url);
    return { databaseUrl: url, poolSize: 10 };
  };
  try {
    const out: Record<string, number> = {};
    const update = await benchUpdateOutbox(opts, await fresh());
    out.pg_updates_per_s_no_webhooks = update.updates_per_s_no_webhooks;
    out.pg_updates_per_s_three_webhooks = update.updates_per_s_three_webhooks;
    out.pg_update_with_webhooks_vs_plain_ratio = update.update_with_webhooks_vs_plain_ratio;
    const latency: Record<string, number> = await benchWriteToReceipt(opts, fresh);
    out.pg_write_to_receipt_p50_ms = latency.write_to_receipt_p50_ms!;
    out.pg_write_to_receipt_p99_ms = latency.write_to_receipt_p99_ms!;
    out.pg_write_to_receipt_p99_ms_worst_run = latency.write_to_receipt_p99_ms_worst_run!;
    out.pg_write_to_receipt_rate_per_s = latency.write_to_receipt_rate_per_s!;
    Object.assign(out, await benchNodes(opts, fresh));
    Object.assign(out, await benchSearchOn(opts, ((await fresh()) as { databaseUrl: string }).databaseUrl));
    return out;
  } finally {
    for (const url of made) await dropPgDatabase(url).catch(() => undefined);
  }
}

/** Only the one-node and two-node delivery rates (`--only=pgnodes`), a part of `pg`. */
export async function benchPgNodes(opts: { quick: boolean }): Promise<Record<string, number>> {
  if (!(await pgReachable())) return {};
  const made: string[] = [];
  try {
    return await benchNodes(opts, async () => {
      const url = await createPgDatabase();
      made.push(url);
      return { databaseUrl: url, poolSize: 10 };
    });
  } finally {
    for (const url of made) await dropPgDatabase(url).catch(() => undefined);
  }
}

/**
 * Deliveries per second by one `crm-mcp serve` node, then by two, on one database: the
 * outbox is filled in one transaction while the nodes idle, after a warm-up burst, whose
 * NOTIFY starts them all at once, and the clock stops when nothing is pending or sending. Rounds alternate one
 * and two nodes; the best round of each is kept, as noise only ever slows a run down.
 */
async function benchNodes(opts: { quick: boolean }, fresh: () => Promise<StoreTarget>) {
  // A few seconds of sending, after the warm-up: a rate, not each process's start.
  const n = opts.quick ? 2000 : 20_000;
  const warm = warmUp(n, opts.quick);
  const rounds = 2;
  const receiver = await startReceiverProcess(false);
  const dir = tempDir("pg-nodes");
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, receiver.ca);
  const rates: Record<1 | 2, number[]> = { 1: [], 2: [] };
  // CPU per delivery of the nodes together and of PostgreSQL, the lowest of the rounds: where
  // a second node's cost goes on cores it shares with the database and the receiver.
  const nodeCpu: Record<1 | 2, number> = { 1: Number.POSITIVE_INFINITY, 2: Number.POSITIVE_INFINITY };
  const pgCpu: Record<1 | 2, number> = { 1: Number.POSITIVE_INFINITY, 2: Number.POSITIVE_INFINITY };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const count of [1, 2] as const) {
        const target = (await fresh()) as { databaseUrl: string };
        rates[count].push(await nodesRound(target.databaseUrl, count, n, receiver.url, caFile, warm));
        nodeCpu[count] = Math.min(nodeCpu[count], lastCpuUsPerDelivery);
        pgCpu[count] = Math.min(pgCpu[count], lastPgCpuUsPerDelivery);
      }
    }
  } finally {
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const one = Math.max(...rates[1]);
  const two = Math.max(...rates[2]);
  return {
    pg_deliveries_per_s_1_node: Math.round(one),
    pg_deliveries_per_s_2_nodes: Math.round(two),
    pg_two_node_scaling: two / one,
    pg_nodes_cpu_us_per_delivery_1_node: Math.round(nodeCpu[1]),
    pg_nodes_cpu_us_per_delivery_2_nodes: Math.round(nodeCpu[2]),
    pg_server_cpu_us_per_delivery_1_node: Math.round(pgCpu[1]),
    pg_server_cpu_us_per_delivery_2_nodes: Math.round(pgCpu[2]),
  };
}

/**
 * One `crm-mcp serve` node against the pg-boss peer (bench/pgboss-worker.ts), in alternating
 * rounds on one receiver: the same number of deliveries of the same event body, each on a
 * fresh database of the same server. The best round of each is kept, and of the peer the
 * best of the batch sizes tried.
 */
export async function benchPgBoss(opts: { quick: boolean }): Promise<Record<string, number>> {
  if (!(await pgReachable())) return {};
  // Both senders timed once they have run for a while, as in benchNodes; 6,000 timed, as the
  // peer's batches of 100 send only about 200 a second.
  const n = opts.quick ? 2000 : 6000;
  const warm = warmUp(n, opts.quick);
  const rounds = 2;
  const made: string[] = [];
  const fresh = async () => {
    const url = await createPgDatabase();
    made.push(url);
    return url;
  };
  const receiver = await startReceiverProcess(false);
  const dir = tempDir("pg-boss");
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, receiver.ca);
  const ours: number[] = [];
  const peer: Record<number, number[]> = Object.fromEntries(PGBOSS_BATCHES.map((b) => [b, []]));
  // CPU of the sending process per delivery, the lowest of the rounds: steadier than rates here.
  let oursCpu = Number.POSITIVE_INFINITY;
  let peerCpu = Number.POSITIVE_INFINITY;
  try {
    for (let round = 0; round < rounds; round++) {
      ours.push(await nodesRound(await fresh(), 1, n, receiver.url, caFile, warm));
      oursCpu = Math.min(oursCpu, lastCpuUsPerDelivery);
      for (const batch of PGBOSS_BATCHES) {
        peer[batch]!.push(await pgbossRound(await fresh(), batch, n, receiver.url, caFile, warm));
        peerCpu = Math.min(peerCpu, lastCpuUsPerDelivery);
      }
    }
  } finally {
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
    for (const url of made) await dropPgDatabase(url).catch(() => undefined);
  }
  const one = Math.max(...ours);
  const out: Record<string, number> = { pg_deliveries_per_s_1_node_beside_pgboss: Math.round(one) };
  for (const batch of PGBOSS_BATCHES)
    out[`pgboss_deliveries_per_s_batch_${batch}`] = Math.round(Math.max(...peer[batch]!));
  const best = Math.max(...PGBOSS_BATCHES.map((b) => Math.max(...peer[b]!)));
  out.pgboss_deliveries_per_s = Math.round(best);
  out.pg_delivery_vs_pgboss_ratio = one / best;
  out.pg_node_cpu_us_per_delivery = Math.round(oursCpu);
  out.pgboss_worker_cpu_us_per_delivery = Math.round(peerCpu);
  out.pgboss_version = Number(PGBOSS_VERSION.split(".").slice(0, 2).join("."));
  return out;
}

/** The worker's batch sizes tried; the best is the peer's figure. */
const PGBOSS_BATCHES = [100, 1000];
const PGBOSS_VERSION = (
  JSON.parse(readFileSync(join(PACKAGE_ROOT, "node_modules", "pg-boss", "package.json"), "utf8")) as {
    version: string;
  }
).version;
const PGBOSS_WORKER = join(PACKAGE_ROOT, "dist-bench", "bench", "pgboss-worker.js");

/**
 * The same deliveries by the pg-boss peer (bench/pgboss-worker.ts): the same event body, to
 * the same receiver, on a fresh database of the same server. After a warm-up burst, the jobs
 * are inserted in one statement while the worker idles, and the clock stops when every
 * outcome is recorded.
 */
async function pgbossRound(
  url: string,
  batch: number,
  n: number,
  hookUrl: string,
  caFile: string,
  warm: number,
) {
  const app = await openApp(
    { dbPath: "", databaseUrl: url, poolSize: 4, apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
    { dispatch: false },
  );
  let child: ChildProcess | null = null;
  const { default: PgBoss } = await import("pg-boss");
  const boss = new PgBoss({ connectionString: url, max: 2 });
  const client = new pg.Client({ connectionString: url });
  try {
    const owner = await app.tenants.localOwner();
    await app.webhooks.create(owner, { url: hookUrl, events: ["contact.created"], secret: "bench-secret" });
    await app.crm.create(owner, "contact", [{ firstName: "Bench", lastName: "Receiver" }]);
    const body = (await app.store.read((tx) => tx.webhooks.events(owner.companyId, 1)))[0]!.body;
    child = spawn(process.execPath, [PGBOSS_WORKER], {
      env: {
        PATH: process.env.PATH ?? "",
        BENCH_DATABASE_URL: url,
        BENCH_HOOK_URL: hookUrl,
        BENCH_SECRET: "bench-secret",
        BENCH_BATCH: String(batch),
        BENCH_CONCURRENCY: "8",
        NODE_EXTRA_CA_CERTS: caFile,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    // Outcomes the worker has written, as it reports them after each batch.
    let recorded = 0;
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).on("line", (line) => {
        if (line === "READY") resolve();
        else if (line.startsWith("RECORDED ")) recorded = Number(line.slice(9));
      });
      child!.once("exit", (code) => reject(new Error(`pg-boss worker exited with ${code}`)));
    });
    await boss.start();
    await client.connect();
    await sleep(1000);
    const jobs = (k: number) =>
      Array.from({ length: k }, () => ({
        name: "webhook-deliveries",
        data: { eventId: newId("event"), body },
      }));
    // The same warm-up burst as a node's, before the clock starts.
    await boss.insert(jobs(warm));
    while (recorded < warm) await sleep(20);
    await analyzePg(url);
    const cpuBefore = cpuMs(child.pid!);
    const start = performance.now();
    await boss.insert(jobs(n));
    while (recorded < warm + n) await sleep(20);
    const rate = n / ((performance.now() - start) / 1000);
    lastCpuUsPerDelivery = ((cpuMs(child.pid!) - cpuBefore) * 1000) / n;
    const failed = Number(
      (await client.query("select count(*) as n from webhook_outcomes where status is null or status >= 300"))
        .rows[0].n,
    );
    if (failed > 0) throw new Error(`pg-boss peer: ${failed} of ${n} deliveries failed`);
    return rate;
  } finally {
    if (child) {
      child.kill("SIGTERM");
      await new Promise((r) => (child!.exitCode === null ? child!.once("exit", r) : r(null)));
    }
    await client.end().catch(() => undefined);
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await app.close();
  }
}

/**
 * Deliveries sent by each sender before its round's clock starts: enough for a process to
 * reach its running pace, and a sixth of a quick run's (a check that the bench works).
 */
const warmUp = (n: number, quick: boolean) => (quick ? Math.round(n / 6) : 6000);

/** CPU time of the sending processes per delivery in the last round, in µs. */
let lastCpuUsPerDelivery = Number.NaN;
/** CPU time of PostgreSQL per delivery in the last round of nodes, in µs. */
let lastPgCpuUsPerDelivery = Number.NaN;

async function nodesRound(
  url: string,
  count: number,
  n: number,
  hookUrl: string,
  caFile: string,
  warm: number,
) {
  const app = await openApp(
    { dbPath: "", databaseUrl: url, poolSize: 4, apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
    { dispatch: false },
  );
  const children: ChildProcess[] = [];
  try {
    const owner = await app.tenants.localOwner();
    const hook = await app.webhooks.create(owner, {
      url: hookUrl,
      events: ["contact.created"],
      secret: "bench-secret",
    });
    const [contact] = await app.crm.create(owner, "contact", [{ firstName: "Bench", lastName: "Receiver" }]);
    const body = (await app.store.read((tx) => tx.webhooks.events(owner.companyId, 1)))[0]!.body;
    // Outcomes recorded so far, from the webhook's hourly counts (written with each batch of
    // outcomes): a read of a row or two, where counting the outbox reads an index of every row
    // still to send, and would take from the database the CPU the round is measuring.
    const recorded = async () => {
      const [all] = await app.store.read((tx) =>
        tx.webhooks.deliveryCounts(owner.companyId, [hook.id], "1970-01-01", "9999"),
      );
      return { done: (all?.succeeded ?? 0) + (all?.failed ?? 0), failed: all?.failed ?? 0 };
    };
    let expected = 1;
    for (let i = 0; i < count; i++) children.push(await startNode(url, caFile));
    await sleep(1000);
    const events = (k: number): EventRow[] =>
      Array.from({ length: k }, () => ({
        id: newId("event"),
        companyId: owner.companyId,
        event: "contact.created",
        entityId: contact!.id,
        userId: owner.userId,
        body,
        createdAt: new Date().toISOString(),
      }));
    const send = async (batch: EventRow[]) => {
      await app.store.write(async (tx) => {
        const r = await tx.webhooks.recordEvents(owner.companyId, batch, null);
        tx.noteDeliveries(r.written);
      });
      expected += batch.length;
      while ((await recorded()).done < expected) await sleep(20);
      while ((await app.store.read((tx) => tx.webhooks.pendingCount())) > 0) await sleep(20);
    };
    // The first delivery (of the contact above) and a warm-up burst go out before the clock
    // starts: each node's one-off start (loading its HTTP client, compiling its send path,
    // opening connections) is not a rate, and a round of two nodes would pay it twice.
    await send(events(warm));
    await analyzePg(url);
    const measured = events(n);
    const cpuBefore = children.reduce((sum, c) => sum + cpuMs(c.pid!), 0);
    const pgBefore = postgresCpuMs();
    const start = performance.now();
    await send(measured);
    const rate = n / ((performance.now() - start) / 1000);
    lastCpuUsPerDelivery = ((children.reduce((sum, c) => sum + cpuMs(c.pid!), 0) - cpuBefore) * 1000) / n;
    lastPgCpuUsPerDelivery = ((postgresCpuMs() - pgBefore) * 1000) / n;
    const { failed } = await recorded();
    if (failed > 0) throw new Error(`${count} node(s): ${failed} of ${expected} deliveries failed`);
    return rate;
  } finally {
    for (const child of children) {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(null)));
    }
    await app.close();
  }
}

async function startNode(url: string, caFile: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: tempDir("pg-node-home"),
      CRM_DATABASE_URL: url,
      CRM_WEBHOOK_ALLOW_PRIVATE: "1",
      NODE_EXTRA_CA_CERTS: caFile,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("listening on")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`node exited with ${code}`)));
  });
  return child;
}
