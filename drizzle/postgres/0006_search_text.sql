-- Search matches the stored search text (the searched fields, folded: lowercase, without
-- accents), which the store writes with each record; rows written before it get theirs
-- when the store opens. The trigram indexes move from the fields to that text, and serve
-- each word's LIKE.
DROP INDEX IF EXISTS "contacts_search";--> statement-breakpoint
CREATE INDEX "contacts_search" ON "contacts" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
DROP INDEX IF EXISTS "organizations_search";--> statement-breakpoint
CREATE INDEX "organizations_search" ON "organizations" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
DROP INDEX IF EXISTS "deals_search";--> statement-breakpoint
CREATE INDEX "deals_search" ON "deals" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
DROP INDEX IF EXISTS "services_search";--> statement-breakpoint
CREATE INDEX "services_search" ON "services" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
DROP INDEX IF EXISTS "tasks_search";--> statement-breakpoint
CREATE INDEX "tasks_search" ON "tasks" USING gin ("search_text" gin_trgm_ops);
