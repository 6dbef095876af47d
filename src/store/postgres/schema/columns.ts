import { json, text } from "drizzle-orm/pg-core";

/**
 * Column groups that several tables share. Times are ISO 8601 text, as on SQLite, so both
 * engines hand back the same strings; JSON is `json` (kept as written, key order and all),
 * not `jsonb`, so a stored document reads back byte for byte.
 */
export const tenant = {
  companyId: text("company_id").notNull(),
};

export const timestamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

/** Every CRM entity keeps its notes as Tiptap JSON. */
export const notes = {
  notes: json("notes"),
};

/**
 * The searched fields of a record as one folded text (lowercase, accents removed), written
 * with the record: both engines match a searchTerm against the same text.
 */
export const search = {
  searchText: text("search_text").notNull().default(""),
};
