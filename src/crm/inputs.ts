import { z } from "zod";
import { CUSTOM_COLUMN_TYPES, ENTITIES, ENTITY_TYPES, type EntityType } from "../domain/model.js";

/**
 * What callers may write for each entity type. The services parse with these, and the
 * MCP tools list the same schemas, so there is one rule for both.
 */

const NULL_RELATION =
  "cannot be null. Give the full array to replace the links, [] to remove them all, or use link_entities / unlink_entities to add or remove some";
const idList = z
  .array(z.string().min(1), { error: (issue) => (issue.input === null ? NULL_RELATION : undefined) })
  .max(1000);
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

export const customFieldValuesInput = z
  .array(
    z.strictObject({
      columnId: z.string().min(1).describe("col_... from get_entity_configuration"),
      value: z.unknown().describe("Checked against the column's type; null clears it"),
    }),
  )
  .max(200);

const notesInput = z
  .union([z.string(), z.record(z.string(), z.unknown()), z.null()])
  .describe("Markdown (or Tiptap JSON); null clears");

const email = z.email("must be an email address such as ada@example.com");

function scalarInput(type: EntityType, name: string): z.ZodType {
  const field = ENTITIES[type].scalars.find((s) => s.name === name)!;
  switch (field.kind) {
    case "number":
      return z.number().finite();
    case "date":
      return isoDate.nullable();
    case "enum":
      return z.enum(field.values as [string, ...string[]]);
    case "stringList":
      return z.array(email).max(50).describe("Ordered: the first is the primary");
    default:
      return field.required
        ? z.string().trim().min(1, "must not be empty").max(500)
        : z.string().trim().max(500).nullable();
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
          serviceId: z.string().min(1),
          quantity: z.number().positive("must be greater than 0").finite().default(1),
        }),
      )
      .max(200)
      .optional()
      .describe("The deal's service lines; replaces the old lines when given");
  }
  for (const r of def.relations) {
    if (type === "service" && r.name === "dealIds") continue;
    // On update, the tool description says once that a relationship array replaces all links.
    shape[r.name] = idList.optional();
  }
  shape.notes = notesInput.optional();
  shape.customFieldValues = customFieldValuesInput.optional();
  return shape;
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
    z.strictObject({ id: z.string().min(1).describe(`The ${t}'s id`), ...fields(t, "update") }),
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
    .describe("A field, relationship array or custom column id from get_entity_configuration"),
  operator: z.enum(FILTER_OPERATORS),
  value: z
    .unknown()
    .optional()
    .describe("Omit for isNull/isNotNull; an array for in, notIn, hasSome, hasNone; [low, high] for between"),
});
export type FilterInput = z.infer<typeof filterInput>;

export const sortInput = z.strictObject({
  field: z.string().min(1),
  direction: z.enum(["asc", "desc"]).default("asc"),
});

export const columnCreateInput = z.strictObject({
  entityType: z.enum(ENTITY_TYPES),
  label: z.string().trim().min(1, "must not be empty").max(100),
  type: z.enum(CUSTOM_COLUMN_TYPES),
  options: z.array(z.string().trim().min(1)).max(100).default([]),
});

export const columnUpdateInput = z.strictObject({
  id: z.string().min(1),
  label: z.string().trim().min(1, "must not be empty").max(100).optional(),
  options: z.array(z.string().trim().min(1)).max(100).optional(),
});
