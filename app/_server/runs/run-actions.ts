/**
 * Operator actions on runs: cancel and retry. Both are open to viewers (DESIGN: a viewer "retries
 * failed runs") and both are written to the audit log in the transaction that changes the run.
 * Retries go through the inbox (the relay starts them), like every other run.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { auditLog, flowVersions, runRetries, runs, runSteps } from '../../../db/schema';
import { nodeDefinitions } from '../../../nodes/registry';
import { storedOutputNodes } from '../../../domain/runs/item-batches';
import { runWorkflowId } from '../../../temporal/api/ids';
import { cancelRunExecution } from '../../../temporal/api/run-control';
import { enqueueInboxEvents, InboxSource, wakeRelay } from '../../../domain/inbox/enqueue';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../domain/platform/errors';
import { latestVersion } from './run-queries';

const START_DEADLINE_MS = 5000;
const UNFINISHED = ['queued', 'running'] as const;

export interface Actor {
  workspaceId: string;
  userId: string;
}

async function loadRun(db: Db, workspaceId: string, runId: string) {
  const [run] = await db.select().from(runs).where(and(eq(runs.workspaceId, workspaceId), eq(runs.id, runId)));
  if (!run) throw new NotFoundError('This run');
  return run;
}

/**
 * Asks Temporal to stop one run: its own execution, or its part of a batch (a signal, so the neighbours go
 * on). A run that never started, or whose execution is gone, needs nothing.
 */
async function stopRun(temporal: () => Promise<Client>, run: { id: string; workflowId: string }) {
  const client = await temporal();
  try {
    await client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () => cancelRunExecution(client, run));
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
}

/** Asks Temporal to stop the run and marks the run cancelled if it had not finished. */
export async function cancelRun(db: Db, temporal: () => Promise<Client>, actor: Actor, runId: string) {
  const run = await loadRun(db, actor.workspaceId, runId);
  if (!(UNFINISHED as readonly string[]).includes(run.status)) {
    throw new ConflictError(`This run has already finished (${run.status}); there is nothing to cancel.`);
  }
  await stopRun(temporal, run);
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(runs)
      .set({ status: 'cancelled', finishedAt: sql`clock_timestamp()` })
      .where(and(eq(runs.id, run.id), inArray(runs.status, [...UNFINISHED])))
      .returning({ id: runs.id, status: runs.status });
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: 'run.cancel',
      targetType: 'run',
      targetId: run.id,
      details: { flowId: run.flowId, previousStatus: run.status, markedCancelled: Boolean(updated) },
    });
    const [now] = await tx.select({ status: runs.status }).from(runs).where(eq(runs.id, run.id));
    return { runId: run.id, status: now?.status ?? 'cancelled' };
  });
}

/**
 * "Retry now" on a run whose step is waiting for its next attempt: the run stops waiting and is
 * retried from that step at once. Done as cancel + retry from the failed step rather than a signal to
 * the workflow: the wait is the retry policy's backoff inside the SDK (a local activity's), which no
 * signal can cut short without cancelling the activity anyway, and a signal would need interpreter
 * changes under `patched()`. This way the workflow code is unchanged, the retry is an ordinary retry
 * (queued through the inbox, audited, on the same version, payload and "now"), effects that succeeded
 * are reused from their stored outputs, and the failing one keeps the chain's idempotency key, so an
 * attempt still in flight in the old workflow cannot apply its write twice.
 * The stopped run is recorded as failed at that step with the last error (it did fail; it is retried).
 */
export async function retryRunNow(db: Db, temporal: () => Promise<Client>, actor: Actor, runId: string) {
  const run = await loadRun(db, actor.workspaceId, runId);
  const [waiting] = await db
    .select()
    .from(runSteps)
    .where(and(eq(runSteps.runId, run.id), eq(runSteps.status, 'running')))
    .limit(1);
  if (run.status !== 'running' || !waiting?.error) {
    throw new ConflictError(`This run is ${run.status === 'running' ? 'not waiting to retry a step' : `already ${run.status}`}; there is nothing to retry now.`);
  }
  await stopRun(temporal, run);
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const [stopped] = await tx
      .update(runs)
      .set({ status: 'failed', outcome: 'failed', error: waiting.error, finishedAt: sql`clock_timestamp()` })
      .where(and(eq(runs.id, run.id), eq(runs.status, 'running')))
      .returning();
    if (!stopped) throw new ConflictError('This run finished meanwhile; open it again to see how.');
    await tx
      .update(runSteps)
      .set({ status: 'failed', nextAttemptAt: null, finishedAt: sql`clock_timestamp()` })
      .where(and(eq(runSteps.runId, run.id), eq(runSteps.nodeId, waiting.nodeId)));
    const plan = await planRetry(tx, actor.workspaceId, stopped, { from: 'failed-step', onVersion: 'original' });
    const [queued] = await queueRetries(tx, actor, [plan], ([entry]) => [
      {
        action: 'run.retry-now',
        targetId: run.id,
        details: { flowId: run.flowId, newRunId: entry!.runId, nodeId: waiting.nodeId, attempts: waiting.attempts, version: plan.version },
      },
    ]);
    return { runId: queued!, version: plan.version };
  });
}

export interface RetryRequest {
  runId: string;
  /** `failed-step`: on the original version and payload, effects that succeeded are not run again. */
  from: 'start' | 'failed-step';
  onVersion: 'original' | 'latest';
  /** An edited trigger payload; the original one when absent. */
  payload?: unknown;
}

type RunRow = typeof runs.$inferSelect;

/** Everything needed to queue one retry, checked and resolved. */
export interface RetryPlan {
  original: RunRow;
  versionId: string;
  version: number;
  from: RetryRequest['from'];
  payload: unknown;
  payloadEdited: boolean;
  /** The first run of the chain (idempotency keys) and the "now" of the new run. */
  originalRunId: string;
  acceptedAt: Date;
}

/**
 * Retries a run as a NEW run (retry_of = the old run), queued through the inbox so it waits its
 * turn behind other runs of the same record (ordering key). From the start (original or latest
 * version, same or edited payload) or from the failed step (original version and payload; the
 * stored outputs of the effect steps that succeeded are reused, so those effects do not run again).
 * Either way effects use the idempotency keys of the chain's first run, so an upsert by external id
 * or an HTTP call with an Idempotency-Key that already succeeded is not applied twice.
 */
export async function retryRun(db: Db, actor: Actor, request: RetryRequest) {
  const original = await loadRun(db, actor.workspaceId, request.runId);
  const plan = await planRetry(db, actor.workspaceId, original, request);
  const [queued] = await queueRetries(db, actor, [plan], ([entry]) => [
    {
      action: 'run.retry',
      targetId: original.id,
      details: { flowId: original.flowId, newRunId: entry!.runId, from: plan.from, onVersion: request.onVersion, version: plan.version, payloadEdited: plan.payloadEdited },
    },
  ]);
  return { runId: queued!, version: plan.version };
}

/** Checks that `original` may be retried this way and resolves version, payload and chain. */
export async function planRetry(db: Db, workspaceId: string, original: RunRow, request: Omit<RetryRequest, 'runId'>): Promise<RetryPlan> {
  if ((UNFINISHED as readonly string[]).includes(original.status)) {
    throw new ConflictError(`This run is still ${original.status}; cancel it or wait for it to finish before retrying.`);
  }
  if (request.from === 'failed-step') {
    if (original.status !== 'failed') throw new ConflictError(`Only a failed run can be retried from its failed step (this one ${original.status}).`);
    if (request.onVersion !== 'original' || request.payload !== undefined) {
      throw new InvalidInputError('from: a retry from the failed step runs on the original version with the original payload; retry from the start to change them.', 'from');
    }
    await requireStoredOutputs(db, workspaceId, original.id);
  }
  const version =
    request.onVersion === 'latest'
      ? await latestVersion(db, workspaceId, original.flowId)
      : (await db.select().from(flowVersions).where(eq(flowVersions.id, original.flowVersionId)))[0];
  if (!version) throw new NotFoundError('The flow version to retry on');
  const [chain] = await db.select().from(runRetries).where(eq(runRetries.runId, original.id));
  return {
    original,
    versionId: version.id,
    version: version.version,
    from: request.from,
    payload: request.payload === undefined ? original.triggerPayload : request.payload,
    payloadEdited: request.payload !== undefined,
    originalRunId: chain?.originalRunId ?? original.id,
    // From the failed step the run keeps its "now", so the steps it computes again compute the same.
    acceptedAt: request.from === 'failed-step' ? (chain?.acceptedAt ?? original.createdAt) : new Date(),
  };
}

/** Every effect step that succeeded must have its output stored, or the retry would run it again. */
async function requireStoredOutputs(db: Db, workspaceId: string, runId: string) {
  const steps = await db.select({ nodeId: runSteps.nodeId, nodeType: runSteps.nodeType, status: runSteps.status }).from(runSteps).where(eq(runSteps.runId, runId));
  const stored = new Set(await storedOutputNodes(db, workspaceId, runId));
  const missing = steps.filter((s) => s.status === 'succeeded' && isEffectful(s.nodeType) && !stored.has(s.nodeId));
  if (missing.length > 0) {
    throw new ConflictError(
      `The outputs of step${missing.length === 1 ? '' : 's'} ${missing.map((s) => s.nodeId).join(', ')} of this run are not stored (the run predates stored outputs, or they expired); retry from the start instead.`,
    );
  }
}

function isEffectful(nodeType: string): boolean {
  return nodeDefinitions.some((d) => d.type === nodeType && d.effect);
}

/**
 * Queues retries in one transaction: the new runs (queued, so they show at once), their inbox events
 * (source `retry`, the run id as event id) and retry rows, and the audit entries `audit` makes of
 * them; then wakes the relay,
 * which starts each run when its ordering key is free. Returns the new run ids in plan order.
 */
export async function queueRetries(
  db: Db,
  actor: Actor,
  plans: readonly RetryPlan[],
  audit: (queued: readonly { runId: string; plan: RetryPlan }[]) => { action: string; targetId: string; details: Record<string, unknown> }[],
): Promise<string[]> {
  const rows = plans.map((plan) => ({ plan, id: randomUUID(), at: new Date() }));
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 200) {
      const chunk = rows.slice(i, i + 200);
      await tx.insert(runs).values(
        chunk.map(({ plan, id, at }) => ({
          id,
          workspaceId: actor.workspaceId,
          flowId: plan.original.flowId,
          flowVersionId: plan.versionId,
          version: plan.version,
          trigger: plan.original.trigger,
          orderingKey: plan.original.orderingKey,
          workflowId: runWorkflowId(id),
          retryOf: plan.original.id,
          triggerPayload: plan.payload,
          createdAt: at,
        })),
      );
      await enqueueInboxEvents(
        tx,
        chunk.map(({ plan, id, at }) => ({
          id,
          workspaceId: actor.workspaceId,
          flowId: plan.original.flowId,
          dedupeKey: `retry:${id}`,
          orderingKey: plan.original.orderingKey,
          source: InboxSource.retry,
          // A run recorded without a payload retries with JSON null (the column is NOT NULL).
          payload: plan.payload ?? null,
          receivedAt: at,
        })),
        { wake: false },
      );
      await tx.insert(runRetries).values(
        chunk.map(({ plan, id }) => ({
          runId: id,
          workspaceId: actor.workspaceId,
          retryOf: plan.original.id,
          originalRunId: plan.originalRunId,
          flowVersionId: plan.versionId,
          from: plan.from,
          acceptedAt: plan.acceptedAt,
          requestedBy: actor.userId,
        })),
      );
    }
    const entries = audit(rows.map(({ plan, id }) => ({ runId: id, plan })));
    if (entries.length > 0) {
      await tx.insert(auditLog).values(entries.map((entry) => ({ workspaceId: actor.workspaceId, actorUserId: actor.userId, targetType: 'run', ...entry })));
    }
    await wakeRelay(tx);
  });
  return rows.map((r) => r.id);
}
