CREATE TABLE "contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"first_name" text,
	"last_name" text,
	"emails" json NOT NULL,
	"notes" json,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "custom_columns" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"label" text NOT NULL,
	"type" text NOT NULL,
	"options" json NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "custom_field_values" (
	"company_id" text NOT NULL,
	"entity_id" text NOT NULL,
	"column_id" text NOT NULL,
	"value" json NOT NULL,
	"text" text,
	"num" double precision,
	CONSTRAINT "custom_field_values_entity_id_column_id_pk" PRIMARY KEY("entity_id","column_id")
);
--> statement-breakpoint
CREATE TABLE "deal_services" (
	"company_id" text NOT NULL,
	"deal_id" text NOT NULL,
	"service_id" text NOT NULL,
	"quantity" double precision NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "deal_services_deal_id_service_id_pk" PRIMARY KEY("deal_id","service_id")
);
--> statement-breakpoint
CREATE TABLE "deals" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"name" text NOT NULL,
	"total_value" double precision DEFAULT 0 NOT NULL,
	"total_quantity" double precision DEFAULT 0 NOT NULL,
	"notes" json,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "links" (
	"company_id" text NOT NULL,
	"a_type" text NOT NULL,
	"a_id" text NOT NULL,
	"b_type" text NOT NULL,
	"b_id" text NOT NULL,
	CONSTRAINT "links_a_id_b_id_pk" PRIMARY KEY("a_id","b_id")
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"name" text NOT NULL,
	"notes" json,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"name" text NOT NULL,
	"amount" double precision DEFAULT 0 NOT NULL,
	"notes" json,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"name" text NOT NULL,
	"due_date" text,
	"status" text NOT NULL,
	"notes" json,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" text NOT NULL,
	"last_used_at" text,
	CONSTRAINT "api_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "companies" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"role" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"event" text NOT NULL,
	"entity_id" text NOT NULL,
	"user_id" text NOT NULL,
	"body" text NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"webhook_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event" text NOT NULL,
	"url" text NOT NULL,
	"status" text NOT NULL,
	"status_code" integer,
	"request_headers" json,
	"response_body" text,
	"error" text,
	"error_class" text,
	"duration_ms" integer,
	"attempt" integer NOT NULL,
	"resend_of" text,
	"claimed_by" text,
	"lease_until" bigint,
	"created_at" text NOT NULL,
	"sent_at" text
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"company_id" text NOT NULL,
	"url" text NOT NULL,
	"events" json NOT NULL,
	"description" text,
	"secret" text,
	"enabled" boolean NOT NULL,
	"last_delivery_status" text,
	"last_delivery_at" text,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "custom_field_values" ADD CONSTRAINT "custom_field_values_column_id_custom_columns_id_fk" FOREIGN KEY ("column_id") REFERENCES "public"."custom_columns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contacts_company" ON "contacts" USING btree ("company_id","id");--> statement-breakpoint
CREATE INDEX "custom_columns_company" ON "custom_columns" USING btree ("company_id","entity_type");--> statement-breakpoint
CREATE INDEX "custom_field_values_column" ON "custom_field_values" USING btree ("column_id");--> statement-breakpoint
CREATE INDEX "deal_services_service" ON "deal_services" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "deals_company" ON "deals" USING btree ("company_id","id");--> statement-breakpoint
CREATE INDEX "links_b" ON "links" USING btree ("b_id","a_id");--> statement-breakpoint
CREATE INDEX "organizations_company" ON "organizations" USING btree ("company_id","id");--> statement-breakpoint
CREATE INDEX "services_company" ON "services" USING btree ("company_id","id");--> statement-breakpoint
CREATE INDEX "tasks_company" ON "tasks" USING btree ("company_id","id");--> statement-breakpoint
CREATE INDEX "api_keys_user" ON "api_keys" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "users_company" ON "users" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "events_company" ON "events" USING btree ("company_id","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_pending" ON "webhook_deliveries" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "deliveries_sending" ON "webhook_deliveries" USING btree ("lease_until") WHERE status = 'sending';--> statement-breakpoint
CREATE INDEX "deliveries_company" ON "webhook_deliveries" USING btree ("company_id","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_resends" ON "webhook_deliveries" USING btree ("resend_of") WHERE resend_of is not null;--> statement-breakpoint
CREATE INDEX "webhooks_company" ON "webhooks" USING btree ("company_id");