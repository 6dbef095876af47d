import { newId } from "../domain/ids.js";
import type { EntityRecord, EntityType } from "../domain/model.js";
import type { EventRow, Stamp, Tx } from "../store/index.js";
import type { EventName } from "./catalog.js";
import { type Changes, diffRecords } from "./diff.js";
import { type Envelope, serializeEnvelope } from "./envelope.js";

export interface Actor {
  userId: string;
  companyId: string;
}

/**
 * Where events are born. A write first tells the recorder every entity it may move (the
 * recorder loads each one's "before" once); when the write is done, `finish` loads the
 * "after" of each, diffs the two and writes one event per entity that moved, with its
 * outbox rows, inside the same transaction. An entity whose diff is empty emits nothing.
 */
export class ChangeRecorder {
  private readonly before = new Map<string, { type: EntityType; id: string; record: EntityRecord | null }>();

  constructor(
    private readonly tx: Tx,
    private readonly actor: Actor,
  ) {}

  /** Loads and keeps the "before" of entities not yet tracked. Call before changing them. */
  async track(type: EntityType, ids: Iterable<string>): Promise<void> {
    const fresh = [...new Set(ids)].filter((id) => !this.before.has(key(type, id)));
    if (fresh.length === 0) return;
    const loaded = await this.tx.crm.load(this.actor.companyId, type, fresh);
    for (const id of fresh) this.before.set(key(type, id), { type, id, record: loaded.get(id) ?? null });
  }

  /** Keeps records the caller already loaded in this transaction as their "before". */
  remember(type: EntityType, records: Map<string, EntityRecord>): void {
    for (const [id, record] of records) {
      if (!this.before.has(key(type, id))) this.before.set(key(type, id), { type, id, record });
    }
  }

  /** Marks entities created by this write (they have no "before"). */
  created(type: EntityType, ids: Iterable<string>): void {
    for (const id of ids) this.before.set(key(type, id), { type, id, record: null });
  }

  /** Diffs everything tracked and writes the events; returns the "after" records by type and id. */
  async finish(now = new Date()): Promise<Map<string, EntityRecord>> {
    const timestamp = now.toISOString();
    const byType = new Map<EntityType, string[]>();
    for (const t of this.before.values()) {
      const list = byType.get(t.type) ?? [];
      list.push(t.id);
      byType.set(t.type, list);
    }
    const after = new Map<string, EntityRecord>();
    for (const [type, ids] of byType) {
      const loaded = await this.tx.crm.load(this.actor.companyId, type, ids);
      for (const [id, record] of loaded) after.set(key(type, id), record);
    }

    const rows: EventRow[] = [];
    // The records that moved get the event's time, written with the events.
    const stamp: Stamp = { at: timestamp, records: new Map() };
    for (const [k, t] of this.before) {
      const current = after.get(k) ?? null;
      const previous = t.record;
      let event: EventName;
      let payload: Record<string, unknown>;
      if (!previous && !current) continue;
      if (!previous && current) {
        event = `${t.type}.created`;
        payload = { [t.type]: current };
      } else if (previous && !current) {
        event = `${t.type}.deleted`;
        payload = { [`${t.type}Id`]: t.id };
      } else {
        const changes: Changes = diffRecords(previous!, current!);
        if (Object.keys(changes).length === 0) continue;
        const ids = stamp.records.get(t.type);
        if (ids) ids.push(t.id);
        else stamp.records.set(t.type, [t.id]);
        current!.updatedAt = timestamp;
        event = `${t.type}.updated`;
        payload = { [t.type]: current, changes };
      }
      const envelope: Envelope = {
        event,
        data: { userId: this.actor.userId, companyId: this.actor.companyId, entityId: t.id, payload },
        timestamp,
      };
      rows.push({
        id: newId("event"),
        companyId: this.actor.companyId,
        event,
        entityId: t.id,
        userId: this.actor.userId,
        body: serializeEnvelope(envelope),
        createdAt: timestamp,
      });
    }
    const { written, claimed, declined } = await this.tx.webhooks.recordEvents(
      this.actor.companyId,
      rows,
      this.tx.localClaimer,
      stamp,
    );
    this.tx.noteDeliveries(written, claimed, declined);
    return after;
  }
}

export function key(type: EntityType, id: string): string {
  return `${type}:${id}`;
}
