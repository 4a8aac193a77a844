import 'server-only';
import { pingDatabase } from '../../db/ping';
import { getDb } from '../../db/client';
import { env } from '../../domain/platform/env';
import { getTemporalClient } from '../../temporal/api/client';
import { temporalSettings } from '../../temporal/api/connection-options';
import { taskQueue } from '../../temporal/api/ids';
import { describeWorkerPresence, type WorkerPresence } from '../../temporal/api/worker-presence';

type Part = 'database' | 'temporal' | 'worker';

export interface HealthReport {
  /**
   * ok: everything is up. degraded: PostgreSQL is up, so webhooks are accepted and stored, but runs wait
   * for Temporal or a worker. down: PostgreSQL is away; nothing can be stored.
   */
  status: 'ok' | 'degraded' | 'down';
  /** The parts that are not up, for an operator's eye. */
  degraded: Part[];
  database: { up: boolean; error?: string };
  temporal: {
    up: boolean;
    address: string;
    namespace: string;
    taskQueue: string;
    /** A worker polled the task queue within SYNCLINE_WORKER_SEEN_WITHIN_SECONDS (workflow and activity tasks). */
    workerPolling: boolean;
    lastPollAt?: WorkerPresence['lastPollAt'];
    error?: string;
  };
}

/**
 * Health of the parts a run needs. Only PostgreSQL makes the app unusable (the route answers 503): while
 * Temporal or the worker is away the app and the webhook intake keep working, and the report says which
 * part is degraded.
 */
export async function checkHealth(): Promise<HealthReport> {
  const [database, temporal] = await Promise.all([checkDatabase(), checkTemporal()]);
  const degraded: Part[] = [];
  if (!database.up) degraded.push('database');
  if (!temporal.up) degraded.push('temporal');
  if (!temporal.workerPolling) degraded.push('worker');
  return { status: !database.up ? 'down' : degraded.length ? 'degraded' : 'ok', degraded, database, temporal };
}

async function checkDatabase(): Promise<HealthReport['database']> {
  try {
    await pingDatabase(getDb(), 3000);
    return { up: true };
  } catch (error) {
    return { up: false, error: describe(error) };
  }
}

async function checkTemporal(): Promise<HealthReport['temporal']> {
  const settings = temporalSettings();
  const environment = env();
  const queue = taskQueue(environment);
  const base = { address: settings.address, namespace: settings.namespace, taskQueue: queue };
  try {
    const client = await getTemporalClient();
    await withTimeout(client.connection.workflowService.describeNamespace({ namespace: settings.namespace }), 3000);
    const presence = await withTimeout(
      describeWorkerPresence(client, { namespace: settings.namespace, taskQueue: queue, seenWithinMs: environment.SYNCLINE_WORKER_SEEN_WITHIN_SECONDS * 1000 }),
      3000,
    );
    return { ...base, up: true, workerPolling: presence.polling, lastPollAt: presence.lastPollAt };
  } catch (error) {
    return { ...base, up: false, workerPolling: false, error: describe(error) };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)),
  ]);
}
