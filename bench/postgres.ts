import { type ChildProcess, spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openApp } from "../src/app.js";
import { newId } from "../src/domain/ids.js";
import { PACKAGE_ROOT } from "../src/paths.js";
import type { EventRow, StoreTarget } from "../src/store/index.js";
import { adminQuery, createPgDatabase, dropPgDatabase } from "../test/support/engine.js";
import { benchWriteToReceipt } from "./delivery.js";
import { benchSearchOn } from "./mcp.js";
import { benchUpdateOutbox } from "./store.js";
import { sleep, startReceiverProcess, tempDir } from "./support.js";

/**
 * The PostgreSQL figures, each on a database of its own on the server at
 * CRM_TEST_DATABASE_URL (default: the local one). Skipped, with a note, when none answers.
 */
const CLI = join(PACKAGE_ROOT, "dist", "bin", "cli.js");

export async function benchPostgres(opts: { quick: boolean }): Promise<Record<string, number>> {
  if (
    !(await adminQuery("select 1").then(
      () => true,
      () => false,
    ))
  ) {
    process.stderr.write("bench: no PostgreSQL server reachable; the pg_ figures are skipped\n");
    return {};
  }
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
    Object.assign(out, await benchNodes(opts, fresh));
    Object.assign(out, await benchSearchOn(opts, ((await fresh()) as { databaseUrl: string }).databaseUrl));
    return out;
  } finally {
    for (const url of made) await dropPgDatabase(url).catch(() => undefined);
  }
}

/**
 * Deliveries per second by one `crm-mcp serve` node, then by two, on one database: the
 * outbox is filled in one transaction while the nodes idle, whose NOTIFY starts them all
 * at once, and the clock stops when nothing is pending or sending. Rounds alternate one
 * and two nodes; the best round of each is kept, as noise only ever slows a run down.
 */
async function benchNodes(opts: { quick: boolean }, fresh: () => Promise<StoreTarget>) {
  const n = opts.quick ? 2000 : 6000;
  const rounds = 2;
  const receiver = await startReceiverProcess(false);
  const dir = tempDir("pg-nodes");
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, receiver.ca);
  const rates: Record<1 | 2, number[]> = { 1: [], 2: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const count of [1, 2] as const) {
        const target = (await fresh()) as { databaseUrl: string };
        rates[count].push(await nodesRound(target.databaseUrl, count, n, receiver.url, caFile));
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
  };
}

async function nodesRound(url: string, count: number, n: number, hookUrl: string, caFile: string) {
  const app = await openApp(
    { dbPath: "", databaseUrl: url, poolSize: 4, apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
    { dispatch: false },
  );
  const children: ChildProcess[] = [];
  try {
    const owner = await app.tenants.localOwner();
    await app.webhooks.create(owner, { url: hookUrl, events: ["contact.created"], secret: "bench-secret" });
    const [contact] = await app.crm.create(owner, "contact", [{ firstName: "Bench", lastName: "Receiver" }]);
    const body = (await app.store.read((tx) => tx.webhooks.events(owner.companyId, 1)))[0]!.body;
    // The first delivery (of the contact above) is part of the count.
    for (let i = 0; i < count; i++) children.push(await startNode(url, caFile));
    await sleep(1000);
    const events: EventRow[] = Array.from({ length: n - 1 }, () => ({
      id: newId("event"),
      companyId: owner.companyId,
      event: "contact.created",
      entityId: contact!.id,
      userId: owner.userId,
      body,
      createdAt: new Date().toISOString(),
    }));
    const start = performance.now();
    await app.store.write(async (tx) => {
      const r = await tx.webhooks.recordEvents(owner.companyId, events, null);
      tx.noteDeliveries(r.written);
    });
    while ((await app.store.read((tx) => tx.webhooks.pendingCount())) > 0) await sleep(20);
    return n / ((performance.now() - start) / 1000);
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
