import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { idFloor } from "../../domain/ids.js";
import {
  type CustomFieldValue,
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
import type { Db } from "./db.js";
import {
  contacts,
  customFieldValues,
  dealServices,
  deals,
  links,
  organizations,
  services,
  tasks,
} from "./schema/index.js";
import { jsonList, type Statements } from "./statements.js";

// The five entity tables share only their common columns; fields are looked up by name.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyEntityTable = any;

const TABLES: Record<EntityType, AnyEntityTable> = {
  contact: contacts,
  organization: organizations,
  deal: deals,
  service: services,
  task: tasks,
};

const TABLE_NAMES: Record<EntityType, string> = {
  contact: "contacts",
  organization: "organizations",
  deal: "deals",
  service: "services",
  task: "tasks",
};

/** Per entity type: table name, column names by field, JSON fields, and a select list. */
const SHAPES = Object.fromEntries(
  (Object.keys(TABLES) as EntityType[]).map((type) => {
    const columns = getTableColumns(TABLES[type]) as Record<string, { name: string; dataType: string }>;
    const byField = Object.fromEntries(Object.entries(columns).map(([field, c]) => [field, c.name]));
    return [
      type,
      {
        name: TABLE_NAMES[type],
        columns: byField,
        json: Object.entries(columns)
          .filter(([, c]) => c.dataType === "json")
          .map(([field]) => field),
        select: Object.entries(byField)
          .map(([field, column]) => `"${column}" as "${field}"`)
          .join(", "),
      },
    ];
  }),
) as Record<EntityType, { name: string; columns: Record<string, string>; json: string[]; select: string }>;

/** The table of an entity type's records. */
export function entityTable(type: EntityType): string {
  return SHAPES[type].name;
}

function pair(type: LinkTarget, id: string, otherType: LinkTarget, otherId: string) {
  return type < otherType
    ? { aType: type, aId: id, bType: otherType, bId: otherId }
    : { aType: otherType, aId: otherId, bType: type, bId: id };
}

/** Rows per multi-row insert: well within SQLite's limit on bound parameters. */
const INSERT_ROWS = 100;

function _chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Entity rows, their links, deal lines and custom values, for one company at a time. */
export class SqliteCrmRepository implements CrmRepository {
  constructor(
    private readonly db: Db,
    private readonly st: Statements,
  ) {}

  /** Whole records as the outside world sees them, keyed by id; unknown ids are absent. */
  async load(companyId: string, type: EntityType, ids: string[]): Promise<Map<string, EntityRecord>> {
    const out = new Map<string, EntityRecord>();
    if (ids.length === 0) return out;
    const def = ENTITIES[type];
    const shape = SHAPES[type];
    const st = this.st;
    const list = jsonList([...new Set(ids)]);
    const rows = st.all<EntityRow>(
      `select ${shape.select} from ${shape.name} where company_id = ? and id in (select value from json_each(?))`,
      companyId,
      list,
    );
    if (rows.length === 0) return out;
    const found = rows.length === ids.length ? list : jsonList(rows.map((r) => r.id));
    const related = new Map<string, Map<LinkTarget, string[]>>();
    for (const row of rows) related.set(row.id, new Map());
    const push = (id: string, target: LinkTarget, other: string) => {
      const byTarget = related.get(id)!;
      const list = byTarget.get(target);
      if (list) list.push(other);
      else byTarget.set(target, [other]);
    };
    for (const l of st.all<{ id: string; type: LinkTarget; other: string }>(
      `select a_id as id, b_type as type, b_id as other from links where a_id in (select value from json_each(?))
       union all select b_id, a_type, a_id from links where b_id in (select value from json_each(?))`,
      found,
      found,
    ))
      push(l.id, l.type, l.other);
    const lines = new Map<string, DealServiceLine[]>();
    if (type === "deal") {
      for (const l of st.all<{ dealId: string; serviceId: string; quantity: number }>(
        "select deal_id as dealId, service_id as serviceId, quantity from deal_services where deal_id in (select value from json_each(?)) order by position",
        found,
      )) {
        const list = lines.get(l.dealId) ?? [];
        list.push({ serviceId: l.serviceId, quantity: l.quantity });
        lines.set(l.dealId, list);
      }
    }
    if (type === "service") {
      for (const l of st.all<{ dealId: string; serviceId: string }>(
        "select deal_id as dealId, service_id as serviceId from deal_services where service_id in (select value from json_each(?))",
        found,
      ))
        push(l.serviceId, "deal", l.dealId);
    }
    const custom = new Map<string, CustomFieldValue[]>();
    for (const v of st.all<{ entityId: string; columnId: string; value: string }>(
      "select entity_id as entityId, column_id as columnId, value from custom_field_values where entity_id in (select value from json_each(?))",
      found,
    )) {
      const list = custom.get(v.entityId) ?? [];
      list.push({ columnId: v.columnId, value: JSON.parse(v.value) });
      custom.set(v.entityId, list);
    }

    for (const row of rows) {
      for (const key of shape.json)
        if (typeof row[key] === "string") row[key] = JSON.parse(row[key] as string);
      // Keys in the order a reader expects: id, own fields, links, notes, custom values, times.
      const record = { id: row.id } as EntityRecord;
      for (const s of def.scalars) record[s.name] = row[s.name] ?? null;
      if (type === "deal") record.services = lines.get(row.id) ?? [];
      const byTarget = related.get(row.id)!;
      for (const r of def.relations) record[r.name] = byTarget.get(r.target) ?? [];
      record.notes = row.notes ?? null;
      record.customFieldValues = custom.get(row.id) ?? [];
      record.createdAt = row.createdAt as string;
      record.updatedAt = row.updatedAt as string;
      out.set(row.id, record);
    }
    return out;
  }

  /** Which of `ids` exist in the company as `target` (an entity type or a user). */
  async existing(companyId: string, target: LinkTarget, ids: string[]): Promise<Set<string>> {
    const name = target === "user" ? "users" : SHAPES[target].name;
    const rows = this.st.all<{ id: string }>(
      `select id from ${name} where company_id = ? and id in (select value from json_each(?))`,
      companyId,
      jsonList([...new Set(ids)]),
    );
    return new Set(rows.map((r) => r.id));
  }

  async insert(type: EntityType, row: EntityRow & { companyId: string }): Promise<void> {
    await this.insertMany(type, [row]);
  }

  async insertMany(type: EntityType, rows: (EntityRow & { companyId: string })[]): Promise<void> {
    // Cached statements rather than the query builder: imports insert rows by the thousand.
    // Rows that set the same fields share one multi-row statement; a field a row leaves
    // out keeps its column's default.
    const shape = SHAPES[type];
    for (const [keys, group] of groupByFields(rows, (k) => shape.columns[k] !== undefined)) {
      const tuple = `(${keys.map(() => "?").join(", ")})`;
      const head = `insert into ${shape.name} (${keys.map((k) => `"${shape.columns[k]}"`).join(", ")}) values `;
      for (let i = 0; i < group.length; i += INSERT_ROWS) {
        const part = group.slice(i, i + INSERT_ROWS);
        const values: unknown[] = [];
        for (const row of part)
          for (const k of keys) {
            const v = row[k];
            values.push(shape.json.includes(k) ? (v === null ? null : JSON.stringify(v)) : v);
          }
        this.st.run(head + Array(part.length).fill(tuple).join(", "), ...values);
      }
    }
  }

  async createdSince(companyId: string, type: EntityType, since: number): Promise<string[]> {
    // Writes hold the file's lock one at a time and ids carry this machine's clock, so an
    // entity another write created after a transaction that began at `since` has an id at
    // or above that time's floor.
    const shape = SHAPES[type];
    return this.st
      .all<{ id: string }>(
        `select id from ${shape.name} where company_id = ? and id > ? order by id`,
        companyId,
        idFloor(type, since),
      )
      .map((r) => r.id);
  }

  /** Sets fields of one entity (field names as on the record; JSON columns are encoded here). */
  async update(
    companyId: string,
    type: EntityType,
    id: string,
    patch: Record<string, unknown>,
  ): Promise<void> {
    const shape = SHAPES[type];
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    const set = keys.map((k) => {
      const column = shape.columns[k];
      if (!column) throw new Error(`${type} has no column for ${k}`);
      return `"${column}" = ?`;
    });
    const values = keys.map((k) => {
      const v = patch[k];
      return shape.json.includes(k) ? (v === null || v === undefined ? null : JSON.stringify(v)) : v;
    });
    this.st.run(
      `update ${shape.name} set ${set.join(", ")} where company_id = ? and id = ?`,
      ...values,
      companyId,
      id,
    );
  }

  /** Removes the row and everything that hangs off it: links, deal lines, custom values. */
  async delete(companyId: string, type: EntityType, id: string): Promise<void> {
    const table = TABLES[type];
    this.db.delete(links).where(eq(links.aId, id)).run();
    this.db.delete(links).where(eq(links.bId, id)).run();
    if (type === "deal") this.db.delete(dealServices).where(eq(dealServices.dealId, id)).run();
    if (type === "service") this.db.delete(dealServices).where(eq(dealServices.serviceId, id)).run();
    this.db.delete(customFieldValues).where(eq(customFieldValues.entityId, id)).run();
    this.db
      .delete(table)
      .where(and(eq(table.companyId, companyId), eq(table.id, id)))
      .run();
  }

  async addLinks(
    companyId: string,
    type: LinkTarget,
    id: string,
    target: LinkTarget,
    ids: string[],
  ): Promise<void> {
    if (ids.length === 0) return;
    this.db
      .insert(links)
      .values(ids.map((other) => ({ companyId, ...pair(type, id, target, other) })))
      .onConflictDoNothing()
      .run();
  }

  async removeLinks(type: LinkTarget, id: string, target: LinkTarget, ids: string[]): Promise<void> {
    for (const other of ids) {
      const p = pair(type, id, target, other);
      this.db
        .delete(links)
        .where(and(eq(links.aId, p.aId), eq(links.bId, p.bId)))
        .run();
    }
  }

  /** Replaces a deal's service lines, keeping the order given. */
  async setDealServices(companyId: string, dealId: string, lines: DealServiceLine[]): Promise<void> {
    this.db.delete(dealServices).where(eq(dealServices.dealId, dealId)).run();
    if (lines.length === 0) return;
    this.db
      .insert(dealServices)
      .values(
        lines.map((l, position) => ({
          companyId,
          dealId,
          serviceId: l.serviceId,
          quantity: l.quantity,
          position,
        })),
      )
      .run();
  }

  /** Deal totals follow from the deal's lines and its services' current amounts. */
  async recomputeDealTotals(companyId: string, dealIds: string[]): Promise<void> {
    for (const dealId of dealIds) {
      const t = this.db
        .select({
          value: sql<number>`coalesce(sum(${dealServices.quantity} * ${services.amount}), 0)`,
          quantity: sql<number>`coalesce(sum(${dealServices.quantity}), 0)`,
        })
        .from(dealServices)
        .innerJoin(services, eq(services.id, dealServices.serviceId))
        .where(eq(dealServices.dealId, dealId))
        .get();
      this.db
        .update(deals)
        .set({ totalValue: t?.value ?? 0, totalQuantity: t?.quantity ?? 0 })
        .where(and(eq(deals.companyId, companyId), eq(deals.id, dealId)))
        .run();
    }
  }

  /** Sets custom values; a null value removes the field. */
  async setCustomValues(
    companyId: string,
    entityId: string,
    values: (CustomValueRow | { columnId: string; value: null })[],
  ) {
    for (const v of values) {
      if (v.value === null) {
        this.st.run(
          "delete from custom_field_values where entity_id = ? and column_id = ?",
          entityId,
          v.columnId,
        );
        continue;
      }
      const row = v as CustomValueRow;
      this.st.run(
        "insert into custom_field_values (company_id, entity_id, column_id, value, text, num) values (?, ?, ?, ?, ?, ?) on conflict (entity_id, column_id) do update set value = excluded.value, text = excluded.text, num = excluded.num",
        companyId,
        entityId,
        row.columnId,
        JSON.stringify(row.value),
        row.text,
        row.num,
      );
    }
  }

  /** Ids of entities that hold a value in a column (before the column is deleted). */
  async idsWithColumn(companyId: string, columnId: string): Promise<string[]> {
    return this.db
      .select({ id: customFieldValues.entityId })
      .from(customFieldValues)
      .where(and(eq(customFieldValues.companyId, companyId), eq(customFieldValues.columnId, columnId)))
      .all()
      .map((r) => r.id);
  }

  async find(
    companyId: string,
    type: EntityType,
    query: StoredQuery,
  ): Promise<{ ids: string[]; total: number }> {
    const table = TABLES[type];
    const search = searchOf(query);
    if (search?.match && !query.sort && query.filters.length === 0) {
      // A search alone is driven from its index: the newest matches by rowid (rows are
      // inserted in id order), each checked for the company, stopping at the page's end.
      const name = TABLE_NAMES[type];
      const ids = this.st
        .all<{ id: string }>(
          `select t.id from ${name}_fts f join ${name} t on t.rowid = f.rowid
           where ${name}_fts match ? and t.company_id = ?${shortWords(search)} order by f.rowid desc limit ? offset ?`,
          search.match,
          companyId,
          ...search.likes,
          query.limit,
          query.offset,
        )
        .map((r) => r.id);
      return { ids, total: this.indexedCount(companyId, type, search) };
    }
    const where = this.where(companyId, type, query);
    const total = this.db.select({ n: sql<number>`count(*)` }).from(table).where(where).get()?.n ?? 0;
    const order: SQL[] = [];
    if (query.sort) {
      const dir = query.sort.direction === "asc" ? sql`asc` : sql`desc`;
      if (query.sort.custom) {
        const col = query.sort.custom.numeric ? sql`num` : sql`text`;
        order.push(
          sql`(select ${col} from ${customFieldValues} v where v.entity_id = ${table.id} and v.column_id = ${query.sort.custom.columnId}) ${dir} nulls last`,
        );
      } else if (query.sort.order) {
        const col = table[query.sort.field];
        const when = query.sort.order.map((v, i) => sql`when ${v} then ${i}`);
        order.push(sql`case ${col} ${sql.join(when, sql` `)} else ${query.sort.order.length} end ${dir}`);
      } else {
        order.push(sql`${table[query.sort.field]} ${dir}`);
      }
    }
    order.push(sql`${table.id} desc`);
    const ids = this.db
      .select({ id: table.id })
      .from(table)
      .where(where)
      .orderBy(...order)
      .limit(query.limit)
      .offset(query.offset)
      .all()
      .map((r: { id: string }) => r.id);
    return { ids, total };
  }

  async count(
    companyId: string,
    type: EntityType,
    query: Omit<StoredQuery, "limit" | "offset">,
  ): Promise<number> {
    const table = TABLES[type];
    const search = searchOf(query);
    if (search?.match && query.filters.length === 0) return this.indexedCount(companyId, type, search);
    return (
      this.db
        .select({ n: sql<number>`count(*)` })
        .from(table)
        .where(this.where(companyId, type, { ...query, limit: 0, offset: 0 }))
        .get()?.n ?? 0
    );
  }

  async unsearched(type: EntityType, limit: number): Promise<{ companyId: string; id: string }[]> {
    return this.st.all<{ companyId: string; id: string }>(
      `select company_id as companyId, id from ${TABLE_NAMES[type]} where search_text = '' limit ?`,
      limit,
    );
  }

  private where(companyId: string, type: EntityType, query: StoredQuery): SQL {
    const table = TABLES[type];
    const search = searchOf(query);
    // With a search, the matches are fewer than the company's rows: the unary + keeps
    // SQLite from scanning the company index and testing every row against the matches.
    const parts: SQL[] = [
      search?.match ? sql`+${table.companyId} = ${companyId}` : sql`${table.companyId} = ${companyId}`,
    ];
    if (search?.match) {
      const fts = sql.raw(`${TABLE_NAMES[type]}_fts`);
      parts.push(sql`${table}.rowid in (select rowid from ${fts} where ${fts} match ${search.match})`);
    }
    for (const like of search?.likes ?? []) parts.push(sql`${table.searchText} like ${like} escape '\\'`);
    for (const f of query.filters) parts.push(this.filter(type, f));
    return and(...parts)!;
  }

  /** The company's rows among a search's matches. */
  private indexedCount(companyId: string, type: EntityType, search: Search): number {
    const name = TABLE_NAMES[type];
    return this.st.all<{ n: number }>(
      `select count(*) as n from ${name}_fts f join ${name} t on t.rowid = f.rowid where ${name}_fts match ? and t.company_id = ?${shortWords(search)}`,
      search.match,
      companyId,
      ...search.likes,
    )[0]!.n;
  }

  private filter(type: EntityType, f: StoredFilter): SQL {
    const table = TABLES[type];
    if (f.kind === "relation")
      return this.relationFilter(type, f.target, f.operator, f.value as string[] | undefined);
    if (f.kind === "custom") {
      const col = f.numeric ? sql`v.num` : sql`v.text`;
      const exists = (cond: SQL) =>
        sql`exists (select 1 from ${customFieldValues} v where v.entity_id = ${table.id} and v.column_id = ${f.columnId} and ${cond})`;
      if (f.operator === "isNull") return sql`not ${exists(sql`1`)}`;
      if (f.operator === "isNotNull") return exists(sql`1`);
      if (f.operator === "notIn") return sql`not ${exists(compare(col, "in", f.value))}`;
      return exists(compare(col, f.operator, f.value));
    }
    if (f.kind === "list") {
      const col = table[f.field];
      const each = (cond: SQL) => sql`exists (select 1 from json_each(${col}) e where ${cond})`;
      switch (f.operator) {
        case "isNull":
          return sql`json_array_length(${col}) = 0`;
        case "isNotNull":
          return sql`json_array_length(${col}) > 0`;
        case "hasNone":
        case "notIn":
          return sql`not ${each(compare(sql`e.value`, "in", f.value))}`;
        case "hasSome":
          return each(compare(sql`e.value`, "in", f.value));
        default:
          return each(compare(sql`e.value`, f.operator, f.value));
      }
    }
    return compare(table[f.field], f.operator, f.value);
  }

  private relationFilter(
    type: EntityType,
    target: LinkTarget,
    operator: string,
    ids: string[] | undefined,
  ): SQL {
    const table = TABLES[type];
    let linked: SQL;
    if (type === "deal" && target === "service") {
      linked = sql`select service_id as id from ${dealServices} where deal_id = ${table.id}`;
    } else if (type === "service" && target === "deal") {
      linked = sql`select deal_id as id from ${dealServices} where service_id = ${table.id}`;
    } else {
      linked = sql`select b_id as id from ${links} where a_id = ${table.id} and b_type = ${target} union all select a_id as id from ${links} where b_id = ${table.id} and a_type = ${target}`;
    }
    switch (operator) {
      case "isNull":
        return sql`not exists (${linked})`;
      case "isNotNull":
        return sql`exists (${linked})`;
      case "hasNone":
      case "notIn":
        return sql`not exists (select 1 from (${linked}) l where l.id in ${list(ids)})`;
      default:
        return sql`exists (select 1 from (${linked}) l where l.id in ${list(ids)})`;
    }
  }
}

/**
 * A search term as this engine runs it: the words of three characters or more as one
 * full-text query over the trigram index (trigrams need three), each shorter word as a LIKE
 * on the search text. Null when the term has no words.
 */
interface Search {
  match: string | null;
  likes: string[];
}

function searchOf(query: Pick<StoredQuery, "searchTerm">): Search | null {
  const words = query.searchTerm ? searchWords(query.searchTerm) : [];
  if (words.length === 0) return null;
  const long = words.filter((w) => [...w].length >= 3);
  return {
    match: long.length ? long.map((w) => `"${w.replaceAll('"', '""')}"`).join(" AND ") : null,
    likes: words.filter((w) => [...w].length < 3).map((w) => `%${escapeLike(w)}%`),
  };
}

/** The short words' conditions in the index-driven statements, one parameter each. */
function shortWords(search: Search): string {
  return search.likes.map(() => ` and t.search_text like ? escape '\\'`).join("");
}

function list(values: unknown): SQL {
  const items = Array.isArray(values) ? values : [values];
  return sql`(${sql.join(
    items.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

function compare(col: SQL | SQLiteColumn, operator: string, value: unknown): SQL {
  switch (operator) {
    case "equals":
      return sql`${col} = ${value}`;
    case "contains":
      return sql`${col} like ${`%${escapeLike(String(value))}%`} escape '\\'`;
    case "gt":
      return sql`${col} > ${value}`;
    case "gte":
      return sql`${col} >= ${value}`;
    case "lt":
      return sql`${col} < ${value}`;
    case "lte":
      return sql`${col} <= ${value}`;
    case "in":
    case "hasSome":
      return sql`${col} in ${list(value)}`;
    case "notIn":
    case "hasNone":
      return sql`(${col} is null or ${col} not in ${list(value)})`;
    case "between": {
      const [lo, hi] = value as [unknown, unknown];
      return sql`${col} between ${lo} and ${hi}`;
    }
    case "isNull":
      return sql`${col} is null`;
    case "isNotNull":
      return sql`${col} is not null`;
    default:
      throw new Error(`unknown operator ${operator}`);
  }
}
