CREATE TABLE "deal_stages" (
	"company_id" text PRIMARY KEY NOT NULL,
	"stages" json NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "job_title" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "phones" json DEFAULT '[]'::json NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "deals" ADD COLUMN "stage" text DEFAULT 'lead' NOT NULL;--> statement-breakpoint
ALTER TABLE "deals" ADD COLUMN "expected_close_date" text;--> statement-breakpoint
ALTER TABLE "deals" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "domain" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "website" text;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "phones" json DEFAULT '[]'::json NOT NULL;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "search_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "organizations_domain" ON "organizations" USING btree ("company_id","domain");