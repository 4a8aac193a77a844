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
  runs: { id: string; ageDays: number; status: string }[];
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
  }
  return { workspaceId, runs };
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

    await migrateDatabase(withDatabase(inject('databaseAdminUrl'), name));

    expect(await handle.db.execute(sql`select ${sql.raw(Object.keys(before[0]!).join(', '))} from runs order by id`)).toEqual(before);
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

  it('creates partitions ahead, contiguous, once, even when several workers ask at once', async () => {
    const runs = await listHistoryPartitions(handle.db, 'runs');
    const lastBound = runs[runs.length - 1]!.to; // the migration covers up to the end of next month
    const now = new Date(lastBound.getTime() - 12 * 3_600_000);
    const created = await Promise.all([0, 1, 2].map(() => ensureHistoryPartitions(handle.db, { interval: 'day', ahead: 2, now })));
    const day = (d: Date) => d.toISOString().slice(0, 10).replaceAll('-', '');
    const expected = [0, 1].map((i) => day(new Date(lastBound.getTime() + i * DAY)));
    expect(created.flat().sort()).toEqual([...expected.map((d) => `run_steps_p${d}`), ...expected.map((d) => `runs_p${d}`)].sort());
    const after = await listHistoryPartitions(handle.db, 'runs');
    for (let i = 1; i < after.length; i++) expect(after[i]!.from).toEqual(after[i - 1]!.to);
    expect(after[after.length - 1]!.to.getTime()).toBe(lastBound.getTime() + 2 * DAY);
    expect(await listHistoryPartitions(handle.db, 'run_steps')).toEqual(after.map((p) => ({ ...p, name: p.name.replace('runs_', 'run_steps_') })));
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
    // Day 1 holds that run in the default partition: skipped; days 2 and 3 are created after it.
    expect(created.filter((n) => n.startsWith('runs_'))).toHaveLength(2);
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
    for (const partition of dropped.filter((n) => n.startsWith('runs_'))) expect(bounds.get(partition)!.to.getTime()).toBeLessThanOrEqual(cutoff);
    expect(await listHistoryPartitions(handle.db, 'runs')).toHaveLength(bounds.size - dropped.length / 2);
    const left = (await handle.db.execute<{ id: string }>(sql`select id from runs`)).map((r) => r.id);
    expect(left).not.toContain(oldest.id);
    for (const run of seeded.runs.slice(1)) expect(left).toContain(run.id); // within 120 days, or sharing a partition with a run in flight
    expect(await partitionOf(inFlight.id)).toBe(inFlightPartition);
    expect(await handle.db.execute(sql`select 1 from run_steps where run_id = ${oldest.id}`)).toEqual([]);
    expect(await handle.db.execute(sql`select 1 from record_lineage where run_id = ${oldest.id}`)).toEqual([]);
    expect(await handle.db.execute(sql`select count(*)::int as n from record_lineage`)).toEqual([{ n: seeded.runs.length - 1 }]);

    // Once that run finishes, its partition goes too; a second pass then finds nothing.
    await handle.db.execute(sql`update runs set status = 'succeeded' where id = ${inFlight.id}`);
    expect(await dropExpiredHistoryPartitions(handle.db)).toEqual([inFlightPartition!.replace('runs_', 'run_steps_'), inFlightPartition]);
    expect(await handle.db.execute(sql`select id from runs where id = ${inFlight.id}`)).toEqual([]);
    expect(await dropExpiredHistoryPartitions(handle.db)).toEqual([]);
  });
});
