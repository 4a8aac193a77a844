/**
 * The schedule trigger's tick workflow: a real tick through the flow's Temporal Schedule (its history
 * recorded for the replay test), replay of the recorded histories, and what a paused flow does with
 * the ticks it misses.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWebhookToken, publishFlow, setFlowStatus } from '../../app/_server/flows/flow-service';
import { openDb, type DbHandle } from '../../db/client';
import { flows, inboxEvents, runs } from '../../db/schema';
import type { Flow } from '../../flows-engine/index';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { eventually } from '../../tests/support/processes';
import { createTestWorkflowEnvironment, uniqueTaskQueue } from '../../tests/support/temporal';
import { createActivities } from '../activities';
import { WORKFLOW_BUNDLE_OPTIONS } from '../workflow-bundle';
import { relayPendingEvents } from '../relay/relay';
import { flowScheduleId, runWorkflowId } from '../api/ids';

let database: TestDatabase;
let handle: DbHandle;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let actor: { workspaceId: string; userId: string };
const taskQueue = uniqueTaskQueue('trigger-tick');
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const lit = (value: unknown) => ({ kind: 'literal' as const, value });
/** Recorded histories of past workflow code; `SYNCLINE_RECORD_HISTORIES=1` refreshes the tick's. */
const HISTORIES = fileURLToPath(new URL('../__histories__', import.meta.url));
const TICK_HISTORY = 'trigger-tick-schedule-v1.json';

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 6 });
  env = await createTestWorkflowEnvironment();
  bundle = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quietLogger });
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  const user = await insertUser(handle.db, 'Ticker');
  actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Ticks', [{ userId: user.id, role: 'admin' }]) };
}, 120_000);

afterAll(async () => {
  delete process.env.SYNCLINE_TASK_QUEUE;
  await env?.teardown();
  await handle?.close();
  await database?.drop();
});

const temporal = { temporal: () => Promise.resolve(env.client) };

/** Every hour: a schedule trigger and a filter that keeps every tick. */
async function createScheduleFlow(): Promise<string> {
  const flowId = randomUUID();
  const name = `Hourly ${flowId.slice(0, 6)}`;
  const graph = {
    schemaVersion: 1,
    nodes: [
      { id: 'clock', type: 'core.schedule-trigger', typeVersion: 1, label: 'Hourly', config: { mode: lit('interval'), intervalSeconds: lit(3600) } },
      { id: 'filter', type: 'core.filter', typeVersion: 1, label: 'Any', config: { conditions: lit([{ field: 'scheduledAt', operator: 'isNotEmpty' }]) } },
    ],
    edges: [{ id: 'e1', from: { node: 'clock', port: 'main' }, to: { node: 'filter', port: 'main' } }],
    layout: {},
  };
  await handle.db.insert(flows).values({ id: flowId, workspaceId: actor.workspaceId, name, draft: { ...graph, id: flowId, name } as unknown as Flow, webhookToken: newWebhookToken() });
  const outcome = await publishFlow(handle.db, actor, { flowId, note: 'v1' }, temporal);
  if (!outcome.published) throw new Error(JSON.stringify(outcome.issues));
  return flowId;
}

async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: createActivities({ db: handle.db }) });
  return worker.runUntil(fn());
}

const eventsOf = (flowId: string) => handle.db.select().from(inboxEvents).where(eq(inboxEvents.flowId, flowId)).orderBy(asc(inboxEvents.seq));

describe('trigger tick workflow', () => {
  it('records a tick of the flow’s Temporal Schedule in the inbox, at its scheduled time', async () => {
    const flowId = await createScheduleFlow();
    await setFlowStatus(handle.db, actor, { flowId, status: 'active' }, temporal);
    const schedule = env.client.schedule.getHandle(flowScheduleId(flowId));
    const tickWorkflowId = await withWorker(async () => {
      await schedule.trigger();
      const workflowId = await eventually(async () => {
        const action = (await schedule.describe()).info.recentActions[0]?.action;
        return action?.workflow.workflowId;
      }, 'the schedule to start a tick');
      expect(await env.client.workflow.getHandle(workflowId).result()).toEqual({ events: 1 });
      return workflowId;
    });
    const events = await eventsOf(flowId);
    expect(events).toHaveLength(1);
    const scheduledAt = (events[0]?.payload as { scheduledAt: string }).scheduledAt;
    expect(events[0]).toMatchObject({ source: 'schedule', dedupeKey: `schedule:${scheduledAt}` });
    expect(tickWorkflowId.endsWith(scheduledAt.replace(/\.\d+Z$/, 'Z'))).toBe(true);

    if (process.env.SYNCLINE_RECORD_HISTORIES) {
      const history = await env.client.workflow.getHandle(tickWorkflowId).fetchHistory();
      writeFileSync(path.join(HISTORIES, TICK_HISTORY), historyToJSON(history));
    }
    await setFlowStatus(handle.db, actor, { flowId, status: 'draft' }, temporal);
  }, 90_000);

  it('replays the recorded tick histories with the current workflow code (no non-determinism)', async () => {
    const files = readdirSync(HISTORIES).filter((f) => f.startsWith('trigger-tick-') && f.endsWith('.json'));
    expect(files).toContain(TICK_HISTORY);
    for (const file of files) {
      const history = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
      expect(history.events[0].workflowExecutionStartedEventAttributes.workflowType.name).toBe('triggerTickWorkflow');
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, file)).resolves.toBeUndefined();
    }
  });

  it('folds the ticks a paused flow misses into one run on resume, and keeps every tick of an active flow', async () => {
    const flowId = await createScheduleFlow();
    const activities = createActivities({ db: handle.db });
    const tick = (hour: number) =>
      activities.recordScheduleTick({ workspaceId: actor.workspaceId, flowId, nodeId: 'clock', scheduledAt: `2025-04-01T${String(hour).padStart(2, '0')}:00:00.000Z` });

    await setFlowStatus(handle.db, actor, { flowId, status: 'paused' }, temporal);
    expect(await tick(1)).toBe(true);
    for (const hour of [2, 3, 4, 5]) expect(await tick(hour)).toBe(false);
    expect(await tick(5)).toBe(false); // a retried tick changes nothing
    const waiting = await eventsOf(flowId);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ dedupeKey: 'schedule:2025-04-01T05:00:00.000Z', payload: { scheduledAt: '2025-04-01T05:00:00.000Z', missedTicks: 5 } });

    await setFlowStatus(handle.db, actor, { flowId, status: 'active' }, temporal);
    const resumedRuns = await withWorker(async () => {
      expect(await relayPendingEvents(handle.db, env.client)).toEqual({ started: 1, failed: 0 });
      await env.client.workflow.getHandle(runWorkflowId(waiting[0]!.id)).result();
      // Active again: each tick is its own event and run.
      expect(await tick(6)).toBe(true);
      expect(await tick(7)).toBe(true);
      expect(await relayPendingEvents(handle.db, env.client)).toEqual({ started: 2, failed: 0 });
      return handle.db.select({ id: runs.id, status: runs.status }).from(runs).where(eq(runs.flowId, flowId));
    });
    expect(resumedRuns).toHaveLength(3);
    expect((await eventsOf(flowId)).map((e) => e.dedupeKey)).toEqual([
      'schedule:2025-04-01T05:00:00.000Z',
      'schedule:2025-04-01T06:00:00.000Z',
      'schedule:2025-04-01T07:00:00.000Z',
    ]);
    await setFlowStatus(handle.db, actor, { flowId, status: 'draft' }, temporal);
  }, 90_000);
});
