CREATE TABLE `oauth_records` (
	`model` text NOT NULL,
	`key` text NOT NULL,
	`uid` text,
	`grant_id` text,
	`user_id` text,
	`client_id` text,
	`payload` text NOT NULL,
	`expires_at` integer,
	`consumed_at` integer,
	PRIMARY KEY(`model`, `key`)
);
--> statement-breakpoint
CREATE INDEX `oauth_records_grant` ON `oauth_records` (`grant_id`);--> statement-breakpoint
CREATE INDEX `oauth_records_uid` ON `oauth_records` (`uid`);--> statement-breakpoint
CREATE INDEX `oauth_records_user` ON `oauth_records` (`user_id`,`model`);--> statement-breakpoint
CREATE INDEX `oauth_records_expiry` ON `oauth_records` (`expires_at`);