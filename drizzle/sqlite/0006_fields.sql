CREATE TABLE `deal_stages` (
	`company_id` text PRIMARY KEY NOT NULL,
	`stages` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `contacts` ADD `job_title` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `phones` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `contacts` ADD `search_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `deals` ADD `stage` text DEFAULT 'lead' NOT NULL;--> statement-breakpoint
ALTER TABLE `deals` ADD `expected_close_date` text;--> statement-breakpoint
ALTER TABLE `deals` ADD `search_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `domain` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `website` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `phones` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `search_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `organizations_domain` ON `organizations` (`company_id`,`domain`);--> statement-breakpoint
ALTER TABLE `services` ADD `search_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `tasks` ADD `search_text` text DEFAULT '' NOT NULL;