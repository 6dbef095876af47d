import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, json, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { notes, search, tenant, timestamps } from "./columns.js";

export const contacts = pgTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    ...tenant,
    firstName: text("first_name"),
    lastName: text("last_name"),
    jobTitle: text("job_title"),
    emails: json("emails").$type<string[]>().notNull(),
    phones: json("phones").$type<string[]>().notNull().default(sql`'[]'::json`),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [index("contacts_company").on(t.companyId, t.id)],
);

export const organizations = pgTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    ...tenant,
    name: text("name").notNull(),
    domain: text("domain"),
    website: text("website"),
    phones: json("phones").$type<string[]>().notNull().default(sql`'[]'::json`),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [
    index("organizations_company").on(t.companyId, t.id),
    index("organizations_domain").on(t.companyId, t.domain),
  ],
);

export const deals = pgTable(
  "deals",
  {
    id: text("id").primaryKey(),
    ...tenant,
    name: text("name").notNull(),
    stage: text("stage").notNull().default("lead"),
    expectedCloseDate: text("expected_close_date"),
    totalValue: doublePrecision("total_value").notNull().default(0),
    totalQuantity: doublePrecision("total_quantity").notNull().default(0),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [index("deals_company").on(t.companyId, t.id)],
);

export const services = pgTable(
  "services",
  {
    id: text("id").primaryKey(),
    ...tenant,
    name: text("name").notNull(),
    amount: doublePrecision("amount").notNull().default(0),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [index("services_company").on(t.companyId, t.id)],
);

export const tasks = pgTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    ...tenant,
    name: text("name").notNull(),
    dueDate: text("due_date"),
    status: text("status", { enum: ["open", "done"] }).notNull(),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [index("tasks_company").on(t.companyId, t.id)],
);

/**
 * One row per link, so a link shows on both sides. The pair is stored in a canonical
 * order (the type names sorted), which makes a duplicate link impossible.
 */
export const links = pgTable(
  "links",
  {
    ...tenant,
    aType: text("a_type").notNull(),
    aId: text("a_id").notNull(),
    bType: text("b_type").notNull(),
    bId: text("b_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.aId, t.bId] }), index("links_b").on(t.bId, t.aId)],
);

/** The deal-service link carries a quantity; a service's dealIds follow from it. */
export const dealServices = pgTable(
  "deal_services",
  {
    ...tenant,
    dealId: text("deal_id").notNull(),
    serviceId: text("service_id").notNull(),
    quantity: doublePrecision("quantity").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.dealId, t.serviceId] }), index("deal_services_service").on(t.serviceId)],
);

export const customColumns = pgTable(
  "custom_columns",
  {
    id: text("id").primaryKey(),
    ...tenant,
    entityType: text("entity_type").notNull(),
    label: text("label").notNull(),
    type: text("type").notNull(),
    options: json("options").$type<string[]>().notNull(),
    ...timestamps,
  },
  (t) => [index("custom_columns_company").on(t.companyId, t.entityType)],
);

/** A company's ordered deal stages, once it sets its own (until then, the defaults). */
export const dealStages = pgTable("deal_stages", {
  companyId: text("company_id").primaryKey(),
  stages: json("stages").$type<string[]>().notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * `value` is the JSON the caller gave; `text` and `num` are copies that filters and
 * sorting compare on, so a number column sorts as numbers.
 */
export const customFieldValues = pgTable(
  "custom_field_values",
  {
    ...tenant,
    entityId: text("entity_id").notNull(),
    columnId: text("column_id")
      .notNull()
      .references(() => customColumns.id, { onDelete: "cascade" }),
    value: json("value").notNull(),
    text: text("text"),
    num: doublePrecision("num"),
  },
  (t) => [
    primaryKey({ columns: [t.entityId, t.columnId] }),
    index("custom_field_values_column").on(t.columnId),
  ],
);
