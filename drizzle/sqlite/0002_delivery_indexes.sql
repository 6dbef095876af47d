DROP INDEX `deliveries_webhook`;--> statement-breakpoint
DROP INDEX `deliveries_pending`;--> statement-breakpoint
CREATE INDEX `deliveries_sending` ON `webhook_deliveries` (`lease_until`) WHERE status = 'sending';--> statement-breakpoint
CREATE INDEX `deliveries_resends` ON `webhook_deliveries` (`resend_of`) WHERE resend_of is not null;--> statement-breakpoint
CREATE INDEX `deliveries_pending` ON `webhook_deliveries` (`created_at`) WHERE status = 'pending';--> statement-breakpoint
ALTER TABLE `webhooks` ADD `last_delivery_status` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `last_delivery_at` text;