import { ValidationError } from "../domain/errors.js";
import type { CustomColumn, EntityType } from "../domain/model.js";
import { quote } from "../domain/quote.js";

/**
 * What a CSV column may stand for, per entity type: the header export writes, and the
 * headers a spreadsheet from another CRM uses for the same thing. Import and export read
 * this one table, so a file export writes always imports.
 */
export interface CsvField {
  /** The record's field, or `organization` (linked by name) or `fullName` (split in two). */
  key: string;
  header: string;
  aliases: readonly string[];
  /** Written by export; `fullName` is read only. */
  exported: boolean;
}

const f = (key: string, header: string, aliases: string[], exported = true): CsvField => ({
  key,
  header,
  aliases,
  exported,
});

const ID = f("id", "Id", ["id", "recordid"]);
const NOTES = f("notes", "Notes", ["notes", "note", "comments", "comment", "description"]);
const ORGANIZATION = f("organization", "Organization", [
  "organization",
  "organisation",
  "organizations",
  "organisations",
  "company",
  "companyname",
  "account",
  "accountname",
  "employer",
]);

const PHONE_ALIASES = [
  "phones",
  "phone",
  "phonenumber",
  "phonenumbers",
  "telephone",
  "tel",
  "mobile",
  "mobilephone",
  "cell",
  "workphone",
  "businessphone",
  "phone1",
  "phone2",
];

export const CSV_FIELDS: Record<EntityType, CsvField[]> = {
  contact: [
    f("id", "Id", ["id", "recordid", "contactid"]),
    f("firstName", "First Name", ["firstname", "first", "givenname", "forename"]),
    f("lastName", "Last Name", ["lastname", "last", "surname", "familyname"]),
    f("fullName", "Name", ["name", "fullname", "contactname", "contact"], false),
    f("emails", "Emails", [
      "emails",
      "email",
      "emailaddress",
      "emailaddresses",
      "mail",
      "primaryemail",
      "workemail",
      "businessemail",
      "email1",
      "email2",
      "email3",
      "secondaryemail",
      "otheremail",
      "personalemail",
    ]),
    f("jobTitle", "Job Title", ["jobtitle", "title", "position", "role"]),
    f("phones", "Phones", PHONE_ALIASES),
    ORGANIZATION,
    NOTES,
  ],
  organization: [
    f("id", "Id", ["id", "recordid", "organizationid", "companyid", "accountid"]),
    f("name", "Name", [
      "name",
      "organization",
      "organisation",
      "organizationname",
      "company",
      "companyname",
      "account",
      "accountname",
    ]),
    f("domain", "Domain", ["domain", "domainname", "emaildomain", "companydomain"]),
    f("website", "Website", ["website", "web", "url", "homepage", "site", "companywebsite"]),
    f("phones", "Phones", PHONE_ALIASES),
    NOTES,
  ],
  deal: [
    f("id", "Id", ["id", "recordid", "dealid"]),
    f("name", "Name", ["name", "deal", "dealname", "opportunity", "opportunityname", "title"]),
    f("stage", "Stage", ["stage", "dealstage", "pipelinestage"]),
    f("expectedCloseDate", "Expected Close Date", [
      "expectedclosedate",
      "closedate",
      "expectedclose",
      "closingdate",
    ]),
    ORGANIZATION,
    NOTES,
  ],
  service: [
    f("id", "Id", ["id", "recordid", "serviceid", "productid"]),
    f("name", "Name", ["name", "service", "servicename", "product", "productname", "item"]),
    f("amount", "Amount", ["amount", "price", "unitprice", "cost", "rate"]),
    NOTES,
  ],
  task: [
    ID,
    f("name", "Name", ["name", "task", "taskname", "title", "subject"]),
    f("dueDate", "Due Date", ["duedate", "due", "dueon", "deadline"]),
    f("status", "Status", ["status", "state"]),
    ORGANIZATION,
    NOTES,
  ],
};

/** Headers compare without case, spaces or punctuation: "E-mail", "e_mail" and "EMail" are one. */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

/** What one column of the file feeds. */
export type ColumnTarget =
  | { kind: "field"; field: CsvField }
  | { kind: "custom"; column: CustomColumn }
  | { kind: "ignored" };

/** The longest header or field name a mapping may hold. */
const MAX_HEADER = 200;

/** The word an explicit mapping uses to drop a column. */
const IGNORE = new Set(["", "-", "ignore", "skip"]);

/**
 * Maps each header to a field, a custom column (by label or id) or nothing. An explicit
 * mapping (header -> field key, custom column label or id, or "-") wins over the aliases.
 * Only `emails` may be fed by several columns ("Email", "Email 2"); any other target
 * fed twice is refused, naming both headers.
 */
export function mapColumns(
  type: EntityType,
  header: string[],
  columns: CustomColumn[],
  mapping: Record<string, string> = {},
): ColumnTarget[] {
  const fields = CSV_FIELDS[type];
  const byAlias = new Map<string, CsvField>();
  for (const field of fields) for (const a of field.aliases) byAlias.set(a, field);
  const byLabel = new Map(columns.map((c) => [headerKey(c.label), c]));

  const explicit = new Map<string, string>();
  const pairs = Object.entries(mapping);
  if (pairs.length > header.length)
    throw new ValidationError(
      "mapping",
      `maps ${pairs.length} columns but the file has ${header.length}; map only the file's columns`,
    );
  for (const [from, to] of pairs) {
    if (from.length > MAX_HEADER || to.length > MAX_HEADER)
      throw new ValidationError(`mapping[${quote(from)}]`, `names are at most ${MAX_HEADER} characters`);
    const at = header.findIndex((h) => h === from.trim() || headerKey(h) === headerKey(from));
    if (at < 0)
      throw new ValidationError(
        `mapping[${quote(from)}]`,
        `the file has no column ${quote(from)}. Its columns: ${header.map((h) => quote(h)).join(", ")}`,
      );
    explicit.set(header[at]!, to.trim());
  }

  const targets = header.map((h): ColumnTarget => {
    const wanted = explicit.get(h);
    if (wanted !== undefined) {
      if (IGNORE.has(wanted.toLowerCase())) return { kind: "ignored" };
      const field = fields.find((x) => x.key === wanted) ?? byAlias.get(headerKey(wanted));
      if (field) return { kind: "field", field };
      const column = columns.find((c) => c.id === wanted) ?? byLabel.get(headerKey(wanted));
      if (column) return { kind: "custom", column };
      const known = [...fields.map((x) => x.key), ...columns.map((c) => quote(c.label))].join(", ");
      throw new ValidationError(
        `mapping[${quote(h)}]`,
        `${quote(wanted)} is not a field or custom column of ${type}. Use one of: ${known}, or "-" to skip the column`,
      );
    }
    const key = headerKey(h);
    const field = byAlias.get(key);
    if (field) return { kind: "field", field };
    const column = byLabel.get(key) ?? columns.find((c) => c.id === h);
    if (column) return { kind: "custom", column };
    return { kind: "ignored" };
  });

  const fedBy = new Map<string, string>();
  targets.forEach((t, i) => {
    if (t.kind === "ignored") return;
    const target = t.kind === "field" ? t.field.key : t.column.id;
    if (target === "emails") return;
    const first = fedBy.get(target);
    if (first !== undefined)
      throw new ValidationError(
        `mapping[${quote(header[i]!)}]`,
        `columns ${quote(first)} and ${quote(header[i]!)} both map to ${t.kind === "field" ? target : quote(t.column.label)}; map one of them to "-" or to another field`,
      );
    fedBy.set(target, header[i]!);
  });
  return targets;
}

/** A number as spreadsheets write it: `1234.5`, `1,234.50`, `1234,5`, ` 12 `. */
export function parseNumber(text: string): number | null {
  let s = text.replace(/[\s\u00a0']/g, "");
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
  else if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) s = s.replace(/\./g, "").replace(",", ".");
  else if (/^-?\d+,\d+$/.test(s)) s = s.replace(",", ".");
  if (!/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

const TRUE = new Set(["true", "yes", "y", "1", "x", "checked", "on"]);
const FALSE = new Set(["false", "no", "n", "0", "unchecked", "off"]);

/** A cell as the value a custom column of its type takes; the column's own check follows. */
export function customCell(column: CustomColumn, text: string): unknown {
  switch (column.type) {
    case "number":
    case "currency": {
      const n = parseNumber(text);
      if (n === null) throw new ValidationError("", `${quote(text)} is not a number; write it as 1234.5`);
      return n;
    }
    case "checkbox": {
      const v = text.toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      throw new ValidationError("", `${quote(text)} is not a checkbox value; write true or false`);
    }
    default:
      return text;
  }
}

/** A custom value as export writes it. */
export function customText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : String(value);
}

/** Cells that hold several values (emails, organizations) separate them so. */
export const LIST_SEPARATOR = "; ";

export function splitList(text: string, pattern: RegExp): string[] {
  return text
    .split(pattern)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * What a spreadsheet would read as the start of a formula: `=`, `+`, `-`, `@`, a tab or a
 * carriage return. An exported cell that starts so is written after a `'` (the OWASP
 * advice for CSV injection), and so is one that already starts with `'` and then one of
 * these, so the importer can take exactly one `'` off and get the value back unchanged.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** A cell as export writes it: see FORMULA_START. */
export function guardCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A cell as import reads it: the `'` that guardCell added, taken off again. */
export function unguardCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}
