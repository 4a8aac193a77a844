ALTER TABLE "run_steps" ADD COLUMN "max_attempts" integer;--> statement-breakpoint
ALTER TABLE "run_steps" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "outcome" text;--> statement-breakpoint
CREATE INDEX "runs_workspace_outcome_created_idx" ON "runs" USING btree ("workspace_id","outcome","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);