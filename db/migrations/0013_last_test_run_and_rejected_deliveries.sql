CREATE TABLE "rejected_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"flow_id" uuid NOT NULL,
	"status" integer NOT NULL,
	"reason" text NOT NULL,
	"body_bytes" integer,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flows" ADD COLUMN "last_test_run" jsonb;--> statement-breakpoint
ALTER TABLE "rejected_deliveries" ADD CONSTRAINT "rejected_deliveries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rejected_deliveries" ADD CONSTRAINT "rejected_deliveries_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rejected_deliveries_flow_idx" ON "rejected_deliveries" USING btree ("flow_id","received_at" DESC NULLS FIRST);