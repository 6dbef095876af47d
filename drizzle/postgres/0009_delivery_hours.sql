CREATE TABLE "webhook_delivery_hours" (
	"company_id" text NOT NULL,
	"webhook_id" text NOT NULL,
	"hour" text NOT NULL,
	"succeeded" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "webhook_delivery_hours_webhook_id_hour_pk" PRIMARY KEY("webhook_id","hour")
);
--> statement-breakpoint
CREATE INDEX "deliveries_webhook" ON "webhook_deliveries" USING btree ("webhook_id","created_at");--> statement-breakpoint
-- The deliveries recorded before this migration, counted once; the store keeps the counts from here on.
INSERT INTO webhook_delivery_hours (company_id, webhook_id, hour, succeeded, failed) SELECT company_id, webhook_id, substr(created_at, 1, 13), sum(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END), sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) FROM webhook_deliveries WHERE status IN ('succeeded', 'failed') GROUP BY company_id, webhook_id, substr(created_at, 1, 13);
