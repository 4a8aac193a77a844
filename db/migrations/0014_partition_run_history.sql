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
  index_names text[];
  index_defs text[];
  i int;
  first_month timestamptz;
  month timestamptz;
  last_month timestamptz;
  saved_timezone text := current_setting('timezone');
BEGIN
  PERFORM set_config('timezone', 'UTC', true); -- month bounds in UTC; restored at the end

  -- The foreign keys onto runs(id): id alone is no longer unique (the partition key joins every key).
  -- Steps get a composite one below; lineage goes with its run in code (db/ARCHITECTURE.md).
  ALTER TABLE run_steps DROP CONSTRAINT run_steps_run_id_runs_id_fk;
  ALTER TABLE record_lineage DROP CONSTRAINT record_lineage_run_id_runs_id_fk;

  -- One set of bounds for all three tables (a run and its event share id and time).
  SELECT date_trunc('month', coalesce(least((SELECT min(created_at) FROM runs), (SELECT min(received_at) FROM inbox_events)), now()))
    INTO first_month;
  last_month := date_trunc('month', now()) + interval '1 month';

  -- runs
  SELECT coalesce(array_agg(indexname ORDER BY indexname), '{}'), coalesce(array_agg(indexdef ORDER BY indexname), '{}')
    INTO index_names, index_defs
    FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'runs' AND indexname <> 'runs_pkey';
  FOR i IN 1 .. coalesce(array_length(index_names, 1), 0) LOOP
    EXECUTE format('DROP INDEX %I', index_names[i]);
  END LOOP;
  ALTER TABLE runs RENAME TO runs_unpartitioned;
  ALTER TABLE runs_unpartitioned DROP CONSTRAINT runs_pkey;
  CREATE TABLE runs (LIKE runs_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (created_at);
  month := first_month;
  WHILE month <= last_month LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF runs FOR VALUES FROM (%L) TO (%L)',
      'runs_p' || to_char(month, 'YYYYMMDD'), month, month + interval '1 month');
    month := month + interval '1 month';
  END LOOP;
  CREATE TABLE runs_default PARTITION OF runs DEFAULT;
  INSERT INTO runs SELECT * FROM runs_unpartitioned;
  ALTER TABLE runs ADD CONSTRAINT runs_pkey PRIMARY KEY (id, created_at);
  FOR i IN 1 .. coalesce(array_length(index_defs, 1), 0) LOOP
    EXECUTE index_defs[i]; -- "CREATE INDEX … ON public.runs …": now the partitioned table
  END LOOP;
  ALTER TABLE runs ADD CONSTRAINT runs_workspace_id_workspaces_id_fk FOREIGN KEY (workspace_id) REFERENCES workspaces(id) ON DELETE cascade;
  ALTER TABLE runs ADD CONSTRAINT runs_flow_id_flows_id_fk FOREIGN KEY (flow_id) REFERENCES flows(id) ON DELETE cascade;
  ALTER TABLE runs ADD CONSTRAINT runs_flow_version_id_flow_versions_id_fk FOREIGN KEY (flow_version_id) REFERENCES flow_versions(id);

  -- run_steps: the same bounds as runs, keyed by their run's created_at
  ALTER TABLE run_steps RENAME TO run_steps_unpartitioned;
  ALTER TABLE run_steps_unpartitioned DROP CONSTRAINT run_steps_run_node_key;
  ALTER TABLE run_steps_unpartitioned DROP CONSTRAINT run_steps_pkey;
  CREATE TABLE run_steps (LIKE run_steps_unpartitioned INCLUDING DEFAULTS, run_created_at timestamptz NOT NULL)
    PARTITION BY RANGE (run_created_at);
  month := first_month;
  WHILE month <= last_month LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF run_steps FOR VALUES FROM (%L) TO (%L)',
      'run_steps_p' || to_char(month, 'YYYYMMDD'), month, month + interval '1 month');
    month := month + interval '1 month';
  END LOOP;
  CREATE TABLE run_steps_default PARTITION OF run_steps DEFAULT;
  -- Every step had its run (the old foreign key), so the join keeps every row.
  INSERT INTO run_steps SELECT s.*, r.created_at FROM run_steps_unpartitioned s JOIN runs r ON r.id = s.run_id;
  ALTER TABLE run_steps ADD CONSTRAINT run_steps_pkey PRIMARY KEY (id, run_created_at);
  ALTER TABLE run_steps ADD CONSTRAINT run_steps_run_node_key UNIQUE (run_id, node_id, run_created_at);
  ALTER TABLE run_steps ADD CONSTRAINT run_steps_run_fk FOREIGN KEY (run_id, run_created_at) REFERENCES runs(id, created_at) ON DELETE cascade;

  -- inbox_events: the unique (flow_id, dedupe_key) moves to inbox_dedupe_keys; seq keeps its sequence
  SELECT coalesce(array_agg(indexname ORDER BY indexname), '{}'), coalesce(array_agg(indexdef ORDER BY indexname), '{}')
    INTO index_names, index_defs
    FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'inbox_events'
      AND indexname NOT IN ('inbox_events_pkey', 'inbox_events_flow_dedupe_key');
  FOR i IN 1 .. coalesce(array_length(index_names, 1), 0) LOOP
    EXECUTE format('DROP INDEX %I', index_names[i]);
  END LOOP;
  ALTER TABLE inbox_events RENAME TO inbox_events_unpartitioned;
  ALTER TABLE inbox_events_unpartitioned DROP CONSTRAINT inbox_events_flow_dedupe_key;
  ALTER TABLE inbox_events_unpartitioned DROP CONSTRAINT inbox_events_pkey;
  ALTER SEQUENCE inbox_events_seq_seq OWNED BY NONE;
  CREATE TABLE inbox_events (LIKE inbox_events_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (received_at);
  month := first_month;
  WHILE month <= last_month LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF inbox_events FOR VALUES FROM (%L) TO (%L)',
      'inbox_events_p' || to_char(month, 'YYYYMMDD'), month, month + interval '1 month');
    month := month + interval '1 month';
  END LOOP;
  CREATE TABLE inbox_events_default PARTITION OF inbox_events DEFAULT;
  INSERT INTO inbox_events SELECT * FROM inbox_events_unpartitioned;
  ALTER SEQUENCE inbox_events_seq_seq OWNED BY inbox_events.seq;
  ALTER TABLE inbox_events ADD CONSTRAINT inbox_events_pkey PRIMARY KEY (id, received_at);
  FOR i IN 1 .. coalesce(array_length(index_defs, 1), 0) LOOP
    EXECUTE index_defs[i];
  END LOOP;
  CREATE INDEX inbox_events_flow_dedupe_idx ON inbox_events USING btree (flow_id, dedupe_key);
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
