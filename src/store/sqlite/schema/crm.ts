import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { notes, search, tenant, timestamps } from "./columns.js";

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    ...tenant,
    firstName: text("first_name"),
    lastName: text("last_name"),
    jobTitle: text("job_title"),
    emails: text("emails", { mode: "json" }).$type<string[]>().notNull(),
    phones: text("phones", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [index("contacts_company").on(t.companyId, t.id)],
);

export const organizations = sqliteTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    ...tenant,
    name: text("name").notNull(),
    domain: text("domain"),
    website: text("website"),
    phones: text("phones", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [
    index("organizations_company").on(t.companyId, t.id),
    index("organizations_domain").on(t.companyId, t.domain),
  ],
);

export const deals = sqliteTable(
  "deals",
  {
    id: text("id").primaryKey(),
    ...tenant,
    name: text("name").notNull(),
    stage: text("stage").notNull().default("lead"),
    expectedCloseDate: text("expected_close_date"),
    totalValue: real("total_value").notNull().default(0),
    totalQuantity: real("total_quantity").notNull().default(0),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [index("deals_company").on(t.companyId, t.id)],
);

export const services = sqliteTable(
  "services",
  {
    id: text("id").primaryKey(),
    ...tenant,
    name: text("name").notNull(),
    amount: real("amount").notNull().default(0),
    ...notes,
    ...search,
    ...timestamps,
  },
  (t) => [index("services_company").on(t.companyId, t.id)],
);

export const tasks = sqliteTable(
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
export const links = sqliteTable(
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
export const dealServices = sqliteTable(
  "deal_services",
  {
    ...tenant,
    dealId: text("deal_id").notNull(),
    serviceId: text("service_id").notNull(),
    quantity: real("quantity").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.dealId, t.serviceId] }), index("deal_services_service").on(t.serviceId)],
);

export const customColumns = sqliteTable(
  "custom_columns",
  {
    id: text("id").primaryKey(),
    ...tenant,
    entityType: text("entity_type").notNull(),
    label: text("label").notNull(),
    type: text("type").notNull(),
    options: text("options", { mode: "json" }).$type<string[]>().notNull(),
    ...timestamps,
  },
  (t) => [index("custom_columns_company").on(t.companyId, t.entityType)],
);

/** A company's ordered deal stages, once it sets its own (until then, the defaults). */
export const dealStages = sqliteTable("deal_stages", {
  companyId: text("company_id").primaryKey(),
  stages: text("stages", { mode: "json" }).$type<string[]>().notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * `value` is the JSON the caller gave; `text` and `num` are copies that filters and
 * sorting compare on, so a number column sorts as numbers.
 */
export const customFieldValues = sqliteTable(
  "custom_field_values",
  {
    ...tenant,
    entityId: text("entity_id").notNull(),
    columnId: text("column_id")
      .notNull()
      .references(() => customColumns.id, { onDelete: "cascade" }),
    value: text("value", { mode: "json" }).notNull(),
    text: text("text"),
    num: real("num"),
  },
  (t) => [
    primaryKey({ columns: [t.entityId, t.columnId] }),
    index("custom_field_values_column").on(t.columnId),
  ],
);
