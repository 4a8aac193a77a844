/**
 * What a bulk-load integration test runs against: a fresh app database, the demo CRM (HTTP, on its own
 * fresh database) and the demo helpdesk's database, and Temporal's test environment, with the app's
 * Temporal address and task queue set in `process.env`.
 *
 *   systems = await startBulkSystems({ taskQueue, crmApiKey: SYNC_KEY });   // in beforeAll
 *   await systems?.stop();                                                    // in afterAll
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import postgres from 'postgres';
import { openDb, type DbHandle } from '../../db/client';
import { startDemoCrm, type DemoCrm } from '../../examples/demo-crm/service';
import { createDemoDatabases } from '../../examples/shared/test-databases';
import { closeAllPools } from '../../domain/connections/postgres-pool';
import { createTestDatabase, type TestDatabase } from './database';
import { createTestWorkflowEnvironment, temporalAddress } from './temporal';

export interface BulkSystems {
  database: TestDatabase;
  demoDbs: Awaited<ReturnType<typeof createDemoDatabases>>;
  /** On the app database. */
  handle: DbHandle;
  /** The demo CRM; `crmApiKey` is the key of its `svc-sync` user. */
  crm: DemoCrm;
  /** SQL straight on the demo helpdesk's database. */
  helpdesk: postgres.Sql;
  temporal: TestWorkflowEnvironment;
  /** Stops and drops everything (and unsets the task queue). */
  stop(): Promise<void>;
}

export async function startBulkSystems(options: {
  taskQueue: string;
  crmApiKey: string;
  /** Connections of the app database's pool (default 8). */
  dbConnections?: number;
  /** Connections of the helpdesk SQL client (default 2). */
  helpdeskConnections?: number;
}): Promise<BulkSystems> {
  const started: Partial<Omit<BulkSystems, 'stop'>> = {};
  const stop = async () => {
    delete process.env.SYNCLINE_TASK_QUEUE;
    await started.crm?.stop();
    await started.helpdesk?.end({ timeout: 5 });
    await started.temporal?.teardown();
    await closeAllPools();
    await started.handle?.close();
    await started.demoDbs?.drop();
    await started.database?.drop();
  };
  try {
    process.env.TEMPORAL_ADDRESS = temporalAddress();
    process.env.SYNCLINE_TASK_QUEUE = options.taskQueue;
    const database = (started.database = await createTestDatabase());
    const demoDbs = (started.demoDbs = await createDemoDatabases());
    const handle = (started.handle = openDb(database.url, { max: options.dbConnections ?? 8 }));
    const crm = (started.crm = await startDemoCrm({ databaseUrl: demoDbs.crmUrl, port: 0, apiKeys: new Map([[options.crmApiKey, 'svc-sync']]), log: () => {} }));
    const helpdesk = (started.helpdesk = postgres(demoDbs.helpdeskUrl, { max: options.helpdeskConnections ?? 2, onnotice: () => {} }));
    const temporal = (started.temporal = await createTestWorkflowEnvironment());
    return { database, demoDbs, handle, crm, helpdesk, temporal, stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
