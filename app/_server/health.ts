import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { env } from '../../domain/platform/env';
import { getTemporalClient } from '../../temporal/api/client';
import { temporalSettings } from '../../temporal/api/connection-options';
import { taskQueue } from '../../temporal/api/ids';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: { up: boolean; error?: string };
  temporal: {
    up: boolean;
    address: string;
    namespace: string;
    taskQueue: string;
    workerPolling: boolean;
    error?: string;
  };
}

/** Health of the two things the app cannot work without. A worker not polling is reported, but is not "down". */
export async function checkHealth(): Promise<HealthReport> {
  const [database, temporal] = await Promise.all([checkDatabase(), checkTemporal()]);
  return { status: database.up && temporal.up ? 'ok' : 'degraded', database, temporal };
}

async function checkDatabase(): Promise<HealthReport['database']> {
  try {
    await withTimeout(getDb().execute(sql`select 1`), 3000);
    return { up: true };
  } catch (error) {
    return { up: false, error: describe(error) };
  }
}

async function checkTemporal(): Promise<HealthReport['temporal']> {
  const settings = temporalSettings();
  const queue = taskQueue(env());
  const base = { address: settings.address, namespace: settings.namespace, taskQueue: queue };
  try {
    const client = await getTemporalClient();
    const service = client.connection.workflowService;
    await withTimeout(service.describeNamespace({ namespace: settings.namespace }), 3000);
    const queueInfo = await withTimeout(
      service.describeTaskQueue({ namespace: settings.namespace, taskQueue: { name: queue }, taskQueueType: 1 }),
      3000,
    );
    return { ...base, up: true, workerPolling: (queueInfo.pollers?.length ?? 0) > 0 };
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
