import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { Checkpointer } from "./checkpointer.js";
import { ColumnRepository } from "./columns.js";
import { CrmRepository } from "./crm.js";
import { type Db, openDatabase, Serial } from "./db.js";
import { Statements } from "./statements.js";
import { TenantRepository } from "./tenants.js";
import type { ClaimedDelivery, LocalClaimer } from "./webhooks.js";
import { WebhookRepository } from "./webhooks.js";

export type { StoredFilter, StoredQuery } from "./crm.js";
export type { ApiKey, Company, User } from "./tenants.js";
export type {
  ClaimedDelivery,
  ClaimedRow,
  DeliveryQuery,
  DeliveryResult,
  DeliveryRow,
  DeliveryStatus,
  EventRow,
  LocalClaimer,
  WebhookRow,
} from "./webhooks.js";
export { newDeliveryRow } from "./webhooks.js";

/** The SQLite driver's entry, for the checkpoint worker's own connection. */
const DRIVER = createRequire(import.meta.url).resolve("better-sqlite3");

interface Repositories {
  crm: CrmRepository;
  tenants: TenantRepository;
  columns: ColumnRepository;
  webhooks: WebhookRepository;
}

/** What a unit of work sees: the repositories, all on the same connection. */
export class Tx {
  readonly crm: CrmRepository;
  readonly tenants: TenantRepository;
  readonly columns: ColumnRepository;
  readonly webhooks: WebhookRepository;
  private deliveriesWritten = 0;
  private deliveriesDeclined = 0;
  /** Deliveries this transaction claimed for the local dispatcher as it wrote them. */
  readonly claimed: ClaimedDelivery[] = [];

  constructor(
    repos: Repositories,
    /** The local dispatcher, when one runs in this process. */
    readonly localClaimer: LocalClaimer | null = null,
  ) {
    this.crm = repos.crm;
    this.tenants = repos.tenants;
    this.columns = repos.columns;
    this.webhooks = repos.webhooks;
  }

  /**
   * Counts outbox rows so the store can wake the dispatcher once the write commits: `n`
   * written, of which `claimed` were taken by the local dispatcher and `declined` were
   * offered to it and left in the outbox.
   */
  noteDeliveries(n: number, claimed: ClaimedDelivery[] = [], declined = 0): void {
    this.deliveriesWritten += n;
    this.deliveriesDeclined += declined;
    this.claimed.push(...claimed);
  }

  get declinedDeliveries(): number {
    return this.deliveriesDeclined;
  }

  get writtenDeliveries(): number {
    return this.deliveriesWritten;
  }
}

/**
 * The store: an async API over one embedded SQLite connection. Everything SQLite-specific
 * stays in this folder, so another engine can come in behind the same API.
 */
export class Store {
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
    readonly path: string,
  ) {
    this.emitter.setMaxListeners(50);
    this.checkpointer = path === ":memory:" ? null : new Checkpointer(path);
    const statements = new Statements(sqlite);
    this.repos = {
      crm: new CrmRepository(db, statements),
      tenants: new TenantRepository(db),
      columns: new ColumnRepository(db),
      webhooks: new WebhookRepository(db, statements),
    };
  }

  static async open(path: string): Promise<Store> {
    const { sqlite, db } = openDatabase(path);
    return new Store(sqlite, db, path);
  }

  /** Reads that see one consistent state. */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.serial.run(() => work(new Tx(this.repos, null)));
  }

  /**
   * A write transaction: everything `work` does commits together or not at all. Once it
   * commits with new deliveries, `deliveries` listeners are told.
   */
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
   * Lets the dispatcher of this process take the deliveries a write creates in the same
   * transaction, so they go out right after the commit with no claim of their own.
   */
  setLocalClaimer(claimer: LocalClaimer | null): void {
    this.localClaimer = claimer;
  }

  /**
   * Called after each commit that wrote outbox rows, with those claimed for this process and
   * the number the local dispatcher was offered and declined.
   */
  onDeliveries(listener: (count: number, claimed: ClaimedDelivery[], declined: number) => void): () => void {
    this.emitter.on("deliveries", listener);
    return () => this.emitter.off("deliveries", listener);
  }

  /** Whether the store answers a query: what readiness means. */
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
