import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { getTableColumns, gt, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { type DeliveriesListener, type LocalClaimer, type Repositories, type Store, Tx } from "../api.js";
import { Checkpointer } from "./checkpointer.js";
import { SqliteColumnRepository } from "./columns.js";
import { SqliteCrmRepository } from "./crm.js";
import { type Db, openDatabase, Serial } from "./db.js";
import { SqliteIdempotencyRepository } from "./idempotency.js";
import { SqliteOAuthRepository } from "./oauth.js";
import * as schema from "./schema/index.js";
import { SqliteSessionRepository } from "./sessions.js";
import { Statements } from "./statements.js";
import { SqliteTenantRepository } from "./tenants.js";
import { SqliteWebhookRepository } from "./webhooks.js";

/** The SQLite driver's entry, for the checkpoint worker's own connection. */
const DRIVER = createRequire(import.meta.url).resolve("better-sqlite3");

/**
 * The store on one embedded SQLite connection. Writes run one at a time (BEGIN IMMEDIATE),
 * so a unit of work sees no one else's changes; several processes share the file in WAL
 * mode.
 */
export class SqliteStore implements Store {
  readonly engine = "sqlite";
  private readonly serial = new Serial();
  private readonly emitter = new EventEmitter();
  private closed = false;
  private readonly repos: Repositories;
  private localClaimer: LocalClaimer | null = null;
  /** Started by the first write, so a process that only reads never spawns it. */
  private readonly checkpointer: Checkpointer | null;

  private constructor(
    private readonly sqlite: ReturnType<typeof openDatabase>["sqlite"],
    readonly db: Db,
    readonly location: string,
  ) {
    this.emitter.setMaxListeners(50);
    this.checkpointer = location === ":memory:" ? null : new Checkpointer(location);
    const statements = new Statements(sqlite);
    this.repos = {
      crm: new SqliteCrmRepository(db, statements),
      tenants: new SqliteTenantRepository(db),
      columns: new SqliteColumnRepository(db),
      webhooks: new SqliteWebhookRepository(db, statements),
      sessions: new SqliteSessionRepository(db),
      oauth: new SqliteOAuthRepository(db),
      idempotency: new SqliteIdempotencyRepository(db),
    };
  }

  static async open(path: string): Promise<SqliteStore> {
    const { sqlite, db } = openDatabase(path);
    return new SqliteStore(sqlite, db, path);
  }

  read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.serial.run(() => work(new Tx(this.repos, null)));
  }

  write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      if (this.closed) throw new Error("The store is closed");
      const tx = new Tx(this.repos, this.localClaimer);
      this.checkpointer?.start(DRIVER);
      this.sqlite.exec("BEGIN IMMEDIATE");
      let result: T;
      try {
        result = await work(tx);
        this.sqlite.exec("COMMIT");
      } catch (error) {
        if (this.sqlite.inTransaction) this.sqlite.exec("ROLLBACK");
        throw error;
      }
      if (tx.writtenDeliveries > 0)
        this.emitter.emit("deliveries", tx.writtenDeliveries, tx.claimed, tx.declinedDeliveries);
      return result;
    });
  }

  /**
   * Every row of every table, in batches, from one snapshot: for `copy`. Tables come in
   * `order`; a row's fields are named as in the schema.
   */
  async *exportAll<T extends string>(
    order: readonly T[],
    batch = 500,
  ): AsyncGenerator<{ table: T; rows: Record<string, unknown>[] }> {
    this.sqlite.exec("BEGIN");
    try {
      for (const name of order) {
        const table = (schema as unknown as Record<string, SQLiteTable>)[name]!;
        const rowid = sql<number>`rowid`;
        let last = 0;
        for (;;) {
          const rows = this.db
            .select({ ...getTableColumns(table), _rowid: rowid })
            .from(table)
            .where(gt(rowid, last))
            .orderBy(rowid)
            .limit(batch)
            .all() as (Record<string, unknown> & { _rowid: number })[];
          if (rows.length === 0) break;
          last = rows[rows.length - 1]!._rowid;
          yield { table: name, rows: rows.map(({ _rowid, ...row }) => row) };
        }
      }
    } finally {
      this.sqlite.exec("COMMIT");
    }
  }

  setLocalClaimer(claimer: LocalClaimer | null): void {
    this.localClaimer = claimer;
  }

  onDeliveries(listener: DeliveriesListener): () => void {
    this.emitter.on("deliveries", listener);
    return () => this.emitter.off("deliveries", listener);
  }

  ping(): Promise<void> {
    return this.serial.run(async () => {
      if (this.closed) throw new Error("The store is closed");
      this.sqlite.prepare("select 1").get();
    });
  }

  async close(): Promise<void> {
    await this.serial.run(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.checkpointer?.stop();
      this.sqlite.close();
    });
  }
}
