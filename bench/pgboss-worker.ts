/**
 * The peer of a `crm-mcp serve` node in the PostgreSQL delivery bench: webhook delivery as a
 * Node developer would build it on a well-kept queue. One pg-boss job per delivery; a worker
 * takes a batch, signs each body (the Standard Webhooks library), POSTs it with fetch, at most
 * CONCURRENCY in flight (the per-webhook share a crm-mcp node allows), and records every
 * outcome in a table of its own, one insert per batch, before pg-boss marks the jobs done.
 * Failed sends are recorded, not retried: the bench's receiver answers 200 to every one.
 * Started by the bench in its own process; prints `READY` once it is working.
 */

import pg from "pg";
import PgBoss from "pg-boss";
import { Webhook } from "standardwebhooks";

const url = process.env.BENCH_DATABASE_URL ?? "";
const hookUrl = process.env.BENCH_HOOK_URL ?? "";
const secret = process.env.BENCH_SECRET ?? "";
const batchSize = Number(process.env.BENCH_BATCH ?? 100);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const QUEUE = "webhook-deliveries";

interface DeliveryJob {
  eventId: string;
  body: string;
}

const pool = new pg.Pool({ connectionString: url, max: 2 });
await pool.query(
  `create table if not exists webhook_outcomes (
     job_id uuid primary key, event_id text not null, status int, error text,
     ms double precision not null, at timestamptz not null default now())`,
);
// The pool size a crm-mcp node has by default (CRM_DB_POOL_SIZE).
const boss = new PgBoss({ connectionString: url, max: 10 });
boss.on("error", (e) => process.stderr.write(`pg-boss: ${e.message}\n`));
await boss.start();
await boss.createQueue(QUEUE);
const signer = new Webhook(Buffer.from(secret).toString("base64"));

async function deliver(job: PgBoss.Job<DeliveryJob>) {
  const started = performance.now();
  const timestamp = new Date();
  const signature = signer.sign(job.data.eventId, timestamp, job.data.body);
  try {
    const res = await fetch(hookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": job.data.eventId,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: job.data.body,
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return {
      id: job.id,
      eventId: job.data.eventId,
      status: res.status,
      error: null,
      ms: performance.now() - started,
    };
  } catch (error) {
    const message = (error as Error).message;
    return {
      id: job.id,
      eventId: job.data.eventId,
      status: null,
      error: message,
      ms: performance.now() - started,
    };
  }
}

let recorded = 0;
await boss.work<DeliveryJob>(QUEUE, { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
  const outcomes: Awaited<ReturnType<typeof deliver>>[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) outcomes.push(await deliver(jobs[next++]!));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
  await pool.query(
    `insert into webhook_outcomes (job_id, event_id, status, error, ms)
     select * from unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::float8[])`,
    [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.eventId),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.error),
      outcomes.map((o) => o.ms),
    ],
  );
  // Told to the bench once written: it learns when the round is done without querying the
  // database the round is measuring.
  recorded += outcomes.length;
  process.stdout.write(`RECORDED ${recorded}\n`);
});
process.stdout.write("READY\n");

process.on("SIGTERM", async () => {
  await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  await pool.end();
  process.exit(0);
});
