import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startAlertLoop } from './jobs/alert-loop';
import { startConnectionHealthChecks } from './jobs/connection-health-loop';
import { errorMessage, logger } from '../domain/platform/logger';
import { startRetentionLoop } from './jobs/retention-loop';
import { openDb } from '../db/client';
import { env } from '../domain/platform/env';
import { createActivities } from './activities';
import { installDatabaseFaultGuard } from './database-fault-guard';
import { temporalSettings } from './api/connection-options';
import { startRelayLoop } from './relay/relay-loop';
import { taskQueue } from './api/ids';
import { workflowBundle } from './workflow-bundle';
import { workerSettings } from './worker-settings';

/**
 * Lifecycle lines at info whatever SYNCLINE_LOG_LEVEL says: `npm start` and the tests wait for "worker ready".
 */
const lifecycle = logger.child({ component: 'worker' }, { level: 'info' });

/**
 * The Temporal worker: its own process (never imported by Next.js). Besides
 * workflows and activities it runs the inbox relay. It stops gracefully on
 * SIGINT/SIGTERM: the relay starts no more runs, the worker stops polling,
 * in-flight activities get the shutdown grace time to finish, and anything
 * unfinished is retried by another worker.
 */
async function main(): Promise<void> {
  const environment = env(); // a bad value stops the worker here, naming the variable
  installDatabaseFaultGuard(lifecycle);
  const databaseUrl = environment.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set; start the worker through `npm start` or set it.');
  const metricsAddress = environment.SYNCLINE_WORKER_METRICS_ADDRESS;
  if (metricsAddress) {
    // The SDK's own Prometheus exporter: task slots, poll and schedule-to-start latencies, activity and workflow outcomes.
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true } } } });
  }
  const settings = temporalSettings();
  const tuning = workerSettings(environment);
  const queue = taskQueue(environment);
  // Repeated statements prepared: the relay's and the run records' statements are parsed and planned once per connection.
  const database = openDb(databaseUrl, { max: tuning.databasePool, prepareRepeats: true });
  const connection = await NativeConnection.connect(settings.connection);
  // The relay's client shares the worker's connection: that is what lets a start hand the run's
  // first workflow task straight back to this worker (eager start).
  const relay = startRelayLoop({
    db: database.db,
    sql: database.sql,
    temporal: new Client({ connection, namespace: settings.namespace }),
    eagerStart: true,
    log: (line) => logger.warn({ component: 'relay' }, line),
  });
  // The SDK stops the worker on these signals itself; the relay stops first, so no run starts during the drain.
  let relayStopping: Promise<void> | undefined;
  const stopRelay = () => void (relayStopping ??= relay.stop());
  // `on`, not `once`: the SDK drops its own handler at the first signal, and a second one (a process-group
  // SIGTERM that tsx also forwards) would otherwise take the default action and kill the worker mid-drain.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stopRelay);
  const healthChecks = startConnectionHealthChecks(database.db);
  // Both keep their state in PostgreSQL and are safe in every worker at once (see their modules).
  const alerts = startAlertLoop({ db: database.db, sql: database.sql });
  const retention = startRetentionLoop({ db: database.db, partitionInterval: tuning.historyPartitionInterval });
  try {
    const worker = await Worker.create({
      connection,
      namespace: settings.namespace,
      taskQueue: queue,
      workflowBundle: await workflowBundle((line) => lifecycle.info(line)),
      activities: createActivities({ db: database.db }),
      reuseV8Context: true,
      maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
      maxConcurrentLocalActivityExecutions: tuning.maxConcurrentLocalActivityExecutions,
      maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
      maxConcurrentWorkflowTaskPolls: tuning.maxConcurrentWorkflowTaskPolls,
      maxConcurrentActivityTaskPolls: tuning.maxConcurrentActivityTaskPolls,
      maxCachedWorkflows: tuning.maxCachedWorkflows,
      shutdownGraceTime: tuning.shutdownGraceTimeMs,
    });
    lifecycle.info(
      { taskQueue: queue, address: settings.address, namespace: settings.namespace, metrics: metricsAddress ? `http://${metricsAddress}/metrics` : undefined },
      `worker ready: polling task queue "${queue}" on ${settings.address} (namespace ${settings.namespace})`,
    );
    await worker.run();
    lifecycle.info('worker stopped');
  } finally {
    await healthChecks.stop();
    await alerts.stop();
    await retention.stop();
    await relay.stop();
    await connection.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  lifecycle.fatal({ error: errorMessage(error) }, 'worker failed');
  process.exit(1);
});
