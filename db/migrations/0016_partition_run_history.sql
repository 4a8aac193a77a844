-- Run history partitioned by time (issue 17): `runs` by RANGE (created_at), `run_steps` by RANGE
-- (run_created_at, the run's created_at, a new column), `inbox_events` by RANGE (received_at); and
-- `inbox_dedupe_keys`, the unique (flow_id, dedupe_key) that a partitioned inbox cannot hold. Drizzle has
-- no partition DSL: this migration is hand-written; db/schema/runs.ts describes the columns and keys, so
-- `drizzle-kit generate` sees no change.
--
-- Each table is rebuilt without losing a row: the old one is renamed, a partitioned one is created LIKE
-- it, monthly partitions cover every existing row (from the oldest row's month to next month), a DEFAULT
-- partition catches anything outside them, the rows are copied, then keys and the old secondary indexes
-- (read back from pg_indexes, so every definition is kept as it was) are built on the new table.
-- Partitions are named <table>_pYYYYMMDD after their lower bound (UTC), as
-- domain/retention/history-partitions.ts names those it creates ahead of time.
DO $$
DECLARE
  saved_indexes text[] := '{}';
  def text;
  index_name text;
  parent text;
  month timestamptz;
  first_month timestamptz;
  last_month timestamptz;
  saved_timezone text := current_setting('timezone');
BEGIN
  PERFORM set_config('timezone', 'UTC', true); -- month bounds in UTC; restored at the end

  -- The foreign keys onto runs(id): id alone is no longer unique (the partition key joins every key).
  -- Steps get a composite one below; lineage goes with its run in code (db/ARCHITECTURE.md).
  ALTER TABLE run_steps DROP CONSTRAINT run_steps_run_id_runs_id_fk;
  ALTER TABLE record_lineage DROP CONSTRAINT record_lineage_run_id_runs_id_fk;

  -- The secondary indexes, kept to be built again on the new tables (names must be free meanwhile).
  -- The keys are rebuilt by hand below: each now includes the partition key.
  FOR index_name, def IN
    SELECT indexname, indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename IN ('runs', 'inbox_events')
      AND indexname NOT IN ('runs_pkey', 'inbox_events_pkey', 'inbox_events_flow_dedupe_key')
  LOOP
    saved_indexes := saved_indexes || def;
    EXECUTE format('DROP INDEX %I', index_name);
  END LOOP;

  ALTER TABLE runs RENAME TO runs_unpartitioned;
  ALTER TABLE runs_unpartitioned DROP CONSTRAINT runs_pkey;
  ALTER TABLE run_steps RENAME TO run_steps_unpartitioned;
  ALTER TABLE run_steps_unpartitioned DROP CONSTRAINT run_steps_run_node_key;
  ALTER TABLE run_steps_unpartitioned DROP CONSTRAINT run_steps_pkey;
  ALTER TABLE inbox_events RENAME TO inbox_events_unpartitioned;
  ALTER TABLE inbox_events_unpartitioned DROP CONSTRAINT inbox_events_flow_dedupe_key;
  ALTER TABLE inbox_events_unpartitioned DROP CONSTRAINT inbox_events_pkey;
  ALTER SEQUENCE inbox_events_seq_seq OWNED BY NONE; -- seq keeps its sequence (dropped with the old table otherwise)

  CREATE TABLE runs (LIKE runs_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (created_at);
  CREATE TABLE run_steps (LIKE run_steps_unpartitioned INCLUDING DEFAULTS, run_created_at timestamptz NOT NULL)
    PARTITION BY RANGE (run_created_at);
  CREATE TABLE inbox_events (LIKE inbox_events_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (received_at);

  -- One set of bounds for all three tables (a run and its steps share its time, a run and its event too).
  SELECT date_trunc('month', coalesce(least((SELECT min(created_at) FROM runs_unpartitioned),
                                            (SELECT min(received_at) FROM inbox_events_unpartitioned)), now()))
    INTO first_month;
  last_month := date_trunc('month', now()) + interval '1 month';
  FOREACH parent IN ARRAY ARRAY['runs', 'run_steps', 'inbox_events'] LOOP
    month := first_month;
    WHILE month <= last_month LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
        parent || '_p' || to_char(month, 'YYYYMMDD'), parent, month, month + interval '1 month');
      month := month + interval '1 month';
    END LOOP;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', parent || '_default', parent);
  END LOOP;

  INSERT INTO runs SELECT * FROM runs_unpartitioned;
  -- Every step had its run (the old foreign key), so the join keeps every row.
  INSERT INTO run_steps SELECT s.*, r.created_at FROM run_steps_unpartitioned s JOIN runs r ON r.id = s.run_id;
  INSERT INTO inbox_events SELECT * FROM inbox_events_unpartitioned;
  ALTER SEQUENCE inbox_events_seq_seq OWNED BY inbox_events.seq;

  ALTER TABLE runs ADD CONSTRAINT runs_pkey PRIMARY KEY (id, created_at);
  ALTER TABLE run_steps ADD CONSTRAINT run_steps_pkey PRIMARY KEY (id, run_created_at);
  ALTER TABLE run_steps ADD CONSTRAINT run_steps_run_node_key UNIQUE (run_id, node_id, run_created_at);
  ALTER TABLE inbox_events ADD CONSTRAINT inbox_events_pkey PRIMARY KEY (id, received_at);
  FOREACH def IN ARRAY saved_indexes LOOP
    EXECUTE def; -- "CREATE INDEX … ON public.runs …": now the partitioned table
  END LOOP;
  CREATE INDEX inbox_events_flow_dedupe_idx ON inbox_events USING btree (flow_id, dedupe_key);

  ALTER TABLE runs ADD CONSTRAINT runs_workspace_id_workspaces_id_fk FOREIGN KEY (workspace_id) REFERENCES workspaces(id) ON DELETE cascade;
  ALTER TABLE runs ADD CONSTRAINT runs_flow_id_flows_id_fk FOREIGN KEY (flow_id) REFERENCES flows(id) ON DELETE cascade;
  ALTER TABLE runs ADD CONSTRAINT runs_flow_version_id_flow_versions_id_fk FOREIGN KEY (flow_version_id) REFERENCES flow_versions(id);
  ALTER TABLE run_steps ADD CONSTRAINT run_steps_run_fk FOREIGN KEY (run_id, run_created_at) REFERENCES runs(id, created_at) ON DELETE cascade;
  ALTER TABLE inbox_events ADD CONSTRAINT inbox_events_workspace_id_workspaces_id_fk FOREIGN KEY (workspace_id) REFERENCES workspaces(id) ON DELETE cascade;
  ALTER TABLE inbox_events ADD CONSTRAINT inbox_events_flow_id_flows_id_fk FOREIGN KEY (flow_id) REFERENCES flows(id) ON DELETE cascade;

  CREATE TABLE inbox_dedupe_keys (
    flow_id uuid NOT NULL,
    dedupe_key text NOT NULL,
    workspace_id uuid NOT NULL,
    event_id uuid NOT NULL,
    received_at timestamptz NOT NULL,
    CONSTRAINT inbox_dedupe_keys_pkey PRIMARY KEY (flow_id, dedupe_key)
  );
  INSERT INTO inbox_dedupe_keys (flow_id, dedupe_key, workspace_id, event_id, received_at)
    SELECT flow_id, dedupe_key, workspace_id, id, received_at FROM inbox_events;
  CREATE INDEX inbox_dedupe_keys_received_idx ON inbox_dedupe_keys USING btree (received_at);
  ALTER TABLE inbox_dedupe_keys ADD CONSTRAINT inbox_dedupe_keys_flow_id_flows_id_fk FOREIGN KEY (flow_id) REFERENCES flows(id) ON DELETE cascade;
  ALTER TABLE inbox_dedupe_keys ADD CONSTRAINT inbox_dedupe_keys_workspace_id_workspaces_id_fk FOREIGN KEY (workspace_id) REFERENCES workspaces(id) ON DELETE cascade;

  DROP TABLE inbox_events_unpartitioned;
  DROP TABLE run_steps_unpartitioned;
  DROP TABLE runs_unpartitioned;
  PERFORM set_config('timezone', saved_timezone, true);
END $$;
