import { randomBytes } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import type { StoreTarget } from "../../src/store/index.js";

/**
 * The engine the tests run on: SQLite unless `CRM_TEST_ENGINE=postgres` (the `postgres`
 * project in vitest.config.ts sets it). The same test files run on both.
 */
export const ENGINE: "sqlite" | "postgres" =
  process.env.CRM_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";

/** A PostgreSQL server the tests may create and drop databases on. */
export const TEST_DATABASE_URL =
  process.env.CRM_TEST_DATABASE_URL || "postgres://root@127.0.0.1:5432/postgres";

export interface TestDatabase {
  target: StoreTarget;
  /** The variables that point a spawned `crm-mcp` at the same database. */
  env: Record<string, string>;
  /** The URL of a PostgreSQL database, for tests that need one whatever the engine. */
  url?: string;
  drop(): Promise<void>;
}

/** A database of its own for one test: a file in `dir`, or a new PostgreSQL database. */
export async function freshDatabase(dir: string, engine = ENGINE): Promise<TestDatabase> {
  if (engine === "sqlite") {
    const dbPath = join(dir, "crm.db");
    return { target: { dbPath }, env: { CRM_DB: dbPath }, drop: async () => undefined };
  }
  const url = await createPgDatabase();
  return {
    target: { databaseUrl: url, poolSize: 4 },
    env: { CRM_DATABASE_URL: url, CRM_DB_POOL_SIZE: "4" },
    url,
    drop: () => dropPgDatabase(url),
  };
}

/** Databases of one run share a prefix, so the run's teardown can drop any a crash left. */
export function runPrefix(): string {
  return `crm_test_${process.env.CRM_TEST_RUN ?? "x"}_`;
}

export async function adminQuery(sql: string, url = TEST_DATABASE_URL): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createPgDatabase(): Promise<string> {
  const name = `${runPrefix()}${randomBytes(5).toString("hex")}`;
  // A linguistic collation where the server has one (as most installs do), so that the
  // tests see text compare as it would there, not by the code point order SQLite uses.
  await adminQuery(
    `create database ${name} template template0 locale_provider icu icu_locale 'en-US' locale 'C.UTF-8'`,
  ).catch(() => adminQuery(`create database ${name}`));
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropPgDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await adminQuery(`drop database if exists ${name} with (force)`);
}
