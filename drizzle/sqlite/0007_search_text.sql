-- Search matches the stored search text (the searched fields, folded: lowercase, without
-- accents), which the store writes with each record; rows written before it get theirs
-- when the store opens. The trigram indexes move from the fields to that text.
DROP TRIGGER IF EXISTS `contacts_fts_ai`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contacts_fts_ad`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `contacts_fts_au`;--> statement-breakpoint
DROP TABLE IF EXISTS `contacts_fts`;--> statement-breakpoint
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(search_text, content='contacts', content_rowid='rowid', tokenize='trigram');--> statement-breakpoint
INSERT INTO `contacts_fts`(`contacts_fts`) VALUES ('rebuild');--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ai` AFTER INSERT ON `contacts` BEGIN INSERT INTO `contacts_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ad` AFTER DELETE ON `contacts` BEGIN INSERT INTO `contacts_fts`(`contacts_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END;--> statement-breakpoint
CREATE TRIGGER `contacts_fts_au` AFTER UPDATE ON `contacts` WHEN old.search_text IS NOT new.search_text BEGIN INSERT INTO `contacts_fts`(`contacts_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); INSERT INTO `contacts_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
DROP TRIGGER IF EXISTS `organizations_fts_ai`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `organizations_fts_ad`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `organizations_fts_au`;--> statement-breakpoint
DROP TABLE IF EXISTS `organizations_fts`;--> statement-breakpoint
CREATE VIRTUAL TABLE `organizations_fts` USING fts5(search_text, content='organizations', content_rowid='rowid', tokenize='trigram');--> statement-breakpoint
INSERT INTO `organizations_fts`(`organizations_fts`) VALUES ('rebuild');--> statement-breakpoint
CREATE TRIGGER `organizations_fts_ai` AFTER INSERT ON `organizations` BEGIN INSERT INTO `organizations_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
CREATE TRIGGER `organizations_fts_ad` AFTER DELETE ON `organizations` BEGIN INSERT INTO `organizations_fts`(`organizations_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END;--> statement-breakpoint
CREATE TRIGGER `organizations_fts_au` AFTER UPDATE ON `organizations` WHEN old.search_text IS NOT new.search_text BEGIN INSERT INTO `organizations_fts`(`organizations_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); INSERT INTO `organizations_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
DROP TRIGGER IF EXISTS `deals_fts_ai`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `deals_fts_ad`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `deals_fts_au`;--> statement-breakpoint
DROP TABLE IF EXISTS `deals_fts`;--> statement-breakpoint
CREATE VIRTUAL TABLE `deals_fts` USING fts5(search_text, content='deals', content_rowid='rowid', tokenize='trigram');--> statement-breakpoint
INSERT INTO `deals_fts`(`deals_fts`) VALUES ('rebuild');--> statement-breakpoint
CREATE TRIGGER `deals_fts_ai` AFTER INSERT ON `deals` BEGIN INSERT INTO `deals_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
CREATE TRIGGER `deals_fts_ad` AFTER DELETE ON `deals` BEGIN INSERT INTO `deals_fts`(`deals_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END;--> statement-breakpoint
CREATE TRIGGER `deals_fts_au` AFTER UPDATE ON `deals` WHEN old.search_text IS NOT new.search_text BEGIN INSERT INTO `deals_fts`(`deals_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); INSERT INTO `deals_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
DROP TRIGGER IF EXISTS `services_fts_ai`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `services_fts_ad`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `services_fts_au`;--> statement-breakpoint
DROP TABLE IF EXISTS `services_fts`;--> statement-breakpoint
CREATE VIRTUAL TABLE `services_fts` USING fts5(search_text, content='services', content_rowid='rowid', tokenize='trigram');--> statement-breakpoint
INSERT INTO `services_fts`(`services_fts`) VALUES ('rebuild');--> statement-breakpoint
CREATE TRIGGER `services_fts_ai` AFTER INSERT ON `services` BEGIN INSERT INTO `services_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
CREATE TRIGGER `services_fts_ad` AFTER DELETE ON `services` BEGIN INSERT INTO `services_fts`(`services_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END;--> statement-breakpoint
CREATE TRIGGER `services_fts_au` AFTER UPDATE ON `services` WHEN old.search_text IS NOT new.search_text BEGIN INSERT INTO `services_fts`(`services_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); INSERT INTO `services_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
DROP TRIGGER IF EXISTS `tasks_fts_ai`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `tasks_fts_ad`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `tasks_fts_au`;--> statement-breakpoint
DROP TABLE IF EXISTS `tasks_fts`;--> statement-breakpoint
CREATE VIRTUAL TABLE `tasks_fts` USING fts5(search_text, content='tasks', content_rowid='rowid', tokenize='trigram');--> statement-breakpoint
INSERT INTO `tasks_fts`(`tasks_fts`) VALUES ('rebuild');--> statement-breakpoint
CREATE TRIGGER `tasks_fts_ai` AFTER INSERT ON `tasks` BEGIN INSERT INTO `tasks_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;--> statement-breakpoint
CREATE TRIGGER `tasks_fts_ad` AFTER DELETE ON `tasks` BEGIN INSERT INTO `tasks_fts`(`tasks_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END;--> statement-breakpoint
CREATE TRIGGER `tasks_fts_au` AFTER UPDATE ON `tasks` WHEN old.search_text IS NOT new.search_text BEGIN INSERT INTO `tasks_fts`(`tasks_fts`, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); INSERT INTO `tasks_fts`(rowid, search_text) VALUES (new.rowid, new.search_text); END;
