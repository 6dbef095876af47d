import { stringify } from "csv-stringify/sync";
import type { CrmService } from "../crm/service.js";
import type { EntityRecord, EntityType } from "../domain/model.js";
import type { Actor } from "../events/recorder.js";
import { notes as loadNotes } from "../notes/lazy.js";
import { CSV_FIELDS, customText, guardCell, LIST_SEPARATOR } from "./fields.js";

/**
 * CSV export: every record of a type, oldest first, with the headers import reads and
 * each custom column as a column under its label; a cell that a spreadsheet would take
 * for a formula is written after a `'` (import takes it off again). Written a chunk at a time, so a large
 * company streams rather than waits.
 */
export async function exportCsv(
  crm: CrmService,
  actor: Actor,
  type: EntityType,
  write: (chunk: string) => void | Promise<void>,
): Promise<number> {
  const fields = CSV_FIELDS[type].filter((f) => f.exported);
  const columns = await crm.listColumns(actor, type);
  const organizations = new Map<string, string>();
  if (fields.some((f) => f.key === "organization")) {
    for await (const chunk of crm.scan(actor, "organization"))
      for (const org of chunk) organizations.set(org.id, String(org.name));
  }
  const { storedNotesToMarkdown } = await loadNotes();

  const cell = (record: EntityRecord, key: string): string => {
    const value = record[key];
    switch (key) {
      case "emails":
      case "phones":
        return ((value as string[]) ?? []).join(LIST_SEPARATOR);
      case "organization":
        return ((record.organizationIds as string[]) ?? [])
          .map((id) => organizations.get(id))
          .filter(Boolean)
          .join(LIST_SEPARATOR);
      case "notes":
        return value ? storedNotesToMarkdown(value).trim() : "";
      default:
        return value === null || value === undefined ? "" : String(value);
    }
  };

  // Every cell and header passes through guardCell, so none opens as a formula.
  const line = (cells: string[]) => cells.map(guardCell);
  await write(stringify([line([...fields.map((f) => f.header), ...columns.map((c) => c.label)])]));
  let count = 0;
  for await (const chunk of crm.scan(actor, type)) {
    const rows = chunk.map((record) =>
      line([
        ...fields.map((f) => cell(record, f.key)),
        ...columns.map((c) => customText(record.customFieldValues.find((v) => v.columnId === c.id)?.value)),
      ]),
    );
    await write(stringify(rows));
    count += chunk.length;
  }
  return count;
}

/** The whole export as one string (the UI download and the tests). */
export async function exportCsvText(crm: CrmService, actor: Actor, type: EntityType): Promise<string> {
  const parts: string[] = [];
  await exportCsv(crm, actor, type, (chunk) => {
    parts.push(chunk);
  });
  return parts.join("");
}
