import { z } from "zod";
import { NotFoundError, ValidationError } from "../domain/errors.js";
import { newId } from "../domain/ids.js";
import {
  type CustomColumn,
  DEAL_STAGES_ID,
  DEFAULT_DEAL_STAGES,
  type DealServiceLine,
  ENTITIES,
  ENTITY_TYPES,
  type EntityRecord,
  type EntityType,
  type LinkTarget,
} from "../domain/model.js";
import { decodeCursor, type Page, pageLimit, pageOf } from "../domain/paging.js";
import { quote } from "../domain/quote.js";
import { searchText } from "../domain/search.js";
import { idInput, parse, SEARCH_TERM_MAX_LENGTH } from "../domain/validate.js";
import { normalizeDomain, normalizeWebsite } from "../domain/web.js";
import { type Actor, ChangeRecorder } from "../events/recorder.js";
import { notes as loadNotes } from "../notes/lazy.js";
import { NOTES_MARKDOWN_MAX_BYTES } from "../notes/limits.js";
import type { Store, StoredQuery, Tx } from "../store/index.js";
import { checkCustomValue, findColumn, listColumns, type StoredCustomValue } from "./custom-fields.js";
import { filterableFields, toStoredFilters } from "./filters.js";
import {
  CREATE_INPUTS,
  columnCreateInput,
  columnUpdateInput,
  customFieldsItemInput,
  dealStagesInput,
  derivedFieldProblem,
  type FilterInput,
  filtersInput,
  PHONE,
  searchTermInput,
  sortInput,
  UPDATE_INPUTS,
} from "./inputs.js";

export type { Actor };

export const MAX_BATCH = 100;
/** Records one scan walks (imports and exports); past it, a company needs a streaming export. */
export const MAX_SCAN = 1_000_000;
const SCAN_CHUNK = 500;

/** The ids of one batch call (delete, link, unlink). */
export const idsInput = z.array(idInput).min(1).max(MAX_BATCH);
export const entitiesInput = z.array(z.enum(ENTITY_TYPES)).min(1).max(ENTITY_TYPES.length);

export interface FindQuery {
  searchTerm?: string;
  filters?: FilterInput[];
  sort?: { field: string; direction?: "asc" | "desc" };
  limit?: number;
  cursor?: string;
}

type Input = Record<string, unknown>;

/** A relation as the write paths see it: the deal-service link lives in its own table. */
function relationTarget(type: EntityType, name: string): LinkTarget | undefined {
  if (type === "deal" && name === "serviceIds") return "service";
  return ENTITIES[type].relations.find((r) => r.name === name)?.target;
}

function isDealServiceLink(type: EntityType, target: LinkTarget): boolean {
  return (type === "deal" && target === "service") || (type === "service" && target === "deal");
}

/**
 * The CRM's write and read paths for the five entity types. Each write runs in one
 * transaction with its events and outbox rows; nothing is written when any input is bad.
 */
export class CrmService {
  constructor(private readonly store: Store) {}

  async create(actor: Actor, type: EntityType, items: unknown[]): Promise<EntityRecord[]> {
    const root = ENTITIES[type].plural;
    checkBatch(items, root);
    checkDerived(type, items, root);
    // The whole batch at once, so one error lists the problems of every item.
    const inputs = parse(z.array(CREATE_INPUTS[type]), items, root) as Input[];
    return this.store.write(async (tx) => {
      const recorder = new ChangeRecorder(tx, actor);
      const ids = await this.createIn(tx, recorder, actor, type, inputs);
      const after = await recorder.finish();
      return ids.map((id) => after.get(`${type}:${id}`)!);
    });
  }

  async update(actor: Actor, type: EntityType, items: unknown[]): Promise<EntityRecord[]> {
    const root = ENTITIES[type].plural;
    checkBatch(items, root);
    checkDerived(type, items, root);
    const inputs = parse(z.array(UPDATE_INPUTS[type]), items, root) as (Input & { id: string })[];
    checkDistinctIds(inputs, root);
    return this.store.write(async (tx) => {
      const recorder = new ChangeRecorder(tx, actor);
      await this.updateIn(tx, recorder, actor, type, inputs);
      const after = await recorder.finish();
      return inputs.map((input) => after.get(`${type}:${input.id}`)!);
    });
  }

  /**
   * Many writes in one transaction, for an import: `work` reads, creates and updates through
   * the batch, and the events of everything it changed are written once, at the end, with
   * the same envelopes and `changes` as single writes. Inputs must already be parsed (the
   * create or update schema); an item whose references or values fail its checks is
   * refused on its own (`refuse`) and the others are written. In a dry run (`write`
   * false) the batch only reads.
   */
  async batch<T>(
    actor: Actor,
    write: boolean,
    work: (batch: WriteBatch) => Promise<T>,
  ): Promise<{ result: T; after: Map<string, EntityRecord> }> {
    if (!write)
      return this.store.read(async (tx) => ({
        result: await work(this.batchOf(tx, actor, null)),
        after: new Map(),
      }));
    return this.store.write(async (tx) => {
      const recorder = new ChangeRecorder(tx, actor);
      const result = await work(this.batchOf(tx, actor, recorder));
      const after = await recorder.finish();
      return { result, after };
    });
  }

  private batchOf(tx: Tx, actor: Actor, recorder: ChangeRecorder | null): WriteBatch {
    const writer = () => {
      if (!recorder) throw new Error("a read-only batch cannot write");
      return recorder;
    };
    return {
      get: (type, ids) => tx.crm.load(actor.companyId, type, ids),
      createdSince: (type, since) => tx.crm.createdSince(actor.companyId, type, since),
      create: async (type, inputs, refuse) => {
        const root = ENTITIES[type].plural;
        const problem = derivedFieldProblem(type, inputs, root);
        if (problem) throw new ValidationError(problem.field, problem.message);
        return this.createIn(tx, writer(), actor, type, inputs, refuse);
      },
      update: async (type, inputs, refuse) => {
        const root = ENTITIES[type].plural;
        const problem = derivedFieldProblem(type, inputs, root);
        if (problem) throw new ValidationError(problem.field, problem.message);
        checkDistinctIds(inputs, root);
        const done = await this.updateIn(tx, writer(), actor, type, inputs, refuse);
        return inputs.map((input, i) => (done[i] ? input.id : null));
      },
    };
  }

  /** Creates checked inputs; returns their ids (null for an item `refuse` took). */
  private async createIn(
    tx: Tx,
    recorder: ChangeRecorder,
    actor: Actor,
    type: EntityType,
    inputs: Input[],
    refuse?: Refuse,
  ): Promise<(string | null)[]> {
    const root = ENTITIES[type].plural;
    // Custom columns matter only to items that set custom values.
    const columns = inputs.some((i) => i.customFieldValues)
      ? await tx.columns.list(actor.companyId, type)
      : [];
    const stages = type === "deal" ? await this.stagesIn(tx, actor) : [];
    const now = new Date().toISOString();
    const prepared: (Prepared | null)[] = [];
    for (const [i, input] of inputs.entries()) {
      prepared.push(
        await refusable(refuse, i, () =>
          this.prepare(tx, actor, type, input, columns, stages, `${root}[${i}]`),
        ),
      );
    }
    const ids = prepared.map((p) => (p ? newId(type) : null));
    const rows: (Record<string, unknown> & { id: string; companyId: string })[] = [];
    for (const [i, p] of prepared.entries()) {
      if (!p) continue;
      const id = ids[i]!;
      recorder.created(type, [id]);
      const row: Record<string, unknown> & { id: string; companyId: string } = {
        id,
        companyId: actor.companyId,
        createdAt: now,
        updatedAt: now,
        notes: p.notes ?? null,
      };
      for (const s of ENTITIES[type].scalars) {
        if (s.derived) continue;
        if (p.scalars[s.name] !== undefined) row[s.name] = p.scalars[s.name];
        else if (s.kind === "stringList") row[s.name] = [];
        else if (s.kind === "enum") row[s.name] = s.values![0];
        else if (s.kind === "stage") row[s.name] = stages[0];
      }
      row.searchText = searchText(type, row);
      rows.push(row);
    }
    await tx.crm.insertMany(type, rows);
    for (const [i, p] of prepared.entries()) {
      if (!p) continue;
      const id = ids[i]!;
      await this.applyRelations(tx, recorder, actor, type, id, p.relations, "add");
      if (p.services) await this.replaceDealServices(tx, recorder, actor, id, p.services);
      if (p.custom.length) await tx.crm.setCustomValues(actor.companyId, id, p.custom);
    }
    return ids;
  }

  /** Updates checked inputs; returns, per item, whether it was written (false when `refuse` took it). */
  private async updateIn(
    tx: Tx,
    recorder: ChangeRecorder,
    actor: Actor,
    type: EntityType,
    inputs: (Input & { id: string })[],
    refuse?: Refuse,
  ): Promise<boolean[]> {
    const root = ENTITIES[type].plural;
    // Custom columns matter only to items that set custom values.
    const columns = inputs.some((i) => i.customFieldValues)
      ? await tx.columns.list(actor.companyId, type)
      : [];
    const stages = type === "deal" && inputs.some((i) => i.stage) ? await this.stagesIn(tx, actor) : [];
    const existing = await tx.crm.load(
      actor.companyId,
      type,
      inputs.map((i) => i.id),
    );
    recorder.remember(type, existing);
    const prepared: (Prepared | null)[] = [];
    for (const [i, input] of inputs.entries()) {
      prepared.push(
        await refusable(refuse, i, async () => {
          if (!existing.has(input.id)) throw new NotFoundError(type, input.id, `${root}[${i}].id`);
          return this.prepare(tx, actor, type, input, columns, stages, `${root}[${i}]`);
        }),
      );
    }
    for (const [i, input] of inputs.entries()) {
      const p = prepared[i];
      if (!p) continue;
      const before = existing.get(input.id)!;
      const patch: Record<string, unknown> = { ...p.scalars };
      if (ENTITIES[type].searchFields.some((f) => patch[f] !== undefined))
        patch.searchText = searchText(type, { ...before, ...patch });
      if (input.notes !== undefined) patch.notes = p.notes;
      if (Object.keys(patch).length) await tx.crm.update(actor.companyId, type, input.id, patch);
      if (type === "service" && patch.amount !== undefined) {
        const dealIds = before.dealIds as string[];
        await recorder.track("deal", dealIds);
        await tx.crm.recomputeDealTotals(actor.companyId, dealIds);
      }
      for (const [target, ids] of p.relations) {
        const name = ENTITIES[type].relations.find((r) => r.target === target)?.name ?? "serviceIds";
        const old = new Set((before[name] as string[]) ?? []);
        const next = new Set(ids);
        const add = ids.filter((x) => !old.has(x));
        const remove = [...old].filter((x) => !next.has(x));
        await this.applyRelations(tx, recorder, actor, type, input.id, new Map([[target, add]]), "add");
        await this.applyRelations(tx, recorder, actor, type, input.id, new Map([[target, remove]]), "remove");
      }
      if (p.services) await this.replaceDealServices(tx, recorder, actor, input.id, p.services);
      if (p.custom.length) await tx.crm.setCustomValues(actor.companyId, input.id, p.custom);
    }
    return prepared.map((p) => p !== null);
  }

  async delete(actor: Actor, type: EntityType, ids: string[]): Promise<string[]> {
    const list = parse(idsInput, ids, "ids");
    return this.store.write(async (tx) => {
      const recorder = new ChangeRecorder(tx, actor);
      const existing = await tx.crm.load(actor.companyId, type, list);
      recorder.remember(type, existing);
      for (const [i, id] of list.entries())
        if (!existing.has(id)) throw new NotFoundError(type, id, `ids[${i}]`);
      for (const id of new Set(list)) {
        const before = existing.get(id)!;
        for (const r of ENTITIES[type].relations) {
          if (r.target !== "user") await recorder.track(r.target, before[r.name] as string[]);
        }
        if (type === "deal") {
          await recorder.track(
            "service",
            (before.services as DealServiceLine[]).map((l) => l.serviceId),
          );
        }
        await tx.crm.delete(actor.companyId, type, id);
        if (type === "service") await tx.crm.recomputeDealTotals(actor.companyId, before.dealIds as string[]);
      }
      await recorder.finish();
      return [...new Set(list)];
    });
  }

  async link(
    actor: Actor,
    type: EntityType,
    id: string,
    relation: string,
    ids: string[],
    mode: "add" | "remove",
  ) {
    const target = relationTarget(type, relation);
    if (!target) {
      const valid = ENTITIES[type].relations.map((r) => r.name);
      if (type === "deal") valid.push("serviceIds");
      throw new ValidationError(
        "relation",
        `${quote(relation)} is not a relationship of ${type}. Use one of: ${valid.join(", ")}`,
      );
    }
    parse(idInput, id, "id");
    const list = parse(idsInput, ids, "ids");
    return this.store.write(async (tx) => {
      const recorder = new ChangeRecorder(tx, actor);
      const existing = await tx.crm.load(actor.companyId, type, [id]);
      if (!existing.has(id)) throw new NotFoundError(type, id, "id");
      if (mode === "add") await this.checkIds(tx, actor, target, list, "ids");
      recorder.remember(type, existing);
      await this.applyRelations(tx, recorder, actor, type, id, new Map([[target, list]]), mode);
      const after = await recorder.finish();
      return after.get(`${type}:${id}`)!;
    });
  }

  async setCustomFields(actor: Actor, type: EntityType, items: { id: string; customFieldValues: unknown }[]) {
    checkBatch(items, "items");
    const inputs = items.map((item, i) => parse(customFieldsItemInput, item, `items[${i}]`));
    return this.store.write(async (tx) => {
      const columns = await tx.columns.list(actor.companyId, type);
      const existing = await tx.crm.load(
        actor.companyId,
        type,
        inputs.map((i) => i.id),
      );
      const prepared = inputs.map((input, i) => {
        if (!existing.has(input.id)) throw new NotFoundError(type, input.id, `items[${i}].id`);
        return checkCustomValues(type, input.customFieldValues, columns, `items[${i}].customFieldValues`);
      });
      const recorder = new ChangeRecorder(tx, actor);
      recorder.remember(type, existing);
      for (const [i, input] of inputs.entries()) {
        await tx.crm.setCustomValues(actor.companyId, input.id, prepared[i]!);
      }
      const after = await recorder.finish();
      return inputs.map((input) => after.get(`${type}:${input.id}`)!);
    });
  }

  /** Replaces notes, or appends markdown to them, for a batch of entities. */
  async writeNotes(
    actor: Actor,
    type: EntityType,
    items: { id: string; notes: unknown }[],
    combine: (old: unknown, next: unknown) => unknown,
  ): Promise<EntityRecord[]> {
    checkBatch(items, "items");
    const inputs = items.map((item, i) =>
      parse(
        z.strictObject({ id: idInput, notes: z.union([z.string().max(NOTES_MARKDOWN_MAX_BYTES), z.null()]) }),
        item,
        `items[${i}]`,
      ),
    );
    return this.store.write(async (tx) => {
      const existing = await tx.crm.load(
        actor.companyId,
        type,
        inputs.map((i) => i.id),
      );
      const next = inputs.map((input, i) => {
        const before = existing.get(input.id);
        if (!before) throw new NotFoundError(type, input.id, `items[${i}].id`);
        try {
          return combine(before.notes, input.notes);
        } catch (error) {
          if (error instanceof ValidationError) throw new ValidationError(`items[${i}].notes`, error.message);
          throw error;
        }
      });
      const recorder = new ChangeRecorder(tx, actor);
      recorder.remember(type, existing);
      for (const [i, input] of inputs.entries()) {
        await tx.crm.update(actor.companyId, type, input.id, { notes: next[i] ?? null });
      }
      const after = await recorder.finish();
      return inputs.map((input) => after.get(`${type}:${input.id}`)!);
    });
  }

  async get(actor: Actor, type: EntityType, ids: string[]): Promise<Map<string, EntityRecord>> {
    parse(z.array(idInput).max(MAX_BATCH), ids, "ids");
    return this.store.read((tx) => tx.crm.load(actor.companyId, type, ids));
  }

  async find(actor: Actor, type: EntityType, query: FindQuery): Promise<Page<EntityRecord>> {
    const limit = pageLimit(query.limit);
    const offset = decodeCursor(query.cursor);
    return this.store.read(async (tx) => {
      const stored = await this.storedQuery(tx, actor, type, query);
      const { ids, total } = await tx.crm.find(actor.companyId, type, { ...stored, limit, offset });
      const records = await tx.crm.load(actor.companyId, type, ids);
      const items = ids.map((id) => records.get(id)!).filter(Boolean);
      return pageOf(items, total, offset);
    });
  }

  /**
   * Every record of a type, oldest first, a chunk at a time: imports match their rows
   * against what exists, and exports write it all. Each chunk is its own short read.
   */
  async *scan(actor: Actor, type: EntityType, chunk = SCAN_CHUNK): AsyncGenerator<EntityRecord[]> {
    const { ids } = await this.store.read((tx) =>
      tx.crm.find(actor.companyId, type, {
        filters: [],
        sort: { field: "createdAt", direction: "asc" },
        limit: MAX_SCAN,
        offset: 0,
      }),
    );
    for (let i = 0; i < ids.length; i += chunk) {
      const part = ids.slice(i, i + chunk);
      const records = await this.store.read((tx) => tx.crm.load(actor.companyId, type, part));
      yield part.map((id) => records.get(id)).filter((r): r is EntityRecord => Boolean(r));
    }
  }

  async count(
    actor: Actor,
    type: EntityType,
    query: Omit<FindQuery, "sort" | "limit" | "cursor">,
  ): Promise<number> {
    return this.store.read(async (tx) => {
      const stored = await this.storedQuery(tx, actor, type, query);
      return tx.crm.count(actor.companyId, type, stored);
    });
  }

  async searchAll(
    actor: Actor,
    searchTerm: string,
    entities: EntityType[] = [...ENTITY_TYPES],
    limitPerEntity = 5,
  ) {
    const term = parse(
      z.string().max(SEARCH_TERM_MAX_LENGTH).trim().min(1, "must not be empty"),
      searchTerm,
      "searchTerm",
    );
    const types = parse(entitiesInput, entities, "entities");
    const limit = parse(z.number().int().min(1).max(25), limitPerEntity, "limitPerEntity");
    return this.store.read(async (tx) => {
      const out: { entity: EntityType; total: number; items: EntityRecord[] }[] = [];
      for (const type of new Set(types)) {
        const { ids, total } = await tx.crm.find(actor.companyId, type, {
          searchTerm: term,
          filters: [],
          limit,
          offset: 0,
        });
        const records = await tx.crm.load(actor.companyId, type, ids);
        out.push({ entity: type, total, items: ids.map((id) => records.get(id)!) });
      }
      return out;
    });
  }

  async configuration(actor: Actor, type: EntityType) {
    const { columns, stages } = await this.store.read(async (tx) => ({
      columns: await tx.columns.list(actor.companyId, type),
      stages: type === "deal" ? await this.stagesIn(tx, actor) : [],
    }));
    const relations: { name: string; target: string; meaning?: string }[] = ENTITIES[type].relations.map(
      (r) => ({ name: r.name, target: r.target, ...(r.meaning ? { meaning: r.meaning } : {}) }),
    );
    if (type === "deal")
      relations.push({
        name: "serviceIds",
        target: "service",
        meaning: "the services of the deal's lines; services sets them with quantities",
      });
    return {
      entity: type,
      fields: filterableFields(type, columns, stages),
      relations,
      customColumns: columns,
    };
  }

  /** The company's ordered deal stages: its own list, or the defaults. */
  async dealStages(actor: Actor): Promise<string[]> {
    return this.store.read((tx) => this.stagesIn(tx, actor));
  }

  /**
   * Replaces the company's deal stages, in pipeline order. A stage that deals still hold
   * stays until they move: removing it is refused, with the count.
   */
  async setDealStages(actor: Actor, input: unknown): Promise<string[]> {
    const stages = parse(dealStagesInput, input, "options");
    return this.store.write(async (tx) => {
      const removed = (await this.stagesIn(tx, actor)).filter((s) => !stages.includes(s));
      for (const stage of removed) {
        const held = await tx.crm.count(actor.companyId, "deal", {
          filters: [{ kind: "column", field: "stage", operator: "equals", value: stage }],
        });
        if (held > 0)
          throw new ValidationError(
            "options",
            `${held} deal${held === 1 ? " is" : "s are"} at stage ${quote(stage)}; move ${held === 1 ? "it" : "them"} to another stage (update_deals) before removing it, or keep it in the list`,
          );
      }
      await tx.columns.setDealStages(actor.companyId, stages, new Date().toISOString());
      return stages;
    });
  }

  // --- custom columns ---------------------------------------------------------------

  async listColumns(actor: Actor, entityType?: EntityType): Promise<CustomColumn[]> {
    return this.store.read((tx) => tx.columns.list(actor.companyId, entityType));
  }

  async createColumn(actor: Actor, input: unknown): Promise<CustomColumn> {
    const data = parse(columnCreateInput, input);
    if (data.type === "singleSelect" && data.options.length === 0) {
      throw new ValidationError("options", "a singleSelect column needs at least one option");
    }
    const now = new Date().toISOString();
    const column: CustomColumn = { id: newId("column"), ...data, createdAt: now, updatedAt: now };
    await this.store.write((tx) => tx.columns.insert(actor.companyId, column));
    return column;
  }

  /**
   * Renames a column or changes its options. Values already stored stay as they are; the
   * records whose value is no longer an option come back in `mismatched` (the first 100).
   */
  async updateColumn(
    actor: Actor,
    input: unknown,
  ): Promise<
    (CustomColumn | DealStagesColumn) & {
      mismatched?: { id: string; value: unknown }[];
      mismatchedCount?: number;
    }
  > {
    const data = parse(columnUpdateInput, input);
    if (data.id === DEAL_STAGES_ID) {
      if (data.label !== undefined)
        throw new ValidationError("label", "the deal stage field keeps its name; give only options");
      if (data.options === undefined)
        throw new ValidationError(
          "options",
          'give the deal stages in pipeline order, such as ["lead", "won", "lost"]',
        );
      return dealStagesColumn(await this.setDealStages(actor, data.options));
    }
    return this.store.write(async (tx) => {
      const column = await tx.columns.get(actor.companyId, data.id);
      if (!column) throw new NotFoundError("custom column", data.id);
      if (data.options && column.type === "singleSelect" && data.options.length === 0) {
        throw new ValidationError("options", "a singleSelect column needs at least one option");
      }
      const patch = {
        ...(data.label ? { label: data.label } : {}),
        ...(data.options ? { options: data.options } : {}),
      };
      const updated = { ...column, ...patch, updatedAt: new Date().toISOString() };
      await tx.columns.update(actor.companyId, data.id, { ...patch, updatedAt: updated.updatedAt });
      if (!data.options || column.type !== "singleSelect") return updated;
      const holders = await tx.crm.load(
        actor.companyId,
        column.entityType,
        await tx.crm.idsWithColumn(actor.companyId, column.id),
      );
      const mismatched = [...holders.values()].flatMap((r) => {
        const held = r.customFieldValues.find((v) => v.columnId === column.id);
        return held && !data.options!.includes(held.value as string) ? [{ id: r.id, value: held.value }] : [];
      });
      return { ...updated, mismatchedCount: mismatched.length, mismatched: mismatched.slice(0, MAX_BATCH) };
    });
  }

  /** Deleting a column removes its values; each entity that held one emits `*.updated`. */
  async deleteColumn(actor: Actor, id: string): Promise<string> {
    parse(idInput, id, "id");
    return this.store.write(async (tx) => {
      const column = await tx.columns.get(actor.companyId, id);
      if (!column) throw new NotFoundError("custom column", id);
      const recorder = new ChangeRecorder(tx, actor);
      await recorder.track(column.entityType, await tx.crm.idsWithColumn(actor.companyId, id));
      await tx.columns.delete(actor.companyId, id);
      await recorder.finish();
      return id;
    });
  }

  // --- internals ----------------------------------------------------------------------

  private async stagesIn(tx: Tx, actor: Actor): Promise<string[]> {
    return (await tx.columns.dealStages(actor.companyId)) ?? [...DEFAULT_DEAL_STAGES];
  }

  private async storedQuery(
    tx: Tx,
    actor: Actor,
    type: EntityType,
    query: Omit<FindQuery, "limit" | "cursor">,
  ): Promise<Omit<StoredQuery, "limit" | "offset">> {
    const filters = parse(filtersInput.optional(), query.filters, "filters") ?? [];
    const searchTerm = parse(searchTermInput.optional(), query.searchTerm, "searchTerm");
    const columns = await tx.columns.list(actor.companyId, type);
    const stored: Omit<StoredQuery, "limit" | "offset"> = {
      searchTerm,
      filters: toStoredFilters(type, filters, columns),
    };
    if (query.sort) {
      const sort = parse(sortInput, query.sort, "sort");
      const fields = filterableFields(type, columns);
      if (!fields.some((f) => f.name === sort.field))
        sort.field = findColumn(columns, sort.field)?.id ?? sort.field;
      const info = fields.find((f) => f.name === sort.field);
      if (!info?.sortable) {
        const valid = filterableFields(type, columns)
          .filter((f) => f.sortable)
          .map((f) => f.name);
        throw new ValidationError(
          "sort.field",
          `cannot sort ${type} by ${quote(sort.field)}. Sortable: ${valid.join(", ")}`,
        );
      }
      const column = columns.find((c) => c.id === sort.field);
      stored.sort = {
        field: sort.field,
        direction: sort.direction,
        ...(column ? { custom: { columnId: column.id, numeric: info.kind !== "string" } } : {}),
        ...(info.kind === "stage" ? { order: await this.stagesIn(tx, actor) } : {}),
      };
    }
    return stored;
  }

  /** Checks an item's references and values before anything is written. */
  private async prepare(
    tx: Tx,
    actor: Actor,
    type: EntityType,
    input: Input,
    columns: CustomColumn[],
    stages: readonly string[],
    at: string,
  ): Promise<Prepared> {
    const scalars: Record<string, unknown> = {};
    for (const s of ENTITIES[type].scalars) {
      const value = input[s.name];
      if (s.derived || value === undefined) continue;
      scalars[s.name] = value;
      if (s.format === "phone") {
        const bad = (value as string[]).findIndex((p) => !PHONE.test(p));
        if (bad >= 0)
          throw new ValidationError(
            `${at}.${s.name}[${bad}]`,
            `${quote((value as string[])[bad])} is not a phone number; give one such as +49 30 1234567`,
          );
      }
      if (typeof value !== "string") continue;
      if (s.format === "domain" || s.format === "url") {
        const normal =
          value === "" ? null : s.format === "domain" ? normalizeDomain(value) : normalizeWebsite(value);
        if (normal === null && value !== "")
          throw new ValidationError(
            `${at}.${s.name}`,
            s.format === "domain"
              ? `${quote(value)} is not a domain; give one such as acme.de (a URL is cut to its domain)`
              : `${quote(value)} is not a website; give an http(s) address such as https://acme.de`,
          );
        scalars[s.name] = normal;
      }
      if (s.kind === "stage" && !stages.includes(value))
        throw new ValidationError(
          `${at}.${s.name}`,
          `${quote(value)} is not one of the company's deal stages: ${stages.join(", ")} (update_custom_column with id "${DEAL_STAGES_ID}" changes them)`,
        );
    }
    const relations = new Map<LinkTarget, string[]>();
    for (const r of ENTITIES[type].relations) {
      const ids = input[r.name] as string[] | undefined;
      if (ids === undefined) continue;
      await this.checkIds(tx, actor, r.target, ids, `${at}.${r.name}`);
      relations.set(r.target, [...new Set(ids)]);
    }
    let services: DealServiceLine[] | undefined;
    if (type === "deal" && input.services !== undefined) {
      services = input.services as DealServiceLine[];
      const ids = services.map((s) => s.serviceId);
      const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
      if (dup >= 0)
        throw new ValidationError(
          `${at}.services[${dup}].serviceId`,
          "appears twice; give each service once with its quantity",
        );
      await this.checkIds(tx, actor, "service", ids, `${at}.services`);
    }
    let notes: unknown;
    if (input.notes !== undefined) {
      try {
        notes = input.notes === null ? null : (await loadNotes()).normalizeNotes(input.notes);
      } catch (error) {
        if (error instanceof ValidationError)
          throw new ValidationError(`${at}.notes`, error.message.replace(/^notes: /, ""));
        throw error;
      }
    }
    const custom = input.customFieldValues
      ? checkCustomValues(
          type,
          input.customFieldValues as { columnId: string; value: unknown }[],
          columns,
          `${at}.customFieldValues`,
        )
      : [];
    return { scalars, relations, services, notes, custom };
  }

  private async checkIds(
    tx: Tx,
    actor: Actor,
    target: LinkTarget,
    ids: string[],
    field: string,
  ): Promise<void> {
    const found = await tx.crm.existing(actor.companyId, target, ids);
    const missing = ids.findIndex((id) => !found.has(id));
    if (missing >= 0) {
      throw new NotFoundError(target, ids[missing]!, `${field}[${missing}]`);
    }
  }

  private async applyRelations(
    tx: Tx,
    recorder: ChangeRecorder,
    actor: Actor,
    type: EntityType,
    id: string,
    relations: Map<LinkTarget, string[]>,
    mode: "add" | "remove",
  ): Promise<void> {
    for (const [target, ids] of relations) {
      if (ids.length === 0) continue;
      if (target !== "user") await recorder.track(target, ids);
      if (isDealServiceLink(type, target)) {
        const dealIds = type === "deal" ? [id] : ids;
        for (const dealId of dealIds) {
          const serviceIds = type === "deal" ? ids : [id];
          const current = (await tx.crm.load(actor.companyId, "deal", [dealId])).get(dealId);
          if (!current) continue;
          const lines = current.services as DealServiceLine[];
          const next =
            mode === "add"
              ? [
                  ...lines,
                  ...serviceIds
                    .filter((s) => !lines.some((l) => l.serviceId === s))
                    .map((serviceId) => ({ serviceId, quantity: 1 })),
                ]
              : lines.filter((l) => !serviceIds.includes(l.serviceId));
          await tx.crm.setDealServices(actor.companyId, dealId, next);
          await tx.crm.recomputeDealTotals(actor.companyId, [dealId]);
        }
        continue;
      }
      if (mode === "add") await tx.crm.addLinks(actor.companyId, type, id, target, ids);
      else await tx.crm.removeLinks(type, id, target, ids);
    }
  }

  private async replaceDealServices(
    tx: Tx,
    recorder: ChangeRecorder,
    actor: Actor,
    dealId: string,
    lines: DealServiceLine[],
  ) {
    const current = (await tx.crm.load(actor.companyId, "deal", [dealId])).get(dealId);
    const old = ((current?.services as DealServiceLine[]) ?? []).map((l) => l.serviceId);
    await recorder.track("service", [...old, ...lines.map((l) => l.serviceId)]);
    await tx.crm.setDealServices(actor.companyId, dealId, lines);
    await tx.crm.recomputeDealTotals(actor.companyId, [dealId]);
  }
}

/** The deal stages as the custom-column tools show them: a built-in single select. */
export interface DealStagesColumn {
  id: typeof DEAL_STAGES_ID;
  entityType: "deal";
  label: string;
  type: "singleSelect";
  options: string[];
  builtIn: true;
}

function dealStagesColumn(stages: string[]): DealStagesColumn {
  return {
    id: DEAL_STAGES_ID,
    entityType: "deal",
    label: "Stage",
    type: "singleSelect",
    options: stages,
    builtIn: true,
  };
}

/** A batch of an import's writes, in one transaction (see `CrmService.batch`). */
export interface WriteBatch {
  get(type: EntityType, ids: string[]): Promise<Map<string, EntityRecord>>;
  /** Ids of the type created since `since` (ms), as the store's `createdSince` tells. */
  createdSince(type: EntityType, since: number): Promise<string[]>;
  /** Creates parsed inputs; their new ids, null where `refuse` took the item. */
  create(type: EntityType, inputs: Input[], refuse: Refuse): Promise<(string | null)[]>;
  /** Updates parsed inputs; their ids, null where `refuse` took the item. */
  update(type: EntityType, inputs: (Input & { id: string })[], refuse: Refuse): Promise<(string | null)[]>;
}

/** Takes an item's failed check: the item is left out and the rest are written. */
export type Refuse = (index: number, error: ValidationError | NotFoundError) => void;

interface Prepared {
  scalars: Record<string, unknown>;
  relations: Map<LinkTarget, string[]>;
  services: DealServiceLine[] | undefined;
  notes: unknown;
  custom: (StoredCustomValue | { columnId: string; value: null })[];
}

/** Runs an item's checks; with `refuse`, a failed check refuses the item (null) instead of the whole write. */
async function refusable<T>(
  refuse: Refuse | undefined,
  index: number,
  check: () => Promise<T>,
): Promise<T | null> {
  try {
    return await check();
  } catch (error) {
    if (!refuse || !(error instanceof ValidationError || error instanceof NotFoundError)) throw error;
    refuse(index, error);
    return null;
  }
}

function checkDistinctIds(inputs: { id: string }[], root: string): void {
  const seen = new Set<string>();
  for (const [i, input] of inputs.entries()) {
    if (seen.has(input.id))
      throw new ValidationError(`${root}[${i}].id`, `${quote(input.id)} appears twice; merge the two items`);
    seen.add(input.id);
  }
}

function checkDerived(type: EntityType, items: unknown[], root: string): void {
  const problem = derivedFieldProblem(type, items, root);
  if (problem) throw new ValidationError(problem.field, problem.message);
}

function checkBatch(items: unknown, root: string): void {
  if (!Array.isArray(items) || items.length === 0)
    throw new ValidationError(root, "give between 1 and 100 items");
  if (items.length > MAX_BATCH)
    throw new ValidationError(root, `${items.length} items; send at most ${MAX_BATCH} per call`);
}

function checkCustomValues(
  type: EntityType,
  values: { columnId: string; value: unknown }[],
  columns: CustomColumn[],
  at: string,
): (StoredCustomValue | { columnId: string; value: null })[] {
  return values.map((v, i) => {
    const column = findColumn(columns, v.columnId);
    if (!column) {
      const valid = listColumns(columns) || "none yet; create one with create_custom_column";
      throw new ValidationError(
        `${at}[${i}].columnId`,
        `${quote(v.columnId)} is not a custom column of ${type}. Columns: ${valid}`,
      );
    }
    if (v.value === null || v.value === undefined) return { columnId: column.id, value: null };
    return checkCustomValue(column, v.value, `${at}[${i}].value`);
  });
}
