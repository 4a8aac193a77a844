CREATE TABLE "bulk_job_created_records" (
	"job_id" uuid NOT NULL,
	"target_id" text NOT NULL,
	"source_id" text NOT NULL,
	CONSTRAINT "bulk_job_created_records_job_id_target_id_pk" PRIMARY KEY("job_id","target_id")
);
--> statement-breakpoint
CREATE TABLE "bulk_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"object" text NOT NULL,
	"source_connection_id" uuid NOT NULL,
	"target_connection_id" uuid NOT NULL,
	"reason" text DEFAULT 'load' NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"control" text,
	"workflow_id" text NOT NULL,
	"cursor" text,
	"total" integer,
	"processed" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"matched" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"active_ms" integer DEFAULT 0 NOT NULL,
	"error" text,
	"rolled_back" integer DEFAULT 0 NOT NULL,
	"started_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "bulk_job_created_records" ADD CONSTRAINT "bulk_job_created_records_job_id_bulk_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."bulk_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_jobs" ADD CONSTRAINT "bulk_jobs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_jobs" ADD CONSTRAINT "bulk_jobs_started_by_user_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bulk_jobs_workspace_started_idx" ON "bulk_jobs" USING btree ("workspace_id","started_at");