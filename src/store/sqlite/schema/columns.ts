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
