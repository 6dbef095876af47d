import { z } from "zod";
import { NotFoundError, ValidationError } from "../domain/errors.js";
import { inferEntity } from "../domain/ids.js";
import { ENTITY_TYPES } from "../domain/model.js";
import { decodeCursor, type Page, pageLimit, pageOf } from "../domain/paging.js";
import { quote } from "../domain/quote.js";
import { cursorInput, idInput, parse } from "../domain/validate.js";
import type { EventRow, Store } from "../store/index.js";
import type { EventName } from "./catalog.js";
import type { Changes } from "./diff.js";
import type { Envelope } from "./envelope.js";
import type { Actor } from "./recorder.js";

export const historyQuery = z.strictObject({
  entity: z.enum(ENTITY_TYPES).optional(),
  id: idInput,
  limit: z.number().int().min(1).max(100).optional().describe("Default 25"),
  cursor: cursorInput.optional(),
});

export type HistoryQuery = z.input<typeof historyQuery>;

/** One event that touched a record: `changes` on `*.updated`, null on created and deleted. */
export interface HistoryEntry {
  event: EventName;
  at: string;
  userId: string;
  changes: Changes | null;
}

/**
 * A record's history, read from the stored events: each event names its entity, and a
 * link change emits `*.updated` on both sides, so the events whose entity is the record are
 * all that touched it. A deleted record keeps its history.
 */
export class HistoryService {
  constructor(private readonly store: Store) {}

  async forEntity(actor: Actor, query: HistoryQuery): Promise<Page<HistoryEntry>> {
    const q = parse(historyQuery, query);
    const type = inferEntity(q.id, "id");
    if (q.entity && q.entity !== type) {
      throw new ValidationError(
        "entity",
        `${quote(q.id)} is a ${type} id; pass entity "${type}" or leave it out`,
      );
    }
    const limit = pageLimit(q.limit);
    const offset = decodeCursor(q.cursor);
    return this.store.read(async (tx) => {
      const { items, total } = await tx.webhooks.entityEvents(actor.companyId, q.id, { limit, offset });
      if (total === 0 && !(await tx.crm.existing(actor.companyId, type, [q.id])).has(q.id)) {
        throw new NotFoundError(type, q.id);
      }
      return pageOf(items.map(entry), total, offset);
    });
  }
}

function entry(row: EventRow): HistoryEntry {
  const envelope = JSON.parse(row.body) as Envelope;
  const changes = envelope.data.payload.changes as Changes | undefined;
  return { event: envelope.event, at: envelope.timestamp, userId: row.userId, changes: changes ?? null };
}
