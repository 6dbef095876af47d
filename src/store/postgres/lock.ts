import { type Conn, literal } from "./db.js";

/**
 * Writes of one company run one at a time, as every write does on SQLite: a write reads
 * the records it changes ("before"), changes them and reads them again ("after"), and the
 * event it records must describe exactly that. A transaction-scoped advisory lock per
 * company, taken by the first repository call of a write, gives that without serializable
 * isolation (whose retries would also hit the outbox claim). Reads never take it.
 */
export class WriteLocks {
  private readonly held = new Set<string>();

  constructor(
    private readonly conn: Conn,
    /** False in read transactions: nothing to lock. */
    private readonly writing: boolean,
  ) {}

  async take(key: string): Promise<void> {
    if (!this.writing || this.held.has(key)) return;
    this.held.add(key);
    // Written out in full, it goes out with the unit's BEGIN: one round trip for both.
    const text = literal(key);
    if (text) await this.conn.plain(`select pg_advisory_xact_lock(hashtextextended(${text}, 0))`);
    else await this.conn.run("select pg_advisory_xact_lock(hashtextextended($1, 0))", [key]);
  }
}
