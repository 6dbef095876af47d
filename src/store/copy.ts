import { backfillSearchText } from "./backfill.js";
import { PostgresStore } from "./postgres/index.js";
import { SqliteStore } from "./sqlite/index.js";

/**
 * Tables in the order a copy writes them: each after those it refers to. Both engines'
 * schemas name the same tables with the same fields, so a row read from one is written to
 * the other as it is.
 */
export const COPY_ORDER = [
  "companies",
  "users",
  "apiKeys",
  "customColumns",
  "dealStages",
  "contacts",
  "organizations",
  "deals",
  "services",
  "tasks",
  "links",
  "dealServices",
  "customFieldValues",
  "events",
  "webhooks",
  "webhookDeliveries",
] as const;

export type CopiedTable = (typeof COPY_ORDER)[number];

/**
 * Copies everything in a SQLite file into an empty PostgreSQL database, ids unchanged, in
 * one transaction on the target: a copy that fails leaves it empty. Deliveries a process
 * had claimed but not recorded go back to pending, so the new store's nodes send them.
 */
export async function copySqliteToPostgres(
  from: { dbPath: string },
  to: { databaseUrl: string },
): Promise<Record<CopiedTable, number>> {
  const source = await SqliteStore.open(from.dbPath);
  try {
    // A file from an older version: its records' search text, written before it is copied.
    await backfillSearchText(source);
    const target = await PostgresStore.open(to.databaseUrl, { poolSize: 2 });
    try {
      return await target.importAll(COPY_ORDER, source.exportAll(COPY_ORDER));
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
