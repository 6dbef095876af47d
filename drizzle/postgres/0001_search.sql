-- Search: a searchTerm matches rows where any searched field contains it, ignoring case
-- (ILIKE). Trigram GIN indexes turn that substring match into an index lookup, as FTS5's
-- trigram tables do on SQLite. GIN trigram indexes also take expressions, so accent
-- folding can later index unaccent(...) of the same fields.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "contacts_search" ON "contacts" USING gin ("first_name" gin_trgm_ops, "last_name" gin_trgm_ops, ("emails"::text) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "organizations_search" ON "organizations" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "deals_search" ON "deals" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "services_search" ON "services" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "tasks_search" ON "tasks" USING gin ("name" gin_trgm_ops);
