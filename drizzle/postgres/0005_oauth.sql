CREATE TABLE "oauth_records" (
	"model" text NOT NULL,
	"key" text NOT NULL,
	"uid" text,
	"grant_id" text,
	"user_id" text,
	"client_id" text,
	"payload" text NOT NULL,
	"expires_at" bigint,
	"consumed_at" bigint,
	CONSTRAINT "oauth_records_model_key_pk" PRIMARY KEY("model","key")
);
--> statement-breakpoint
CREATE INDEX "oauth_records_grant" ON "oauth_records" USING btree ("grant_id");--> statement-breakpoint
CREATE INDEX "oauth_records_uid" ON "oauth_records" USING btree ("uid");--> statement-breakpoint
CREATE INDEX "oauth_records_user" ON "oauth_records" USING btree ("user_id","model");--> statement-breakpoint
CREATE INDEX "oauth_records_expiry" ON "oauth_records" USING btree ("expires_at");