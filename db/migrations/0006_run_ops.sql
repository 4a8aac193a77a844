CREATE TABLE "item_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"node_id" text DEFAULT '' NOT NULL,
	"data" jsonb NOT NULL,
	"bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "item_batches_run_node_kind" UNIQUE("run_id","node_id","kind")
);
--> statement-breakpoint
CREATE TABLE "run_retries" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"retry_of" uuid NOT NULL,
	"original_run_id" uuid NOT NULL,
	"flow_version_id" uuid NOT NULL,
	"from" text NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_lineage" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"flow_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"access" text NOT NULL,
	"connection_id" text NOT NULL,
	"object_type" text NOT NULL,
	"external_id" text DEFAULT '' NOT NULL,
	"record_key" text DEFAULT '' NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "record_lineage_once" UNIQUE("run_id","node_id","access","connection_id","object_type","external_id","record_key")
);
--> statement-breakpoint
ALTER TABLE "item_batches" ADD CONSTRAINT "item_batches_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_retries" ADD CONSTRAINT "run_retries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_retries" ADD CONSTRAINT "run_retries_flow_version_id_flow_versions_id_fk" FOREIGN KEY ("flow_version_id") REFERENCES "public"."flow_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_lineage" ADD CONSTRAINT "record_lineage_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "record_lineage" ADD CONSTRAINT "record_lineage_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_batches_expires_idx" ON "item_batches" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "run_retries_retry_of_idx" ON "run_retries" USING btree ("retry_of");--> statement-breakpoint
CREATE INDEX "record_lineage_external_idx" ON "record_lineage" USING btree ("workspace_id","external_id");--> statement-breakpoint
CREATE INDEX "record_lineage_key_idx" ON "record_lineage" USING btree ("workspace_id","record_key");