/**
 * `npm run bench -- connectors`: 50,000 contacts polled from the HubSpot contract fake (tests/fakes/hubspot-fake.ts:
 * the search API, pages of 100) and written to a real MariaDB (tests/setup/mariadb.ts) through the MySQL
 * connector, 2,500 of them matched by email to customers that already exist there (updated, not duplicated).
 * The worker side runs in its own process (scripts/bench/_connectors-worker.ts: the worker's poll activity and
 * the Upsert step's gateway, without Temporal); this process hosts the fake, PostgreSQL and MariaDB.
 *
 * Figures: recordsPerSecond and totalSeconds (from the first poll to the last page written to MySQL),
 * peakRssMbWorker (the worker process tree's highest resident memory, sampled every 250 ms) and
 * rssMbWorkerAtQuarter (the highest over the first quarter of the records: compared with the peak it shows
 * whether memory stays flat), pollSeconds (until the poll activity had read the last page) and
 * mysqlWriteRecordsPerSecond (records / the time spent inside the MySQL writes: what the write path alone
 * sustains while the poll runs beside it), recordsPerCpuSecond (records / the CPU seconds of the worker, the fake,
 * PostgreSQL and MariaDB together: independent of how busy the machine is) and workerCpuSeconds. One run: the target is ≥ 5,000 records/s with flat memory (reported, not asserted).
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { RowDataPacket } from 'mysql2/promise';
import { ensureDatabase, projectRoot, startEmbeddedPostgres, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { openDb } from '../../db/client';
import { flows, flowVersions } from '../../db/schema';
import { createConnection } from '../../domain/connections/connection-service';
import { startHubSpotFake } from '../../tests/fakes/hubspot-fake';
import { startMariaDb } from '../../tests/setup/mariadb';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { getFreePort } from '../supervisor/ports';
import type { BenchOutcome } from '../bench';
import { treeCpuSeconds, treeRssMb } from './_process-stats';

const CONTACTS = Number(process.env.BENCH_CONNECTORS_CONTACTS ?? 50_000);
const PRE_EXISTING = Math.round(CONTACTS / 20);
const PAGE_SIZE = 100;
const TOKEN = 'pat-na1-bench-0000-0000-0000-000000000000';
const lit = (value: unknown) => ({ kind: 'literal' as const, value });

export default async function run(): Promise<BenchOutcome> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'syncline-bench-connectors-'));
  await chmod(tmp, 0o755); // as root, PostgreSQL runs as user "postgres" and must reach its data dir
  const cleanup: (() => Promise<unknown>)[] = [() => rm(tmp, { recursive: true, force: true })];
  try {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: await getFreePort(), postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off'] });
    cleanup.unshift(() => pg.stop());
    await ensureDatabase(pg.url, 'syncline');
    const databaseUrl = withDatabase(pg.url, 'syncline');
    await migrateDatabase(databaseUrl);
    const maria = await startMariaDb();
    cleanup.unshift(() => maria.stop());
    await maria.createDatabase('crm');
    const target = await maria.connect('crm');
    cleanup.unshift(() => target.end());
    await target.query(`create table contacts (
      id int auto_increment primary key, hubspot_id varchar(20), email varchar(120) not null unique,
      first_name varchar(60), last_name varchar(60), updated_by varchar(80),
      updated_at datetime(6) not null default current_timestamp(6) on update current_timestamp(6))`);
    await target.query('insert into contacts (email, first_name, updated_by) values ?', [
      Array.from({ length: PRE_EXISTING }, (_, i) => [`contact${i * 20}@bench.example`, 'Known', 'crm-user']),
    ]);

    const fake = await startHubSpotFake({ token: TOKEN });
    cleanup.unshift(() => fake.close());
    const base = Date.now() - 86_400_000;
    for (let i = 0; i < CONTACTS; i++) fake.seed({ email: `contact${i}@bench.example`, firstname: `First${i}`, lastname: `Last${i}` }, new Date(base + i));

    process.env.SYNCLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    const database = openDb(databaseUrl, { max: 2 });
    cleanup.unshift(() => database.close());
    const user = await insertUser(database.db, 'Bench');
    const workspaceId = await insertWorkspace(database.db, 'Connectors bench', [{ userId: user.id, role: 'admin' }]);
    const actor = { workspaceId, userId: user.id };
    const common = { integrationIdentity: 'svc-sync', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true };
    const hubspot = await createConnection(database.db, actor, {
      ...common,
      name: 'HubSpot (contract fake)',
      kind: 'connector',
      settings: { connector: 'hubspot', authMethod: 'privateApp', params: {}, baseUrl: fake.url },
      secret: TOKEN,
    });
    const mysql = await createConnection(database.db, actor, {
      ...common,
      name: 'CRM database',
      kind: 'mysql',
      settings: { host: maria.host, port: maria.port, database: 'crm', user: maria.user, tls: 'off' },
      secret: maria.password,
    });
    const flowId = randomUUID();
    const graph = {
      schemaVersion: 1,
      nodes: [
        { id: 'poll', type: 'core.poll-trigger', typeVersion: 1, label: 'Contact changed', config: { connectionId: lit(hubspot.id), objectType: lit('contacts'), pageSize: lit(PAGE_SIZE), lookbackMs: lit(0), intervalSeconds: lit(3600) } },
      ],
      edges: [],
      layout: {},
    };
    const versionId = randomUUID();
    await database.db.insert(flows).values({ id: flowId, workspaceId, name: 'HubSpot → MySQL', draft: graph, webhookToken: randomBytes(16).toString('hex'), status: 'active' });
    await database.db.insert(flowVersions).values({ id: versionId, flowId, workspaceId, version: 1, graph });
    await database.db.update(flows).set({ activeVersionId: versionId }).where(eq(flows.id, flowId));

    // BENCH_WORKER_NODE_ARGS: extra node flags for the worker, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes.
    const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    const worker = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(projectRoot, 'scripts', 'bench', '_connectors-worker.ts')], {
      env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_WORKSPACE_ID: workspaceId, BENCH_FLOW_ID: flowId, BENCH_MYSQL_CONNECTION_ID: mysql.id },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    cleanup.unshift(async () => {
      if (worker.exitCode === null) worker.kill('SIGKILL');
    });
    const peak = { worker: 0, atQuarter: 0 };
    let quarterReached = false;
    const sampler = setInterval(() => {
      void treeRssMb(worker.pid!).then((mb) => {
        peak.worker = Math.max(peak.worker, mb);
        if (!quarterReached) peak.atQuarter = Math.max(peak.atQuarter, mb);
      });
    }, 250);
    const progress = setInterval(() => {
      void target.query<RowDataPacket[]>("select count(*) as n from contacts where updated_by = 'svc-sync'").then(([rows]) => {
        if (Number(rows[0]?.n) >= CONTACTS / 4) quarterReached = true;
      });
    }, 1000);
    const cpuOf = async () => ({
      mariadb: await treeCpuSeconds(maria.pid),
      postgres: await treeCpuSeconds(pg.pid, { reaped: true }),
      fake: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    });
    const cpuBefore = await cpuOf();
    const code = await exited;
    const cpuAfter = await cpuOf();
    clearInterval(sampler);
    clearInterval(progress);
    if (code !== 0) throw new Error(`the bench worker exited with ${code}`);
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { records: number; pages: number; seconds: number; pollSeconds: number; writeSeconds: number; cpuSeconds: number };

    const [counts] = await target.query<RowDataPacket[]>("select count(*) as total, sum(updated_by = 'svc-sync') as synced, sum(first_name = 'Known') as unmatched from contacts");
    const row = counts[0]!;
    if (result.records !== CONTACTS || Number(row.total) !== CONTACTS || Number(row.synced) !== CONTACTS || Number(row.unmatched) !== 0) {
      throw new Error(`unexpected outcome: worker ${JSON.stringify(result)}, MySQL ${JSON.stringify(row)}`);
    }
    const recordsPerSecond = CONTACTS / result.seconds;
    console.log(`${CONTACTS.toLocaleString()} contacts in ${result.pages} pages, ${result.seconds.toFixed(1)} s (${Math.round(recordsPerSecond)} records/s)`);
    const mysqlWriteRecordsPerSecond = CONTACTS / result.writeSeconds;
    // CPU seconds per process: the figure that does not depend on how busy the machine is.
    const cpu = { worker: result.cpuSeconds, mariadb: cpuAfter.mariadb - cpuBefore.mariadb, postgres: cpuAfter.postgres - cpuBefore.postgres, fake: cpuAfter.fake - cpuBefore.fake };
    const cpuTotal = Object.values(cpu).reduce((a, b) => a + b, 0);
    console.log(`CPU seconds: ${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; total ${cpuTotal.toFixed(1)} (${Math.round(CONTACTS / cpuTotal)} records per CPU second)`);
    return {
      figures: { recordsPerSecond, totalSeconds: result.seconds, peakRssMbWorker: peak.worker, rssMbWorkerAtQuarter: peak.atQuarter, pollSeconds: result.pollSeconds, mysqlWriteRecordsPerSecond, recordsPerCpuSecond: CONTACTS / cpuTotal, workerCpuSeconds: cpu.worker },
      units: { recordsPerSecond: 'records/s', totalSeconds: 's', peakRssMbWorker: 'MB', rssMbWorkerAtQuarter: 'MB', pollSeconds: 's', mysqlWriteRecordsPerSecond: 'records/s', recordsPerCpuSecond: 'records/CPU s', workerCpuSeconds: 's' },
      runs: 1,
      notes:
        `one run; ${CONTACTS.toLocaleString()} contacts from the HubSpot contract fake (search API, pages of ${PAGE_SIZE}, cursor in PostgreSQL) ` +
        `-> MariaDB ${PRE_EXISTING.toLocaleString()} matched by email, the rest created; worker = poll activity + MySQL gateway in one process, ` +
        `without Temporal; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
    };
  } finally {
    for (const step of cleanup) await step().catch(() => {});
  }
}
