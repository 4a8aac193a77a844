import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptWebhook } from '../../domain/inbox/accept-webhook';
import { setFlowStatus } from '../../app/_server/flows/flow-service';
import { openDb, type DbHandle } from '../../db/client';
import { externalIds, inboxEvents, itemBatches, recordLineage, runs, runSteps } from '../../db/schema';
import { TransientError, UserError, type FlowInput } from '../../flows-engine/index';
import type { EffectDeps } from '../../nodes/effect-deps';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { createTestWorkflowEnvironment, uniqueTaskQueue } from '../../tests/support/temporal';
import { createActivities } from '../activities';
import { WORKFLOW_BUNDLE_OPTIONS } from '../workflow-bundle';
import { createEffectDeps } from '../../domain/connectors/effect-deps';
import { relayPendingEvents } from '../relay/relay';
import { startRelayLoop } from '../relay/relay-loop';
import { eventually } from '../../tests/support/processes';
import { isRunBatchWorkflowId, runWorkflowId } from '../api/ids';
import { cancelRun } from '../../app/_server/runs/run-actions';
import type { runFlowBatchWorkflow } from './run-flow-batch';

let database: TestDatabase;
let handle: DbHandle;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let actor: { workspaceId: string; userId: string };
const taskQueue = uniqueTaskQueue('run-flow');
/** Recorded histories of past workflow code; `SYNCLINE_RECORD_HISTORIES=1` refreshes them. */
const HISTORIES = fileURLToPath(new URL('../__histories__', import.meta.url));

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 8 });
  env = await createTestWorkflowEnvironment();
  bundle = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quietLogger });
  process.env.SYNCLINE_TASK_QUEUE = taskQueue;
  const user = await insertUser(handle.db, 'Runner');
  actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Durable', [{ userId: user.id, role: 'admin' }]) };
});

afterAll(async () => {
  delete process.env.SYNCLINE_TASK_QUEUE;
  await env?.teardown();
  await handle?.close();
  await database?.drop();
});

const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

async function withWorker<T>(effects: EffectDeps | undefined, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createActivities({ db: handle.db, ...(effects ? { effects: () => effects } : {}) }),
  });
  return worker.runUntil(fn());
}

async function deliver(token: string, body: unknown, idempotencyKey: string | null = null) {
  const outcome = await acceptWebhook(handle.db, { token, body: JSON.stringify(body), idempotencyKey });
  if (outcome.kind !== 'accepted') throw new Error(`webhook rejected: ${outcome.message}`);
  return outcome;
}

async function resultOf(client: Client, runId: string) {
  return client.workflow.getHandle(runWorkflowId(runId)).result();
}

describe('flow runs on Temporal', () => {
  it('takes a webhook event through the inbox to a completed run with its steps and mappings recorded', async () => {
    const { flowId, token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
    const accepted = await deliver(token, [
      { id: 'c1', email: 'Ada@Example.com', modifiedBy: 'ada' },
      { id: 'c2', email: '' },
      { id: 'c3', email: 'bot@test.invalid' },
    ]);
    const summary = await withWorker(undefined, async () => {
      expect(await relayPendingEvents(handle.db, env.client)).toEqual({ started: 1, failed: 0 });
      return resultOf(env.client, accepted.eventId);
    });
    expect(summary.status).toBe('succeeded');

    const [run] = await handle.db.select().from(runs).where(eq(runs.id, accepted.eventId));
    expect(run).toMatchObject({ flowId, status: 'succeeded', version: 1, itemsIn: 3, itemsSkipped: 1 });
    expect(run?.finishedAt).toBeInstanceOf(Date);
    const steps = await handle.db.select().from(runSteps).where(eq(runSteps.runId, accepted.eventId)).orderBy(asc(runSteps.nodeId));
    const byNode = Object.fromEntries(steps.map((s) => [s.nodeId, s]));
    expect(byNode.filter?.itemsOut).toEqual({ kept: 2, dropped: 1 });
    expect(byNode.guard?.skipped?.[0]?.reason).toMatch(/email/);
    expect(byNode.lookup?.itemsOut).toEqual({ found: 0, notFound: 1 });
    expect(byNode.save?.status).toBe('succeeded');
    const mappings = await handle.db.select().from(externalIds).where(eq(externalIds.workspaceId, actor.workspaceId));
    expect(mappings.map((m) => [m.externalId, m.recordKey])).toEqual([['c1', 'rk-c1']]);
    const [event] = await handle.db.select().from(inboxEvents).where(eq(inboxEvents.id, accepted.eventId));
    expect(event?.relayedAt).toBeInstanceOf(Date);

    if (process.env.SYNCLINE_RECORD_HISTORIES) {
      // Refresh the recorded history the replay test below checks the workflow code against.
      const history = await env.client.workflow.getHandle(runWorkflowId(accepted.eventId)).fetchHistory();
      writeFileSync(path.join(HISTORIES, 'run-flow-webhook-sync-v3-step-outputs.json'), historyToJSON(history));
    }
  });

  it('replays every recorded history with the current workflow code (no non-determinism)', async () => {
    const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const history = JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8'));
      await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, file)).resolves.toBeUndefined();
    }
  });

  it('makes one run from a repeated delivery, by body or by Idempotency-Key', async () => {
    const { flowId, token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
    const first = await deliver(token, { id: 'd1', email: 'd1@example.com' });
    const again = await deliver(token, { id: 'd1', email: 'd1@example.com' });
    const keyed = await deliver(token, { id: 'd2', email: 'd2@example.com', at: 1 }, 'evt-7');
    const keyedAgain = await deliver(token, { id: 'd2', email: 'd2@example.com', at: 2 }, 'evt-7');
    expect(again).toMatchObject({ eventId: first.eventId, duplicate: true });
    expect(keyedAgain).toMatchObject({ eventId: keyed.eventId, duplicate: true });
    await withWorker(undefined, async () => {
      await relayPendingEvents(handle.db, env.client);
      await relayPendingEvents(handle.db, env.client);
      await Promise.all([resultOf(env.client, first.eventId), resultOf(env.client, keyed.eventId)]);
    });
    const flowRuns = await handle.db.select().from(runs).where(eq(runs.flowId, flowId));
    expect(flowRuns).toHaveLength(2);
  });

  it('runs events of one record key one at a time in arrival order, and other keys alongside', async () => {
    const lit = (value: unknown) => ({ kind: 'literal' as const, value });
    const base = contactIntakeFlow();
    const graph = {
      ...base,
      nodes: [...base.nodes.filter((n) => n.id === 'hook'), { id: 'wait', type: 'core.delay', typeVersion: 1, label: 'Wait', config: { mode: lit('duration'), durationMs: lit(400) } }],
      edges: [{ id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'wait', port: 'main' } }],
    };
    const { flowId, token } = await createPublishedFlow(handle.db, actor, graph);
    const a1 = await deliver(token, { id: 'a', n: 1 });
    const a2 = await deliver(token, { id: 'a', n: 2 });
    const b1 = await deliver(token, { id: 'b', n: 1 });
    const a3 = await deliver(token, { id: 'a', n: 3 });
    const loop = startRelayLoop({ db: handle.db, sql: handle.sql, temporal: env.client, intervalMs: 200 });
    try {
      // Later events of key a have no workflow until their turn comes: wait on the run rows.
      await withWorker(undefined, async () => {
        for (const event of [a1, a2, b1, a3]) {
          await eventually(async () => {
            const [run] = await handle.db.select({ finishedAt: runs.finishedAt }).from(runs).where(eq(runs.id, event.eventId));
            return run?.finishedAt ? true : undefined;
          }, `the run of event ${event.eventId} to finish`);
        }
      });
    } finally {
      await loop.stop();
    }
    const rows = await handle.db.select().from(runs).where(eq(runs.flowId, flowId));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const key = (id: string) => byId.get(id)!;
    expect(rows.map((r) => r.orderingKey).sort()).toEqual(['a', 'a', 'a', 'b']);
    for (const [earlier, later] of [[a1, a2], [a2, a3]] as const) {
      expect(key(later.eventId).startedAt!.getTime()).toBeGreaterThanOrEqual(key(earlier.eventId).finishedAt!.getTime());
    }
    // Key b did not wait for key a's queue.
    expect(key(b1.eventId).startedAt!.getTime()).toBeLessThan(key(a3.eventId).startedAt!.getTime());
  });

  it('retries a failing effect and succeeds on the third attempt, recording the attempts', async () => {
    const real = createEffectDeps(handle.db, actor);
    let calls = 0;
    const flaky: EffectDeps = {
      ...real,
      externalIds: {
        ...real.externalIds,
        async lookupMany(query) {
          calls += 1;
          if (calls < 3) throw new TransientError(`the mapping store is busy (call ${calls})`);
          return real.externalIds.lookupMany(query);
        },
      },
    };
    const graph = contactIntakeFlow();
    const lookup = graph.nodes.find((n) => n.id === 'lookup');
    if (!lookup) throw new Error('no lookup node');
    lookup.settings = { retry: { maximumAttempts: 5, initialIntervalMs: 50, backoffCoefficient: 1, maximumIntervalMs: 50 } };
    const { token } = await createPublishedFlow(handle.db, actor, graph);
    const accepted = await deliver(token, { id: 'r1', email: 'r1@example.com' });
    const summary = await withWorker(flaky, async () => {
      await relayPendingEvents(handle.db, env.client);
      return resultOf(env.client, accepted.eventId);
    });
    expect(summary.status).toBe('succeeded');
    expect(calls).toBe(3);
    const [step] = await handle.db.select().from(runSteps).where(eq(runSteps.runId, accepted.eventId)).then((rows) => rows.filter((r) => r.nodeId === 'lookup'));
    expect(step?.attempts).toBe(3);
  });

  it('keeps events of a paused flow in the inbox and runs them once the flow is resumed', async () => {
    const { flowId, token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow(), 'paused');
    const accepted = await deliver(token, { id: 'p1', email: 'p1@example.com' });
    expect(accepted.flowStatus).toBe('paused');
    expect(await relayPendingEvents(handle.db, env.client)).toEqual({ started: 0, failed: 0 });
    expect(await handle.db.select().from(runs).where(eq(runs.flowId, flowId))).toHaveLength(0);

    await setFlowStatus(handle.db, actor, { flowId, status: 'active' });
    const summary = await withWorker(undefined, async () => {
      expect((await relayPendingEvents(handle.db, env.client)).started).toBe(1);
      return resultOf(env.client, accepted.eventId);
    });
    expect(summary.status).toBe('succeeded');
  });

  it('fails a run with a user error without retrying, and says which node and why', async () => {
    const broken: EffectDeps = {
      ...createEffectDeps(handle.db, actor),
      externalIds: {
        ...createEffectDeps(handle.db, actor).externalIds,
        lookupMany: async () => {
          calls += 1;
          throw new TransientError('never reached');
        },
      },
    };
    let calls = 0;
    const graph = contactIntakeFlow();
    graph.nodes = graph.nodes.map((n) => (n.id === 'transform' ? { ...n, config: { mappings: { kind: 'literal', value: [{ target: 'x', source: { kind: 'expr', source: 'email + 1' } }] } } } : n));
    const { token } = await createPublishedFlow(handle.db, actor, graph);
    const accepted = await deliver(token, { id: 'u1', email: 'u1@example.com' });
    const summary = await withWorker(broken, async () => {
      await relayPendingEvents(handle.db, env.client);
      return resultOf(env.client, accepted.eventId);
    });
    expect(summary.status).toBe('failed');
    expect(calls).toBe(0);
    const [run] = await handle.db.select().from(runs).where(eq(runs.id, accepted.eventId));
    expect(run?.error).toMatchObject({ category: 'user', nodeId: 'transform' });
  });
});

async function runRows(ids: string[]) {
  return handle.db.select().from(runs).where(inArray(runs.id, ids));
}

/** Delivers these events, relays them as one batch and waits for its execution: the run ids, its result and history. */
async function runAsOneBatch(token: string, bodies: unknown[], effects: EffectDeps | undefined) {
  const ids: string[] = [];
  for (const body of bodies) ids.push((await deliver(token, body)).eventId);
  return withWorker(effects, async () => {
    expect(await relayPendingEvents(handle.db, env.client, { maxRunsPerExecution: 20 })).toEqual({ started: bodies.length, failed: 0 });
    const [first] = await runRows([ids[0]!]);
    const execution = env.client.workflow.getHandle<typeof runFlowBatchWorkflow>(first!.workflowId);
    return { ids, summaries: await execution.result(), history: await execution.fetchHistory() };
  });
}

/** The activity types of an execution's local activities, in the order their markers were recorded. */
function localActivityTypes(history: Awaited<ReturnType<typeof runAsOneBatch>>['history']): string[] {
  return (history.events ?? []).flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    return data ? [...Buffer.from(data).toString('utf8').matchAll(/\b(claimRuns|completeRuns|runNodeEffects?)\b/g)].map((m) => m[1]!) : [];
  });
}

/** Webhook -> Delay of `ms`: a run that stays running for a while. */
function delayGraph(ms: number): Omit<FlowInput, 'id' | 'name'> {
  const lit = (value: unknown) => ({ kind: 'literal' as const, value });
  return {
    ...contactIntakeFlow(),
    nodes: [
      { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Contact changed', config: {} },
      { id: 'wait', type: 'core.delay', typeVersion: 1, label: 'Wait', config: { mode: lit('duration'), durationMs: lit(ms) } },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'wait', port: 'main' } }],
  };
}

/** Waits until every one of these runs has finished; returns their rows by id. */
async function finishedRuns(ids: string[]) {
  return eventually(async () => {
    const rows = await handle.db.select().from(runs).where(inArray(runs.id, ids));
    return rows.length === ids.length && rows.every((r) => r.finishedAt) ? new Map(rows.map((r) => [r.id, r])) : undefined;
  }, `runs ${ids.join(', ')} to finish`);
}

async function relayedAt(id: string): Promise<Date | null> {
  const [event] = await handle.db.select({ relayedAt: inboxEvents.relayedAt }).from(inboxEvents).where(eq(inboxEvents.id, id));
  return event?.relayedAt ?? null;
}

describe('the relay loop gathers batches', () => {
  it("holds a flow's next events while its execution runs, and starts them together once it finishes", async () => {
    const { token } = await createPublishedFlow(handle.db, actor, delayGraph(2000));
    const loop = startRelayLoop({ db: handle.db, sql: handle.sql, temporal: env.client, intervalMs: 200, holdMs: 20_000 });
    try {
      const rows = await withWorker(undefined, async () => {
        const first = (await deliver(token, { id: 'g1' })).eventId;
        await eventually(async () => ((await runRows([first]))[0]?.status === 'running' ? true : undefined), 'the first run to start');
        const later = [(await deliver(token, { id: 'g2' })).eventId, (await deliver(token, { id: 'g3' })).eventId];
        return finishedRuns([first, ...later]).then((byId) => ({ first: byId.get(first)!, later: later.map((id) => byId.get(id)!) }));
      });
      const [second, third] = rows.later;
      expect(second!.workflowId).toBe(third!.workflowId);
      expect(second!.workflowId).not.toBe(rows.first.workflowId);
      for (const run of rows.later) expect((await relayedAt(run.id))!.getTime()).toBeGreaterThanOrEqual(rows.first.finishedAt!.getTime());
    } finally {
      await loop.stop();
    }
  });

  it('never holds a flow longer than the hold time, however long its execution runs', async () => {
    const { token } = await createPublishedFlow(handle.db, actor, delayGraph(4000));
    const loop = startRelayLoop({ db: handle.db, sql: handle.sql, temporal: env.client, intervalMs: 200, holdMs: 300 });
    try {
      const rows = await withWorker(undefined, async () => {
        const first = (await deliver(token, { id: 'h1' })).eventId;
        await eventually(async () => ((await runRows([first]))[0]?.status === 'running' ? true : undefined), 'the first run to start');
        const second = (await deliver(token, { id: 'h2' })).eventId;
        return finishedRuns([first, second]).then((byId) => [byId.get(first)!, byId.get(second)!] as const);
      });
      const [first, second] = rows;
      expect((await relayedAt(second.id))!.getTime()).toBeLessThan(first.finishedAt!.getTime());
    } finally {
      await loop.stop();
    }
  });
});

/** Several runs of one flow in one execution (`runFlowBatchWorkflow`), each with its own record, steps, failure and cancel. */
describe('runs in batches', () => {
  it('runs a batch in which one event fails with a user error and its neighbours succeed, each with its own run record', async () => {
    const real = createEffectDeps(handle.db, actor);
    /** The lookups that named the refused id alone (the batch's shared lookup names all three). */
    let refusedCalls = 0;
    const effects: EffectDeps = {
      ...real,
      externalIds: {
        ...real.externalIds,
        lookupMany: async (query) => {
          if (query.externalIds.includes('bad')) {
            if (query.externalIds.length === 1) refusedCalls += 1;
            throw new UserError('This contact id is refused by the CRM');
          }
          return real.externalIds.lookupMany(query);
        },
      },
    };
    const { token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
    const ids = [
      (await deliver(token, { id: 'good-1', email: 'One@Example.com' })).eventId,
      (await deliver(token, { id: 'bad', email: 'bad@example.com' })).eventId,
      (await deliver(token, { id: 'good-2', email: 'Two@Example.com' })).eventId,
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
    const mappings = await handle.db.select().from(externalIds).where(inArray(externalIds.externalId, ['good-1', 'bad', 'good-2']));
    expect(mappings.map((m) => m.externalId).sort()).toEqual(['good-1', 'good-2']);
  });

  it("gathers one effect step of a batch's runs into one activity; a run whose first attempt fails retries alone", async () => {
    const real = createEffectDeps(handle.db, actor);
    const lookups: string[][] = [];
    let failures = 0;
    const effects: EffectDeps = {
      ...real,
      externalIds: {
        ...real.externalIds,
        lookupMany: async (query) => {
          lookups.push([...query.externalIds]);
          // The flaky run's first attempt fails: the three runs' shared query, then its own one (made at once).
          if (query.externalIds.includes('flaky') && failures < 2) {
            failures++;
            throw new TransientError('the mapping store is busy');
          }
          return real.externalIds.lookupMany(query);
        },
      },
    };
    const graph = contactIntakeFlow();
    graph.nodes.find((n) => n.id === 'lookup')!.settings = { retry: { maximumAttempts: 3, initialIntervalMs: 50, backoffCoefficient: 2, maximumIntervalMs: 1000 } };
    const { token } = await createPublishedFlow(handle.db, actor, graph);
    const bodies = [{ id: 'calm-1', email: 'c1@example.com' }, { id: 'flaky', email: 'flaky@example.com' }, { id: 'calm-2', email: 'c2@example.com' }];
    const { ids, summaries, history } = await runAsOneBatch(token, bodies, effects);
    expect(summaries.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // The three lookups' first attempts were one activity, and so were the two calm runs' saves; the flaky
    // run's second lookup attempt and then its save (it reached the save alone) were activities of their own.
    const effectActivities = localActivityTypes(history).filter((type) => type.startsWith('runNodeEffect'));
    expect(effectActivities.sort()).toEqual(['runNodeEffect', 'runNodeEffect', 'runNodeEffects', 'runNodeEffects']);
    // The replay test checks the batch workflow code against this history (claims with the first effect, a
    // gathered call, a retry alone, a timer). run-flow-batch-gathered-effects-v1.json is the same test before lazy-claims-v1.
    if (process.env.SYNCLINE_RECORD_HISTORIES) writeFileSync(path.join(HISTORIES, 'run-flow-batch-lazy-claims-v1.json'), historyToJSON(history));
    // One query for the three first attempts; after it failed, one each; then the flaky run's second attempt.
    expect(lookups).toEqual([['calm-1', 'flaky', 'calm-2'], ['calm-1'], ['flaky'], ['calm-2'], ['flaky']]);
    const steps = await handle.db.select().from(runSteps).where(and(inArray(runSteps.runId, ids), eq(runSteps.nodeId, 'lookup')));
    expect(Object.fromEntries(steps.map((s) => [ids.indexOf(s.runId), s.attempts]))).toEqual({ 0: 1, 1: 2, 2: 1 });
  });

  it('runs a batch of a flow without effects with one local activity: its completion claims and records every run', async () => {
    const base = contactIntakeFlow();
    const pure = new Set(['hook', 'filter', 'transform', 'guard']);
    const graph = { ...base, nodes: base.nodes.filter((n) => pure.has(n.id)), edges: base.edges.filter((e) => pure.has(e.from.node) && pure.has(e.to.node)) };
    const { token } = await createPublishedFlow(handle.db, actor, graph);
    const bodies = [{ id: 'p1', email: 'P1@Example.com' }, { id: 'p2', email: '' }, { id: 'p3', email: 'P3@Example.com' }];
    const { ids, summaries, history } = await runAsOneBatch(token, bodies, undefined);
    expect(summaries.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // No claim of its own: the one local activity of the execution is the completion.
    expect(localActivityTypes(history)).toEqual(['completeRuns']);
    const rows = await runRows(ids);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'succeeded', workflowId: rows[0]!.workflowId });
      // Started when the execution began, not when it was recorded.
      expect(row.startedAt!.getTime()).toBeLessThanOrEqual(row.finishedAt!.getTime());
    }
    const steps = await handle.db.select().from(runSteps).where(inArray(runSteps.runId, ids));
    expect(steps).toHaveLength(12);
    expect(steps.find((s) => s.runId === ids[1] && s.nodeId === 'filter')?.itemsOut).toEqual({ kept: 0, dropped: 1 });
  });

  it('cancels one run of a batch and lets its neighbour finish; both keep their lookup output and lineage', async () => {
    const base = contactIntakeFlow();
    const lit = (value: unknown) => ({ kind: 'literal' as const, value });
    const graph: Omit<FlowInput, 'id' | 'name'> = {
      ...base,
      nodes: [
        ...base.nodes.filter((n) => n.id === 'hook' || n.id === 'lookup'),
        { id: 'wait', type: 'core.delay', typeVersion: 1, label: 'Wait', config: { mode: lit('duration'), durationMs: lit(5000) } },
      ],
      edges: [
        { id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'lookup', port: 'main' } },
        { id: 'e2', from: { node: 'lookup', port: 'notFound' }, to: { node: 'wait', port: 'main' } },
      ],
    };
    const { token } = await createPublishedFlow(handle.db, actor, graph);
    // Long enough for the cancel to land while the runs wait, even on a loaded machine.
    const kept = (await deliver(token, { id: 'keep' })).eventId;
    const stopped = (await deliver(token, { id: 'stop' })).eventId;
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
    // The lookup's output and lineage come back to the workflow unstored; the runs' completion writes them
    // (the cancelled run's too: its steps are recorded, its status stays cancelled).
    for (const runId of [kept, stopped]) {
      const lineage = await handle.db.select().from(recordLineage).where(eq(recordLineage.runId, runId));
      expect(lineage.map((l) => [l.nodeId, l.access, l.externalId])).toEqual([['lookup', 'read', runId === kept ? 'keep' : 'stop']]);
      const outputs = await handle.db.select().from(itemBatches).where(eq(itemBatches.runId, runId));
      expect(outputs.map((o) => [o.kind, o.nodeId])).toEqual([['node-output', 'lookup']]);
      expect((outputs[0]!.data as Record<string, unknown[]>).notFound).toHaveLength(1);
    }
  });
});
