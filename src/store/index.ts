import type { Store } from "./api.js";
import { backfillSearchText } from "./backfill.js";

export type {
  ClaimedDelivery,
  ClaimedRow,
  ClaimedWebhook,
  ColumnRepository,
  CrmRepository,
  CustomValueRow,
  DeliveriesListener,
  DeliveryOutcome,
  DeliveryQuery,
  DeliveryResult,
  EntityRow,
  FinishedDelivery,
  HourlyDeliveryCount,
  LaterAttempt,
  LocalClaimer,
  ScheduledRetry,
  SessionRepository,
  Stamp,
  Store,
  StoredFilter,
  StoredQuery,
  TenantRepository,
  WebhookRepository,
  WriteOptions,
} from "./api.js";
export { refusedByDatabase, StoreOpenError, StoreUnavailableError, Tx } from "./api.js";
export type {
  ApiKey,
  Company,
  DeliveryRow,
  DeliveryStatus,
  EventRow,
  SessionRow,
  StoredDeliveryRow,
  User,
  WebhookRow,
} from "./rows.js";

/** Which engine to open: a SQLite file (or `:memory:`), or a PostgreSQL database by URL. */
export type StoreTarget = { dbPath: string } | { databaseUrl: string; poolSize?: number };

/**
 * Opens the store on the engine the target names and applies its migrations. Each engine
 * loads only when chosen, so a SQLite process never loads the PostgreSQL driver.
 */
export async function openStore(target: StoreTarget): Promise<Store> {
  let store: Store;
  if ("databaseUrl" in target) {
    const { PostgresStore } = await import("./postgres/index.js");
    store = await PostgresStore.open(target.databaseUrl, { poolSize: target.poolSize });
  } else {
    const { SqliteStore } = await import("./sqlite/index.js");
    store = await SqliteStore.open(target.dbPath);
  }
  try {
    await backfillSearchText(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
