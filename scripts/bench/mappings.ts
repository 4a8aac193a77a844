/**
 * External-ID store throughput against 1,000,000 mappings, on its own embedded PostgreSQL (temp data
 * dir, default durability settings: no fsync=off tricks), through the real store
 * (`temporal/activities/external-id-store.ts`):
 *   lookupsPerSecondSingle   ids/s, one id per query, sequential
 *   lookupsPerSecondBatched  ids/s, 500 ids per query, sequential
 *   savesPerSecondBatched    rows/s, 500 new mappings per INSERT ... ON CONFLICT, sequential
 *   savesPerSecondBatchedParallel4  the same from 4 concurrent writers (several activities at once)
 * Each figure is the median of 3 runs after a warm-up. Targets: batched lookups >= 50,000 ids/s,
 * batched saves >= 20,000 rows/s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDb } from '../../db/client';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { workspaces } from '../../db/schema';
import { createExternalIdStore } from '../../domain/connectors/external-id-store';
import { getFreePort } from '../supervisor/ports';

const ROWS = 1_000_000;
const BATCH = 500;
const RUNS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export default async function run(): Promise<{ figures: Record<string, number>; units: Record<string, string>; runs: number; notes: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'syncline-bench-mappings-'));
  await import('node:fs/promises').then((fs) => fs.chmod(dir, 0o755)); // as root, postgres runs as "postgres"
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await getFreePort() });
  try {
    await ensureDatabase(pg.url, 'bench');
    const url = withDatabase(pg.url, 'bench');
    await migrateDatabase(url);
    const handle = openDb(url, { max: 4 });
    try {
      const db = handle.db;
      const [ws] = await db.insert(workspaces).values({ name: 'Bench' }).returning();
      const workspaceId = ws!.id;
      const connectionId = '00000000-0000-4000-8000-000000000001';
      const seedStart = performance.now();
      // Half contacts, half companies, so the object type filter matters.
      await db.execute(sql`
        insert into external_ids (workspace_id, object_type, connection_id, external_id, record_key)
        select ${workspaceId}::uuid, case when g % 2 = 0 then 'contact' else 'company' end, ${connectionId}, 'ext-' || g, 'rk-' || g
        from generate_series(1, ${ROWS}) g`);
      await db.execute(sql`analyze external_ids`);
      const seedMs = performance.now() - seedStart;
      const store = createExternalIdStore(db);
      const randomIds = (n: number) => Array.from({ length: n }, () => `ext-${2 * (1 + Math.floor(Math.random() * (ROWS / 2)))}`);
      const q = { workspaceId, objectType: 'contact', connectionId };

      const single = async () => {
        const ids = randomIds(2000);
        const t = performance.now();
        for (const id of ids) {
          const found = await store.lookupMany({ ...q, externalIds: [id] });
          if (found.size !== 1) throw new Error(`lookup of ${id} found nothing`);
        }
        return ids.length / ((performance.now() - t) / 1000);
      };
      const batched = async () => {
        const batches = Array.from({ length: 100 }, () => randomIds(BATCH));
        const t = performance.now();
        let found = 0;
        for (const ids of batches) found += (await store.lookupMany({ ...q, externalIds: ids })).size;
        if (found < batches.length * BATCH * 0.99) throw new Error(`batched lookups found only ${found}`);
        return (batches.length * BATCH) / ((performance.now() - t) / 1000);
      };
      let next = ROWS;
      const savesWith = (writers: number) => async () => {
        const batches = Array.from({ length: 80 }, () =>
          Array.from({ length: BATCH }, () => {
            next += 1;
            return { ...q, externalId: `ext-${next}`, recordKey: `rk-${next}` };
          }),
        );
        const t = performance.now();
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = w; i < batches.length; i += writers) await store.saveMany(batches[i]!);
          }),
        );
        return (batches.length * BATCH) / ((performance.now() - t) / 1000);
      };
      const measure = async (fn: () => Promise<number>) => {
        await fn(); // warm-up: plans, caches
        const xs: number[] = [];
        for (let i = 0; i < RUNS; i++) xs.push(await fn());
        return xs;
      };
      const s = await measure(single);
      const b = await measure(batched);
      const w = await measure(savesWith(1));
      const p = await measure(savesWith(4));
      return {
        figures: { lookupsPerSecondSingle: Math.round(median(s)), lookupsPerSecondBatched: Math.round(median(b)), savesPerSecondBatched: Math.round(median(w)), savesPerSecondBatchedParallel4: Math.round(median(p)) },
        units: { lookupsPerSecondSingle: 'ids/s', lookupsPerSecondBatched: 'ids/s', savesPerSecondBatched: 'rows/s', savesPerSecondBatchedParallel4: 'rows/s' },
        runs: RUNS,
        notes:
          `median of ${RUNS} runs after 1 warm-up; ${ROWS.toLocaleString('en-US')} mappings seeded in ${(seedMs / 1000).toFixed(1)} s (generate_series); ` +
          `embedded PostgreSQL, default durability, one connection, sequential; single: 2,000 ids; batched: 100 x ${BATCH} ids; saves: 80 x ${BATCH} new rows ON CONFLICT (1 writer, then 4); ` +
          `runs: single ${s.map(Math.round).join('/')}, batched ${b.map(Math.round).join('/')}, saves ${w.map(Math.round).join('/')}, saves x4 ${p.map(Math.round).join('/')}. Targets: batched lookups >= 50,000 ids/s, batched saves >= 20,000 rows/s.`,
      };
    } finally {
      await handle.close();
    }
  } finally {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
