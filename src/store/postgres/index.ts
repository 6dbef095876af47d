import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type { PgTable } from "drizzle-orm/pg-core";
import pg from "pg";
import {
  type DeliveriesListener,
  type LocalClaimer,
  type Store,
  StoreOpenError,
  StoreUnavailableError,
  Tx,
  type WriteOptions,
} from "../api.js";
import { PgColumnRepository } from "./columns.js";
import { PgCrmRepository } from "./crm.js";
import { applyMigrations, Conn, checkUrl, isConnectionError, isRetryable, openError, redact } from "./db.js";
import { PgIdempotencyRepository } from "./idempotency.js";
import { WriteLocks } from "./lock.js";
import { PgOAuthRepository } from "./oauth.js";
import * as schema from "./schema/index.js";
import { PgSessionRepository } from "./sessions.js";
import { PgTenantRepository } from "./tenants.js";
import { PgWebhookRepository } from "./webhooks.js";

/** The channel a write's transaction notifies when it leaves deliveries for any node to claim. */
const CHANNEL = "crm_outbox";
/** A transaction the server aborted for a conflict runs again, up to this many times. */
const MAX_ATTEMPTS = 8;
/** How long one connection attempt may take. */
const CONNECT_TIMEOUT_MS = 2000;
/**
 * How long a call keeps trying new connections after losing one, before it reports the
 * database unavailable: long enough for a pooled connection the server ended to be
 * replaced, short enough that a call in an outage answers within seconds.
 */
const RECONNECT_BUDGET_MS = 2000;

export interface PostgresOptions {
  poolSize?: number;
}

/**
 * The store on a PostgreSQL pool, for several nodes sharing one database. Each unit of
 * work runs on one pooled connection in one transaction; reads see one snapshot
 * (repeatable read), writes of one company run one at a time (see lock.ts). A write that
 * leaves deliveries for others NOTIFYs, and a dedicated connection LISTENs, so every
 * node claims at once; the dispatcher's polling covers a lost notification.
 */
export class PostgresStore implements Store {
  readonly engine = "postgres";
  private readonly emitter = new EventEmitter();
  private localClaimer: LocalClaimer | null = null;
  private closed = false;
  /** Tells this node's own notifications from others'. */
  private readonly nodeId = randomBytes(6).toString("hex");
  private listener: pg.Client | null = null;
  private listenRetry: NodeJS.Timeout | null = null;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
    readonly location: string,
  ) {
    this.emitter.setMaxListeners(50);
  }

  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    const parsed = checkUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: "crm-mcp",
    });
    // A pooled connection that the server ends while idle must not end the process; the
    // pool drops it and opens another on the next call.
    pool.on("error", () => undefined);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw openError(parsed, error);
    }
    try {
      await applyMigrations(client);
    } catch (error) {
      client.release(true);
      await pool.end().catch(() => undefined);
      throw error;
    }
    client.release();
    return new PostgresStore(pool, url, redact(url));
  }

  read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction("begin isolation level repeatable read, read only", false, work);
  }

  write<T>(work: (tx: Tx) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    return this.transaction("begin", true, work, options.oneStatement === true);
  }

  private async transaction<T>(
    begin: string,
    writing: boolean,
    work: (tx: Tx) => Promise<T>,
    oneStatement = false,
  ): Promise<T> {
    const giveUpAt = Date.now() + RECONNECT_BUDGET_MS;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new Error("The store is closed");
      let client: pg.PoolClient | null = null;
      let broken = false;
      // Until COMMIT is sent, a lost connection took nothing with it: the work runs again on
      // a new one. A connection lost during COMMIT may or may not have committed.
      let committing = false;
      try {
        client = await this.pool.connect();
        if (!guarded.has(client)) {
          // A connection that dies while checked out, between two statements, reports it
          // on the client; the next statement fails and the call handles it from there.
          client.on("error", () => undefined);
          guarded.add(client);
        }
        const conn = new Conn(client, begin, oneStatement);
        const locks = new WriteLocks(conn, writing);
        const tx = new Tx(
          {
            crm: new PgCrmRepository(conn, locks),
            tenants: new PgTenantRepository(conn, locks),
            columns: new PgColumnRepository(conn, locks),
            webhooks: new PgWebhookRepository(conn),
            sessions: new PgSessionRepository(conn),
            oauth: new PgOAuthRepository(conn),
            idempotency: new PgIdempotencyRepository(conn),
          },
          writing ? this.localClaimer : null,
        );
        let result: T;
        try {
          result = await work(tx);
          const forOthers = tx.writtenDeliveries - tx.claimed.length;
          committing = true;
          // Delivered at commit, and only if it commits; after a statement that committed
          // alone, now. The payload is this node's id (hex) and a count: written out in full.
          await conn.commit(
            forOthers > 0 ? `select pg_notify('${CHANNEL}', '${this.nodeId} ${forOthers}')` : undefined,
          );
        } catch (error) {
          if (!committing && conn.inTransaction)
            await client.query("rollback").catch(() => {
              broken = true;
            });
          // A notification that failed left its COMMIT unsent and the transaction aborted:
          // the connection does not go back to the pool in that state.
          else if (committing && conn.inTransaction) broken = true;
          throw error;
        }
        if (tx.writtenDeliveries > 0)
          this.emitter.emit("deliveries", tx.writtenDeliveries, tx.claimed, tx.declinedDeliveries);
        return result;
      } catch (error) {
        if (isConnectionError(error)) {
          broken = true;
          // A one-statement write runs again too, though it may have taken effect: see WriteOptions.
          if (!committing && Date.now() < giveUpAt) {
            await new Promise((r) => setTimeout(r, Math.min(50 * attempt, 500)));
            continue;
          }
          throw unavailable(error);
        }
        if (isRetryable(error) && attempt < MAX_ATTEMPTS) {
          await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
          continue;
        }
        throw error;
      } finally {
        client?.release(broken);
      }
    }
  }

  /**
   * Writes rows read from another store into this one, which must be empty, in one
   * transaction. Deliveries another process had claimed become pending again, so that
   * this store's nodes send them.
   */
  async importAll<T extends string>(
    order: readonly T[],
    batches: AsyncIterable<{ table: T; rows: Record<string, unknown>[] }>,
  ): Promise<Record<T, number>> {
    const tables = schema as unknown as Record<string, PgTable>;
    const counts = Object.fromEntries(order.map((t) => [t, 0])) as Record<T, number>;
    const client = await this.pool.connect();
    const db = drizzle(client);
    try {
      await client.query("begin");
      const held: string[] = [];
      for (const name of order) {
        const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(tables[name]!);
        if (row!.n > 0) held.push(`${row!.n} ${name}`);
      }
      if (held.length > 0)
        throw new StoreOpenError(
          `${this.location} already holds data (${held.join(", ")}); copy only into an empty database: create a new one (createdb) and copy into that`,
        );
      for await (const { table, rows } of batches) {
        const values =
          table === "webhookDeliveries"
            ? rows.map((r) =>
                r.status === "sending" ? { ...r, status: "pending", claimedBy: null, leaseUntil: null } : r,
              )
            : rows;
        await db.insert(tables[table]!).values(values);
        counts[table] += rows.length;
      }
      await client.query("commit");
      // Statistics for the tables just filled, as autovacuum would gather within a minute:
      // until then, statements the nodes prepare plan for empty tables and read them whole.
      // The copy has committed; should this fail, autovacuum still comes.
      await client.query("analyze").catch(() => undefined);
      return counts;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  setLocalClaimer(claimer: LocalClaimer | null): void {
    this.localClaimer = claimer;
  }

  onDeliveries(listener: DeliveriesListener): () => void {
    this.emitter.on("deliveries", listener);
    if (!this.listener && !this.listenRetry) void this.listen();
    return () => this.emitter.off("deliveries", listener);
  }

  /**
   * LISTENs on a connection of its own (a pooled one would be handed to others). When it
   * drops, it comes back within a second or so; meanwhile polling finds the rows.
   */
  private async listen(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    const retry = () => {
      if (this.listener === client) this.listener = null;
      client.removeAllListeners("notification");
      client.end().catch(() => undefined);
      if (this.closed || this.listenRetry) return;
      this.listenRetry = setTimeout(() => {
        this.listenRetry = null;
        void this.listen();
      }, 1000);
      this.listenRetry.unref();
    };
    client.on("error", retry);
    client.on("end", retry);
    client.on("notification", (n) => {
      const [node, count] = (n.payload ?? "").split(" ");
      if (node === this.nodeId) return;
      this.emitter.emit("deliveries", Math.max(1, Number(count) || 1), [], 0);
    });
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      this.listener = client;
      // Rows written while no one listened are due now.
      this.emitter.emit("deliveries", 1, [], 0);
    } catch {
      retry();
    }
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error("The store is closed");
    try {
      await this.pool.query("select 1");
    } catch (error) {
      throw unavailable(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.listenRetry) clearTimeout(this.listenRetry);
    const listener = this.listener;
    this.listener = null;
    if (listener) {
      listener.removeAllListeners();
      listener.on("error", () => undefined);
      await listener.end().catch(() => undefined);
    }
    await this.pool.end().catch(() => undefined);
  }
}

/** Pooled connections that already have an error listener of ours. */
const guarded = new WeakSet<pg.PoolClient>();

function unavailable(error: unknown): Error {
  const message = (error as Error)?.message ?? String(error);
  return new StoreUnavailableError(
    `The database is unavailable (${message}). Try again in a moment; if this call was a write, check first whether it took effect.`,
  );
}
