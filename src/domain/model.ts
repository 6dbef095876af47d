/**
 * The five entity types of the CRM, described once: their own fields, their relationship
 * id arrays and what each array points at. Services, filters, the store and the MCP tools
 * all read this table instead of keeping their own lists.
 */

export const ENTITY_TYPES = ["contact", "organization", "deal", "service", "task"] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** What a relationship array can point at: another entity type, or the company's users. */
export type LinkTarget = EntityType | "user";

/** `stage`: one of the company's ordered deal stages (a list the company manages). */
export type ScalarKind = "string" | "number" | "date" | "enum" | "stringList" | "stage";

/** What a text field, or each item of a list, must be; checked and normalised on write. */
export type TextFormat = "email" | "phone" | "domain" | "url";

export interface ScalarField {
  name: string;
  kind: ScalarKind;
  /** Written by the service, never by a caller (deal totals). */
  derived?: boolean;
  required?: boolean;
  values?: readonly string[];
  format?: TextFormat;
}

export interface RelationField {
  /** The id array's name as it appears on the record: `organizationIds`. */
  name: string;
  target: LinkTarget;
  /** What the links mean, where the name alone does not say (a task's users are its assignees). */
  meaning?: string;
}

export interface EntityDefinition {
  type: EntityType;
  plural: string;
  scalars: readonly ScalarField[];
  relations: readonly RelationField[];
  /** Fields whose text a searchTerm matches. */
  searchFields: readonly string[];
}

const rel = (name: string, target: LinkTarget, meaning?: string): RelationField =>
  meaning ? { name, target, meaning } : { name, target };

export const ENTITIES: Record<EntityType, EntityDefinition> = {
  contact: {
    type: "contact",
    plural: "contacts",
    scalars: [
      { name: "firstName", kind: "string" },
      { name: "lastName", kind: "string" },
      { name: "jobTitle", kind: "string" },
      { name: "emails", kind: "stringList", format: "email" },
      { name: "phones", kind: "stringList", format: "phone" },
    ],
    relations: [
      rel("organizationIds", "organization"),
      rel("dealIds", "deal"),
      rel("userIds", "user"),
      rel("taskIds", "task"),
    ],
    searchFields: ["firstName", "lastName", "emails", "phones"],
  },
  organization: {
    type: "organization",
    plural: "organizations",
    scalars: [
      { name: "name", kind: "string", required: true },
      { name: "domain", kind: "string", format: "domain" },
      { name: "website", kind: "string", format: "url" },
      { name: "phones", kind: "stringList", format: "phone" },
    ],
    relations: [
      rel("contactIds", "contact"),
      rel("dealIds", "deal"),
      rel("userIds", "user"),
      rel("taskIds", "task"),
    ],
    searchFields: ["name", "domain", "phones"],
  },
  deal: {
    type: "deal",
    plural: "deals",
    scalars: [
      { name: "name", kind: "string", required: true },
      { name: "stage", kind: "stage" },
      { name: "expectedCloseDate", kind: "date" },
      { name: "totalValue", kind: "number", derived: true },
      { name: "totalQuantity", kind: "number", derived: true },
    ],
    relations: [
      rel("organizationIds", "organization"),
      rel("contactIds", "contact"),
      rel("userIds", "user"),
      rel("taskIds", "task"),
    ],
    searchFields: ["name"],
  },
  service: {
    type: "service",
    plural: "services",
    scalars: [
      { name: "name", kind: "string", required: true },
      { name: "amount", kind: "number" },
    ],
    relations: [rel("dealIds", "deal"), rel("userIds", "user"), rel("taskIds", "task")],
    searchFields: ["name"],
  },
  task: {
    type: "task",
    plural: "tasks",
    scalars: [
      { name: "name", kind: "string", required: true },
      { name: "dueDate", kind: "date" },
      { name: "status", kind: "enum", values: ["open", "done"] },
    ],
    relations: [
      rel("contactIds", "contact"),
      rel("organizationIds", "organization"),
      rel("dealIds", "deal"),
      rel("serviceIds", "service"),
      rel("userIds", "user", "assignees"),
    ],
    searchFields: ["name"],
  },
};

/** The name of the id array on `type` that points at `target` (`contact` -> `organization`: `organizationIds`). */
export function relationName(type: EntityType, target: LinkTarget): string | undefined {
  return ENTITIES[type].relations.find((r) => r.target === target)?.name;
}

export function isEntityType(value: string): value is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(value);
}

export interface CustomFieldValue {
  columnId: string;
  value: unknown;
}

export interface DealServiceLine {
  serviceId: string;
  quantity: number;
}

/**
 * An entity as the outside world sees it (event payloads, get_entities): own fields,
 * relationship id arrays, notes as Tiptap JSON, custom field values, timestamps.
 */
export interface EntityRecord {
  id: string;
  [field: string]: unknown;
  notes: unknown | null;
  customFieldValues: CustomFieldValue[];
  createdAt: string;
  updatedAt: string;
}

/** A human name for create/update results: a contact's first and last name, else `name`. */
export function displayName(type: EntityType, record: Record<string, unknown>): string {
  if (type === "contact") {
    return [record.firstName, record.lastName].filter((p) => typeof p === "string" && p).join(" ");
  }
  return typeof record.name === "string" ? record.name : "";
}

/** A company's deal stages until it sets its own: the pipeline's order. */
export const DEFAULT_DEAL_STAGES: readonly string[] = ["lead", "qualified", "proposal", "won", "lost"];

/**
 * The id that names the deal stages where the custom-column tools take a column id:
 * `update_custom_column` with it sets the company's ordered list of stages.
 */
export const DEAL_STAGES_ID = "deal.stage";

export const CUSTOM_COLUMN_TYPES = [
  "text",
  "number",
  "currency",
  "date",
  "datetime",
  "singleSelect",
  "email",
  "phone",
  "link",
  "checkbox",
] as const;
export type CustomColumnType = (typeof CUSTOM_COLUMN_TYPES)[number];

export interface CustomColumn {
  id: string;
  entityType: EntityType;
  label: string;
  type: CustomColumnType;
  options: string[];
  createdAt: string;
  updatedAt: string;
}
