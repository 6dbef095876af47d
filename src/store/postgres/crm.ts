import { getTableColumns } from "drizzle-orm";
import { idFloor } from "../../domain/ids.js";
import {
  type DealServiceLine,
  ENTITIES,
  type EntityRecord,
  type EntityType,
  type LinkTarget,
} from "../../domain/model.js";
import { searchWords } from "../../domain/search.js";
import {
  type CrmRepository,
  type CustomValueRow,
  type EntityRow,
  escapeLike,
  groupByFields,
  type StoredFilter,
  type StoredQuery,
} from "../api.js";
import type { Conn } from "./db.js";
import type { WriteLocks } from "./lock.js";
import { contacts, deals, organizations, services, tasks } from "./schema/index.js";

const TABLES = {
  contact: contacts,
  organization: organizations,
  deal: deals,
  service: services,
  task: tasks,
};

interface Shape {
  name: string;
  /** Column name by record field. */
  columns: Record<string, string>;
  /** Fields kept as JSON (encoded on the way in; the driver decodes them on the way out). */
  json: Set<string>;
  /** Fields kept as text, which compare and sort by code point, as on SQLite. */
  text: Set<string>;
  select: string;
}

const SHAPES = Object.fromEntries(
  (Object.keys(TABLES) as EntityType[]).map((type) => {
    const table = TABLES[type];
    const columns = getTableColumns(table) as Record<string, { name: string; dataType: string }>;
    const byField = Object.fromEntries(Object.entries(columns).map(([field, c]) => [field, c.name]));
    const of = (dataType: string) =>
      new Set(
        Object.entries(columns)
          .filter(([, c]) => c.dataType === dataType)
          .map(([f]) => f),
      );
    const shape: Shape = {
      name: (table as unknown as Record<symbol, string>)[Symbol.for("drizzle:Name")]!,
      columns: byField,
      json: of("json"),
      text: of("string"),
      select: Object.entries(byField)
        .map(([field, column]) => `"${column}" as "${field}"`)
        .join(", "),
    };
    return [type, shape];
  }),
) as Record<EntityType, Shape>;

/** What `load` reads with each row, as JSON arrays (null when there is none). */
interface Related {
  __links: [LinkTarget, string][] | null;
  __lines?: [string, number][] | null;
  __deals?: string[] | null;
  __custom: [string, unknown][] | null;
}

/**
 * `load`'s statement per type: the rows, and with each its links in the order SQLite's
 * indexes give (those where the record is the first of the pair, then those where it is
 * the second, each by the other's id), a deal's service lines by position, a service's
 * deals by id, and the custom values by column.
 */
const LOADS = Object.fromEntries(
  (Object.keys(TABLES) as EntityType[]).map((type) => {
    const shape = SHAPES[type];
    const parts = [
      `select ${shape.select}`,
      `(select json_agg(json_build_array(l.type, l.other) order by l.side, l.other)
         from (select b_type as type, b_id as other, 0 as side from links where a_id = r.id
               union all select a_type, a_id, 1 from links where b_id = r.id) l) as "__links"`,
    ];
    if (type === "deal")
      parts.push(`(select json_agg(json_build_array(service_id, quantity) order by position)
         from deal_services where deal_id = r.id) as "__lines"`);
    if (type === "service")
      parts.push(
        `(select json_agg(deal_id order by deal_id) from deal_services where service_id = r.id) as "__deals"`,
      );
    parts.push(`(select json_agg(json_build_array(column_id, value) order by column_id)
         from custom_field_values where entity_id = r.id) as "__custom"`);
    return [
      type,
      `${parts.join(",\n  ")}\nfrom ${shape.name} r where company_id = $1 and id = any($2::text[])`,
    ];
  }),
) as Record<EntityType, string>;

/** The table of an entity type's records. */
export function entityTable(type: EntityType): string {
  return SHAPES[type].name;
}

function pair(type: LinkTarget, id: string, otherType: LinkTarget, otherId: string) {
  return type < otherType
    ? { aType: type, aId: id, bType: otherType, bId: otherId }
    : { aType: otherType, aId: otherId, bType: type, bId: id };
}

/** Parameters of one statement as it is built: `p(value)` adds one and returns its `$n`. */
class Params {
  readonly values: unknown[] = [];
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
  list(values: unknown): string {
    const items = Array.isArray(values) ? values : [values];
    return `(${items.map((v) => this.p(v)).join(", ")})`;
  }
}

/** Entity rows, their links, deal lines and custom values, for one company at a time. */
export class PgCrmRepository implements CrmRepository {
  constructor(
    private readonly c: Conn,
    private readonly locks: WriteLocks,
  ) {}

  async load(companyId: string, type: EntityType, ids: string[]): Promise<Map<string, EntityRecord>> {
    const out = new Map<string, EntityRecord>();
    if (ids.length === 0) return out;
    await this.locks.take(companyId);
    const def = ENTITIES[type];
    // One round trip: each row with its links, deal lines and custom values as JSON arrays.
    const rows = await this.c.all<EntityRow & Related>(LOADS[type], [companyId, [...new Set(ids)]]);
    if (rows.length === 0) return out;
    for (const row of rows) {
      const byTarget = new Map<LinkTarget, string[]>();
      const push = (target: LinkTarget, other: string) => {
        const list = byTarget.get(target);
        if (list) list.push(other);
        else byTarget.set(target, [other]);
      };
      for (const [target, other] of row.__links ?? []) push(target, other);
      for (const dealId of row.__deals ?? []) push("deal", dealId);
      // Keys in the order a reader expects: id, own fields, links, notes, custom values, times.
      const record = { id: row.id } as EntityRecord;
      for (const s of def.scalars) record[s.name] = row[s.name] ?? null;
      if (type === "deal")
        record.services = (row.__lines ?? []).map(([serviceId, quantity]) => ({ serviceId, quantity }));
      for (const r of def.relations) record[r.name] = byTarget.get(r.target) ?? [];
      record.notes = row.notes ?? null;
      record.customFieldValues = (row.__custom ?? []).map(([columnId, value]) => ({ columnId, value }));
      record.createdAt = row.createdAt as string;
      record.updatedAt = row.updatedAt as string;
      out.set(row.id, record);
    }
    return out;
  }

  async existing(companyId: string, target: LinkTarget, ids: string[]): Promise<Set<string>> {
    const name = target === "user" ? "users" : SHAPES[target].name;
    const rows = await this.c.all<{ id: string }>(
      `select id from ${name} where company_id = $1 and id = any($2::text[])`,
      [companyId, [...new Set(ids)]],
    );
    return new Set(rows.map((r) => r.id));
  }

  async insert(type: EntityType, row: EntityRow & { companyId: string }): Promise<void> {
    await this.insertMany(type, [row]);
  }

  async insertMany(type: EntityType, rows: (EntityRow & { companyId: string })[]): Promise<void> {
    if (rows.length === 0) return;
    for (const companyId of new Set(rows.map((r) => r.companyId))) await this.locks.take(companyId);
    // One statement per group of rows that set the same fields; a field a row leaves out
    // keeps its column's default.
    const shape = SHAPES[type];
    for (const [fields, group] of groupByFields(rows, (k) => Boolean(shape.columns[k]))) {
      const head = `insert into ${shape.name} (${fields.map((f) => `"${shape.columns[f]}"`).join(", ")}) values `;
      for (let i = 0; i < group.length; i += INSERT_ROWS) {
        const part = group.slice(i, i + INSERT_ROWS);
        const values: unknown[] = [];
        const tuples = part.map((row) => {
          const start = values.length;
          for (const f of fields) values.push(encode(shape, f, row[f]));
          return `(${fields.map((_, j) => `$${start + j + 1}`).join(", ")})`;
        });
        await this.c.run(head + tuples.join(", "), values);
      }
    }
  }

  async createdSince(companyId: string, type: EntityType, since: number): Promise<string[]> {
    // In a write, the company's lock first: whatever another write created is then either
    // committed and seen here, or waits for this transaction. Ids carry the clock of the
    // node that made them, so the floor leaves room for nodes' clocks to differ.
    await this.locks.take(companyId);
    const rows = await this.c.all<{ id: string }>(
      `select id from ${SHAPES[type].name} where company_id = $1 and id > $2 order by id`,
      [companyId, idFloor(type, since - NODE_CLOCK_SLACK_MS)],
    );
    return rows.map((r) => r.id);
  }

  async update(
    companyId: string,
    type: EntityType,
    id: string,
    patch: Record<string, unknown>,
  ): Promise<void> {
    await this.locks.take(companyId);
    const shape = SHAPES[type];
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    const set = keys.map((k, i) => {
      const column = shape.columns[k];
      if (!column) throw new Error(`${type} has no column for ${k}`);
      return `"${column}" = $${i + 1}`;
    });
    await this.c.run(
      `update ${shape.name} set ${set.join(", ")} where company_id = $${keys.length + 1} and id = $${keys.length + 2}`,
      [...keys.map((k) => encode(shape, k, patch[k])), companyId, id],
    );
  }

  async delete(companyId: string, type: EntityType, id: string): Promise<void> {
    await this.locks.take(companyId);
    await this.c.run("delete from links where a_id = $1", [id]);
    await this.c.run("delete from links where b_id = $1", [id]);
    if (type === "deal") await this.c.run("delete from deal_services where deal_id = $1", [id]);
    if (type === "service") await this.c.run("delete from deal_services where service_id = $1", [id]);
    await this.c.run("delete from custom_field_values where entity_id = $1", [id]);
    await this.c.run(`delete from ${SHAPES[type].name} where company_id = $1 and id = $2`, [companyId, id]);
  }

  async addLinks(companyId: string, type: LinkTarget, id: string, target: LinkTarget, ids: string[]) {
    if (ids.length === 0) return;
    await this.locks.take(companyId);
    const ps = ids.map((other) => pair(type, id, target, other));
    await this.c.run(
      `insert into links (company_id, a_type, a_id, b_type, b_id)
       select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[]) on conflict do nothing`,
      [companyId, ps.map((p) => p.aType), ps.map((p) => p.aId), ps.map((p) => p.bType), ps.map((p) => p.bId)],
    );
  }

  async removeLinks(type: LinkTarget, id: string, target: LinkTarget, ids: string[]): Promise<void> {
    for (const other of ids) {
      const p = pair(type, id, target, other);
      await this.c.run("delete from links where a_id = $1 and b_id = $2", [p.aId, p.bId]);
    }
  }

  async setDealServices(companyId: string, dealId: string, lines: DealServiceLine[]): Promise<void> {
    await this.locks.take(companyId);
    await this.c.run("delete from deal_services where deal_id = $1", [dealId]);
    if (lines.length === 0) return;
    await this.c.run(
      `insert into deal_services (company_id, deal_id, service_id, quantity, position)
       select $1, $2, s, q, p - 1 from unnest($3::text[], $4::float8[]) with ordinality as l(s, q, p)`,
      [companyId, dealId, lines.map((l) => l.serviceId), lines.map((l) => l.quantity)],
    );
  }

  async recomputeDealTotals(companyId: string, dealIds: string[]): Promise<void> {
    for (const dealId of dealIds) {
      await this.c.run(
        `update deals set (total_value, total_quantity) = (
           select coalesce(sum(ds.quantity * s.amount), 0), coalesce(sum(ds.quantity), 0)
           from deal_services ds join services s on s.id = ds.service_id where ds.deal_id = $2)
         where company_id = $1 and id = $2`,
        [companyId, dealId],
      );
    }
  }

  async setCustomValues(
    companyId: string,
    entityId: string,
    values: (CustomValueRow | { columnId: string; value: null })[],
  ): Promise<void> {
    await this.locks.take(companyId);
    for (const v of values) {
      if (v.value === null) {
        await this.c.run("delete from custom_field_values where entity_id = $1 and column_id = $2", [
          entityId,
          v.columnId,
        ]);
        continue;
      }
      const row = v as CustomValueRow;
      await this.c.run(
        `insert into custom_field_values (company_id, entity_id, column_id, value, text, num) values ($1, $2, $3, $4, $5, $6)
         on conflict (entity_id, column_id) do update set value = excluded.value, text = excluded.text, num = excluded.num`,
        [companyId, entityId, row.columnId, JSON.stringify(row.value), row.text, row.num],
      );
    }
  }

  async idsWithColumn(companyId: string, columnId: string): Promise<string[]> {
    const rows = await this.c.all<{ id: string }>(
      "select entity_id as id from custom_field_values where company_id = $1 and column_id = $2 order by entity_id",
      [companyId, columnId],
    );
    return rows.map((r) => r.id);
  }

  async find(
    companyId: string,
    type: EntityType,
    query: StoredQuery,
  ): Promise<{ ids: string[]; total: number }> {
    const shape = SHAPES[type];
    const params = new Params();
    const where = this.where(params, companyId, type, query);
    const order: string[] = [];
    if (query.sort) {
      const dir = query.sort.direction === "asc" ? "asc" : "desc";
      // SQLite puts nulls first in ascending order and last in descending order.
      const nulls = dir === "asc" ? "nulls first" : "nulls last";
      if (query.sort.custom) {
        const col = query.sort.custom.numeric ? "num" : `text collate "C"`;
        order.push(
          `(select v.${col} from custom_field_values v where v.entity_id = t.id and v.column_id = ${params.p(query.sort.custom.columnId)}) ${dir} nulls last`,
        );
      } else if (query.sort.order) {
        const when = query.sort.order.map((v, i) => `when ${params.p(v)} then ${i}`);
        order.push(
          `case t."${shape.columns[query.sort.field]}" ${when.join(" ")} else ${query.sort.order.length} end ${dir}`,
        );
      } else {
        const field = query.sort.field;
        order.push(
          `t."${shape.columns[field]}"${shape.text.has(field) ? ` collate "C"` : ""} ${dir} ${nulls}`,
        );
      }
    }
    order.push("t.id desc");
    const total = await this.c.one<{ n: number }>(
      `select count(*)::int as n from ${shape.name} t where ${where}`,
      params.values.slice(0, countParams(params, query)),
    );
    const limit = params.p(query.limit);
    const offset = params.p(query.offset);
    const rows = await this.c.all<{ id: string }>(
      `select t.id from ${shape.name} t where ${where} order by ${order.join(", ")} limit ${limit} offset ${offset}`,
      params.values,
    );
    return { ids: rows.map((r) => r.id), total: total?.n ?? 0 };
  }

  async count(
    companyId: string,
    type: EntityType,
    query: Omit<StoredQuery, "limit" | "offset">,
  ): Promise<number> {
    const params = new Params();
    const where = this.where(params, companyId, type, { ...query, limit: 0, offset: 0 });
    const row = await this.c.one<{ n: number }>(
      `select count(*)::int as n from ${SHAPES[type].name} t where ${where}`,
      params.values,
    );
    return row?.n ?? 0;
  }

  async unsearched(type: EntityType, limit: number): Promise<{ companyId: string; id: string }[]> {
    return this.c.all<{ companyId: string; id: string }>(
      `select company_id as "companyId", id from ${SHAPES[type].name} where search_text = '' limit $1`,
      [limit],
    );
  }

  private where(params: Params, companyId: string, type: EntityType, query: StoredQuery): string {
    const parts = [`t.company_id = ${params.p(companyId)}`];
    // Each word of the term, folded as the stored search text is, must occur in it; the
    // trigram index (drizzle/postgres/0008_search_text.sql) serves each LIKE.
    for (const word of query.searchTerm ? searchWords(query.searchTerm) : [])
      parts.push(`t.search_text like ${params.p(`%${escapeLike(word)}%`)}`);
    for (const f of query.filters) parts.push(this.filter(params, type, f));
    return parts.join(" and ");
  }

  private filter(params: Params, type: EntityType, f: StoredFilter): string {
    const shape = SHAPES[type];
    if (f.kind === "relation") return relationFilter(params, type, f.target, f.operator, f.value);
    if (f.kind === "custom") {
      const col = f.numeric ? "v.num" : `v.text`;
      const exists = (cond: string) =>
        `exists (select 1 from custom_field_values v where v.entity_id = t.id and v.column_id = ${params.p(f.columnId)} and ${cond})`;
      if (f.operator === "isNull") return `not ${exists("true")}`;
      if (f.operator === "isNotNull") return exists("true");
      if (f.operator === "notIn") return `not ${exists(compare(params, col, !f.numeric, "in", f.value))}`;
      return exists(compare(params, col, !f.numeric, f.operator, f.value));
    }
    const col = `t."${shape.columns[f.field]}"`;
    if (f.kind === "list") {
      const each = (cond: string) =>
        `exists (select 1 from json_array_elements_text(${col}) e(value) where ${cond})`;
      switch (f.operator) {
        case "isNull":
          return `json_array_length(${col}) = 0`;
        case "isNotNull":
          return `json_array_length(${col}) > 0`;
        case "hasNone":
        case "notIn":
          return `not ${each(compare(params, "e.value", true, "in", f.value))}`;
        case "hasSome":
          return each(compare(params, "e.value", true, "in", f.value));
        default:
          return each(compare(params, "e.value", true, f.operator, f.value));
      }
    }
    return compare(params, col, shape.text.has(f.field), f.operator, f.value);
  }
}

/** The count reuses the filter's parameters; the sort's (a custom column id, stage names) come after them. */
function countParams(params: Params, query: StoredQuery): number {
  return params.values.length - (query.sort?.custom ? 1 : 0) - (query.sort?.order?.length ?? 0);
}

/** How far the clocks of two nodes may differ, for ids made on one and read on another. */
const NODE_CLOCK_SLACK_MS = 250;

/** Rows per multi-row insert: well within PostgreSQL's limit on bound parameters. */
const INSERT_ROWS = 100;

function encode(shape: Shape, field: string, value: unknown): unknown {
  if (!shape.json.has(field)) return value;
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function relationFilter(
  params: Params,
  type: EntityType,
  target: LinkTarget,
  operator: string,
  value: unknown,
) {
  let linked: string;
  if (type === "deal" && target === "service") {
    linked = "select service_id as id from deal_services where deal_id = t.id";
  } else if (type === "service" && target === "deal") {
    linked = "select deal_id as id from deal_services where service_id = t.id";
  } else {
    const p = params.p(target);
    linked = `select b_id as id from links where a_id = t.id and b_type = ${p} union all select a_id as id from links where b_id = t.id and a_type = ${p}`;
  }
  switch (operator) {
    case "isNull":
      return `not exists (${linked})`;
    case "isNotNull":
      return `exists (${linked})`;
    case "hasNone":
    case "notIn":
      return `not exists (select 1 from (${linked}) l where l.id in ${params.list(value)})`;
    default:
      return `exists (select 1 from (${linked}) l where l.id in ${params.list(value)})`;
  }
}

/**
 * One comparison, meaning what it means on SQLite: text by code point (`collate "C"`),
 * `contains` ignoring case.
 */
function compare(params: Params, col: string, text: boolean, operator: string, value: unknown): string {
  const c = text ? `${col} collate "C"` : col;
  switch (operator) {
    case "equals":
      return `${col} = ${params.p(value)}`;
    case "contains":
      return `${text ? col : `${col}::text`} ilike ${params.p(`%${escapeLike(String(value))}%`)}`;
    case "gt":
      return `${c} > ${params.p(value)}`;
    case "gte":
      return `${c} >= ${params.p(value)}`;
    case "lt":
      return `${c} < ${params.p(value)}`;
    case "lte":
      return `${c} <= ${params.p(value)}`;
    case "in":
    case "hasSome":
      return `${col} in ${params.list(value)}`;
    case "notIn":
    case "hasNone":
      return `(${col} is null or ${col} not in ${params.list(value)})`;
    case "between": {
      const [lo, hi] = value as [unknown, unknown];
      return `${c} between ${params.p(lo)} and ${params.p(hi)}`;
    }
    case "isNull":
      return `${col} is null`;
    case "isNotNull":
      return `${col} is not null`;
    default:
      throw new Error(`unknown operator ${operator}`);
  }
}
