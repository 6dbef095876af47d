import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";

/**
 * The migrations as databases made before the engines got folders of their own recorded
 * them. drizzle applies a migration whose hash or time it has not seen, so a change to
 * either would run history again on every existing file.
 */
const RECORDED = [
  { hash: "d4729619a0fe1c2c8d7cd9ac0e3bb290416595f87dab2d6d2bbc1451266ad3de", created_at: 1795920653827 },
  { hash: "5d1cfe408728dbf44036cead51cb80d346973382111e7d67ba9daaf1cee88a78", created_at: 1795920664725 },
  { hash: "ca62a77e660083cb148371463c0af517fbbe58a2235d471d5ae954f2c4d02fc0", created_at: 1795923118166 },
];

it("keeps the SQLite migration history that existing databases recorded", async () => {
  const dir = mkdtempSync(join(tmpdir(), "crm-history-"));
  try {
    const path = join(dir, "crm.db");
    const store = await openStore({ dbPath: path });
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare("select hash, created_at from __drizzle_migrations order by id").all();
    db.close();
    expect(rows.slice(0, RECORDED.length)).toEqual(RECORDED);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
