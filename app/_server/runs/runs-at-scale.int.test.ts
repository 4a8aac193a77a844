/**
 * Run history at scale: 1,000,000 runs seeded once (two workspaces, four flows, mixed statuses,
 * errors and record keys, in daily partitions; tests/support/seed-runs.ts). Checks keyset pagination
 * (first page, deep page, page boundaries inside groups of equal created_at), each filter against plain
 * SQL, workspace scoping, the dashboard's numbers against plain aggregates, that the list and dashboard
 * queries are served by their indexes in every partition holding rows (no Seq Scan on one; an empty
 * partition's zero-cost Seq Scan is the planner's right choice), and that time bounds prune partitions.
 * Speed itself is measured by `npm run bench -- runs`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';
import { seedRunsAtScale, type SeededRuns } from '../../../tests/support/seed-runs';
import { dashboardQueries, getDashboard } from '../dashboard/dashboard-service';
import { floorHour, openWindowStart } from '../dashboard/run-stats-rollup';
import { listHistoryPartitions } from '../../../domain/retention/history-partitions';
import { encodeCursor, listRuns, runListQuery, type RunListFilter } from './run-queries';

let database: TestDatabase;
let handle: DbHandle;
let seeded: SeededRuns;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  seeded = await seedRunsAtScale(handle.db, { total: 1_000_000 });
  const nonEmpty = await handle.db.execute<{ name: string }>(sql`
    select c.relname as name from pg_class c join pg_inherits i on i.inhrelid = c.oid
    where i.inhparent in ('runs'::regclass, 'run_steps'::regclass, 'inbox_events'::regclass) and c.reltuples > 0`);
  partitionsWithRows = new Set(nonEmpty.map((r) => r.name));
}, 900_000);

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

type Row = { id: string; created_at: string };

/** The expected ids, straight from SQL (the slow, obviously right way). */
async function expectedIds(where: SQL, limit: number, offset = 0): Promise<string[]> {
  const rows = await handle.db.execute<Row>(
    sql`select id from runs where ${where} order by created_at desc, id desc limit ${limit} offset ${offset}`,
  );
  return rows.map((r) => r.id);
}

/**
 * The plan, with each partition's index named after the index of the partitioned table it belongs to
 * (`runs_p20261201_workspace_id_created_at_id_idx` reads `runs_workspace_created_idx`), so the plan says
 * which of the table's indexes serves the query.
 */
async function planOf(query: SQL | { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
  const rows =
    'toSQL' in query
      ? await handle.sql.unsafe(`explain ${query.toSQL().sql}`, query.toSQL().params as never[])
      : await handle.db.execute(sql`explain ${query}`);
  const parents = new Map(
    (
      await handle.db.execute<{ child: string; parent: string }>(sql`
        select c.relname as child, p.relname as parent from pg_inherits i
        join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where c.relkind = 'i'`)
    ).map((r) => [r.child, r.parent]),
  );
  return rows
    .map((r) => String((r as Record<string, unknown>)['QUERY PLAN']))
    .map((line) => line.replace(/\w+/g, (word) => parents.get(word) ?? word))
    .join('\n');
}

/** The partitions of the history tables that hold rows (a Seq Scan on one of them reads rows). */
let partitionsWithRows: Set<string>;

/** No Seq Scan on the table or on a partition of it that holds rows. */
function expectNoSeqScan(plan: string, table: 'runs' | 'run_steps' | 'inbox_events', label: string) {
  const scanned = [...plan.matchAll(/Seq Scan on (\S+)/g)].map((m) => m[1]!);
  expect(scanned.filter((name) => name === table || (name.startsWith(`${table}_`) && partitionsWithRows.has(name))), label).toEqual([]);
}

/** The partitions of `table` a plan reads. */
const partitionsIn = (plan: string, table: string) => new Set([...plan.matchAll(new RegExp(`on (${table}_(?:p\\d{8}|default))`, 'g'))].map((m) => m[1]!));

describe('the run list over 1,000,000 runs', () => {
  it('pages through the workspace by cursor without duplicates or gaps, also across equal created_at', async () => {
    const ws = sql`workspace_id = ${seeded.workspaceId}`;
    const want = await expectedIds(ws, 50 * 12);
    const got: string[] = [];
    let cursor: string | undefined;
    let boundaryInsideTie = false;
    let previousLast: { createdAt: Date } | undefined;
    for (let page = 0; page < 12; page++) {
      const result = await listRuns(handle.db, seeded.workspaceId, { cursor });
      expect(result.runs).toHaveLength(50);
      if (previousLast && previousLast.createdAt.getTime() === result.runs[0]!.createdAt.getTime()) boundaryInsideTie = true;
      previousLast = result.runs[result.runs.length - 1];
      got.push(...result.runs.map((r) => r.id));
      cursor = result.nextCursor ?? undefined;
    }
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(want);
    expect(boundaryInsideTie).toBe(true); // the seed puts three runs on each created_at
  });

  it('serves a deep page (past 500,000 runs) exactly as OFFSET would', async () => {
    const ws = sql`workspace_id = ${seeded.workspaceId}`;
    const [anchor] = await handle.db.execute<Row>(
      sql`select id, created_at::text from runs where ${ws} order by created_at desc, id desc limit 1 offset 499999`,
    );
    const page = await listRuns(handle.db, seeded.workspaceId, { cursor: encodeCursor(anchor!.created_at, anchor!.id) });
    expect(page.runs.map((r) => r.id)).toEqual(await expectedIds(ws, 50, 500_000));
    expect(page.nextCursor).not.toBeNull();
  });

  it('applies each filter like plain SQL does', async () => {
    const [flowId] = seeded.flowIds;
    const from = new Date(seeded.now.getTime() - 3 * 86_400_000);
    const to = new Date(seeded.now.getTime() - 2 * 86_400_000);
    const cases: [RunListFilter, SQL][] = [
      [{ status: ['failed'] }, sql`status = 'failed'`],
      [{ status: ['queued', 'running'] }, sql`status in ('queued', 'running')`],
      [{ status: ['cancelled', 'skipped'] }, sql`status in ('cancelled', 'skipped')`],
      [{ flowId }, sql`flow_id = ${flowId}`],
      [{ flowId, status: ['failed'] }, sql`flow_id = ${flowId} and status = 'failed'`],
      [{ version: 1 }, sql`version = 1`],
      [{ trigger: 'poll' }, sql`trigger = 'poll'`],
      [{ from, to }, sql`created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz`],
      [{ q: 'contact-12345' }, sql`((error ->> 'message') ilike '%contact-12345%' or ordering_key ilike '%contact-12345%')`],
      [{ q: 'email is INVALID' }, sql`(error ->> 'message') ilike '%email is invalid%'`],
      [{ q: 'no such text anywhere' }, sql`false`],
    ];
    for (const [filter, where] of cases) {
      const page = await listRuns(handle.db, seeded.workspaceId, filter);
      const want = await expectedIds(sql`workspace_id = ${seeded.workspaceId} and ${where}`, 50);
      expect(page.runs.map((r) => r.id), JSON.stringify(filter)).toEqual(want);
    }
    const [one] = await expectedIds(sql`workspace_id = ${seeded.workspaceId} and status = 'failed'`, 1, 777);
    const byId = await listRuns(handle.db, seeded.workspaceId, { q: one! });
    expect(byId.runs.map((r) => r.id)).toEqual([one]);
  });

  it('never shows another workspace’s runs', async () => {
    const other = await listRuns(handle.db, seeded.otherWorkspaceId, {});
    expect(other.runs).toHaveLength(50);
    expect(other.runs.every((r) => r.flowId === seeded.otherFlowId)).toBe(true);
    expect((await listRuns(handle.db, seeded.workspaceId, { flowId: seeded.otherFlowId })).runs).toEqual([]);
    const [foreign] = await expectedIds(sql`workspace_id = ${seeded.otherWorkspaceId}`, 1);
    expect(foreign).toBeDefined();
    expect((await listRuns(handle.db, seeded.workspaceId, { q: foreign! })).runs).toEqual([]);
  });

  it('walks an index for every list query shape: no Seq Scan on runs', async () => {
    const [flowId] = seeded.flowIds;
    const first = await listRuns(handle.db, seeded.workspaceId, {});
    // A flow and a status: either (…, status, created_at) index serves it, the planner picks by selectivity.
    const shapes: [string, RunListFilter, RegExp][] = [
      ['first page', {}, /runs_workspace_created_idx/],
      ['deep page', { cursor: first.nextCursor! }, /runs_workspace_created_idx/],
      ['per flow', { flowId }, /runs_flow_created_idx/],
      ['status', { status: ['failed'] }, /runs_workspace_status_created_idx/],
      ['flow and status', { flowId, status: ['failed'] }, /runs_(flow|workspace)_status_created_idx/],
      ['text search', { q: 'contact-12345' }, /runs_error_message_trgm_idx[\s\S]*runs_ordering_key_trgm_idx/],
    ];
    for (const [shape, filter, index] of shapes) {
      const plan = await planOf(runListQuery(handle.db, seeded.workspaceId, { ...filter, limit: 50 }));
      expectNoSeqScan(plan, 'runs', shape);
      expect(plan, shape).toMatch(index);
    }
  });
});

describe('the dashboard over 1,000,000 runs', () => {
  it('counts runs per hour and status, the failure rate and percentiles like plain aggregates', async () => {
    const now = new Date();
    const dashboard = await getDashboard(handle.db, seeded.workspaceId, now);
    const again = await getDashboard(handle.db, seeded.workspaceId, now); // rollup already there: same numbers
    expect(again.hours).toEqual(dashboard.hours);

    const counts = await handle.db.execute<{ hour: string; status: string; n: number }>(sql`
      select date_bin('1 hour', finished_at, timestamptz '2001-01-01 00:00:00+00')::text as hour, status, count(*)::int as n from runs
      where workspace_id = ${seeded.workspaceId} and finished_at >= ${dashboard.windowStart.toISOString()}::timestamptz group by 1, 2`);
    const expected = new Map(counts.map((c) => [`${new Date(c.hour).toISOString()} ${c.status}`, c.n]));
    let failed = 0;
    let succeeded = 0;
    for (const bar of dashboard.hours) {
      for (const status of ['succeeded', 'failed', 'skipped', 'cancelled'] as const) {
        expect(bar[status], `${bar.hour.toISOString()} ${status}`).toBe(expected.get(`${bar.hour.toISOString()} ${status}`) ?? 0);
      }
      failed += bar.failed;
      succeeded += bar.succeeded;
    }
    expect(failed).toBeGreaterThan(1000);
    expect(dashboard.totals.failed).toBe(failed);
    expect(dashboard.totals.failureRate).toBeCloseTo(failed / (failed + succeeded), 6);

    const [exact] = await handle.db.execute<{ p50: number; p95: number }>(sql`
      select percentile_cont(0.5) within group (order by extract(epoch from finished_at - coalesce(started_at, created_at)) * 1000)::float as p50,
             percentile_cont(0.95) within group (order by extract(epoch from finished_at - coalesce(started_at, created_at)) * 1000)::float as p95
      from runs where workspace_id = ${seeded.workspaceId} and finished_at >= ${dashboard.windowStart.toISOString()}::timestamptz`);
    expect(Math.abs(dashboard.totals.p50Ms! - exact!.p50) / exact!.p50).toBeLessThan(0.06);
    expect(Math.abs(dashboard.totals.p95Ms! - exact!.p95) / exact!.p95).toBeLessThan(0.06);
    expect(dashboard.totals.queued + dashboard.totals.running).toBe(6); // the seed's newest six runs
  });

  it('lists each flow with its lag and latest failures, and none of another workspace', async () => {
    const dashboard = await getDashboard(handle.db, seeded.workspaceId);
    expect(dashboard.flows.map((f) => f.id).sort()).toEqual([...seeded.flowIds].sort());
    for (const flow of dashboard.flows) {
      const failures = await expectedIds(sql`flow_id = ${flow.id} and status = 'failed'`, 3);
      expect(flow.recentFailures.map((f) => f.id)).toEqual(failures);
      const [last] = await handle.db.execute<{ finished_at: string }>(
        sql`select finished_at::text from runs where flow_id = ${flow.id} and status = 'succeeded' order by created_at desc, id desc limit 1`,
      );
      expect(flow.lastSuccessAt?.getTime()).toBe(new Date(last!.finished_at).getTime());
      expect(flow.lagSeconds).toBeGreaterThanOrEqual(0);
    }
  });

  it('reads through indexes only: no Seq Scan on runs or the inbox', async () => {
    const now = new Date();
    const windowStart = new Date(floorHour(now).getTime() - 23 * 3_600_000);
    const queries = dashboardQueries(seeded.workspaceId, windowStart, openWindowStart(now), now);
    const expectations: [keyof typeof queries, RegExp][] = [
      ['stats', /runs_workspace_finished_idx/],
      ['live', /runs_active_key_idx|runs_workspace_status_created_idx/],
      ['flows', /runs_flow_status_created_idx/],
      ['inbox', /inbox_events_pending_(key_)?idx/],
    ];
    for (const [name, index] of expectations) {
      const plan = await planOf(queries[name]);
      expectNoSeqScan(plan, 'runs', name);
      expectNoSeqScan(plan, 'inbox_events', name);
      expect(plan, name).toMatch(index);
    }
  });
});

describe('the partitions of run history (daily, over the seeded week)', () => {
  it('holds the seeded rows in daily partitions, none in the default one', async () => {
    const placed = await handle.db.execute<{ part: string }>(sql`select distinct tableoid::regclass::text as part from runs`);
    expect(placed.length).toBeGreaterThanOrEqual(7);
    expect(placed.every((p) => /^runs_p\d{8}$/.test(p.part))).toBe(true);
  });

  it('prunes: a time range reads only the partitions it overlaps, a deep page none newer than its cursor', async () => {
    const all = await listHistoryPartitions(handle.db, 'runs');
    const from = new Date(seeded.now.getTime() - 3 * 86_400_000);
    const to = new Date(seeded.now.getTime() - 2 * 86_400_000);
    const ranged = await planOf(runListQuery(handle.db, seeded.workspaceId, { from, to, limit: 50 }));
    expect(partitionsIn(ranged, 'runs')).toEqual(new Set(all.filter((p) => p.from < to && p.to > from).map((p) => p.name)));
    expect(ranged).toMatch(/runs_workspace_created_idx/);
    expectNoSeqScan(ranged, 'runs', 'time range');

    const [anchor] = await handle.db.execute<Row>(
      sql`select id, created_at::text from runs where workspace_id = ${seeded.workspaceId} order by created_at desc, id desc limit 1 offset 499999`,
    );
    const deep = await planOf(runListQuery(handle.db, seeded.workspaceId, { cursor: encodeCursor(anchor!.created_at, anchor!.id), limit: 50 }));
    const newer = all.filter((p) => p.from > new Date(anchor!.created_at)).map((p) => p.name);
    expect(newer.length).toBeGreaterThan(0);
    for (const name of newer) expect(partitionsIn(deep, 'runs').has(name), name).toBe(false);
    expectNoSeqScan(deep, 'runs', 'deep page');
  });

  it('finds a run, its steps and its inbox event by id alone through the primary key of each partition, and in one partition with its time', async () => {
    const [run] = await handle.db.execute<{ id: string; created_at: string }>(
      sql`select id, created_at::text from runs where right(workflow_id, 1) = '0' and status = 'failed' limit 1`,
    );
    const byId = await planOf(sql`select * from runs where id = ${run!.id}`);
    expectNoSeqScan(byId, 'runs', 'run by id');
    expect(byId).toMatch(/runs_pkey/);
    const byIdAndTime = await planOf(sql`select * from runs where id = ${run!.id} and created_at = ${run!.created_at}::timestamptz`);
    expect(partitionsIn(byIdAndTime, 'runs').size).toBe(1);

    const steps = await planOf(sql`select * from run_steps where run_id = ${run!.id}`);
    expectNoSeqScan(steps, 'run_steps', 'steps by run id');
    expect(steps).toMatch(/run_steps_run_node_key/);
    const stepsWithTime = await planOf(sql`select * from run_steps where run_id = ${run!.id} and run_created_at = ${run!.created_at}::timestamptz`);
    expect(partitionsIn(stepsWithTime, 'run_steps').size).toBe(1);

    const event = await planOf(sql`select * from inbox_events where id = ${run!.id}`);
    expectNoSeqScan(event, 'inbox_events', 'event by id');
    expect(event).toMatch(/inbox_events_pkey/);
  });
});
