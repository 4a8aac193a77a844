ALTER TABLE "inbox_events" ADD COLUMN "ordering_key" text;--> statement-breakpoint
CREATE INDEX "inbox_events_pending_key_idx" ON "inbox_events" USING btree ("flow_id","ordering_key","seq") WHERE relayed_at is null;--> statement-breakpoint
CREATE INDEX "runs_active_key_idx" ON "runs" USING btree ("flow_id","ordering_key") WHERE status in ('queued', 'running');