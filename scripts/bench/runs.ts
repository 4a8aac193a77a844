/**
 * Run history against 1,000,000 runs (tests/support/seed-runs.ts: two workspaces, four flows, a week of
 * runs, mixed statuses), on its own embedded PostgreSQL (temp data dir, default durability), through
 * the real services (`listRuns`, `getDashboard`), one caller at a time:
 *   listFirstPageMs   the newest 50 runs of the workspace
 *   listDeepPageMs    50 runs reached by a cursor 100,000 to 800,000 runs deep
 *   dashboardMs       the whole dashboard (rollup of closed hours already there, as after the first view)
 * and, for information: listStatusMs (status = failed), listSearchMs (a record key), dashboardColdMs
 * (the first view of a workspace, which rolls up 23 hours). Each figure is the median of RUNS runs,
 * each run the median of CALLS calls, after a warm-up. Targets: list pages < 20 ms, dashboard < 300 ms.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { getDashboard } from '../../app/_server/dashboard/dashboard-service';
import { encodeCursor, listRuns } from '../../app/_server/runs/run-queries';
import { openDb } from '../../db/client';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { seedRunsAtScale } from '../../tests/support/seed-runs';
import type { BenchOutcome } from '../bench';
import { getFreePort } from '../supervisor/ports';

const TOTAL = 1_000_000;
const RUNS = 5;
const CALLS = 20;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export default async function run(): Promise<BenchOutcome> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'syncline-bench-runs-'));
  await chmod(dir, 0o755); // as root, postgres runs as "postgres"
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await getFreePort() });
  try {
    await ensureDatabase(pg.url, 'bench');
    const url = withDatabase(pg.url, 'bench');
    await migrateDatabase(url);
    const handle = openDb(url, { max: 4 });
    try {
      const db = handle.db;
      const seedStart = performance.now();
      const seeded = await seedRunsAtScale(db, { total: TOTAL });
      const seedMs = performance.now() - seedStart;
      const ws = seeded.workspaceId;

      // Cursors at random depths, taken from the index itself.
      const anchors = await db.execute<{ id: string; created_at: string }>(sql`
        select id, created_at::text from (
          select id, created_at, row_number() over (order by created_at desc, id desc) as n from runs where workspace_id = ${ws}
        ) r where n in (select 100000 + (g * 37813) % 700000 from generate_series(1, ${CALLS}) g)`);
      const cursors = anchors.map((a) => encodeCursor(a.created_at, a.id));
      // Keys ending in 1: the first workspace's (runs whose number ends in 9 belong to the other one).
      const keys = Array.from({ length: CALLS }, (_, i) => `contact-${10_001 + i * 1_010}`);

      const time = async (fn: () => Promise<unknown>) => {
        const t = performance.now();
        await fn();
        return performance.now() - t;
      };
      const coldStart = performance.now();
      const cold = await getDashboard(db, ws);
      const dashboardColdMs = performance.now() - coldStart;
      const scenarios: Record<string, (i: number) => Promise<unknown>> = {
        listFirstPageMs: async () => {
          const page = await listRuns(db, ws, {});
          if (page.runs.length !== 50) throw new Error('first page is not full');
        },
        listDeepPageMs: async (i) => {
          const page = await listRuns(db, ws, { cursor: cursors[i % cursors.length] });
          if (page.runs.length !== 50) throw new Error('deep page is not full');
        },
        listStatusMs: async () => listRuns(db, ws, { status: ['failed'] }),
        listSearchMs: async (i) => {
          const page = await listRuns(db, ws, { q: keys[i % keys.length] });
          if (page.runs.length === 0) throw new Error(`search for ${keys[i % keys.length]} found nothing`);
        },
        dashboardMs: async () => getDashboard(db, ws),
      };
      const samples: Record<string, number[]> = {};
      for (const [name, fn] of Object.entries(scenarios)) {
        for (let i = 0; i < CALLS; i++) await fn(i); // warm-up: plans, caches
        samples[name] = [];
        for (let r = 0; r < RUNS; r++) {
          const calls: number[] = [];
          for (let i = 0; i < CALLS; i++) calls.push(await time(() => fn(i)));
          samples[name].push(median(calls));
        }
      }
      const figures: Record<string, number> = Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, Math.round(median(xs) * 100) / 100]));
      figures.dashboardColdMs = Math.round(dashboardColdMs);
      return {
        figures,
        units: Object.fromEntries(Object.keys(figures).map((name) => [name, 'ms'])),
        runs: RUNS,
        notes:
          `median of ${RUNS} runs (each the median of ${CALLS} sequential calls) after a warm-up of ${CALLS} calls; ` +
          `${TOTAL.toLocaleString('en-US')} runs over 7 days seeded in ${(seedMs / 1000).toFixed(1)} s (generate_series), ` +
          `${cold.totals.finished.toLocaleString('en-US')} of them finished in the dashboard's 24 h; embedded PostgreSQL, default durability. ` +
          `Per run: ${Object.entries(samples).map(([n, xs]) => `${n} ${xs.map((x) => x.toFixed(1)).join('/')}`).join('; ')}. ` +
          'dashboardColdMs is the first view (rolls up 23 closed hours once). Targets: list pages < 20 ms, dashboard < 300 ms.',
      };
    } finally {
      await handle.close();
    }
  } finally {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
