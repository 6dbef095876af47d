import { z } from "zod";
import { CUSTOM_COLUMN_TYPES, ENTITIES, ENTITY_TYPES, type EntityType } from "../domain/model.js";
import { quote } from "../domain/quote.js";
import { idInput, NAME_MAX_LENGTH, SEARCH_TERM_MAX_LENGTH } from "../domain/validate.js";
import { MAX_WEBSITE } from "../domain/web.js";
import { NOTES_MARKDOWN_MAX_BYTES } from "../notes/limits.js";

/**
 * What callers may write for each entity type. The services parse with these, and the
 * MCP tools list the same schemas, so there is one rule for both.
 */

/** Links one record may hold in one relationship array. */
export const MAX_LINKS = 1000;
/** Custom values one record may set in one call: every column of a type, with room. */
export const MAX_CUSTOM_VALUES = 200;
/** The largest amount of money a service may cost, either way. */
export const MAX_AMOUNT = 1e12;
/** The largest quantity of one service on a deal. */
export const MAX_QUANTITY = 1e6;
/** Text fields (names): long enough for any name, short enough to list. */
export const MAX_TEXT = 500;
/** RFC 5321's longest address. */
export const MAX_EMAIL = 254;
export const MAX_EMAILS = 50;
export const MAX_PHONES = 50;
/** The stages a company's pipeline may have, and the longest stage name. */
export const MAX_STAGES = 30;
export const MAX_STAGE = 60;
export const MAX_DEAL_SERVICES = 200;
/** Filters in one query, and the values they may hold together (each is a query parameter). */
export const MAX_FILTERS = 50;
export const MAX_FILTER_VALUES = 1000;
/** A filter's text: the longest text a record holds (a custom text value). */
export const MAX_FILTER_TEXT = 10_000;
/** Labels and options of custom columns. */
export const MAX_LABEL = 100;
export const MAX_OPTIONS = 100;

const NULL_RELATION =
  "cannot be null. Give the full array to replace the links, [] to remove them all, or use link_entities / unlink_entities to add or remove some";
const idList = z
  .array(idInput, { error: (issue) => (issue.input === null ? NULL_RELATION : undefined) })
  .max(MAX_LINKS);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be an ISO date such as 2026-12-31")
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: "is not a real calendar date",
    },
  );

/**
 * What a custom value may be, as agents see it listed; its column's type decides which, and
 * that check names the column, so the schema itself takes any value.
 */
const customValue = z.unknown().meta({ type: ["string", "number", "boolean", "null"] });
const customFieldValue = z.strictObject({ columnId: idInput, value: customValue });

export const customFieldValuesInput = z
  .array(
    z.strictObject({
      columnId: idInput.describe("Column id or exact label"),
      value: customValue.describe("null clears"),
    }),
  )
  .max(MAX_CUSTOM_VALUES);

/**
 * Custom values beside the other fields of a create or update: the same rule, said once in
 * update_entity_custom_fields and get_entity_configuration rather than in all ten tools.
 */
const inlineCustomFieldValues = z.array(customFieldValue).max(MAX_CUSTOM_VALUES);

/** One record's custom values, as update_entity_custom_fields takes them. */
export const customFieldsItemInput = z.strictObject({
  id: idInput,
  customFieldValues: customFieldValuesInput.min(1),
});

const notesInput = z.union([
  z.string().max(NOTES_MARKDOWN_MAX_BYTES),
  z.record(z.string(), z.unknown()),
  z.null(),
]);

const email = z.email("must be an email address such as ada@example.com").max(MAX_EMAIL);
/** The same rule as a custom phone column's. */
export const PHONE = /^\+?[0-9 ()./-]{3,40}$/;
/** The longest phone number PHONE accepts. */
export const MAX_PHONE = 40;
// Checked against PHONE by the service, as domains are: the rule stays out of the listed
// schemas, which are kept small, and out of the schema's list of problems with an item.
const phone = z.string().trim().max(MAX_PHONE);

/** Deals that list a field their service lines decide are told how to set it. */
const DERIVED_HINT =
  "is derived from the deal's service lines (the sum of each service's amount x quantity); set the lines with services: [{serviceId, quantity}], or change a service's amount with update_services";

function scalarInput(type: EntityType, name: string): z.ZodType {
  const field = ENTITIES[type].scalars.find((s) => s.name === name)!;
  switch (field.kind) {
    case "number":
      return z.number().min(-MAX_AMOUNT).max(MAX_AMOUNT);
    case "date":
      return isoDate.nullable();
    case "enum":
      return z.enum(field.values as [string, ...string[]]);
    case "stringList":
      // Phones are ordered as emails are; the emails' description says it for both.
      return field.format === "phone"
        ? z.array(phone).max(MAX_PHONES)
        : z.array(email).max(MAX_EMAILS).describe("Ordered: the first is the primary");
    case "stage":
      // Checked against the company's stages by the service.
      return z.string().max(MAX_STAGE);
    default:
      // Domains and websites are normalised (and checked) by the service; the bound comes first.
      if (field.format === "url" || field.format === "domain")
        return z.string().trim().max(MAX_WEBSITE).nullable();
      return field.required
        ? z.string().trim().min(1, "must not be empty").max(MAX_TEXT)
        : z.string().trim().max(MAX_TEXT).nullable();
  }
}

function fields(type: EntityType, mode: "create" | "update"): Record<string, z.ZodType> {
  const def = ENTITIES[type];
  const shape: Record<string, z.ZodType> = {};
  for (const s of def.scalars) {
    if (s.derived) continue;
    const base = scalarInput(type, s.name);
    shape[s.name] = mode === "create" && s.required ? base : base.optional();
  }
  if (type === "deal") {
    shape.services = z
      .array(
        z.strictObject({
          serviceId: idInput,
          quantity: z.number().positive("must be greater than 0").max(MAX_QUANTITY).default(1),
        }),
      )
      .max(MAX_DEAL_SERVICES)
      .optional()
      .describe("Replaces the deal's service lines");
  }
  for (const r of def.relations) {
    // A service joins deals from its side when it is created; later, the deal's services change it.
    if (type === "service" && r.name === "dealIds" && mode === "update") continue;
    // That a given array replaces the old links is said once, in the update tools' description.
    shape[r.name] = r.meaning ? idList.optional().describe(capitalize(r.meaning)) : idList.optional();
  }
  // The create tools' description says notes are markdown; an update may also clear them.
  shape.notes =
    mode === "create"
      ? notesInput.optional()
      : notesInput.optional().describe("Markdown or Tiptap JSON; null clears");
  shape.customFieldValues = inlineCustomFieldValues.optional();
  return shape;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A field the service derives, given anyway: the error says where its value comes from
 * and how to change it. Null when no item names one.
 */
export function derivedFieldProblem(
  type: EntityType,
  items: unknown[],
  root: string,
): { field: string; message: string } | null {
  const derived = ENTITIES[type].scalars.filter((s) => s.derived).map((s) => s.name);
  for (const [i, item] of items.entries()) {
    if (typeof item !== "object" || item === null) continue;
    const name = derived.find((d) => Object.hasOwn(item, d));
    if (name) return { field: `${root}[${i}].${name}`, message: `${name} ${DERIVED_HINT}` };
  }
  return null;
}

export const CREATE_INPUTS = Object.fromEntries(
  (Object.keys(ENTITIES) as EntityType[]).map((t) => [t, z.strictObject(fields(t, "create"))]),
) as unknown as Record<EntityType, z.ZodObject>;
// The other types require their name; a contact is named by any of these, and not by nothing.
CREATE_INPUTS.contact = CREATE_INPUTS.contact.refine(
  (c: { firstName?: string | null; lastName?: string | null; emails?: string[] }) =>
    Boolean(c.firstName || c.lastName || c.emails?.length),
  {
    message: "a new contact needs a firstName, a lastName or an email",
    // Said only of an otherwise valid item: next to a typo it would only confuse.
    when: (payload) => payload.issues.length === 0,
  },
) as unknown as z.ZodObject;

export const UPDATE_INPUTS = Object.fromEntries(
  (Object.keys(ENTITIES) as EntityType[]).map((t) => [
    t,
    z.strictObject({ id: idInput, ...fields(t, "update") }),
  ]),
) as unknown as Record<EntityType, z.ZodObject>;

export const FILTER_OPERATORS = [
  "equals",
  "contains",
  "gt",
  "gte",
  "lt",
  "lte",
  "in",
  "notIn",
  "between",
  "isNull",
  "isNotNull",
  "hasSome",
  "hasNone",
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const filterInput = z.strictObject({
  field: z
    .string()
    .min(1)
    .max(NAME_MAX_LENGTH)
    .describe("From get_entity_configuration; a column's label too"),
  operator: z.enum(FILTER_OPERATORS),
  // Listed with its types; the field's own check says what fits it ("expected a number for totalValue").
  value: z
    .unknown()
    .optional()
    .meta({
      type: ["string", "number", "boolean", "array", "null"],
      description:
        "None for isNull/isNotNull; an array for in/notIn/hasSome/hasNone; [low, high] for between",
    }),
});
export type FilterInput = z.infer<typeof filterInput>;

export const filtersInput = z.array(filterInput).max(MAX_FILTERS);
export const searchTermInput = z.string().max(SEARCH_TERM_MAX_LENGTH);

export const sortInput = z.strictObject({
  field: z.string().min(1).max(NAME_MAX_LENGTH),
  direction: z.enum(["asc", "desc"]).default("asc"),
});

const label = z.string().trim().min(1, "must not be empty").max(MAX_LABEL);
const options = z
  .array(z.string().trim().min(1, "must not be empty").max(MAX_LABEL))
  .max(MAX_OPTIONS)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((option, i) => {
      if (seen.has(option))
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `${quote(option)} appears twice; give each option once`,
        });
      seen.add(option);
    });
  });

export const columnCreateInput = z.strictObject({
  entityType: z.enum(ENTITY_TYPES),
  label,
  type: z.enum(CUSTOM_COLUMN_TYPES),
  options: options.default([]),
});

/** A company's deal stages, in pipeline order. */
export const dealStagesInput = z
  .array(z.string().trim().min(1, "must not be empty").max(MAX_STAGE))
  .min(1, "give at least one stage")
  .max(MAX_STAGES)
  .superRefine((list, ctx) => {
    list.forEach((stage, i) => {
      if (list.indexOf(stage) !== i)
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `${quote(stage)} appears twice; give each stage once`,
        });
    });
  });

export const columnUpdateInput = z.strictObject({
  id: idInput,
  label: label.optional(),
  options: options.optional(),
});
