import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startAlertLoop } from '../app/_server/alerts/alert-loop';
import { startConnectionHealthChecks } from '../app/_server/connections/test-connection';
import { errorMessage, logger } from '../app/_server/logger';
import { startRetentionLoop } from '../app/_server/retention/retention-loop';
import { openDb } from '../db/client';
import { createActivities } from './activities';
import { temporalSettings } from './connection-options';
import { startRelayLoop } from './relay/relay-loop';
import { taskQueue } from './shared';

/**
 * Lifecycle lines at info whatever SYNCLINE_LOG_LEVEL says: `npm start` and the tests wait for "worker ready".
 */
const lifecycle = logger.child({ component: 'worker' }, { level: 'info' });

/**
 * The Temporal worker: its own process (never imported by Next.js). Besides
 * workflows and activities it runs the inbox relay. It stops gracefully on
 * SIGINT/SIGTERM: in-flight activities get the shutdown grace time to finish,
 * and anything unfinished is retried by another worker.
 */
async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set; start the worker through `npm start` or set it.');
  const metricsAddress = process.env.SYNCLINE_WORKER_METRICS_ADDRESS;
  if (metricsAddress) {
    // The SDK's own Prometheus exporter: task slots, poll and schedule-to-start latencies, activity and workflow outcomes.
    Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true } } } });
  }
  const settings = temporalSettings();
  const queue = taskQueue(process.env);
  const database = openDb(databaseUrl, { max: Number(process.env.SYNCLINE_WORKER_DB_POOL ?? 10) });
  const connection = await NativeConnection.connect(settings.connection);
  const clientConnection = await Connection.connect(settings.connection);
  const relay = startRelayLoop({
    db: database.db,
    sql: database.sql,
    temporal: new Client({ connection: clientConnection, namespace: settings.namespace }),
    log: (line) => logger.warn({ component: 'relay' }, line),
  });
  const stopHealthChecks = startConnectionHealthChecks(database.db, {
    onError: (error) => logger.warn({ component: 'connection-health', error: errorMessage(error) }, 'connection health checks failed'),
  });
  // Both keep their state in PostgreSQL and are safe in every worker at once (see their modules).
  const alerts = startAlertLoop({ db: database.db, sql: database.sql });
  const retention = startRetentionLoop({ db: database.db });
  try {
    const worker = await Worker.create({
      connection,
      namespace: settings.namespace,
      taskQueue: queue,
      workflowsPath: fileURLToPath(new URL('./workflows/index.ts', import.meta.url)),
      activities: createActivities({ db: database.db }),
      reuseV8Context: true,
      maxConcurrentActivityTaskExecutions: Number(process.env.SYNCLINE_WORKER_ACTIVITIES ?? 100),
      maxConcurrentWorkflowTaskExecutions: Number(process.env.SYNCLINE_WORKER_WORKFLOWS ?? 40),
      shutdownGraceTime: '20 seconds',
    });
    lifecycle.info(
      { taskQueue: queue, address: settings.address, namespace: settings.namespace, metrics: metricsAddress ? `http://${metricsAddress}/metrics` : undefined },
      `worker ready: polling task queue "${queue}" on ${settings.address} (namespace ${settings.namespace})`,
    );
    await worker.run();
    lifecycle.info('worker stopped');
  } finally {
    stopHealthChecks();
    await alerts.stop();
    await retention.stop();
    await relay.stop();
    await clientConnection.close();
    await connection.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  lifecycle.fatal({ error: errorMessage(error) }, 'worker failed');
  process.exit(1);
});
