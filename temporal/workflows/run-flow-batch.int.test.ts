/**
 * Runs in batches (`runFlowBatchWorkflow`): several runs of one flow share one workflow execution,
 * and each keeps its own run record, steps, failure and cancel.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptWebhook } from '../../domain/inbox/accept-webhook';
import { cancelRun } from '../../app/_server/runs/run-actions';
import { openDb, type DbHandle } from '../../db/client';
import { externalIds, runs, runSteps } from '../../db/schema';
import { UserError, type FlowInput } from '../../flows-engine/index';
import type { EffectDeps } from '../../nodes/effect-deps';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { eventually } from '../../tests/support/processes';
import { createTestWorkflowEnvironment, uniqueTaskQueue } from '../../tests/support/temporal';
import { createEffectDeps } from '../../domain/connectors/effect-deps';
import { createActivities } from '../activities';
import { isRunBatchWorkflowId } from '../api/ids';
import { relayPendingEvents } from '../relay/relay';
import { WORKFLOW_BUNDLE_OPTIONS } from '../workflow-bundle';
import type { runFlowBatchWorkflow } from './run-flow-batch';

let database: TestDatabase;
let handle: DbHandle;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let actor: { workspaceId: string; userId: string };
const taskQueue = uniqueTaskQueue('run-batch');
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 8 });
  env = await createTestWorkflowEnvironment();
  bundle = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quietLogger });
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  const user = await insertUser(handle.db, 'Batcher');
  actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Batches', [{ userId: user.id, role: 'admin' }]) };
});

afterAll(async () => {
  delete process.env.SYNCLINE_TASK_QUEUE;
  await env?.teardown();
  await handle?.close();
  await database?.drop();
});

async function withWorker<T>(effects: EffectDeps | undefined, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities({ db: handle.db, ...(effects ? { effects: () => effects } : {}) }),
  });
  return worker.runUntil(fn());
}

async function deliver(token: string, body: unknown): Promise<string> {
  const outcome = await acceptWebhook(handle.db, { token, body: JSON.stringify(body), idempotencyKey: null });
  if (outcome.kind !== 'accepted') throw new Error(`webhook rejected: ${outcome.message}`);
  return outcome.eventId;
}

async function runRows(ids: string[]) {
  return handle.db.select().from(runs).where(inArray(runs.id, ids));
}

describe('runs in batches', () => {
  it('runs a batch in which one event fails with a user error and its neighbours succeed, each with its own run record', async () => {
    const real = createEffectDeps(handle.db, actor);
    let refusedCalls = 0;
    const effects: EffectDeps = {
      ...real,
      externalIds: {
        ...real.externalIds,
        lookupMany: async (query) => {
          if (query.externalIds.includes('bad')) {
            refusedCalls += 1;
            throw new UserError('This contact id is refused by the CRM');
          }
          return real.externalIds.lookupMany(query);
        },
      },
    };
    const { token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
    const ids = [
      await deliver(token, { id: 'good-1', email: 'One@Example.com' }),
      await deliver(token, { id: 'bad', email: 'bad@example.com' }),
      await deliver(token, { id: 'good-2', email: 'Two@Example.com' }),
    ];
    const summaries = await withWorker(effects, async () => {
      expect(await relayPendingEvents(handle.db, env.client, { maxRunsPerExecution: 20 })).toEqual({ started: 3, failed: 0 });
      const [first] = await runRows([ids[0]!]);
      return env.client.workflow.getHandle<typeof runFlowBatchWorkflow>(first!.workflowId).result();
    });

    const rows = new Map((await runRows(ids)).map((r) => [r.id, r]));
    // One execution ran all three, and each run's record links to it.
    const workflowIds = new Set([...rows.values()].map((r) => r.workflowId));
    expect(workflowIds.size).toBe(1);
    expect(isRunBatchWorkflowId([...workflowIds][0]!)).toBe(true);
    expect(summaries.map((s) => [s.runId, s.status]).sort()).toEqual(
      [[ids[0], 'succeeded'], [ids[1], 'failed'], [ids[2], 'succeeded']].sort(),
    );
    expect(rows.get(ids[0]!)).toMatchObject({ status: 'succeeded', itemsIn: 1, error: null });
    expect(rows.get(ids[2]!)).toMatchObject({ status: 'succeeded', itemsIn: 1, error: null });
    expect(rows.get(ids[1]!)).toMatchObject({ status: 'failed', error: { category: 'user', nodeId: 'lookup', message: expect.stringMatching(/refused/) } });
    for (const row of rows.values()) expect(row.finishedAt).toBeInstanceOf(Date);
    expect(refusedCalls).toBe(1); // a user error is not retried

    // Each run has its own steps: the failed one stops at the lookup, the others save their contact.
    const steps = await handle.db.select().from(runSteps).where(inArray(runSteps.runId, ids)).orderBy(asc(runSteps.nodeId));
    const stepOf = (runId: string, nodeId: string) => steps.find((s) => s.runId === runId && s.nodeId === nodeId);
    expect(stepOf(ids[1]!, 'lookup')).toMatchObject({ status: 'failed', error: { category: 'user' } });
    expect(stepOf(ids[1]!, 'save')?.status).toBe('skipped');
    for (const good of [ids[0]!, ids[2]!]) {
      expect(stepOf(good, 'save')?.status).toBe('succeeded');
      expect(stepOf(good, 'transform')?.output).toMatchObject({ main: { items: [{ email: expect.stringMatching(/^[a-z]+@example\.com$/) }] } });
    }
    const mappings = await handle.db.select().from(externalIds).where(eq(externalIds.workspaceId, actor.workspaceId));
    expect(mappings.map((m) => m.externalId).sort()).toEqual(['good-1', 'good-2']);
  });

  it('cancels one run of a batch and lets its neighbour finish', async () => {
    const base = contactIntakeFlow();
    const lit = (value: unknown) => ({ kind: 'literal' as const, value });
    const graph: Omit<FlowInput, 'id' | 'name'> = {
      ...base,
      nodes: [...base.nodes.filter((n) => n.id === 'hook'), { id: 'wait', type: 'core.delay', typeVersion: 1, label: 'Wait', config: { mode: lit('duration'), durationMs: lit(1500) } }],
      edges: [{ id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'wait', port: 'main' } }],
    };
    const { token } = await createPublishedFlow(handle.db, actor, graph);
    const kept = await deliver(token, { id: 'keep' });
    const stopped = await deliver(token, { id: 'stop' });
    const summaries = await withWorker(undefined, async () => {
      expect(await relayPendingEvents(handle.db, env.client, { maxRunsPerExecution: 20 })).toEqual({ started: 2, failed: 0 });
      await eventually(async () => ((await runRows([kept, stopped])).every((r) => r.status === 'running') ? true : undefined), 'both runs to start');
      expect(await cancelRun(handle.db, async () => env.client, actor, stopped)).toEqual({ runId: stopped, status: 'cancelled' });
      const [row] = await runRows([kept]);
      return env.client.workflow.getHandle<typeof runFlowBatchWorkflow>(row!.workflowId).result();
    });
    expect(Object.fromEntries(summaries.map((s) => [s.runId, s.status]))).toEqual({ [kept]: 'succeeded', [stopped]: 'cancelled' });
    const rows = new Map((await runRows([kept, stopped])).map((r) => [r.id, r]));
    expect(rows.get(kept)?.status).toBe('succeeded');
    expect(rows.get(stopped)?.status).toBe('cancelled');
    expect(rows.get(kept)?.workflowId).toBe(rows.get(stopped)?.workflowId);
  });
});
