import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { refusedByDatabase } from "../../src/store/index.js";
import { createPgDatabase, dropPgDatabase, ENGINE } from "../support/engine.js";

/**
 * Which errors mean the database refused the data (the same write will be refused again, so
 * the dispatcher writes an outcome without the receiver's answer) and which mean it was busy
 * or unreachable (the rows lapse and are sent again, nothing is dropped). Each error is a
 * real one, raised by the engine's own driver.
 */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("no error");
}

describe.runIf(ENGINE === "sqlite")("refusedByDatabase on SQLite", () => {
  it("a constraint or a trigger's RAISE is a refusal; a busy database is not", () => {
    const dir = mkdtempSync(join(tmpdir(), "crm-refused-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "x.db");
    const a = new Database(path);
    const b = new Database(path, { timeout: 0 });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    a.exec(`create table t (id integer primary key, v text not null);
      create trigger no_poison before insert on t when new.v = 'poison' begin select raise(abort, 'poison refused'); end`);
    expect(refusedByDatabase(caught(() => a.prepare("insert into t (v) values (null)").run()))).toBe(true);
    expect(refusedByDatabase(caught(() => a.prepare("insert into t (v) values ('poison')").run()))).toBe(
      true,
    );
    a.exec("begin immediate");
    const busy = caught(() => b.exec("begin immediate"));
    a.exec("rollback");
    expect((busy as { code: string }).code).toBe("SQLITE_BUSY");
    expect(refusedByDatabase(busy)).toBe(false);
    expect(refusedByDatabase(new Error("The store is closed"))).toBe(false);
    expect(refusedByDatabase(null)).toBe(false);
  });
});

describe.runIf(ENGINE === "postgres")("refusedByDatabase on PostgreSQL", () => {
  it("a NUL in text, a constraint or a raised exception is a refusal; a timeout or a lost connection is not", async () => {
    const url = await createPgDatabase();
    cleanups.push(() => dropPgDatabase(url));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    cleanups.push(() => client.end());
    const error = (sql: string, params: unknown[] = []) =>
      client.query(sql, params).then(
        () => {
          throw new Error("no error");
        },
        (e: unknown) => e,
      );
    await client.query("create table t (id serial primary key, v text not null)");
    expect(refusedByDatabase(await error("insert into t (v) values ($1)", ["a\u0000b"]))).toBe(true);
    expect(refusedByDatabase(await error("insert into t (v) values (null)"))).toBe(true);
    expect(refusedByDatabase(await error("do $$ begin raise exception 'poison refused'; end $$"))).toBe(true);
    await client.query("set statement_timeout = 50");
    const timeout = await error("select pg_sleep(1)");
    expect((timeout as { code: string }).code).toBe("57014");
    expect(refusedByDatabase(timeout)).toBe(false);
    const gone = new pg.Client({ connectionString: url });
    await gone.connect();
    const pid = (await gone.query("select pg_backend_pid() as pid")).rows[0].pid as number;
    await client.query("set statement_timeout = 0");
    await client.query("select pg_terminate_backend($1)", [pid]);
    const lost = await gone.query("select 1").then(
      () => new Error("no error"),
      (e: unknown) => e,
    );
    await gone.end().catch(() => undefined);
    expect(refusedByDatabase(lost)).toBe(false);
  });
});
