import { ValidationError } from "../domain/errors.js";
import { type CustomColumn, ENTITIES, type EntityType } from "../domain/model.js";
import { quote } from "../domain/quote.js";
import type { StoredFilter } from "../store/index.js";
import { isNumericColumn } from "./custom-fields.js";
import { type FilterInput, type FilterOperator, MAX_FILTER_TEXT, MAX_FILTER_VALUES } from "./inputs.js";

/** How each kind of field may be filtered. One table for the checks and for get_entity_configuration. */
export const OPERATORS_BY_KIND: Record<string, readonly FilterOperator[]> = {
  id: ["equals", "in", "notIn"],
  string: ["equals", "contains", "in", "notIn", "isNull", "isNotNull", "gt", "gte", "lt", "lte", "between"],
  number: ["equals", "gt", "gte", "lt", "lte", "between", "in", "notIn", "isNull", "isNotNull"],
  date: ["equals", "gt", "gte", "lt", "lte", "between", "isNull", "isNotNull"],
  datetime: ["equals", "gt", "gte", "lt", "lte", "between", "isNull", "isNotNull"],
  enum: ["equals", "in", "notIn"],
  stage: ["equals", "in", "notIn"],
  stringList: ["equals", "contains", "hasSome", "hasNone", "isNull", "isNotNull"],
  relation: ["hasSome", "hasNone", "isNull", "isNotNull"],
  checkbox: ["equals", "isNull", "isNotNull"],
};

export interface FieldInfo {
  name: string;
  kind: string;
  operators: readonly FilterOperator[];
  sortable: boolean;
  label?: string;
  target?: string;
  options?: string[];
  description?: string;
}

/** What get_entity_configuration says of fields whose meaning the name does not carry. */
const DESCRIPTIONS: Record<string, string> = {
  "deal.totalValue":
    "Derived: the sum of amount x quantity over the deal's service lines. Set services (update_deals) or a service's amount to change it",
  "deal.totalQuantity": "Derived: the sum of the quantities of the deal's service lines",
  "deal.stage": `One of the company's stages, in pipeline order (sorts in that order); update_custom_column with id "deal.stage" sets them`,
  "organization.domain": "Normalised: acme.de, without scheme, www or path",
};

/** Every field of an entity type that filters and sorting accept. */
export function filterableFields(
  type: EntityType,
  columns: CustomColumn[],
  stages: readonly string[] = [],
): FieldInfo[] {
  const def = ENTITIES[type];
  const out: FieldInfo[] = [{ name: "id", kind: "id", operators: OPERATORS_BY_KIND.id!, sortable: false }];
  for (const s of def.scalars) {
    const description = DESCRIPTIONS[`${type}.${s.name}`];
    out.push({
      name: s.name,
      kind: s.kind,
      operators: OPERATORS_BY_KIND[s.kind]!,
      sortable: s.kind !== "stringList",
      ...(s.values ? { options: [...s.values] } : {}),
      ...(s.kind === "stage" ? { options: [...stages] } : {}),
      ...(description ? { description } : {}),
    });
  }
  for (const ts of ["createdAt", "updatedAt"]) {
    out.push({ name: ts, kind: "datetime", operators: OPERATORS_BY_KIND.datetime!, sortable: true });
  }
  for (const r of def.relations) {
    out.push({
      name: r.name,
      kind: "relation",
      target: r.target,
      operators: OPERATORS_BY_KIND.relation!,
      sortable: false,
    });
  }
  if (type === "deal") {
    out.push({
      name: "serviceIds",
      kind: "relation",
      target: "service",
      operators: OPERATORS_BY_KIND.relation!,
      sortable: false,
    });
  }
  for (const c of columns) {
    const kind =
      c.type === "checkbox" || c.type === "date" || c.type === "datetime"
        ? c.type
        : isNumericColumn(c.type)
          ? "number"
          : "string";
    out.push({
      name: c.id,
      kind,
      label: c.label,
      operators: OPERATORS_BY_KIND[kind]!,
      sortable: true,
      ...(c.type === "singleSelect" ? { options: c.options } : {}),
    });
  }
  return out;
}

const NO_VALUE = new Set(["isNull", "isNotNull"]);
const LIST_VALUE = new Set(["in", "notIn", "hasSome", "hasNone"]);

/** Checks filters against the entity's fields and turns them into what the store runs. */
export function toStoredFilters(
  type: EntityType,
  filters: FilterInput[],
  columns: CustomColumn[],
  root = "filters",
): StoredFilter[] {
  const fields = filterableFields(type, columns);
  const byName = new Map(fields.map((f) => [f.name, f]));
  // Each value becomes a query parameter; engines cap those (SQLite at 32,766).
  let values = 0;
  for (const [i, f] of filters.entries()) {
    values += Array.isArray(f.value) ? f.value.length : 1;
    if (values > MAX_FILTER_VALUES) {
      throw new ValidationError(
        `${root}[${i}].value`,
        `the filters hold more than ${MAX_FILTER_VALUES} values together; split the query or narrow the lists`,
      );
    }
  }
  return filters.flatMap((f, i) => {
    const at = `${root}[${i}]`;
    const info = byName.get(f.field);
    if (!info) {
      throw new ValidationError(
        `${at}.field`,
        `${quote(f.field)} is not a field of ${type}. Valid fields: ${fields.map((x) => x.name).join(", ")}`,
      );
    }
    if (!info.operators.includes(f.operator)) {
      throw new ValidationError(
        `${at}.operator`,
        `"${f.operator}" does not apply to ${f.field} (${info.kind}). Use one of: ${info.operators.join(", ")}`,
      );
    }
    const value = checkValue(f, info, at);
    if (info.kind === "datetime") {
      return wholeDays(f.operator, value).map((part) =>
        stored(f.field, info, columns, part.operator, part.value),
      );
    }
    return [stored(f.field, info, columns, f.operator, value)];
  });
}

function stored(
  field: string,
  info: FieldInfo,
  columns: CustomColumn[],
  operator: string,
  value: unknown,
): StoredFilter {
  if (info.kind === "relation") {
    return {
      kind: "relation",
      target: info.target as StoredFilter & string,
      operator,
      value,
    } as StoredFilter;
  }
  if (field.startsWith("col_")) {
    const column = columns.find((c) => c.id === field)!;
    return {
      kind: "custom",
      columnId: column.id,
      numeric: isNumericColumn(column.type),
      operator,
      value,
    };
  }
  if (info.kind === "stringList") return { kind: "list", field, operator, value };
  return { kind: "column", field, operator, value };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * On a date-time field a bare date stands for that whole day in UTC, so `equals
 * "2026-12-02"` finds what happened that day and `lte` includes it. Date-times are stored as
 * `toISOString` writes them, which compare as text in time order; a bare date sorts before
 * every time of its day.
 */
export function wholeDays(operator: string, value: unknown): { operator: string; value: unknown }[] {
  const isDay = (v: unknown): v is string => typeof v === "string" && DAY.test(v);
  switch (operator) {
    case "equals":
      return isDay(value)
        ? [
            { operator: "gte", value },
            { operator: "lt", value: nextDay(value) },
          ]
        : [{ operator, value }];
    case "gt":
      return isDay(value) ? [{ operator: "gte", value: nextDay(value) }] : [{ operator, value }];
    case "lte":
      return isDay(value) ? [{ operator: "lt", value: nextDay(value) }] : [{ operator, value }];
    case "between": {
      const [low, high] = value as [string, string];
      return isDay(high)
        ? [
            { operator: "gte", value: low },
            { operator: "lt", value: nextDay(high) },
          ]
        : [{ operator, value }];
    }
    default:
      return [{ operator, value }];
  }
}

function checkValue(f: FilterInput, info: FieldInfo, at: string): unknown {
  const field = `${at}.value`;
  if (NO_VALUE.has(f.operator)) {
    if (f.value !== undefined && f.value !== null)
      throw new ValidationError(field, `${f.operator} takes no value; omit it`);
    return undefined;
  }
  const scalar = (v: unknown, where: string) => {
    if (info.kind === "date" || info.kind === "datetime") return dateValue(v, where, f.field, info.kind);
    const numeric = info.kind === "number";
    if (info.kind === "checkbox") {
      if (typeof v !== "boolean") throw new ValidationError(where, "expected true or false");
      return v ? 1 : 0;
    }
    if (numeric ? typeof v !== "number" || !Number.isFinite(v) : typeof v !== "string") {
      throw new ValidationError(
        where,
        `expected a ${numeric ? "number" : "string"} for ${f.field}, got ${quote(v)}`,
      );
    }
    if (typeof v === "string" && v.length > MAX_FILTER_TEXT)
      throw new ValidationError(where, `is ${v.length} characters long; the limit is ${MAX_FILTER_TEXT}`);
    return v;
  };
  if (LIST_VALUE.has(f.operator)) {
    if (!Array.isArray(f.value) || f.value.length === 0 || f.value.length > MAX_FILTER_VALUES) {
      throw new ValidationError(
        field,
        `${f.operator} takes a non-empty array of values (at most ${MAX_FILTER_VALUES})`,
      );
    }
    return f.value.map((v, j) => scalar(v, `${field}[${j}]`));
  }
  if (f.operator === "between") {
    if (!Array.isArray(f.value) || f.value.length !== 2) {
      throw new ValidationError(field, "between takes [low, high]");
    }
    return [scalar(f.value[0], `${field}[0]`), scalar(f.value[1], `${field}[1]`)];
  }
  if (f.value === undefined || f.value === null) {
    throw new ValidationError(field, `${f.operator} needs a value; to match a missing value use isNull`);
  }
  return scalar(f.value, field);
}

/** A date filter's value: an ISO date, or on a date-time field also an ISO date-time (kept in UTC). */
function dateValue(v: unknown, where: string, field: string, kind: "date" | "datetime"): string {
  if (typeof v === "string" && DAY.test(v)) {
    if (new Date(Date.parse(`${v}T00:00:00Z`)).toISOString().startsWith(v)) return v;
    throw new ValidationError(where, `${quote(v)} is not a real calendar date`);
  }
  const t =
    typeof v === "string" && v.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : Number.NaN;
  if (kind === "datetime" && !Number.isNaN(t)) return new Date(t).toISOString();
  throw new ValidationError(
    where,
    kind === "date"
      ? `expected an ISO date such as 2026-12-31 for ${field}, got ${quote(v)}`
      : `expected an ISO date (2026-12-31, the whole day in UTC) or date-time (2026-12-31T09:30:00Z) for ${field}, got ${quote(v)}`,
  );
}
