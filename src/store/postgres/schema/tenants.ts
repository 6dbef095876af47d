import { bigint, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { tenant } from "./columns.js";

export const companies = pgTable("companies", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: text("created_at").notNull(),
});

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    ...tenant,
    name: text("name").notNull(),
    email: text("email"),
    role: text("role", { enum: ["owner", "member"] }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("users_company").on(t.companyId)],
);

/** API keys are stored as a SHA-256 hash; the key itself is shown once, at creation. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    ...tenant,
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    hash: text("hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
  },
  (t) => [index("api_keys_user").on(t.userId)],
);

/** Web UI sessions; the cookie's token is kept only as its SHA-256. */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    ...tenant,
    userId: text("user_id").notNull(),
    csrf: text("csrf").notNull(),
    flash: text("flash"),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
  },
  (t) => [index("sessions_expiry").on(t.expiresAt)],
);

/** Answers to POSTs sent with an Idempotency-Key, kept 24 hours; any node replays them. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    ...tenant,
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    status: integer("status"),
    response: text("response"),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.companyId, t.userId, t.key] }),
    index("idempotency_keys_created").on(t.createdAt),
  ],
);
