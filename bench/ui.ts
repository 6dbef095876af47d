import { rmSync } from "node:fs";
import { join } from "node:path";
import { type App, openApp } from "../src/app.js";
import { newId } from "../src/domain/ids.js";
import type { Actor } from "../src/events/recorder.js";
import { startHttpServer } from "../src/http/server.js";
import { copySqliteToPostgres } from "../src/store/copy.js";
import type { DeliveryOutcome, EventRow, LocalClaimer } from "../src/store/index.js";
import { adminQuery, createPgDatabase, dropPgDatabase } from "../test/support/engine.js";
import { percentile, tempDir } from "./support.js";

const HOUR = 60 * 60 * 1000;
const WEBHOOKS = 100;
const ERROR_CLASSES = ["http_status", "timeout", "refused", "tls"];

/** Takes every delivery an event writes, so that the seed records their outcomes at once. */
const TAKE_ALL: LocalClaimer = { workerId: "seed", leaseMs: 24 * HOUR, take: () => true };

/**
 * A company with 100 webhooks, each subscribed to `contact.created`, and `deliveries`
 * finished deliveries (one per webhook per event), spread evenly over the last seven days:
 * every one of them inside the window the health figures cover. About one in ten fails.
 */
export async function seed(app: App, owner: Actor, deliveries: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < WEBHOOKS; i++) {
    const w = await app.webhooks.create(owner, {
      url: `https://hooks.example.com/${i}`,
      events: ["contact.created"],
      secret: null,
    });
    ids.push(w.id);
  }
  const events = Math.ceil(deliveries / WEBHOOKS);
  const perBatch = 100;
  const now = Date.now();
  const span = 7 * 24 * HOUR - HOUR;
  let k = 0;
  for (let done = 0; done < events; done += perBatch) {
    const rows: EventRow[] = [];
    for (let i = 0; i < Math.min(perBatch, events - done); i++) {
      const at = new Date(now - span + Math.floor(((done + i) / events) * span)).toISOString();
      rows.push({
        id: newId("event"),
        companyId: owner.companyId,
        event: "contact.created",
        entityId: "ct_bench",
        userId: owner.userId,
        body: "{}",
        createdAt: at,
      });
    }
    const createdAt = new Map(rows.map((e) => [e.id, e.createdAt]));
    const { claimed } = await app.store.write((tx) =>
      tx.webhooks.recordEvents(owner.companyId, rows, TAKE_ALL),
    );
    const outcomes: DeliveryOutcome[] = claimed.map((c) => {
      const failed = k++ % 10 === 0;
      return {
        id: c.delivery.id,
        webhookId: c.delivery.webhookId,
        chainId: null,
        delivery: { retries: 0 },
        result: {
          status: failed ? "failed" : "succeeded",
          statusCode: failed ? 500 : 200,
          requestHeaders: {},
          responseBody: "ok",
          error: failed ? "HTTP 500" : null,
          errorClass: failed ? ERROR_CLASSES[k % ERROR_CLASSES.length]! : null,
          durationMs: 20 + ((k * 7919) % 400),
          sentAt: createdAt.get(c.delivery.eventId)!,
        },
      };
    });
    await app.store.write((tx) => tx.webhooks.complete("seed", outcomes));
  }
  return ids;
}

/** A signed-in session's cookie, through the sign-in form as a browser sends it. */
async function signIn(base: string, key: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base },
    body: new URLSearchParams({ key }).toString(),
  });
  const cookie = res.headers.get("set-cookie");
  if (res.status !== 303 || !cookie) throw new Error(`sign-in answered ${res.status}`);
  return cookie.split(";")[0]!;
}

/** Milliseconds from request to the last byte of each page, alternating pages round by round. */
async function timePages(base: string, cookie: string, paths: string[], rounds: number) {
  const times = paths.map(() => [] as number[]);
  for (let r = -3; r < rounds; r++) {
    for (const [i, path] of paths.entries()) {
      const start = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      const text = await res.text();
      const ms = performance.now() - start;
      if (res.status !== 200 || !text.includes("</html>")) throw new Error(`${path} answered ${res.status}`);
      if (r >= 0) times[i]!.push(ms);
    }
  }
  return times;
}

async function measure(app: App, owner: Actor, hooks: string[], quick: boolean) {
  const server = await startHttpServer(app, { host: "127.0.0.1", port: 0 });
  try {
    const cookie = await signIn(server.url, (await app.tenants.createApiKey(owner, "bench")).key);
    const [list, one, floor] = await timePages(
      server.url,
      cookie,
      ["/webhooks?limit=100", `/webhooks/${hooks[WEBHOOKS >> 1]}`, "/events"],
      quick ? 10 : 30,
    );
    return {
      list: percentile(list!, 50),
      listP95: percentile(list!, 95),
      one: percentile(one!, 50),
      oneP95: percentile(one!, 95),
      floor: percentile(floor!, 50),
    };
  } finally {
    await server.close();
  }
}

/**
 * `ui_webhooks_page_ms`: the webhooks list (its health column for every webhook shown) and
 * one webhook's page, over HTTP with a session, with 100 webhooks and 1,000,000 finished
 * deliveries in the last week (100,000 with --quick). The events page, which reads no
 * deliveries, is timed in the same rounds as the floor a page costs. Then the same on
 * PostgreSQL, copied from the SQLite file, when a server answers.
 */
export async function benchUiPages(opts: { quick: boolean }): Promise<Record<string, number>> {
  const deliveries = opts.quick ? 100_000 : 1_000_000;
  const dir = tempDir("ui");
  const dbPath = join(dir, "crm.db");
  const out: Record<string, number> = { ui_deliveries: deliveries };
  try {
    const sqlite = await openApp(
      { dbPath, apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
      { dispatch: false },
    );
    let hooks: string[];
    let owner: Actor;
    try {
      owner = await sqlite.tenants.localOwner();
      const seeded = performance.now();
      hooks = await seed(sqlite, owner, deliveries);
      out.ui_seed_s = (performance.now() - seeded) / 1000;
      const m = await measure(sqlite, owner, hooks, opts.quick);
      out.ui_webhooks_page_ms = m.list;
      out.ui_webhooks_page_ms_p95 = m.listP95;
      out.ui_webhook_page_ms = m.one;
      out.ui_webhook_page_ms_p95 = m.oneP95;
      out.ui_events_page_ms = m.floor;
    } finally {
      await sqlite.close();
    }
    if (
      !(await adminQuery("select 1").then(
        () => true,
        () => false,
      ))
    ) {
      process.stderr.write("bench: no PostgreSQL server reachable; the pg_ui_ figures are skipped\n");
      return out;
    }
    const url = await createPgDatabase();
    try {
      await copySqliteToPostgres({ dbPath }, { databaseUrl: url });
      const pg = await openApp(
        { dbPath, databaseUrl: url, poolSize: 4, apiKey: undefined, allowPrivate: true, timeoutMs: 5000 },
        { dispatch: false },
      );
      try {
        const m = await measure(pg, owner, hooks, opts.quick);
        out.pg_ui_webhooks_page_ms = m.list;
        out.pg_ui_webhooks_page_ms_p95 = m.listP95;
        out.pg_ui_webhook_page_ms = m.one;
        out.pg_ui_webhook_page_ms_p95 = m.oneP95;
        out.pg_ui_events_page_ms = m.floor;
      } finally {
        await pg.close();
      }
    } finally {
      await dropPgDatabase(url).catch(() => undefined);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
