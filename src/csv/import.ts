import { checkCustomValue } from "../crm/custom-fields.js";
import { CREATE_INPUTS, PHONE, UPDATE_INPUTS } from "../crm/inputs.js";
import { type CrmService, MAX_BATCH, type WriteBatch } from "../crm/service.js";
import { type NotFoundError, ValidationError } from "../domain/errors.js";
import {
  type CustomColumn,
  displayName,
  ENTITIES,
  type EntityRecord,
  type EntityType,
} from "../domain/model.js";
import { quote } from "../domain/quote.js";
import { parse } from "../domain/validate.js";
import { normalizeDomain, normalizeWebsite } from "../domain/web.js";
import { deepEqual } from "../events/diff.js";
import type { Actor } from "../events/recorder.js";
import { notes as loadNotes } from "../notes/lazy.js";
import {
  type ColumnTarget,
  CSV_FIELDS,
  customCell,
  mapColumns,
  parseNumber,
  splitList,
  unguardCell,
} from "./fields.js";
import { CSV_LIMITS, readCsv } from "./read.js";

/**
 * CSV import: read the file, map its columns, then a batch of rows at a time plan what
 * each row does (create, update, nothing, or refuse, and why) and, unless it is a dry run,
 * carry the plan out through the CRM service, so every write is validated and emits its
 * events and webhooks as any other write does. Each batch is its own short transaction,
 * planned and written in it: rows match the records that exist when the batch runs,
 * including those other clients created while the import went on.
 */

export type RowAction = "created" | "updated" | "unchanged" | "refused";

export interface RowProblem {
  /** The CSV column the problem is in, or "" for the row as a whole. */
  column: string;
  message: string;
}

export interface RowReport {
  /** The spreadsheet's row number: the header is row 1. */
  row: number;
  action: RowAction;
  id?: string;
  name?: string;
  /** The fields an update changes. */
  changed?: string[];
  problems?: RowProblem[];
}

export interface ImportReport {
  entity: EntityType;
  dryRun: boolean;
  /** What each column feeds: a field, a custom column's label, or null when it is skipped. */
  columns: { header: string; field: string | null }[];
  counts: Record<RowAction, number>;
  /** Organizations the "organization" column created (or, in a dry run, would create). */
  organizationsCreated: string[];
  rows: RowReport[];
}

export interface ImportOptions {
  dryRun?: boolean;
  /** Create the organizations an "organization" column names that do not exist yet. */
  createOrganizations?: boolean;
  /** CSV header -> field key, custom column label or id, or "-" to skip the column. */
  mapping?: Record<string, string>;
  /** Rows per write: each batch is one transaction per kind of write. At most 100. */
  batchSize?: number;
  maxBytes?: number;
  /** Called after each batch; the next batch waits for a promise it returns. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

type Cells = Record<string, unknown>;

/** One row, read and checked, before it is matched against what exists. */
interface Draft {
  row: number;
  id?: string;
  values: Cells;
  custom: { column: CustomColumn; value: unknown; header: string }[];
  organizations: string[];
  problems: RowProblem[];
  /** Field key -> the header it came from, to put problems in the right column. */
  headers: Map<string, string>;
  keys: string[];
}

interface Planned {
  draft: Draft;
  report: RowReport;
  existing?: EntityRecord;
  input?: Cells;
}

const EMAIL_SPLIT = /[;,\s]+/;
const ORG_SPLIT = /;/;
const PHONE_SPLIT = /[;,]/;
const AMBIGUOUS = "";
/** The root of a service error's path: `contacts[0].` */
const BATCH_ROOT = new RegExp(
  `^(${Object.values(ENTITIES)
    .map((e) => e.plural)
    .join("|")})\\[\\d+\\]\\.?`,
);

export class CsvImporter {
  constructor(private readonly crm: CrmService) {}

  async import(
    actor: Actor,
    type: EntityType,
    text: string,
    options: ImportOptions = {},
  ): Promise<ImportReport> {
    const table = await readCsv(text, { ...CSV_LIMITS, maxBytes: options.maxBytes ?? CSV_LIMITS.maxBytes });
    const columns = await this.crm.listColumns(actor, type);
    const targets = mapColumns(type, table.header, columns, options.mapping);
    const usesOrganizations = targets.some((t) => t.kind === "field" && t.field.key === "organization");
    const usesNotes = targets.some((t) => t.kind === "field" && t.field.key === "notes");
    const batchSize = Math.min(Math.max(1, options.batchSize ?? MAX_BATCH), MAX_BATCH);

    const scanned = Date.now();
    const index = await this.indexOf(actor, type);
    const orgIndex = usesOrganizations
      ? await this.organizationIndex(actor)
      : new UndoableMap<string, string>();
    let since: Record<string, number> = {
      [type]: scanned,
      ...(usesOrganizations ? { organization: scanned } : {}),
    };
    const normalizeNotes = usesNotes ? (await loadNotes()).normalizeNotes : null;
    const stages = type === "deal" ? await this.crm.dealStages(actor) : [];

    const report: ImportReport = {
      entity: type,
      dryRun: Boolean(options.dryRun),
      columns: table.header.map((header, i) => ({ header, field: describeTarget(targets[i]!) })),
      counts: { created: 0, updated: 0, unchanged: 0, refused: 0 },
      organizationsCreated: [],
      rows: [],
    };
    const seenKeys = new UndoableMap<string, number>();
    const undoable = [index, orgIndex, seenKeys];
    for (const map of undoable) map.keep();

    for (let start = 0; start < table.rows.length; ) {
      // The store runs the work again when a transaction is lost before it commits, so each
      // attempt starts from the state the batch began with: the rows read afresh, the
      // indexes' changes of an earlier attempt undone.
      const sinceBefore = since;
      const createdBefore = report.organizationsCreated.length;
      const { result: planned, after } = await this.crm.batch(actor, !options.dryRun, async (batch) => {
        for (const map of undoable) map.undo();
        since = { ...sinceBefore };
        report.organizationsCreated.length = createdBefore;
        const drafts = table.rows
          .slice(start, start + batchSize)
          .map((cells, i) =>
            readRow(type, table.header, targets, cells, start + i + 2, normalizeNotes, stages),
          );
        if (!options.dryRun) {
          await this.catchUp(batch, type, index, since);
          if (usesOrganizations) await this.catchUp(batch, "organization", orgIndex, since);
        }
        const planned = await this.plan(batch, type, drafts, index, orgIndex, seenKeys, options, report);
        if (!options.dryRun) await this.apply(batch, type, planned, index);
        return planned;
      });
      for (const map of undoable) map.keep();
      start += planned.length;
      for (const p of planned) {
        const record = p.report.id && p.input ? after.get(`${type}:${p.report.id}`) : undefined;
        if (record) p.report.name = displayName(type, record);
        report.rows.push(p.report);
        report.counts[p.report.action]++;
      }
      await options.onProgress?.(start, table.rows.length);
      // Let other requests of this process in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return report;
  }

  /** The keys of every record of the type that rows match on, and the ids that exist. */
  private async indexOf(actor: Actor, type: EntityType): Promise<UndoableMap<string, string>> {
    const index = new UndoableMap<string, string>();
    for await (const chunk of this.crm.scan(actor, type)) addToIndex(index, type, chunk);
    return index;
  }

  private async organizationIndex(actor: Actor): Promise<UndoableMap<string, string>> {
    const index = new UndoableMap<string, string>();
    for await (const chunk of this.crm.scan(actor, "organization")) addToIndex(index, "organization", chunk);
    return index;
  }

  /**
   * Adds to an index the records of a type that others created since the previous batch
   * looked (`since`, per type), as this batch's transaction sees them.
   */
  private async catchUp(
    batch: WriteBatch,
    type: EntityType,
    index: Map<string, string>,
    since: Record<string, number>,
  ): Promise<void> {
    const now = Date.now();
    const ids = await batch.createdSince(type, since[type] ?? 0);
    since[type] = now;
    const fresh = ids.filter((id) => !index.has(`id:${id}`));
    for (let i = 0; i < fresh.length; i += MAX_BATCH)
      addToIndex(index, type, (await batch.get(type, fresh.slice(i, i + MAX_BATCH))).values());
  }

  private async plan(
    batch: WriteBatch,
    type: EntityType,
    rows: Draft[],
    index: Map<string, string>,
    orgIndex: Map<string, string>,
    seenKeys: Map<string, number>,
    options: ImportOptions,
    report: ImportReport,
  ): Promise<Planned[]> {
    // Which existing record each row is about.
    let drafts = rows;
    const matched = new Map<Draft, string>();
    const matchedIds = new Set<string>();
    for (const [at, draft] of rows.entries()) {
      if (draft.problems.length) continue;
      if (type === "organization" && draft.keys.length === 2) {
        // By domain; by name only an organization that has no domain yet.
        const [byDomain, byName] = draft.keys as [string, string];
        const named = index.get(byName);
        const fallBack = index.get(byDomain) === undefined && named && !index.has(`domainOf:${named}`);
        draft.keys = fallBack ? [byDomain, byName] : [byDomain];
      }
      const idHit = draft.id ? index.get(`id:${draft.id}`) : undefined;
      const hits = new Set<string>();
      let ambiguous: string | undefined;
      for (const key of draft.keys) {
        const hit = index.get(key);
        if (hit === AMBIGUOUS) ambiguous = key;
        else if (hit !== undefined) hits.add(hit);
      }
      for (const key of draft.keys) {
        const earlier = seenKeys.get(key);
        if (earlier !== undefined) {
          draft.problems.push({
            column: columnOfKey(draft, key),
            message: `the same ${describeKey(key)} as row ${earlier}; merge the two rows`,
          });
          break;
        }
      }
      if (draft.problems.length) continue;
      const target = idHit
        ? [...hits].every((h) => h === idHit)
          ? idHit
          : undefined
        : hits.size === 1
          ? [...hits][0]
          : undefined;
      if (target !== undefined && matchedIds.has(target)) {
        // A second row about a record this batch already updates (by another key): the batch
        // ends before it, and the next one applies it after the first, in the file's order.
        drafts = drafts.slice(0, at);
        break;
      }
      if (target !== undefined) matchedIds.add(target);
      for (const key of draft.keys) seenKeys.set(key, draft.row);
      if (idHit) {
        const other = [...hits].find((h) => h !== idHit);
        if (other)
          draft.problems.push({
            column: columnOfKey(draft, draft.keys[0]!),
            message: `belongs to ${type} ${other}, not to ${idHit} named in the id column`,
          });
        else matched.set(draft, idHit);
      } else if (hits.size > 1) {
        draft.problems.push({
          column: columnOfKey(draft, draft.keys[0]!),
          message: `matches ${hits.size} ${ENTITIES[type].plural} (${[...hits].join(", ")}); give the id of the one to update in an Id column`,
        });
      } else if (hits.size === 1) {
        matched.set(draft, [...hits][0]!);
      } else if (ambiguous && draft.keys.length === 1) {
        draft.problems.push({
          column: columnOfKey(draft, ambiguous),
          message: `several ${ENTITIES[type].plural} have this ${describeKey(ambiguous)}; give the id of the one to update in an Id column`,
        });
      }
    }

    const existing = new Map<string, EntityRecord>();
    const ids = [...new Set(matched.values())];
    for (let i = 0; i < ids.length; i += MAX_BATCH) {
      for (const [id, record] of await batch.get(type, ids.slice(i, i + MAX_BATCH))) existing.set(id, record);
    }

    // Organizations named in the rows: found, to be created, or a problem.
    const toCreate = new Map<string, string>();
    for (const draft of drafts) {
      if (draft.problems.length || draft.organizations.length === 0) continue;
      for (const name of draft.organizations) {
        const key = organizationKey(name);
        const hit = findOrganization(orgIndex, name);
        if (hit === AMBIGUOUS) {
          draft.problems.push({
            column: draft.headers.get("organization")!,
            message: `several organizations are named ${quote(name)}; write the organization's id instead`,
          });
        } else if (hit === undefined) {
          if (options.createOrganizations) toCreate.set(key, name);
          else
            draft.problems.push({
              column: draft.headers.get("organization")!,
              message: `no organization named ${quote(name)}; import organizations first, or let the import create them (--create-organizations, createOrganizations)`,
            });
        }
      }
    }
    // Organizations to create get a stand-in id until the rows that need them pass their checks.
    const standIns = new Map<string, { key: string; name: string }>();
    for (const [key, name] of toCreate) {
      const standIn = `org_new_${orgIndex.size}`;
      orgIndex.set(key, standIn);
      standIns.set(standIn, { key, name });
    }
    const planned: Planned[] = [];
    for (const draft of drafts) {
      const p: Planned = { draft, report: { row: draft.row, action: "refused" } };
      planned.push(p);
      if (draft.problems.length) {
        p.report.problems = draft.problems;
        continue;
      }
      const orgIds = draft.organizations.map((n) => findOrganization(orgIndex, n)!);
      const id = matched.get(draft);
      const before = id ? existing.get(id) : undefined;
      if (id && before) {
        p.existing = before;
        const { input, changed } = updateOf(type, draft, before, orgIds);
        p.report.id = id;
        p.report.name = displayName(type, before);
        if (changed.length === 0) {
          p.report.action = "unchanged";
          continue;
        }
        const parsed = check(() => parse(UPDATE_INPUTS[type], { id, ...input }), draft, input);
        if ("problem" in parsed) {
          p.report.problems = [parsed.problem];
          continue;
        }
        p.input = parsed.value;
        p.report.action = "updated";
        p.report.changed = changed;
      } else {
        const input: Cells = { ...draft.values };
        if (draft.custom.length)
          input.customFieldValues = draft.custom.map((c) => ({ columnId: c.column.id, value: c.value }));
        if (orgIds.length) input.organizationIds = [...new Set(orgIds)];
        const parsed = check(() => parse(CREATE_INPUTS[type], input), draft, input);
        if ("problem" in parsed) {
          p.report.problems = [parsed.problem];
          continue;
        }
        p.input = parsed.value;
        p.report.action = "created";
        p.report.name = displayName(type, input);
      }
    }
    await this.createOrganizations(batch, planned, standIns, orgIndex, options, report);
    return planned;
  }

  /** Creates the organizations that rows about to be written link to, and puts their ids in place of the stand-ins. */
  private async createOrganizations(
    batch: WriteBatch,
    planned: Planned[],
    standIns: Map<string, { key: string; name: string }>,
    orgIndex: Map<string, string>,
    options: ImportOptions,
    report: ImportReport,
  ) {
    if (standIns.size === 0) return;
    const needed = new Set<string>();
    for (const p of planned) {
      if (p.report.action !== "created" && p.report.action !== "updated") continue;
      for (const id of (p.input?.organizationIds as string[] | undefined) ?? [])
        if (standIns.has(id)) needed.add(id);
    }
    for (const [standIn, { key }] of standIns) if (!needed.has(standIn)) orgIndex.delete(key);
    const list = [...needed];
    const real = new Map<string, string>();
    for (let i = 0; i < list.length; i += MAX_BATCH) {
      const part = list.slice(i, i + MAX_BATCH);
      const names = part.map((id) => standIns.get(id)!.name);
      report.organizationsCreated.push(...names);
      if (options.dryRun) continue;
      const inputs = names.map((name, j) => {
        const domain = looksLikeDomain(name) ? normalizeDomain(name) : null;
        return parse(CREATE_INPUTS.organization, domain ? { name, domain } : { name }, `organizations[${j}]`);
      });
      const created = await batch.create("organization", inputs, (_, error) => {
        throw error;
      });
      part.forEach((standIn, j) => {
        const id = created[j]!;
        real.set(standIn, id);
        orgIndex.set(standIns.get(standIn)!.key, id);
        orgIndex.set(`id:${id}`, id);
      });
    }
    if (options.dryRun) return;
    for (const p of planned) {
      const ids = p.input?.organizationIds as string[] | undefined;
      if (ids) p.input!.organizationIds = ids.map((id) => real.get(id) ?? id);
    }
  }

  /** Writes a batch's creates, then its updates; a row whose checks fail is refused on its own, and the rest are written. */
  private async apply(batch: WriteBatch, type: EntityType, planned: Planned[], index: Map<string, string>) {
    const refuse = (group: Planned[]) => (i: number, error: ValidationError | NotFoundError) => {
      const p = group[i]!;
      p.report.action = "refused";
      p.report.problems = [problemOf(error, p.draft, p.input)];
      delete p.report.changed;
    };
    const creates = planned.filter((p) => p.report.action === "created");
    if (creates.length) {
      const ids = await batch.create(
        type,
        creates.map((p) => p.input!),
        refuse(creates),
      );
      creates.forEach((p, i) => {
        const id = ids[i];
        if (!id) return;
        p.report.id = id;
        index.set(`id:${id}`, id);
      });
    }
    const updates = planned.filter((p) => p.report.action === "updated");
    if (updates.length)
      await batch.update(
        type,
        updates.map((p) => p.input as Cells & { id: string }),
        refuse(updates),
      );
  }
}

function describeTarget(t: ColumnTarget): string | null {
  if (t.kind === "field") return t.field.key;
  if (t.kind === "custom") return t.column.label;
  return null;
}

function organizationKey(name: string): string {
  return `name:${name.trim().toLowerCase()}`;
}

/** An organization column's cell: an organization's name, its domain, or its id. */
function findOrganization(orgIndex: Map<string, string>, cell: string): string | undefined {
  const byName = orgIndex.get(organizationKey(cell));
  if (byName !== undefined) return byName;
  const domain = looksLikeDomain(cell) ? normalizeDomain(cell) : null;
  return (domain ? orgIndex.get(`domain:${domain}`) : undefined) ?? orgIndex.get(`id:${cell}`);
}

/** `acme.com`, `www.acme.com`, `https://acme.com/`: a cell that names a domain rather than a company. */
function looksLikeDomain(cell: string): boolean {
  return /^(https?:\/\/)?[^\s/@]+\.[a-z]{2,}\/?$/i.test(cell.trim());
}

/** The keys a record is matched on: contacts by email (else name), the others by name. */
function recordKeys(type: EntityType, record: Record<string, unknown>): string[] {
  if (type === "contact") {
    const emails = (record.emails as string[] | undefined) ?? [];
    if (emails.length) return emails.map((e) => `email:${e.toLowerCase()}`);
    const name = displayName(type, record).trim().toLowerCase();
    return name ? [`name:${name}`] : [];
  }
  const name = typeof record.name === "string" ? record.name.trim().toLowerCase() : "";
  const keys = name ? [`name:${name}`] : [];
  if (type === "organization" && typeof record.domain === "string" && record.domain)
    keys.unshift(`domain:${record.domain}`);
  return keys;
}

function describeKey(key: string): string {
  const [kind, ...rest] = key.split(":");
  return `${kind} ${quote(rest.join(":"))}`;
}

function columnOfKey(draft: Draft, key: string): string {
  if (key.startsWith("email:")) return draft.headers.get("emails") ?? "";
  if (key.startsWith("domain:")) return draft.headers.get("domain") ?? "";
  return draft.headers.get("name") ?? draft.headers.get("firstName") ?? draft.headers.get("fullName") ?? "";
}

/** Reads one row's cells into field values; cell-level problems are kept on the draft. */
function readRow(
  type: EntityType,
  header: string[],
  targets: ColumnTarget[],
  cells: string[],
  row: number,
  normalizeNotes: ((markdown: unknown) => unknown) | null,
  stages: readonly string[],
): Draft {
  const draft: Draft = {
    row,
    values: {},
    custom: [],
    organizations: [],
    problems: [],
    headers: new Map(),
    keys: [],
  };
  if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== "")) {
    draft.problems.push({
      column: "",
      message: `has ${cells.length} cells but the header names ${header.length} columns; quote cells that hold the separator`,
    });
    return draft;
  }
  const emails: string[] = [];
  targets.forEach((target, i) => {
    const text = unguardCell((cells[i] ?? "").trim()).trim();
    const column = header[i]!;
    if (target.kind === "ignored" || text === "") return;
    if (text.length > CSV_LIMITS.maxCellChars) {
      draft.problems.push({
        column,
        message: `is ${text.length} characters long; the limit is ${CSV_LIMITS.maxCellChars}`,
      });
      return;
    }
    if (target.kind === "custom") {
      try {
        const value = customCell(target.column, text);
        const checked = checkCustomValue(target.column, value, column);
        draft.custom.push({ column: target.column, value: checked.value, header: column });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        draft.problems.push({ column, message: stripField(error.message, column) });
      }
      return;
    }
    const key = target.field.key;
    if (!draft.headers.has(key)) draft.headers.set(key, column);
    switch (key) {
      case "id":
        draft.id = text;
        break;
      case "emails":
        emails.push(...splitList(text, EMAIL_SPLIT));
        break;
      case "phones": {
        const phones = [...new Set(splitList(text, PHONE_SPLIT))];
        const bad = phones.find((p) => !PHONE.test(p));
        if (bad !== undefined)
          draft.problems.push({
            column,
            message: `${quote(bad)} is not a phone number; write it as +49 30 1234567`,
          });
        else draft.values.phones = phones;
        break;
      }
      case "stage": {
        // Stages are the company's own words; a spreadsheet's case need not match them.
        const stage = stages.find((x) => x.toLowerCase() === text.toLowerCase());
        if (stage === undefined)
          draft.problems.push({
            column,
            message: `${quote(text)} is not one of the company's deal stages: ${stages.join(", ")}`,
          });
        else draft.values.stage = stage;
        break;
      }
      case "domain": {
        const domain = normalizeDomain(text);
        if (domain === null)
          draft.problems.push({
            column,
            message: `${quote(text)} is not a domain name; write it as example.com`,
          });
        else draft.values.domain = domain;
        break;
      }
      case "website": {
        const website = normalizeWebsite(text);
        if (website === null)
          draft.problems.push({
            column,
            message: `${quote(text)} is not a website; write it as https://example.com`,
          });
        else draft.values.website = website;
        break;
      }
      case "organization":
        draft.organizations = [...new Set(splitList(text, ORG_SPLIT))];
        break;
      case "fullName": {
        const at = text.lastIndexOf(" ");
        if (at < 0) draft.values.lastName ??= text;
        else {
          draft.values.firstName ??= text.slice(0, at).trim();
          draft.values.lastName ??= text.slice(at + 1).trim();
        }
        draft.headers.set("firstName", draft.headers.get("firstName") ?? column);
        draft.headers.set("lastName", draft.headers.get("lastName") ?? column);
        break;
      }
      case "firstName":
      case "lastName":
        draft.values[key] = text;
        break;
      case "amount": {
        const n = parseNumber(text);
        if (n === null)
          draft.problems.push({ column, message: `${quote(text)} is not a number; write it as 1234.5` });
        else draft.values.amount = n;
        break;
      }
      case "status":
        draft.values.status = text.toLowerCase();
        break;
      case "notes":
        try {
          draft.values.notes = normalizeNotes ? normalizeNotes(text) : text;
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          draft.problems.push({ column, message: stripField(error.message, "notes") });
        }
        break;
      default:
        draft.values[key] = text;
    }
  });
  if (emails.length) draft.values.emails = [...new Map(emails.map((e) => [e.toLowerCase(), e])).values()];
  draft.keys = recordKeys(type, draft.values);
  // A row with only an id is matched by its id alone.
  if (
    type === "contact" &&
    !emails.length &&
    draft.values.firstName === undefined &&
    draft.values.lastName === undefined
  )
    draft.keys = [];
  return draft;
}

/** The patch that makes `before` say what the row says; empty cells leave fields as they are. */
function updateOf(
  type: EntityType,
  draft: Draft,
  before: EntityRecord,
  orgIds: string[],
): { input: Cells; changed: string[] } {
  const input: Cells = {};
  const changed: string[] = [];
  for (const [key, value] of Object.entries(draft.values)) {
    if (!deepEqual(value ?? null, before[key] ?? null)) {
      input[key] = value;
      changed.push(key);
    }
  }
  const customChanges = draft.custom.filter((c) => {
    const old = before.customFieldValues.find((v) => v.columnId === c.column.id)?.value;
    return !deepEqual(old ?? null, c.value);
  });
  if (customChanges.length) {
    input.customFieldValues = customChanges.map((c) => ({ columnId: c.column.id, value: c.value }));
    changed.push("customFieldValues");
  }
  const linked = (before.organizationIds as string[] | undefined) ?? [];
  const missing = orgIds.filter((id) => !linked.includes(id));
  if (missing.length && type !== "organization") {
    input.organizationIds = [...linked, ...new Set(missing)];
    changed.push("organizationIds");
  }
  return { input, changed };
}

function stripField(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** Runs a check; a ValidationError becomes the row's problem, in the column it names. */
function check(run: () => Cells, draft: Draft, input: Cells): { value: Cells } | { problem: RowProblem } {
  try {
    return { value: run() };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { problem: problemOf(error, draft, input) };
  }
}

/** Adds records to a match index: their ids and keys; a key two records share is ambiguous. */
function addToIndex(index: Map<string, string>, type: EntityType, records: Iterable<EntityRecord>): void {
  for (const record of records) {
    index.set(`id:${record.id}`, record.id);
    if (record.domain) index.set(`domainOf:${record.id}`, record.id);
    for (const key of recordKeys(type, record)) {
      const seen = index.get(key);
      index.set(key, seen === undefined || seen === record.id ? record.id : AMBIGUOUS);
    }
  }
}

/** Files a service error under the CSV column of the field it names (`contacts[0].emails[1]` -> the Emails column). */
function problemOf(error: ValidationError | NotFoundError, draft: Draft, input?: Cells): RowProblem {
  const field = error instanceof ValidationError ? error.field : error.field;
  const path = field.replace(BATCH_ROOT, "");
  const message =
    field && error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
  const key = path.split(/[.[]/)[0] ?? "";
  if (key === "customFieldValues") {
    const at = Number(/^customFieldValues\[(\d+)\]/.exec(path)?.[1] ?? -1);
    const columnId = (input?.customFieldValues as { columnId: string }[] | undefined)?.[at]?.columnId;
    const custom = draft.custom.find((c) => c.column.id === columnId);
    return { column: custom?.header ?? "", message };
  }
  const column = key === "organizationIds" ? draft.headers.get("organization") : draft.headers.get(key);
  return { column: column ?? "", message: column ? message : `${path ? `${path}: ` : ""}${message}` };
}

export { CSV_FIELDS };

/**
 * A map whose changes since the last `keep` can be undone: an import's indexes outlive a
 * batch's transaction, and a transaction the store runs again must not see what an earlier
 * attempt of it added or removed.
 */
class UndoableMap<K, V> extends Map<K, V> {
  private log: { key: K; had: boolean; value: V | undefined }[] = [];

  override set(key: K, value: V): this {
    // The constructor calls set before the log exists.
    this.log?.push({ key, had: this.has(key), value: this.get(key) });
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    if (this.has(key)) this.log.push({ key, had: true, value: this.get(key) });
    return super.delete(key);
  }

  /** Undoes the changes since the last `keep`. */
  undo(): void {
    for (let step = this.log.pop(); step; step = this.log.pop()) {
      if (step.had) super.set(step.key, step.value as V);
      else super.delete(step.key);
    }
  }

  /** Keeps the changes so far: the transaction that made them committed. */
  keep(): void {
    this.log = [];
  }
}
