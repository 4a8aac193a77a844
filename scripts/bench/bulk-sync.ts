/**
 * Initial load of 100,000 contacts from the demo CRM (REST API, its own database) into the demo
 * helpdesk (PostgreSQL), including the external-ID mappings both ways, through the real product:
 * started and watched over the web app's tRPC API (as the Bulk page does), run by the worker process
 * on the embedded Temporal dev server. 5,000 helpdesk customers already exist with a contact's email
 * (matched, not duplicated).
 *
 * Figures: recordsPerSecond and totalSeconds (median over the measured runs, from the start request
 * until the job reads completed), peakRssMbWorker and peakRssMbWeb (the highest resident memory of
 * each process tree sampled every 250 ms over all runs). Between runs the helpdesk and the mappings
 * are reset, so every run is a real initial load.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { openDb } from '../../db/client';
import { externalIds, users } from '../../db/schema';
import { startDemoCrm } from '../../examples/demo-crm/service';
import { ensureDemoDatabases } from '../../examples/demo-systems';
import buildForE2e from '../../tests/setup/e2e-build';
import { startApp } from '../../tests/support/app-server';
import { createBulkWorkspace, seedCrmContacts } from '../../tests/support/bulk';
import { startTemporalServer } from '../../tests/support/processes';
import { getFreePort } from '../supervisor/ports';
import type { BenchOutcome } from '../bench';
import { treeCpuSeconds, treeRssMb } from './_process-stats';

const CONTACTS = Number(process.env.BENCH_BULK_CONTACTS ?? 100_000);
const PRE_EXISTING = Math.round(CONTACTS / 20);
const MEASURED_RUNS = Number(process.env.BENCH_BULK_RUNS ?? 3);
const CRM_KEY = 'bench-bulk-sync-key';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A signed-in client of the web app's tRPC API (superjson envelope), acting in one workspace. */
function trpcClient(url: string, cookie: string, workspaceId: string) {
  const headers = { cookie, 'x-syncline-workspace': workspaceId, 'content-type': 'application/json' };
  const unwrap = async (res: Response, what: string) => {
    const body = (await res.json()) as { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string } } };
    if (!res.ok || !body.result) throw new Error(`${what}: ${res.status} ${body.error?.json?.message ?? JSON.stringify(body).slice(0, 300)}`);
    return body.result.data?.json;
  };
  return {
    mutate: async (procedure: string, input: unknown) =>
      unwrap(await fetch(`${url}/api/trpc/${procedure}`, { method: 'POST', headers, body: JSON.stringify({ json: input }) }), procedure),
    query: async (procedure: string) => unwrap(await fetch(`${url}/api/trpc/${procedure}`, { headers }), procedure),
  };
}

async function signUp(url: string): Promise<{ cookie: string; email: string }> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.test`;
  const res = await fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password: `Bench-${randomBytes(8).toString('hex')}`, name: 'Bench' }),
  });
  if (!res.ok) throw new Error(`sign-up answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, email };
}

export default async function run(): Promise<BenchOutcome> {
  buildForE2e();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'syncline-bench-bulk-'));
  await chmod(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: await getFreePort(), postgresFlags: ['-c', 'max_connections=200'] });
  const temporal = await startTemporalServer({ dbFile: path.join(tmp, 'temporal.db') });
  const cleanup: (() => Promise<unknown>)[] = [() => rm(tmp, { recursive: true, force: true }), () => pg.stop(), () => temporal.stop()];
  try {
    await ensureDatabase(pg.url, 'syncline');
    const databaseUrl = withDatabase(pg.url, 'syncline');
    await migrateDatabase(databaseUrl);
    const demo = await ensureDemoDatabases(pg.url);
    const crm = await startDemoCrm({ databaseUrl: demo.crmUrl, port: 0, apiKeys: new Map([[CRM_KEY, 'svc-sync']]), log: () => {} });
    cleanup.unshift(() => crm.stop());
    const seeded = Date.now();
    await seedCrmContacts(demo.crmUrl, CONTACTS);
    console.log(`seeded ${CONTACTS.toLocaleString()} CRM contacts in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

    process.env.SYNCLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    const app = await startApp({ databaseUrl, temporalAddress: temporal.address, env: { SYNCLINE_ENCRYPTION_KEY: process.env.SYNCLINE_ENCRYPTION_KEY } });
    cleanup.unshift(() => app.stop());
    const database = openDb(databaseUrl, { max: 2 });
    cleanup.unshift(() => database.close());
    const helpdesk = postgres(demo.helpdeskUrl, { max: 1, onnotice: () => {} });
    cleanup.unshift(() => helpdesk.end({ timeout: 5 }));

    const { cookie, email } = await signUp(app.url);
    const [user] = await database.db.select().from(users).where(eq(users.email, email));
    const ws = await createBulkWorkspace(database.db, { crmUrl: crm.url, crmApiKey: CRM_KEY, helpdeskDatabaseUrl: demo.helpdeskUrl, user: user! });
    const api = trpcClient(app.url, cookie, ws.workspaceId);

    const [workerPid, webPid] = app.pids;
    const peak = { worker: 0, web: 0, workerAtQuarter: 0 };
    let progress = 0;
    const sampler = setInterval(() => {
      void treeRssMb(workerPid!).then((mb) => {
        peak.worker = Math.max(peak.worker, mb);
        if (progress <= 0.25) peak.workerAtQuarter = Math.max(peak.workerAtQuarter, mb);
      });
      void treeRssMb(webPid!).then((mb) => (peak.web = Math.max(peak.web, mb)));
    }, 250);

    const resetTarget = async () => {
      await helpdesk`truncate customers cascade`;
      await database.db.delete(externalIds).where(eq(externalIds.workspaceId, ws.workspaceId));
      await helpdesk`
        insert into customers (name, email, updated_by)
        select 'Known ' || n, 'person' || (n * 20) || '@example.com', 'helpdesk-agent' from generate_series(1, ${PRE_EXISTING}::int) n`;
    };

    // CPU time per load, by process: the figure that does not depend on how busy the machine is.
    const cpu = async () => ({
      worker: await treeCpuSeconds(workerPid!),
      web: await treeCpuSeconds(webPid!),
      postgres: await treeCpuSeconds(pg.pid),
      temporal: await treeCpuSeconds(temporal.process.pid!),
      crm: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    });
    const cpuPerRun: Record<string, number>[] = [];

    const load = async () => {
      await resetTarget();
      const cpuBefore = await cpu();
      const started = Date.now();
      const { jobId } = (await api.mutate('bulk.start', { object: 'contacts', sourceConnectionId: ws.crmConnectionId, targetConnectionId: ws.helpdeskConnectionId })) as { jobId: string };
      for (;;) {
        const jobs = (await api.query('bulk.list')) as { id: string; status: string; processed: number; created: number; matched: number; error: string | null }[];
        const job = jobs.find((j) => j.id === jobId)!;
        progress = job.processed / CONTACTS;
        if (job.status === 'completed') {
          const seconds = (Date.now() - started) / 1000;
          if (job.processed !== CONTACTS || job.matched !== PRE_EXISTING || job.created !== CONTACTS - PRE_EXISTING) {
            throw new Error(`unexpected counts: ${JSON.stringify(job)}`);
          }
          const [row] = await helpdesk<{ n: number }[]>`select count(*)::int as n from customers`;
          if (row?.n !== CONTACTS) throw new Error(`the helpdesk has ${row?.n} customers, expected ${CONTACTS}`);
          const cpuAfter = await cpu();
          cpuPerRun.push(Object.fromEntries(Object.entries(cpuAfter).map(([k, v]) => [k, v - cpuBefore[k as keyof typeof cpuBefore]])));
          return seconds;
        }
        if (job.status !== 'running') throw new Error(`the load ended ${job.status}: ${job.error}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    const warmUp = await load();
    console.log(`warm-up: ${warmUp.toFixed(1)} s (${Math.round(CONTACTS / warmUp)} records/s)`);
    const seconds: number[] = [];
    for (let n = 0; n < MEASURED_RUNS; n++) {
      seconds.push(await load());
      console.log(`run ${n + 1}: ${seconds.at(-1)!.toFixed(1)} s (${Math.round(CONTACTS / seconds.at(-1)!)} records/s)`);
    }
    clearInterval(sampler);
    const total = median(seconds);
    const measuredCpu = cpuPerRun.slice(1);
    const cpuNote = ['worker', 'postgres', 'crm', 'web', 'temporal']
      .map((k) => `${k} ${median(measuredCpu.map((c) => c[k]!)).toFixed(1)}`)
      .join(', ');
    const cpuTotal = median(measuredCpu.map((c) => Object.values(c).reduce((a, b) => a + b, 0)));
    console.log(`CPU seconds per load (median): ${cpuNote}; total ${cpuTotal.toFixed(1)}`);
    const loadAverage = os.loadavg()[0]!.toFixed(1);
    return {
      figures: { recordsPerSecond: CONTACTS / total, totalSeconds: total, peakRssMbWorker: peak.worker, peakRssMbWeb: peak.web },
      units: { recordsPerSecond: 'records/s', totalSeconds: 's', peakRssMbWorker: 'MB', peakRssMbWeb: 'MB' },
      runs: MEASURED_RUNS,
      notes:
        `median of ${MEASURED_RUNS} runs after 1 warm-up; initial load of ${CONTACTS.toLocaleString()} contacts demo CRM (REST, pages of 500, written 1,000 at a time) -> demo helpdesk ` +
        `(PostgreSQL), ${PRE_EXISTING.toLocaleString()} matched by email, mappings saved both ways, started and polled over tRPC; ` +
        `worker peak RSS while loads were in their first quarter ${Math.round(peak.workerAtQuarter)} MB vs ${Math.round(peak.worker)} MB overall (memory flat as the load grows); ` +
        `CPU seconds per load (median; PostgreSQL = all three databases, crm = the bench process serving the demo CRM): ${cpuNote}, total ${cpuTotal.toFixed(1)} ` +
        `on ${os.cpus().length} cores (load average ${loadAverage} when it finished: other work shares the machine); ` +
        `one web process, one worker, embedded Temporal dev server (SQLite) and PostgreSQL 17 on this machine`,
    };
  } finally {
    for (const step of cleanup) await step().catch((error: unknown) => console.error('cleanup:', error));
  }
}
