ALTER TABLE `webhook_deliveries` ADD `chain_id` text;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `retries` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `due_at` integer;--> statement-breakpoint
CREATE INDEX `deliveries_scheduled` ON `webhook_deliveries` (`due_at`) WHERE status = 'scheduled';--> statement-breakpoint
CREATE INDEX `deliveries_chain` ON `webhook_deliveries` (`chain_id`) WHERE chain_id is not null;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `retry_policy` text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `previous_secret` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `previous_secret_until` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `failing_since` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `last_error` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `disabled_reason` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `disabled_at` text;