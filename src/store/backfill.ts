import { ENTITY_TYPES } from "../domain/model.js";
import { searchText } from "../domain/search.js";
import type { Store } from "./api.js";

const BATCH = 500;

/**
 * Writes the search text of records stored before it existed, so that a database from an
 * older version finds them as a new one would. Runs when the store opens; once done, each
 * open costs one query per entity type. A record's text is never empty (every record has a
 * name or an email), so one that is empty has not been written yet.
 */
export async function backfillSearchText(store: Store): Promise<number> {
  let written = 0;
  for (const type of ENTITY_TYPES) {
    for (;;) {
      const n = await store.write(async (tx) => {
        const rows = await tx.crm.unsearched(type, BATCH);
        const byCompany = new Map<string, string[]>();
        for (const r of rows) byCompany.set(r.companyId, [...(byCompany.get(r.companyId) ?? []), r.id]);
        for (const [companyId, ids] of byCompany) {
          const records = await tx.crm.load(companyId, type, ids);
          for (const id of ids) {
            const record = records.get(id);
            // A space where nothing is searchable, so the row is not read again; no word matches it.
            if (record)
              await tx.crm.update(companyId, type, id, { searchText: searchText(type, record) || " " });
          }
        }
        return rows.length;
      });
      written += n;
      if (n < BATCH) break;
    }
  }
  return written;
}
