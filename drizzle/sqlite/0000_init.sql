CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`first_name` text,
	`last_name` text,
	`emails` text NOT NULL,
	`notes` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contacts_company` ON `contacts` (`company_id`,`id`);--> statement-breakpoint
CREATE TABLE `custom_columns` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`label` text NOT NULL,
	`type` text NOT NULL,
	`options` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `custom_columns_company` ON `custom_columns` (`company_id`,`entity_type`);--> statement-breakpoint
CREATE TABLE `custom_field_values` (
	`company_id` text NOT NULL,
	`entity_id` text NOT NULL,
	`column_id` text NOT NULL,
	`value` text NOT NULL,
	`text` text,
	`num` real,
	PRIMARY KEY(`entity_id`, `column_id`),
	FOREIGN KEY (`column_id`) REFERENCES `custom_columns`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `custom_field_values_column` ON `custom_field_values` (`column_id`);--> statement-breakpoint
CREATE TABLE `deal_services` (
	`company_id` text NOT NULL,
	`deal_id` text NOT NULL,
	`service_id` text NOT NULL,
	`quantity` real NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`deal_id`, `service_id`)
);
--> statement-breakpoint
CREATE INDEX `deal_services_service` ON `deal_services` (`service_id`);--> statement-breakpoint
CREATE TABLE `deals` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`name` text NOT NULL,
	`total_value` real DEFAULT 0 NOT NULL,
	`total_quantity` real DEFAULT 0 NOT NULL,
	`notes` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deals_company` ON `deals` (`company_id`,`id`);--> statement-breakpoint
CREATE TABLE `links` (
	`company_id` text NOT NULL,
	`a_type` text NOT NULL,
	`a_id` text NOT NULL,
	`b_type` text NOT NULL,
	`b_id` text NOT NULL,
	PRIMARY KEY(`a_id`, `b_id`)
);
--> statement-breakpoint
CREATE INDEX `links_b` ON `links` (`b_id`,`a_id`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`name` text NOT NULL,
	`notes` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `organizations_company` ON `organizations` (`company_id`,`id`);--> statement-breakpoint
CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`name` text NOT NULL,
	`amount` real DEFAULT 0 NOT NULL,
	`notes` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `services_company` ON `services` (`company_id`,`id`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`name` text NOT NULL,
	`due_date` text,
	`status` text NOT NULL,
	`notes` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tasks_company` ON `tasks` (`company_id`,`id`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_user` ON `api_keys` (`user_id`);--> statement-breakpoint
CREATE TABLE `companies` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`role` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `users_company` ON `users` (`company_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`event` text NOT NULL,
	`entity_id` text NOT NULL,
	`user_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_company` ON `events` (`company_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`event_id` text NOT NULL,
	`event` text NOT NULL,
	`url` text NOT NULL,
	`status` text NOT NULL,
	`status_code` integer,
	`request_headers` text,
	`response_body` text,
	`error` text,
	`error_class` text,
	`duration_ms` integer,
	`attempt` integer NOT NULL,
	`resend_of` text,
	`claimed_by` text,
	`lease_until` integer,
	`created_at` text NOT NULL,
	`sent_at` text,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deliveries_pending` ON `webhook_deliveries` (`status`,`lease_until`);--> statement-breakpoint
CREATE INDEX `deliveries_company` ON `webhook_deliveries` (`company_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_webhook` ON `webhook_deliveries` (`webhook_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`company_id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`description` text,
	`secret` text,
	`enabled` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhooks_company` ON `webhooks` (`company_id`);