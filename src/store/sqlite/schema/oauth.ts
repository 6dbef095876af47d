import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The authorization server's state (clients, grants, codes, tokens, interactions), one row
 * per record. `key` is the SHA-256 of the record's id: a token or code is never stored as
 * itself, so a copy of the database grants nothing.
 */
export const oauthRecords = sqliteTable(
  "oauth_records",
  {
    model: text("model").notNull(),
    key: text("key").notNull(),
    uid: text("uid"),
    grantId: text("grant_id"),
    userId: text("user_id"),
    clientId: text("client_id"),
    payload: text("payload").notNull(),
    expiresAt: integer("expires_at"),
    consumedAt: integer("consumed_at"),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.key] }),
    index("oauth_records_grant").on(t.grantId),
    index("oauth_records_uid").on(t.uid),
    index("oauth_records_user").on(t.userId, t.model),
    index("oauth_records_expiry").on(t.expiresAt),
  ],
);
