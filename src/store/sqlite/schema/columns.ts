import { text } from "drizzle-orm/sqlite-core";

/** Column groups that several tables share. */
export const tenant = {
  companyId: text("company_id").notNull(),
};

export const timestamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

/** Every CRM entity keeps its notes as Tiptap JSON text. */
export const notes = {
  notes: text("notes", { mode: "json" }),
};

/**
 * The searched fields of a record as one folded text (lowercase, accents removed), written
 * with the record: both engines match a searchTerm against the same text.
 */
export const search = {
  searchText: text("search_text").notNull().default(""),
};
