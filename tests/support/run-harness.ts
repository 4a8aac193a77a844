/**
 * Runs of published flows end to end without the web app: a fresh test database, the Temporal test
 * server, a real worker on its own task queue, and a workspace whose test connection points at
 * `targetUrl`. Webhook events go in through the real intake; `finished` relays until a run ends.
 *
 *   const h = await startRunHarness({ prefix: 'recovery', targetUrl });   // beforeAll
 *   const runId = await h.deliver(token, { id: 'c1' });
 *   expect(await h.finished(runId)).toMatchObject({ status: 'succeeded' });
 *   await h.stop();                                                       // afterAll
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { fileURLToPath } from 'node:url';
import { openDb, type DbHandle } from '../../db/client';
import { connections, runs, type Role } from '../../db/schema';
import { acceptWebhook } from '../../domain/inbox/accept-webhook';
import { createActivities } from '../../temporal/activities';
import { relayPendingEvents } from '../../temporal/relay/relay';
import { insertUser, insertWorkspace } from './app-context';
import { createTestDatabase } from './database';
import { ensureTestConnection } from './flows';
import { eventually } from './processes';
import { createTestWorkflowEnvironment, temporalAddress, uniqueTaskQueue } from './temporal';

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export interface RunHarness {
  handle: DbHandle;
  env: TestWorkflowEnvironment;
  user: { id: string; email: string; name: string };
  workspaceId: string;
  /** The workspace's "Test CRM" connection (integration account svc-sync), pointed at the target. */
  connectionId: string;
  deliver(token: string, body: unknown): Promise<string>;
  finished(runId: string): Promise<typeof runs.$inferSelect>;
  stop(): Promise<void>;
}

export async function startRunHarness(options: { prefix: string; targetUrl: string; userName?: string; role?: Role }): Promise<RunHarness> {
  const taskQueue = uniqueTaskQueue(options.prefix);
  const database = await createTestDatabase();
  const handle = openDb(database.url, { max: 8 });
  const env = await createTestWorkflowEnvironment();
  process.env.TEMPORAL_ADDRESS = temporalAddress();
  process.env.TEMPORAL_NAMESPACE = 'default';
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  const user = await insertUser(handle.db, options.userName ?? 'Ana Analyst');
  const workspaceId = await insertWorkspace(handle.db, options.prefix, [{ userId: user.id, role: options.role ?? 'analyst' }]);
  const connectionId = await ensureTestConnection(handle.db, { workspaceId, userId: user.id });
  await handle.db.update(connections).set({ config: { baseUrl: options.targetUrl, auth: { type: 'none' } } }).where(eq(connections.id, connectionId));
  const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../temporal/workflows/index.ts', import.meta.url)), logger: quietLogger });
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ db: handle.db }) });
  const workerDone = worker.run();

  return {
    handle,
    env,
    user,
    workspaceId,
    connectionId,
    async deliver(token, body) {
      const outcome = await acceptWebhook(handle.db, { token, body: JSON.stringify(body), idempotencyKey: null });
      if (outcome.kind !== 'accepted') throw new Error(`webhook rejected: ${outcome.message}`);
      return outcome.eventId;
    },
    finished(runId) {
      return eventually(async () => {
        await relayPendingEvents(handle.db, env.client);
        const [run] = await handle.db.select().from(runs).where(eq(runs.id, runId));
        return run && !['queued', 'running'].includes(run.status) ? run : undefined;
      }, `run ${runId} to finish`);
    },
    async stop() {
      worker.shutdown();
      await workerDone;
      delete process.env.SYNCLINE_TASK_QUEUE;
      await env.teardown();
      await handle.close();
      await database.drop();
    },
  };
}
