ALTER TABLE "webhook_deliveries" ADD COLUMN "chain_id" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "retries" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "due_at" bigint;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "retry_policy" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "previous_secret_until" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "failing_since" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "disabled_reason" text;--> statement-breakpoint
ALTER TABLE "webhooks" ADD COLUMN "disabled_at" text;--> statement-breakpoint
CREATE INDEX "deliveries_scheduled" ON "webhook_deliveries" USING btree ("due_at") WHERE status = 'scheduled';--> statement-breakpoint
CREATE INDEX "deliveries_chain" ON "webhook_deliveries" USING btree ("chain_id") WHERE chain_id is not null;