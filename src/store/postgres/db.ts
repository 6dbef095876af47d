import { join } from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type pg from "pg";
import { PACKAGE_ROOT } from "../../paths.js";
import { StoreOpenError } from "../api.js";

const MIGRATIONS = join(PACKAGE_ROOT, "drizzle", "postgres");

/** Held while migrating, so nodes that start at once apply each migration once, in turn. */
const MIGRATION_LOCK = 7_204_337_001;

/** Statement texts run often enough to prepare once per connection, by name. */
const names = new Map<string, string>();
const MAX_NAMED = 400;

/**
 * One connection, inside one transaction: what the repositories run their SQL on. BEGIN is
 * not sent on its own: it goes out with the unit's first statement, in the same round trip
 * when that statement is plain text (a write's lock, see `plain`), and COMMIT goes out with
 * the notification that follows it (see `commit`). A one-statement write (see WriteOptions)
 * holds its BEGIN back altogether: its statement commits on its own, unless a repository
 * asks for the transaction first (`together`).
 */
export class Conn {
  /** Statements sent so far. */
  private sent = 0;
  /** Whether BEGIN was sent (or is on its way), so that COMMIT or ROLLBACK ends it. */
  private begun = false;

  constructor(
    readonly client: pg.PoolClient | pg.Client,
    /** The statement that opens the unit's transaction. */
    private readonly begin: string,
    /** A one-statement write: BEGIN waits for `together`, and is never sent without it. */
    private readonly held = false,
  ) {}

  get inTransaction(): boolean {
    return this.begun;
  }

  /**
   * Opens the transaction that a one-statement write held back, before the statements that
   * must commit together. Nothing to do in an ordinary transaction.
   */
  async together(): Promise<void> {
    if (!this.held || this.begun) return;
    if (this.sent > 0) throw new Error("together() comes before the unit's first statement");
    this.begun = true;
    await this.client.query(this.begin);
  }

  async all<T>(text: string, values: unknown[] = []): Promise<T[]> {
    await this.opened();
    return (await this.client.query<T & pg.QueryResultRow>(this.config(text, values))).rows;
  }

  async one<T>(text: string, values: unknown[] = []): Promise<T | undefined> {
    return (await this.all<T>(text, values))[0];
  }

  /** Runs a statement and returns how many rows it touched. */
  async run(text: string, values: unknown[] = []): Promise<number> {
    await this.opened();
    return (await this.client.query(this.config(text, values))).rowCount ?? 0;
  }

  /**
   * Runs a statement written out in full, without parameters (every value in it a
   * `literal`): the first statement of a unit goes out with its BEGIN, one round trip.
   */
  async plain(text: string): Promise<void> {
    this.count();
    const begin = this.beginDue();
    await this.client.query(begin ? `${begin}; ${text}` : text);
  }

  /**
   * Ends the unit: COMMIT, after `notify` (a statement written out in full) if one is
   * given, in one round trip. After a one-statement write, which committed on its own,
   * only the notification is sent, and its failure is not the write's.
   */
  async commit(notify?: string): Promise<void> {
    if (this.begun) await this.client.query(notify ? `${notify}; commit` : "commit");
    // The write took effect already; a notification is a hint that polling stands in for.
    else if (notify) await this.client.query(notify).catch(() => undefined);
  }

  /** Sends the BEGIN of an ordinary unit before its first statement. */
  private async opened(): Promise<void> {
    const begin = this.beginDue();
    if (begin) await this.client.query(begin);
  }

  /** The BEGIN an ordinary unit has yet to send, counted as sent from here on; else null. */
  private beginDue(): string | null {
    if (this.held || this.begun) return null;
    this.begun = true;
    return this.begin;
  }

  private count(): void {
    if (this.held && !this.begun && this.sent > 0)
      throw new Error("A one-statement write ran a second statement: call together() before the first");
    this.sent++;
  }

  private config(text: string, values: unknown[]): pg.QueryConfig {
    this.count();
    let name = names.get(text);
    if (!name && names.size < MAX_NAMED) {
      name = `crm_${names.size}`;
      names.set(text, name);
    }
    return name ? { name, text, values } : { text, values };
  }
}

/**
 * A string as an SQL literal, for the statements that go out without parameters, or null
 * when it holds anything but letters, digits, `_` and `-` (such a value goes as a parameter).
 */
export function literal(value: string): string | null {
  return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? `'${value}'` : null;
}

/** The URL without its password, for logs and messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** Checks the URL's shape before any connection is tried. */
export function checkUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StoreOpenError(
      `CRM_DATABASE_URL is not a URL ("${url.slice(0, 80)}"); use postgres://user@host:5432/database`,
    );
  }
  if (u.protocol !== "postgres:" && u.protocol !== "postgresql:")
    throw new StoreOpenError(
      `CRM_DATABASE_URL must start with postgres:// (got ${u.protocol}//); use postgres://user@host:5432/database, or unset it to use the SQLite file at CRM_DB`,
    );
  if (!u.hostname)
    throw new StoreOpenError("CRM_DATABASE_URL names no host; use postgres://user@host:5432/database");
  if (u.pathname.length <= 1)
    throw new StoreOpenError(
      "CRM_DATABASE_URL names no database; add it after the host, e.g. postgres://user@host:5432/crm",
    );
  return u;
}

/** Turns a failed first connection into one line that says what is wrong and how to fix it. */
export function openError(url: URL, error: unknown): Error {
  const e = error as { code?: string; message?: string };
  const where = `${url.hostname}:${url.port || 5432}`;
  const database = decodeURIComponent(url.pathname.slice(1));
  const user = decodeURIComponent(url.username) || "(the default user)";
  switch (e.code) {
    case "3D000":
      return new StoreOpenError(
        `PostgreSQL at ${where} has no database "${database}": create it (createdb -h ${url.hostname} ${database}), or fix the database name in CRM_DATABASE_URL`,
      );
    case "28P01":
    case "28000":
      return new StoreOpenError(
        `PostgreSQL at ${where} refused user ${user} (${e.message}): fix the user or password in CRM_DATABASE_URL`,
      );
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new StoreOpenError(
        `cannot reach PostgreSQL at ${where} (${e.code}): start the server, or fix the host and port in CRM_DATABASE_URL`,
      );
  }
  if (/timeout/i.test(e.message ?? ""))
    return new StoreOpenError(
      `cannot reach PostgreSQL at ${where} (no answer in time): start the server, or fix the host and port in CRM_DATABASE_URL`,
    );
  return new StoreOpenError(`cannot open PostgreSQL at ${where}: ${e.message ?? String(error)}`);
}

/** Applies the migrations from `drizzle/postgres`, one node at a time. */
export async function applyMigrations(client: pg.PoolClient): Promise<void> {
  await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
  try {
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
  }
}

/** Errors after which the same transaction, run again, may well succeed. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === "40001" || code === "40P01";
}

/** Errors that mean the server is gone or going, not that the statement was wrong. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  if (!e) return false;
  if (e.code && /^(08|57P0[1-3]|53300)/.test(e.code)) return true;
  if (
    e.code &&
    ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN"].includes(e.code)
  )
    return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    e.message ?? "",
  );
}
