/**
 * `npm start` (production web app) / `npm run dev` (`--dev`, `next dev`): supervises the whole stack.
 *
 *   PostgreSQL  embedded under .data/postgres (port SYNCLINE_PG_PORT, 5433), unless DATABASE_URL is set
 *   migrations  db/migrate.ts migrateDatabase()
 *   Temporal    `temporal server start-dev` with .data/temporal.db (TEMPORAL_PORT 7233, TEMPORAL_UI_PORT 8233),
 *               unless TEMPORAL_ADDRESS is set (then TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/KEY,
 *               TEMPORAL_API_KEY are passed through to the worker and the web app); SYNCLINE_TEMPORAL=server runs
 *               the production Temporal server on PostgreSQL instead (supervisor/temporal-server-launch.ts)
 *   worker      node --import tsx temporal/worker.ts (not the tsx CLI: its signal relay SIGKILLs a child
 *               that does not acknowledge SIGTERM within 30 ms, cutting the graceful drain short)
 *   web         scripts/web-server.ts (Next.js + the webhook intake listener on one port) / next dev, on HOST:PORT
 *               (127.0.0.1:3000); `next build` first when .next/BUILD_ID is missing
 *   demos       the demo CRM (DEMO_CRM_PORT 4010) and helpdesk (DEMO_HELPDESK_PORT 4020) from examples/, with
 *               their databases demo_crm / demo_helpdesk on the same cluster; SYNCLINE_DEMO=off disables them
 *               (scripts/supervisor/demo-systems.ts)
 *
 * .data/ is 0700 and the supervisor's umask 077 is inherited by every child: what they write there is 0600
 * (scripts/supervisor/data-dir.ts).
 *
 * A part that exits on its own (PostgreSQL, Temporal, the worker, the web app, a demo system) is started again
 * with backoff, 1 s doubling to 30 s, for as long as it takes (supervisor/restarts.ts); the others keep
 * running. The web app, and so the webhook intake, needs only PostgreSQL. Ctrl-C / SIGTERM stops web,
 * worker, Temporal, then PostgreSQL. Only a failure while starting up (a port taken, a bad variable, a
 * failed build) stops everything.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { dataRoot, projectRoot, resolveDatabase, startEmbeddedPostgres, type EmbeddedPostgres, type ResolvedDatabase } from '../db/embedded';
import { parseEnv } from '../domain/platform/env';
import { findTemporalCli } from './temporal-cli';
import { findTemporalServer } from './temporal-server';
import { launchTemporalServer } from './supervisor/temporal-server-launch';
import { temporalServerPortNeeds, temporalServerPorts } from './supervisor/temporal-server';
import { temporalServerSettings } from './supervisor/temporal-server-settings';
import { demoPlan, demoPortNeeds, prepareDemoDatabases, startDemoSystems, type RunningDemos } from './supervisor/demo-systems';
import { createLogger, paint, syncline } from './supervisor/logs';
import { describeExit, spawnManaged, watchLaunchers, type ManagedProcess } from './supervisor/process';
import { assertPortsFree, portFromEnv, type PortNeed } from './supervisor/ports';
import { waitForHttp, waitForTemporal } from './supervisor/readiness';
import { keepRestarting } from './supervisor/restarts';
import { RunStateFile } from './supervisor/runstate';
import { ensureSecrets } from './supervisor/secrets';
import { restrictNewFiles, secureDataDir } from './supervisor/data-dir';
import { localUrlOf } from './supervisor/web-host';
import { EMBEDDED_LONG_POLL_SECONDS, temporalDevServerTuning } from './supervisor/temporal-tuning';

const dev = process.argv.includes('--dev');
const root = projectRoot;
const data = dataRoot();
const rel = (p: string) => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p) || '.');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const runState = new RunStateFile(data);
const children: ManagedProcess[] = [];
let db: ResolvedDatabase | undefined;
let shuttingDown: Promise<void> | undefined;
/** Shutdown order; PostgreSQL stops after all of them. */
const STOP_ORDER = ['build', 'web', 'crm', 'helpdesk', 'worker', 'temporal'];

// ---------------------------------------------------------------------------------------------------------
// Shutdown

function shutdown(reason: string, exitCode: number): Promise<void> {
  shuttingDown ??= (async () => {
    (exitCode === 0 ? syncline.log : syncline.error)(reason);
    // Clients before their servers, whatever order restarts left the list in.
    const rank = (child: ManagedProcess) => STOP_ORDER.indexOf(child.name) + 1 || STOP_ORDER.length + 1;
    for (const child of [...children].sort((a, b) => rank(a) - rank(b))) {
      if (child.running()) syncline.log(`stopping ${child.name}...`);
      await child.stop(child.name === 'temporal' ? 15_000 : 10_000);
    }
    if (db?.embedded) {
      syncline.log('stopping postgres...');
      await db.stop();
    }
    await runState.release().catch(() => {});
    syncline.log(exitCode === 0 ? 'stopped.' : `stopped (exit code ${exitCode}).`);
    process.exit(exitCode);
  })();
  return shuttingDown;
}

// A terminal's Ctrl-C reaches npm, tsx and this process at once, and tsx relays it once more: signals within
// 1.5 s of the first count as one. A later one forces the exit.
let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (firstSignalAt === 0 || Date.now() - firstSignalAt < 1500) {
      if (firstSignalAt !== 0) return;
      firstSignalAt = Date.now();
      void shutdown(`${signal} received: shutting down (press Ctrl-C again to force)`, 0);
      return;
    }
    syncline.error('forced exit: killing all processes');
    for (const child of children) child.kill();
    process.exit(130); // the embedded PostgreSQL gets SIGINT from db/embedded.ts's exit hook
  });
}
watchLaunchers((why) => void shutdown(`The supervisor is on its own: ${why}. Shutting down.`, 1));
process.on('exit', () => {
  for (const child of children) if (child.running()) child.kill();
});
process.on('uncaughtException', (err) => void shutdown(`supervisor error: ${err.stack ?? err.message}`, 1));
process.on('unhandledRejection', (err) => void shutdown(`supervisor error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 1));

/** Registers a child: stopped in order on shutdown, recorded in the run state file while it runs. */
function track(child: ManagedProcess): ManagedProcess {
  children.push(child);
  void runState.addChild(child.name, child.pid, String(child.child.spawnfile));
  void child.exited.then(() => {
    if (children.includes(child)) children.splice(children.indexOf(child), 1);
    void runState.removeChild(child.pid).catch(() => {});
  });
  return child;
}

/** Spawns a child and starts it again, with backoff, whenever it exits on its own. Returns the first run. */
function superviseWithRestarts(spawn: () => ManagedProcess): ManagedProcess {
  const first = track(spawn());
  keepRestarting({
    first,
    start: async () => track(spawn()),
    stopped: () => Boolean(shuttingDown),
    onExit: (run, delayMs, error) => {
      const why = run ? `${describeExit({ code: run.child.exitCode, signal: run.child.signalCode })} unexpectedly` : `could not start (${error?.message})`;
      (run?.logger ?? first.logger).error(`${first.name} ${why}; starting it again in ${delayMs / 1000}s`);
    },
    onRestarted: (child) => child.logger.log(`${child.name} started again`),
  });
  return first;
}

// ---------------------------------------------------------------------------------------------------------
// Start

async function main() {
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  syncline.log(`starting Syncline${dev ? ' (dev mode)' : ''}; data in ${rel(data)}`);
  const environment = parseEnv(process.env); // a bad variable stops everything before anything starts, naming it
  const host = environment.HOST;
  // .data/ holds personal data and secrets: 0700, and every file written there from now on 0600.
  await secureDataDir(data);
  restrictNewFiles();
  await runState.acquire(syncline);

  // Ports first: nothing starts when one is taken.
  const externalDb = Boolean(process.env.DATABASE_URL?.trim());
  const externalTemporal = Boolean(process.env.TEMPORAL_ADDRESS?.trim());
  const webPort = portFromEnv('PORT', 3000);
  const pgPort = portFromEnv('SYNCLINE_PG_PORT', 5433);
  const temporalPort = portFromEnv('TEMPORAL_PORT', 7233);
  const uiPort = portFromEnv('TEMPORAL_UI_PORT', 8233);
  const workerMetricsPort = portFromEnv('SYNCLINE_WORKER_METRICS_PORT', 9464);
  const needs: PortNeed[] = [
    { port: webPort, envVar: 'PORT', label: 'the web app' },
    { port: workerMetricsPort, envVar: 'SYNCLINE_WORKER_METRICS_PORT', label: "the worker's Prometheus metrics" },
  ];
  // A PostgreSQL left running by a killed run holds its port; db/embedded.ts stops it and then checks the port.
  const pgMayBeLeftover = existsSync(path.join(data, 'postgres', 'postmaster.pid'));
  if (!externalDb && !pgMayBeLeftover) needs.push({ port: pgPort, envVar: 'SYNCLINE_PG_PORT', label: 'PostgreSQL' });
  const productionTemporal = !externalTemporal && environment.SYNCLINE_TEMPORAL === 'server' ? temporalServerSettings(process.env) : undefined;
  if (productionTemporal) needs.push(...temporalServerPortNeeds(temporalServerPorts(temporalPort), productionTemporal.services));
  else if (!externalTemporal) {
    needs.push({ port: temporalPort, envVar: 'TEMPORAL_PORT', label: 'the Temporal server' });
    needs.push({ port: uiPort, envVar: 'TEMPORAL_UI_PORT', label: 'the Temporal UI' });
  }
  const demo = demoPlan();
  needs.push(...demoPortNeeds(demo));
  await assertPortsFree(needs);

  const secrets = await ensureSecrets(data);
  for (const file of secrets.created) syncline.log(`generated ${rel(file)} (mode 0600)`);

  const namespace = process.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const temporalCli = externalTemporal || productionTemporal ? undefined : await findTemporalCli({ onProgress: (m) => syncline.log(m) });
  const temporalServer = productionTemporal ? await findTemporalServer({ onProgress: (m) => syncline.log(m) }) : undefined;

  // PostgreSQL (+ migrations) and Temporal start side by side.
  const pgLog = createLogger('postgres', 'blue');
  const migrateLog = createLogger('migrate', 'blue');
  const startDatabase = async () => {
    if (!externalDb) pgLog.log(`starting embedded PostgreSQL on 127.0.0.1:${pgPort}`);
    db = await resolveDatabase({ onLog: (line) => pgLog.log(line) });
    if (db.embedded) {
      pgLog.log(`ready in ${since()}${db.embedded.initialised ? ' (new cluster)' : ''}`);
      keepPostgresRunning(db.embedded);
    }
    const migrateFile = path.join(root, 'db', 'migrate.ts');
    if (!existsSync(migrateFile)) {
      migrateLog.log('db/migrate.ts not found: skipping migrations');
      return;
    }
    const mod = (await import(pathToFileURL(migrateFile).href)) as { migrateDatabase?: (url: string) => Promise<void> };
    if (typeof mod.migrateDatabase !== 'function') throw new Error('db/migrate.ts does not export migrateDatabase(url)');
    const started = Date.now();
    await mod.migrateDatabase(db.url);
    migrateLog.log(`migrations applied in ${Date.now() - started} ms`);
  };

  let temporalAddress = process.env.TEMPORAL_ADDRESS?.trim() ?? '';
  let temporalUiUrl = process.env.TEMPORAL_UI_URL?.trim();
  const startTemporal = async (databaseStarted: Promise<void>) => {
    if (temporalServer && productionTemporal) {
      await databaseStarted;
      const log = createLogger('temporal', 'magenta');
      temporalUiUrl = undefined; // the server has no UI; run Temporal's UI server beside it if wanted (docs/scaling.md)
      temporalAddress = await launchTemporalServer({
        binaries: temporalServer,
        settings: productionTemporal,
        databaseUrl: process.env.TEMPORAL_DATABASE_URL?.trim() || (db!.embedded?.url ?? db!.url),
        dataDir: data,
        ports: temporalServerPorts(temporalPort),
        namespace,
        log,
        setupSchema: true,
        start: (spawn) => superviseWithRestarts(() => spawnManaged({ ...spawn, name: 'temporal', color: 'magenta', cwd: root, env: process.env })),
      });
      log.log(`ready in ${since()}`);
      return;
    }
    if (!temporalCli) return;
    temporalAddress = `127.0.0.1:${temporalPort}`;
    temporalUiUrl = `http://localhost:${uiPort}`;
    const args = ['server', 'start-dev', '--db-filename', path.join(data, 'temporal.db'), '--ip', '127.0.0.1'];
    args.push('--port', String(temporalPort), '--ui-port', String(uiPort), '--namespace', namespace);
    args.push('--log-level', process.env.TEMPORAL_LOG_LEVEL ?? 'error', ...temporalDevServerTuning({ persistent: true }));
    const temporal = superviseWithRestarts(() => spawnManaged({ name: 'temporal', color: 'magenta', command: temporalCli, args, cwd: root, env: process.env }));
    temporal.logger.log(`starting ${rel(temporalCli)} server start-dev on ${temporalAddress} (UI ${temporalUiUrl})`);
    await waitForTemporal(temporalAddress, namespace, { timeoutMs: 90_000, isAlive: () => temporal.running() });
    temporal.logger.log(`ready in ${since()}`);
  };
  const databaseStarted = startDatabase();
  await Promise.all([databaseStarted, startTemporal(databaseStarted)]);

  // Demo systems: their databases first (the web app and worker get their URLs), then their processes.
  let demos: RunningDemos | undefined;
  if (!demo.enabled) syncline.log('SYNCLINE_DEMO=off: not starting the demo CRM and helpdesk');
  else {
    const demoDbs = await prepareDemoDatabases(db!.embedded?.url ?? db!.url, !db!.embedded, syncline);
    if (demoDbs) {
      demos = startDemoSystems({ plan: demo, databases: demoDbs, root, baseEnv: process.env, superviseWithRestarts, since });
    }
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets.env,
    DATABASE_URL: db!.url,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    ...(temporalUiUrl ? { TEMPORAL_UI_URL: temporalUiUrl } : {}),
    BETTER_AUTH_URL: process.env.BETTER_AUTH_URL ?? `http://localhost:${webPort}`,
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(webPort),
    SYNCLINE_WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}`,
    // The embedded server's long polls last 5 s, so a live worker polls at least that often (health's window).
    ...(temporalCli ? { SYNCLINE_WORKER_SEEN_WITHIN_SECONDS: process.env.SYNCLINE_WORKER_SEEN_WITHIN_SECONDS ?? String(2 * EMBEDDED_LONG_POLL_SECONDS) } : {}),
    ...demos?.env,
  };

  // Worker: restarted whenever it exits (it holds no state; Temporal retries its tasks). While Temporal is
  // away it exits at start; the backoff keeps trying until Temporal is back.
  const workerFile = path.join(root, 'temporal', 'worker.ts');
  let workerReady: Promise<unknown> = Promise.resolve();
  if (!existsSync(workerFile)) {
    createLogger('worker', 'green').log('temporal/worker.ts not found: not starting a worker');
  } else {
    const worker = superviseWithRestarts(() => spawnManaged({ name: 'worker', color: 'green', command: process.execPath, args: ['--import', 'tsx', workerFile], cwd: root, env }));
    workerReady = worker
      .waitForLine(/worker ready/i, 180_000)
      .then(() => worker.logger.log(`ready in ${since()}`))
      .catch((err: Error) => worker.logger.error(`not ready: ${err.message}`));
  }

  // Web app.
  const webLog = createLogger('web', 'cyan');
  if (!dev && !existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    webLog.log('no production build (.next/BUILD_ID): running next build first (`npm run build` rebuilds later)');
    const build = track(spawnManaged({ name: 'build', color: 'yellow', command: bin('next'), args: ['build'], cwd: root, env }));
    const info = await build.exited;
    if (shuttingDown) return;
    if (info.code !== 0) {
      await shutdown(`next build ${describeExit(info)}; see the [build] lines above. Stopping everything.`, 1);
      return;
    }
  }
  // Production: scripts/web-server.ts (Next.js plus the webhook intake listener on the same port).
  const web = superviseWithRestarts(() =>
    dev
      ? spawnManaged({ name: 'web', color: 'cyan', command: bin('next'), args: ['dev', '-p', String(webPort), '-H', host], cwd: root, env })
      : spawnManaged({
          name: 'web',
          color: 'cyan',
          command: bin('tsx'),
          args: [path.join(root, 'scripts', 'web-server.ts'), '-p', String(webPort), '-H', host],
          cwd: root,
          env: { ...env, NODE_ENV: 'production' },
        }),
  );
  const healthUrl = `${localUrlOf(host, webPort)}/api/health`;
  let webStatus: number | undefined;
  try {
    // 200 = healthy. 404 = the app has no health route yet: it answers, good enough.
    webStatus = await waitForHttp(healthUrl, {
      timeoutMs: dev ? 300_000 : 120_000,
      accept: (s) => s === 200 || s === 404,
      isAlive: () => web.running(),
      onWaiting: (last, ms) =>
        webLog.log(`waiting for ${healthUrl} (${Math.round(ms / 1000)}s; last: ${'status' in last ? `HTTP ${last.status}` : last.error})`),
    });
  } catch (err) {
    if (shuttingDown) return;
    webLog.error(`not ready: ${(err as Error).message}`);
  }
  await Promise.all([workerReady, demos?.ready]);
  if (shuttingDown) return;

  const line = paint('gray', '─'.repeat(64));
  const rows = [
    ['App', `${host === '127.0.0.1' ? `http://localhost:${webPort}` : `${localUrlOf(host, webPort)} (HOST=${host})`}${webStatus === 404 ? '   (no /api/health route yet)' : webStatus ? '' : '   (not healthy yet)'}`],
    ['Temporal UI', temporalUiUrl ?? (productionTemporal ? '(the Temporal server has no UI: run temporalio/ui beside it, set TEMPORAL_UI_URL)' : '(external Temporal; set TEMPORAL_UI_URL)')],
    ['Temporal', `${temporalAddress}, namespace ${namespace}${externalTemporal ? ' (external)' : productionTemporal ? ' (Temporal server on PostgreSQL)' : `, state in ${rel(path.join(data, 'temporal.db'))}`}`],
    ['PostgreSQL', db!.embedded ? `127.0.0.1:${pgPort}, data in ${rel(db!.embedded.dataDir)}` : `${redact(db!.url)} (external)`],
    ...(demos ? [['Demo CRM', `${demos.crmUrl}   (REST API key ${demos.env.DEMO_CRM_API_KEY})`], ['Demo helpdesk', demos.helpdeskUrl]] : []),
    ['Secrets', secrets.files.length ? secrets.files.map((f) => rel(f.file)).join(', ') : 'from the environment'],
  ];
  console.log(`\n${line}\n  ${paint('green', `Syncline is running${dev ? ' (dev)' : ''}`)} — ready in ${since()}`);
  for (const [k, v] of rows) console.log(`  ${paint('bold', k!.padEnd(13))} ${v}`);
  console.log(`  Press Ctrl-C to stop.\n${line}\n`);
}

/** The embedded PostgreSQL is started again on the same data and port whenever it exits on its own. */
function keepPostgresRunning(first: EmbeddedPostgres) {
  const log = createLogger('postgres', 'blue');
  keepRestarting<EmbeddedPostgres>({
    first,
    start: async () => {
      const restarted = await startEmbeddedPostgres({ dataDir: first.dataDir, port: first.port, onLog: (line) => log.log(line) });
      if (shuttingDown) await restarted.stop(); // shutdown began while it started: it would outlive us
      return restarted;
    },
    stopped: () => Boolean(shuttingDown),
    onExit: (_run, delayMs, error) =>
      log.error(`${error ? `could not start again: ${error.message}` : 'PostgreSQL exited unexpectedly'}; starting it again in ${delayMs / 1000}s`),
    onRestarted: (restarted) => {
      db = { ...db!, embedded: restarted, stop: restarted.stop };
      log.log('PostgreSQL started again');
    },
  });
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}

main().catch((err: unknown) => {
  const human = ['SupervisorError', 'EmbeddedPostgresError', 'TemporalCliNotFoundError', 'TemporalServerNotFoundError', 'TemporalSchemaError', 'EnvError'];
  const message = err instanceof Error ? (human.includes(err.name) ? err.message : (err.stack ?? err.message)) : String(err);
  void shutdown(message, 1);
});
