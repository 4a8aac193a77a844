/**
 * Time-partitioned run history: the upgrade from the unpartitioned schema keeps every row (and puts it
 * in a partition), partitions are created ahead and never missing for "now" (a DEFAULT partition
 * catches the rest), and expired partitions are dropped whole once every workspace's retention allows.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { quoteIdent, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { enqueueInboxEvents } from '../inbox/enqueue';
import { dropExpiredHistoryPartitions, ensureHistoryPartitions, listHistoryPartitions } from './history-partitions';

const DAY = 86_400_000;
const MIGRATIONS = path.join(import.meta.dirname, '../../db/migrations');
const admin = () => postgres(inject('databaseAdminUrl'), { max: 1, onnotice: () => {} });

let name: string;
let handle: DbHandle;
let migrationsBefore: string;

/** The committed migrations up to (not including) the one that partitions run history. */
async function migrationsBeforePartitioning(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrations-before-partitioning-'));
  await fs.cp(MIGRATIONS, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta/_journal.json');
  const journal = JSON.parse(await fs.readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith('_partition_run_history'));
  expect(at).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  await fs.writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

interface Seeded {
  workspaceId: string;
  flowId: string;
  runs: { id: string; ageDays: number; status: string }[];
  /** An inbox event never relayed (its flow was paused), as old as the oldest run. */
  pendingEventId: string;
}

/** Rows in the schema before partitioning (plain SQL: the drizzle schema describes the new one). */
async function seedOldSchema(db: DbHandle['db']): Promise<Seeded> {
  const [ws] = await db.execute<{ id: string }>(sql`insert into workspaces (name) values ('Old') returning id`);
  const workspaceId = ws!.id;
  const [flow] = await db.execute<{ id: string }>(
    sql`insert into flows (workspace_id, name, status, draft, webhook_token) values (${workspaceId}, 'F', 'active', '{}', ${randomUUID()}) returning id`,
  );
  const [version] = await db.execute<{ id: string }>(
    sql`insert into flow_versions (flow_id, workspace_id, version, graph) values (${flow!.id}, ${workspaceId}, 1, '{"nodes":[],"edges":[],"layout":{}}') returning id`,
  );
  const runs = [
    { id: randomUUID(), ageDays: 200, status: 'succeeded' },
    { id: randomUUID(), ageDays: 150, status: 'failed' },
    { id: randomUUID(), ageDays: 150, status: 'running' }, // still in flight: its partition stays
    { id: randomUUID(), ageDays: 40, status: 'succeeded' },
    { id: randomUUID(), ageDays: 0, status: 'succeeded' },
  ];
  for (const run of runs) {
    const at = new Date(Date.now() - run.ageDays * DAY).toISOString();
    await db.execute(sql`
      insert into runs (id, workspace_id, flow_id, flow_version_id, version, status, trigger, workflow_id, created_at, trigger_payload)
      values (${run.id}, ${workspaceId}, ${flow!.id}, ${version!.id}, 1, ${run.status}::run_status, 'webhook', ${'run-' + run.id}, ${at}::timestamptz, '{"n":1}')`);
    for (const node of ['hook', 'save']) {
      await db.execute(sql`insert into run_steps (run_id, node_id, node_type, status, input) values (${run.id}, ${node}, 't', 'succeeded', '{"items":[],"total":0}')`);
    }
    await db.execute(sql`
      insert into record_lineage (workspace_id, run_id, flow_id, node_id, access, connection_id, object_type, external_id)
      values (${workspaceId}, ${run.id}, ${flow!.id}, 'save', 'write', 'crm', 'contact', ${'c-' + run.id})`);
    await db.execute(sql`
      insert into inbox_events (id, workspace_id, flow_id, dedupe_key, source, payload, received_at, relayed_at, run_id)
      values (${run.id}, ${workspaceId}, ${flow!.id}, ${'key-' + run.id}, 'webhook', '{"n":1}', ${at}::timestamptz, ${at}::timestamptz, ${run.id})`);
  }
  const pendingEventId = randomUUID();
  await db.execute(sql`
    insert into inbox_events (id, workspace_id, flow_id, dedupe_key, source, payload, received_at)
    values (${pendingEventId}, ${workspaceId}, ${flow!.id}, 'key-pending', 'webhook', '{"n":2}', now() - interval '200 days')`);
  return { workspaceId, flowId: flow!.id, runs, pendingEventId };
}

beforeAll(async () => {
  name = `test_upgrade_${randomUUID().slice(0, 8)}`;
  const s = admin();
  try {
    await s.unsafe(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await s.end({ timeout: 5 });
  }
  const url = withDatabase(inject('databaseAdminUrl'), name);
  migrationsBefore = await migrationsBeforePartitioning();
  const raw = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(raw), { migrationsFolder: migrationsBefore });
  } finally {
    await raw.end({ timeout: 5 });
  }
  handle = openDb(url, { max: 4 });
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await fs.rm(migrationsBefore, { recursive: true, force: true });
  const s = admin();
  try {
    await s.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await s.end({ timeout: 5 });
  }
});

describe('run history partitions', () => {
  let seeded: Seeded;

  it('upgrades the unpartitioned tables without losing a row: every run and step lands in a monthly partition', async () => {
    seeded = await seedOldSchema(handle.db);
    const before = await handle.db.execute(sql`select * from runs order by id`);
    const stepsBefore = await handle.db.execute(sql`select * from run_steps order by id`);
    const eventsBefore = await handle.db.execute(sql`select * from inbox_events order by id`);

    await migrateDatabase(withDatabase(inject('databaseAdminUrl'), name));

    expect(await handle.db.execute(sql`select ${sql.raw(Object.keys(before[0]!).join(', '))} from runs order by id`)).toEqual(before);
    expect(await handle.db.execute(sql`select * from inbox_events order by id`)).toEqual(eventsBefore);
    const events = await handle.db.execute<{ part: string; month: string }>(
      sql`select tableoid::regclass::text as part, to_char(received_at at time zone 'UTC', 'YYYYMM01') as month from inbox_events`,
    );
    for (const event of events) expect(event.part).toBe(`inbox_events_p${event.month}`);
    // Every event's key is in inbox_dedupe_keys, and seq goes on from where it was.
    expect(await handle.db.execute(sql`select count(*)::int as n from inbox_dedupe_keys k join inbox_events e on e.id = k.event_id and e.dedupe_key = k.dedupe_key`)).toEqual([
      { n: eventsBefore.length },
    ]);
    const maxSeq = Math.max(...eventsBefore.map((e) => Number(e.seq)));
    const [fresh] = await enqueueInboxEvents(handle.db, [{ workspaceId: seeded.workspaceId, flowId: seeded.flowId, dedupeKey: 'after-upgrade', source: 'webhook', payload: {} }], { wake: false });
    const [{ seq } = { seq: 0 }] = await handle.db.execute<{ seq: string }>(sql`select seq from inbox_events where id = ${fresh!}`);
    expect(Number(seq)).toBeGreaterThan(maxSeq);
    const stepsAfter = await handle.db.execute<Record<string, unknown>>(sql`select * from run_steps order by id`);
    expect(stepsAfter.map(({ run_created_at: _, ...rest }) => rest)).toEqual(stepsBefore);
    const placed = await handle.db.execute<{ month: string; part: string; steps_part: string; same_time: boolean }>(sql`
      select to_char(r.created_at at time zone 'UTC', 'YYYYMM01') as month, r.tableoid::regclass::text as part,
             s.tableoid::regclass::text as steps_part, s.run_created_at = r.created_at as same_time
      from runs r join run_steps s on s.run_id = r.id`);
    expect(placed).toHaveLength(seeded.runs.length * 2);
    for (const row of placed) {
      expect(row).toEqual({ month: row.month, part: `runs_p${row.month}`, steps_part: `run_steps_p${row.month}`, same_time: true });
    }
    expect(await handle.db.execute(sql`select count(*)::int as n from record_lineage`)).toEqual([{ n: seeded.runs.length }]);
    // The run's key now includes its time, and the steps reference both.
    const [fk] = await handle.db.execute<{ def: string }>(sql`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'run_steps_run_fk'`);
    expect(fk!.def).toBe('FOREIGN KEY (run_id, run_created_at) REFERENCES runs(id, created_at) ON DELETE CASCADE');
  });

  it('recognises a repeated delivery whose first delivery sits in an older partition, and a twin in the same batch', async () => {
    const old = seeded.runs[1]!; // 150 days ago: another partition than today's
    const repeat = { workspaceId: seeded.workspaceId, flowId: seeded.flowId, dedupeKey: `key-${old.id}`, source: 'webhook' as const, payload: { n: 3 } };
    expect(await enqueueInboxEvents(handle.db, [repeat], { wake: false })).toEqual([]);
    const twin = { ...repeat, dedupeKey: 'twin' };
    const ids = await enqueueInboxEvents(handle.db, [twin, { ...twin, payload: { n: 4 } }], { wake: true });
    expect(ids).toHaveLength(1);
    expect(await handle.db.execute(sql`select payload from inbox_events where dedupe_key = 'twin'`)).toEqual([{ payload: { n: 3 } }]);
    expect(await handle.db.execute(sql`select event_id from inbox_dedupe_keys where dedupe_key = 'twin'`)).toEqual([{ event_id: ids[0] }]);
  });

  it('creates partitions ahead, contiguous, once, even when several workers ask at once', async () => {
    const runs = await listHistoryPartitions(handle.db, 'runs');
    const lastBound = runs[runs.length - 1]!.to; // the migration covers up to the end of next month
    const now = new Date(lastBound.getTime() - 12 * 3_600_000);
    const created = await Promise.all([0, 1, 2].map(() => ensureHistoryPartitions(handle.db, { interval: 'day', ahead: 2, now })));
    const day = (d: Date) => d.toISOString().slice(0, 10).replaceAll('-', '');
    const expected = [0, 1].map((i) => day(new Date(lastBound.getTime() + i * DAY)));
    expect(created.flat().sort()).toEqual(['inbox_events', 'run_steps', 'runs'].flatMap((table) => expected.map((d) => `${table}_p${d}`)).sort());
    const after = await listHistoryPartitions(handle.db, 'runs');
    for (let i = 1; i < after.length; i++) expect(after[i]!.from).toEqual(after[i - 1]!.to);
    expect(after[after.length - 1]!.to.getTime()).toBe(lastBound.getTime() + 2 * DAY);
    for (const table of ['run_steps', 'inbox_events'] as const) {
      expect(await listHistoryPartitions(handle.db, table)).toEqual(after.map((p) => ({ ...p, name: p.name.replace('runs_', `${table}_`) })));
    }

    // The new partitions keep the steps' reference to their run: no orphan step, cascade on delete.
    const at = new Date(lastBound.getTime() + 3_600_000).toISOString();
    const [run] = await handle.db.execute<{ id: string }>(sql`
      insert into runs (workspace_id, flow_id, flow_version_id, version, trigger, workflow_id, created_at)
      select workspace_id, flow_id, flow_version_id, 1, 'webhook', 'w-new', ${at}::timestamptz from runs limit 1 returning id`);
    const step = (runId: string) => sql`insert into run_steps (run_id, run_created_at, node_id, node_type, status) values (${runId}, ${at}::timestamptz, 'n', 't', 'queued')`;
    await handle.db.execute(step(run!.id));
    const orphan = await handle.db.execute(step(randomUUID())).then(() => undefined, (error: { cause?: { message?: string } }) => error.cause?.message);
    expect(orphan).toMatch(/violates foreign key constraint "run_steps_run_fk"/);
    expect(await handle.db.execute(sql`select tableoid::regclass::text as part from run_steps where run_id = ${run!.id}`)).toEqual([{ part: `run_steps_p${expected[0]}` }]);
    await handle.db.execute(sql`delete from runs where id = ${run!.id}`);
    expect(await handle.db.execute(sql`select 1 from run_steps where run_id = ${run!.id}`)).toEqual([]);
  });

  it('never fails an insert for want of a partition: the DEFAULT partition takes it, and that range gets none of its own', async () => {
    const runs = await listHistoryPartitions(handle.db, 'runs');
    const beyond = new Date(runs[runs.length - 1]!.to.getTime() + 3 * 3_600_000);
    const id = randomUUID();
    const [run] = await handle.db.execute<{ workspace_id: string; flow_id: string; flow_version_id: string }>(
      sql`select workspace_id, flow_id, flow_version_id from runs limit 1`,
    );
    await handle.db.execute(sql`
      insert into runs (id, workspace_id, flow_id, flow_version_id, version, trigger, workflow_id, created_at)
      values (${id}, ${run!.workspace_id}, ${run!.flow_id}, ${run!.flow_version_id}, 1, 'webhook', 'w', ${beyond.toISOString()}::timestamptz)`);
    await handle.db.execute(sql`insert into run_steps (run_id, run_created_at, node_id, node_type, status) values (${id}, ${beyond.toISOString()}::timestamptz, 'n', 't', 'queued')`);
    expect(await handle.db.execute(sql`select tableoid::regclass::text as part from runs where id = ${id}`)).toEqual([{ part: 'runs_default' }]);

    const created = await ensureHistoryPartitions(handle.db, { interval: 'day', ahead: 3, now: runs[runs.length - 1]!.to });
    // Day 1 holds that run in the default partition: skipped, by every history table alike (they keep
    // the same bounds, though no inbox event is there); days 2 and 3 are created after it.
    for (const table of ['runs', 'run_steps', 'inbox_events']) expect(created.filter((n) => n.startsWith(`${table}_p`)), table).toHaveLength(2);
    expect(await listHistoryPartitions(handle.db, 'inbox_events')).toEqual(
      (await listHistoryPartitions(handle.db, 'runs')).map((p) => ({ ...p, name: p.name.replace('runs_', 'inbox_events_') })),
    );
    const after = await listHistoryPartitions(handle.db, 'runs');
    expect(after.some((p) => p.from <= beyond && beyond < p.to)).toBe(false);
    expect(await handle.db.execute(sql`select tableoid::regclass::text as part from runs where id = ${id}`)).toEqual([{ part: 'runs_default' }]);
  });

  it('drops whole partitions past the longest retention of any workspace, steps and lineage with them, keeping runs in flight', async () => {
    await handle.db.execute(sql`update workspaces set run_retention_days = 30`);
    await handle.db.execute(sql`insert into workspaces (name, run_retention_days) values ('Longer', 120)`);
    const partitionOf = async (id: string) =>
      (await handle.db.execute<{ part: string }>(sql`select tableoid::regclass::text as part from runs where id = ${id}`))[0]?.part;
    const oldest = seeded.runs[0]!;
    const oldestPartition = await partitionOf(oldest.id);
    const inFlight = seeded.runs.find((r) => r.status === 'running')!;
    const inFlightPartition = await partitionOf(inFlight.id);

    const cutoff = Date.now() - 120 * DAY;
    const bounds = new Map((await listHistoryPartitions(handle.db, 'runs')).map((p) => [p.name, p]));
    const dropped = await dropExpiredHistoryPartitions(handle.db);
    // Steps before their runs; every dropped partition lies wholly before the cutoff (empty months between included).
    expect(dropped.slice(0, 2)).toEqual([oldestPartition!.replace('runs_', 'run_steps_'), oldestPartition]);
    expect(dropped).not.toContain(inFlightPartition);
    const droppedRuns = dropped.filter((n) => n.startsWith('runs_'));
    for (const partition of droppedRuns) expect(bounds.get(partition)!.to.getTime()).toBeLessThanOrEqual(cutoff);
    expect(await listHistoryPartitions(handle.db, 'runs')).toHaveLength(bounds.size - droppedRuns.length);
    // The inbox: the oldest month keeps its partition while an event there still waits for the relay;
    // the 150-day-old events' month goes (their runs' partition stays for the run in flight).
    const pendingPartition = oldestPartition!.replace('runs_', 'inbox_events_');
    expect(dropped).not.toContain(pendingPartition);
    expect(dropped).toContain(inFlightPartition!.replace('runs_', 'inbox_events_'));
    expect(await handle.db.execute(sql`select id from inbox_events where id = ${seeded.pendingEventId}`)).toEqual([{ id: seeded.pendingEventId }]);
    expect(await handle.db.execute(sql`select id from inbox_events where id = ${inFlight.id}`)).toEqual([]);
    // Dedupe keys past the longest retention go, except the pending event's.
    const keys = (await handle.db.execute<{ dedupe_key: string }>(sql`select dedupe_key from inbox_dedupe_keys`)).map((k) => k.dedupe_key);
    expect(keys).toContain('key-pending');
    expect(keys).not.toContain(`key-${oldest.id}`);
    expect(keys).not.toContain(`key-${inFlight.id}`);
    expect(keys).toContain(`key-${seeded.runs[3]!.id}`); // 40 days old
    const left = (await handle.db.execute<{ id: string }>(sql`select id from runs`)).map((r) => r.id);
    expect(left).not.toContain(oldest.id);
    for (const run of seeded.runs.slice(1)) expect(left).toContain(run.id); // within 120 days, or sharing a partition with a run in flight
    expect(await partitionOf(inFlight.id)).toBe(inFlightPartition);
    expect(await handle.db.execute(sql`select 1 from run_steps where run_id = ${oldest.id}`)).toEqual([]);
    expect(await handle.db.execute(sql`select 1 from record_lineage where run_id = ${oldest.id}`)).toEqual([]);
    expect(await handle.db.execute(sql`select count(*)::int as n from record_lineage`)).toEqual([{ n: seeded.runs.length - 1 }]);

    // Once that run finishes and that event is relayed, their partitions go too; a second pass then finds nothing.
    await handle.db.execute(sql`update runs set status = 'succeeded' where id = ${inFlight.id}`);
    await handle.db.execute(sql`update inbox_events set relayed_at = now() where id = ${seeded.pendingEventId}`);
    expect(await dropExpiredHistoryPartitions(handle.db)).toEqual([inFlightPartition!.replace('runs_', 'run_steps_'), inFlightPartition, pendingPartition]);
    expect((await handle.db.execute<{ dedupe_key: string }>(sql`select dedupe_key from inbox_dedupe_keys`)).map((k) => k.dedupe_key)).not.toContain('key-pending');
    expect(await handle.db.execute(sql`select id from runs where id = ${inFlight.id}`)).toEqual([]);
    expect(await dropExpiredHistoryPartitions(handle.db)).toEqual([]);
  });
});
