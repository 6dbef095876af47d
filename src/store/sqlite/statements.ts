import type Database from "better-sqlite3";

/**
 * Prepared statements, made once per connection. The hot paths (loading records, writing
 * the outbox, claiming deliveries) run the same few statements thousands of times; building
 * and preparing them on every call cost more than running them.
 */
export class Statements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {}

  get(text: string): Database.Statement {
    let stmt = this.cache.get(text);
    if (!stmt) {
      stmt = this.sqlite.prepare(text);
      this.cache.set(text, stmt);
    }
    return stmt;
  }

  all<T>(text: string, ...params: unknown[]): T[] {
    return this.get(text).all(...params) as T[];
  }

  run(text: string, ...params: unknown[]): Database.RunResult {
    return this.get(text).run(...params);
  }
}

/** Binds a list as one parameter: `id in (select value from json_each(?))`. */
export function jsonList(values: readonly unknown[]): string {
  return JSON.stringify(values);
}
