CREATE TABLE "run_stats_hourly" (
	"workspace_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"flow_id" uuid NOT NULL,
	"status" "run_status" NOT NULL,
	"duration_bucket" smallint NOT NULL,
	"runs" integer NOT NULL,
	CONSTRAINT "run_stats_hourly_workspace_id_hour_flow_id_status_duration_bucket_pk" PRIMARY KEY("workspace_id","hour","flow_id","status","duration_bucket")
);
--> statement-breakpoint
CREATE TABLE "run_stats_hours" (
	"workspace_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	CONSTRAINT "run_stats_hours_workspace_id_hour_pk" PRIMARY KEY("workspace_id","hour")
);
--> statement-breakpoint
DROP INDEX "runs_workspace_status_idx";--> statement-breakpoint
DROP INDEX "runs_flow_created_idx";--> statement-breakpoint
DROP INDEX "runs_workspace_created_idx";--> statement-breakpoint
ALTER TABLE "run_stats_hourly" ADD CONSTRAINT "run_stats_hourly_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_stats_hours" ADD CONSTRAINT "run_stats_hours_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "runs_workspace_status_created_idx" ON "runs" USING btree ("workspace_id","status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "runs_flow_status_created_idx" ON "runs" USING btree ("flow_id","status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "runs_retry_of_idx" ON "runs" USING btree ("retry_of") WHERE retry_of is not null;--> statement-breakpoint
CREATE INDEX "runs_error_message_trgm_idx" ON "runs" USING gin ((error ->> 'message') gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "runs_ordering_key_trgm_idx" ON "runs" USING gin (ordering_key gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "runs_workspace_finished_idx" ON "runs" USING btree ("workspace_id","finished_at","flow_id","status","started_at","created_at") WHERE finished_at is not null;--> statement-breakpoint
CREATE INDEX "runs_flow_created_idx" ON "runs" USING btree ("flow_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "runs_workspace_created_idx" ON "runs" USING btree ("workspace_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);