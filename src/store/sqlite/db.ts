import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { PACKAGE_ROOT } from "../../paths.js";
import * as schema from "./schema/index.js";

export type Db = BetterSQLite3Database<typeof schema>;

const MIGRATIONS = join(PACKAGE_ROOT, "drizzle", "sqlite");

/**
 * One SQLite connection with the settings that let several processes share the file:
 * WAL, a busy timeout, foreign keys. Migrations from `drizzle/` are applied on open.
 */
export function openDatabase(path: string): { sqlite: Database.Database; db: Db } {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("synchronous = NORMAL");
  // Checkpoints run on a worker (see checkpointer.ts); this threshold is only the safety net.
  if (path !== ":memory:") sqlite.pragma("wal_autocheckpoint = 50000");
  const db = drizzle(sqlite, { schema });
  applyMigrations(db);
  return { sqlite, db };
}

function applyMigrations(db: Db): void {
  // Two processes opening a new file at once can race on the first migration; the loser
  // sees the winner's committed tables on its next try.
  for (let attempt = 1; ; attempt++) {
    try {
      migrate(db, { migrationsFolder: MIGRATIONS });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50 * attempt);
    }
  }
}

/**
 * Runs one piece of work at a time on the connection. better-sqlite3 is synchronous, but
 * the store's API is async, and an `await` inside a transaction must not let another
 * caller's statements run in the middle of it.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
