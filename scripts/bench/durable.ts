/**
 * Durable execution, end to end over real sockets: webhook POST -> inbox -> relay -> Temporal
 * (embedded dev server) -> worker -> run recorded in PostgreSQL, for the flow
 * Webhook -> Filter -> Transform -> Continue If -> Lookup external ID -> write step.
 *
 * Figures: runsPerSecond / p50 / p99 at concurrency 10 and 50 (closed loop: each client posts an event
 * and waits until its run has finished, then posts the next), workerPeakRssMb, and intakePerSecondC50
 * (webhook requests answered 202 per second at concurrency 50, each event durably stored in the inbox).
 * Latency is the run's finish time minus the event's receive time, both from PostgreSQL.
 *
 * Also: cpuMsPerRunC10 (CPU of all four processes, worker + web + Temporal dev server + PostgreSQL,
 * per run at concurrency 10; the split per process is in the notes), peersFlowRunsPerSecondC10 (the
 * flow of the peer comparison: Webhook -> Filter -> Transform of 5 fields, nothing written) and
 * cpuCalibrationLoopsPerSecond (a fixed single-thread loop timed just before the load, to compare machines).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ensureDatabase, startEmbeddedPostgres, withDatabase } from '../../db/embedded';
import { migrateDatabase } from '../../db/migrate';
import { openDb } from '../../db/client';
import { memberships, users, workspaces } from '../../db/schema';
import buildForE2e from '../../tests/setup/e2e-build';
import { startApp } from '../../tests/support/app-server';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { startTemporalServer } from '../../tests/support/processes';
import { getFreePort } from '../supervisor/ports';
import { setFlowStatus } from '../../app/_server/flows/flow-service';
import { INBOX_CHANNEL } from '../../domain/inbox/channels';
import type { FlowInput } from '../../flows-engine/index';
import type { BenchOutcome } from '../bench';
import { treeCpuMs, treeRssMb } from './_process-stats';
import { onSignalStop } from './_stop-on-signal';

const RUNS_PER_LEVEL = { 10: Number(process.env.BENCH_RUNS_C10 ?? 600), 50: Number(process.env.BENCH_RUNS_C50 ?? 1000) } as const;
const INTAKE_REQUESTS = 4000;
const PEERS_RUNS = Number(process.env.BENCH_RUNS_PEERS ?? 400);

const lit = (value: unknown) => ({ kind: 'literal' as const, value });

/** The flow of the peer comparison (n8n, Node-RED): Webhook -> Filter -> Transform of 5 fields, nothing written. */
function peersFlow(): Omit<FlowInput, 'id' | 'name'> {
  const expr = (source: string) => ({ kind: 'expr' as const, source });
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Contact changed', config: {} },
      { id: 'filter', type: 'core.filter', typeVersion: 1, label: 'Has an email', config: { conditions: lit([{ field: 'email', operator: 'isNotEmpty' }]) } },
      {
        id: 'transform',
        type: 'core.transform',
        typeVersion: 1,
        label: 'Five fields',
        config: {
          mappings: lit([
            { target: 'email', source: expr('$lowercase(email)') },
            { target: 'recordKey', source: expr("'rk-' & id") },
            { target: 'name', source: expr('$uppercase(name)') },
            { target: 'company', source: expr('company') },
            { target: 'source', source: expr("'webhook'") },
          ]),
        },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'filter', port: 'main' } },
      { id: 'e2', from: { node: 'filter', port: 'kept' }, to: { node: 'transform', port: 'main' } },
    ],
    layout: {},
  };
}

/** Iterations per second of a fixed integer loop on one thread: the machine's speed, measured before the load. */
function cpuCalibrationLoopsPerSecond(): number {
  const started = process.hrtime.bigint();
  let loops = 0;
  let x = 1;
  while (process.hrtime.bigint() - started < 500_000_000n) {
    for (let i = 0; i < 100_000; i++) x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    loops++;
  }
  if (x < 0) console.log(x); // keeps the loop from being optimised away
  return loops * 2;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export default async function run(): Promise<BenchOutcome> {
  buildForE2e();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'syncline-bench-durable-'));
  onSignalStop(() => rm(tmp, { recursive: true, force: true }));
  const { chmod } = await import('node:fs/promises');
  await chmod(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: await getFreePort(), postgresFlags: ['-c', 'max_connections=300'] });
  const temporal = await startTemporalServer(process.env.BENCH_TEMPORAL_IN_MEMORY ? {} : { dbFile: path.join(tmp, 'temporal.db') });
  await ensureDatabase(pg.url, 'syncline');
  const databaseUrl = withDatabase(pg.url, 'syncline');
  await migrateDatabase(databaseUrl);
  const database = openDb(databaseUrl, { max: 4 });
  const sql = postgres(databaseUrl, { max: 2 });
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    // Inside the try: an app that fails to start still has Temporal and PostgreSQL stopped below.
    app = await startApp({ databaseUrl, temporalAddress: temporal.address });
    const userId = randomUUID();
    await database.db.insert(users).values({ id: userId, name: 'Bench', email: `bench-${userId}@example.test` });
    const [workspace] = await database.db.insert(workspaces).values({ name: 'Bench' }).returning();
    await database.db.insert(memberships).values({ workspaceId: workspace!.id, userId, role: 'admin' });
    const actor = { workspaceId: workspace!.id, userId };
    const runFlow = await createPublishedFlow(database.db, actor, contactIntakeFlow());
    const intakeFlow = await createPublishedFlow(database.db, actor, contactIntakeFlow(), 'paused');
    const peers = await createPublishedFlow(database.db, actor, peersFlow());

    const appUrl = app.url;
    const workerPid = app.pids[0];
    let workerPeak = 0;
    const sampler = setInterval(() => {
      if (workerPid) void treeRssMb(workerPid).then((mb) => (workerPeak = Math.max(workerPeak, mb)));
    }, 250);

    // node:http with keep-alive rather than fetch: fetch (undici) costs the client about 0.6 ms of CPU per
    // request, which on two cores the server's processes would otherwise share with the load generator.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const post = (token: string, body: unknown) =>
      new Promise<string>((resolve, reject) => {
        const payload = JSON.stringify(body);
        const request = http.request(
          `${appUrl}/api/hooks/${token}`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => (res.statusCode === 202 ? resolve((JSON.parse(text) as { eventId: string }).eventId) : reject(new Error(`webhook answered ${res.statusCode}: ${text}`))));
          },
        );
        request.on('error', reject);
        request.end(payload);
      });

    // Completion watcher: one query for every outstanding run whenever the relay's channel is notified (a
    // finished run notifies it, so does a new event), and every 50 ms regardless; one query at a time.
    const waiting = new Map<string, () => void>();
    let watching = true;
    let wanted = true;
    let wake: () => void = () => {};
    const check = () => {
      wanted = true;
      wake();
    };
    const subscription = await sql.listen(INBOX_CHANNEL, check);
    const poll = setInterval(check, 50);
    const watcher = (async () => {
      while (watching) {
        if (!wanted) await new Promise<void>((resolve) => (wake = resolve));
        wanted = false;
        const ids = [...waiting.keys()];
        if (ids.length === 0) continue;
        const done = await sql<{ id: string }[]>`select id from runs where id = any(${ids}::uuid[]) and finished_at is not null`;
        for (const { id } of done) {
          waiting.get(id)?.();
          waiting.delete(id);
        }
      }
    })();
    const finished = (runId: string) => new Promise<void>((resolve) => waiting.set(runId, resolve));

    const notes: string[] = [];
    // CPU spent per run by each process, robust to a loaded machine where wall-clock figures are not.
    const processes = { worker: app.pids[0]!, web: app.pids[1]!, temporal: temporal.process.pid!, postgres: pg.pid };
    const cpuNow = async () => Object.fromEntries(await Promise.all(Object.entries(processes).map(async ([name, pid]) => [name, await treeCpuMs(pid)] as const)));
    const closedLoop = async (concurrency: number, total: number, token = runFlow.token, label = `c${concurrency}`) => {
      // The host's speed moves within minutes on a shared machine: measured before every level, not once.
      const calibration = cpuCalibrationLoopsPerSecond();
      const cpuBefore = await cpuNow();
      let next = 0;
      const ids: string[] = [];
      // The client's view: how long the webhook took to answer 202, and from sending it to seeing the run finished.
      const answerMs: number[] = [];
      const cycleMs: number[] = [];
      const started = Date.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            const n = next++;
            const posted = performance.now();
            const id = await post(token, { id: `${label}-${n}`, email: `Person${n}@Example.com`, name: `Person ${n}`, company: 'Example', modifiedBy: 'someone' });
            const answered = performance.now();
            ids.push(id);
            await finished(id);
            answerMs.push(answered - posted);
            cycleMs.push(performance.now() - posted);
          }
        }),
      );
      const seconds = (Date.now() - started) / 1000;
      const rows = await sql<{ ms: number; status: string }[]>`
        select extract(epoch from (r.finished_at - e.received_at)) * 1000 as ms, r.status
        from runs r join inbox_events e on e.id = r.event_id where r.id = any(${ids}::uuid[])`;
      const failed = rows.filter((r) => r.status !== 'succeeded').length;
      if (failed > 0) throw new Error(`${failed} runs did not succeed`);
      const latencies = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
      // Where the time goes, per phase (medians): accepted -> relayed -> first workflow task -> finished.
      const [phases] = await sql<{ relay: number; pickup: number; execute: number; per_execution: number }[]>`
        select count(*)::float8 / count(distinct r.workflow_id) as per_execution,
               percentile_cont(0.5) within group (order by extract(epoch from (e.relayed_at - e.received_at)) * 1000) as relay,
               percentile_cont(0.5) within group (order by extract(epoch from (r.started_at - e.relayed_at)) * 1000) as pickup,
               percentile_cont(0.5) within group (order by extract(epoch from (r.finished_at - r.started_at)) * 1000) as execute
        from runs r join inbox_events e on e.id = r.event_id where r.id = any(${ids}::uuid[])`;
      const cpuAfter = await cpuNow();
      const cpuMs = Object.fromEntries(Object.keys(processes).map((name) => [name, (cpuAfter[name]! - cpuBefore[name]!) / total]));
      const cpuTotal = Object.values(cpuMs).reduce((a, b) => a + b, 0);
      const cpuPerRun = `${Object.entries(cpuMs).map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')} (total ${cpuTotal.toFixed(1)})`;
      const phaseNote = `${label} median ms: relay ${Math.round(phases!.relay)}, pickup ${Math.round(phases!.pickup)}, execute ${Math.round(phases!.execute)}; runs per workflow execution ${phases!.per_execution.toFixed(1)}; client median ms: answered ${percentile(answerMs.sort((a, b) => a - b), 50).toFixed(1)}, saw finished ${percentile(cycleMs.sort((a, b) => a - b), 50).toFixed(1)}; CPU ms per run: ${cpuPerRun}; calibration before it ${calibration} loops/s`;
      console.log(phaseNote);
      notes.push(phaseNote);
      return { runsPerSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuMs: cpuTotal, calibration };
    };

    await closedLoop(10, 100, runFlow.token, 'warm-up'); // JIT, workflow bundle caches, connection pools
    const loadBefore = os.loadavg()[0]!;
    const c10 = await closedLoop(10, RUNS_PER_LEVEL[10]);
    const c50 = await closedLoop(50, RUNS_PER_LEVEL[50]);
    const peersC10 = await closedLoop(10, PEERS_RUNS, peers.token, 'peers c10');
    notes.push(`load average (1 min) before the load ${loadBefore.toFixed(2)}, after ${os.loadavg()[0]!.toFixed(2)}`);
    watching = false;
    check();
    await watcher;
    clearInterval(poll);
    await subscription.unlisten();
    clearInterval(sampler);

    // Intake only: the flow is paused, so every request is an inbox write and nothing else.
    let sent = 0;
    const intakeCpuBefore = await cpuNow();
    const intakeStarted = Date.now();
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (sent < INTAKE_REQUESTS) {
          const n = sent++;
          await post(intakeFlow.token, { id: `i-${n}`, email: `i${n}@example.com` });
        }
      }),
    );
    const intakePerSecond = INTAKE_REQUESTS / ((Date.now() - intakeStarted) / 1000);
    agent.destroy();
    const intakeCpuAfter = await cpuNow();
    const intakeNote = `intake CPU ms per request: ${Object.keys(processes)
      .map((name) => `${name} ${((intakeCpuAfter[name]! - intakeCpuBefore[name]!) / INTAKE_REQUESTS).toFixed(2)}`)
      .join(', ')}`;
    console.log(intakeNote);
    notes.push(intakeNote);
    const [stored] = await sql<{ n: number }[]>`select count(*)::int as n from inbox_events where flow_id = ${intakeFlow.flowId}`;
    if (stored?.n !== INTAKE_REQUESTS) throw new Error(`expected ${INTAKE_REQUESTS} stored events, found ${stored?.n}`);
    await setFlowStatus(database.db, actor, { flowId: intakeFlow.flowId, status: 'draft' });

    return {
      figures: {
        runsPerSecondC10: c10.runsPerSecond,
        p50MsC10: c10.p50,
        p99MsC10: c10.p99,
        runsPerSecondC50: c50.runsPerSecond,
        p50MsC50: c50.p50,
        p99MsC50: c50.p99,
        cpuMsPerRunC10: c10.cpuMs,
        peersFlowRunsPerSecondC10: peersC10.runsPerSecond,
        workerPeakRssMb: workerPeak,
        intakePerSecondC50: intakePerSecond,
        cpuCalibrationLoopsPerSecond: c10.calibration,
      },
      units: {
        runsPerSecondC10: 'runs/s', p50MsC10: 'ms', p99MsC10: 'ms', runsPerSecondC50: 'runs/s', p50MsC50: 'ms', p99MsC50: 'ms',
        cpuMsPerRunC10: 'ms', peersFlowRunsPerSecondC10: 'runs/s', workerPeakRssMb: 'MB', intakePerSecondC50: 'requests/s',
        cpuCalibrationLoopsPerSecond: 'loops/s',
      },
      runs: 1,
      notes: `closed loop after a 100-run warm-up: ${RUNS_PER_LEVEL[10]} runs at concurrency 10, ${RUNS_PER_LEVEL[50]} at 50, ${PEERS_RUNS} of the peers flow at 10; intake: ${INTAKE_REQUESTS} webhook POSTs at concurrency 50 to a paused flow; one web process, one worker, embedded Temporal dev server (SQLite) and PostgreSQL on this machine. Phases: ${notes.slice(1).join('; ')}`,
    };
  } finally {
    await sql.end();
    await database.close();
    await app?.stop();
    await temporal.stop();
    await pg.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}
