/**
 * Operator actions on runs: cancel and retry. Both are open to viewers (DESIGN: a viewer "retries
 * failed runs") and both are written to the audit log in the transaction that changes the run.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { auditLog, flows, flowVersions, runs } from '../../../db/schema';
import { FlowSchema } from '../../../flows-engine/index';
import { itemsFromPayload } from '../../../temporal/relay/trigger-items';
import type { RunFlowInput } from '../../../temporal/run-input';
import { runWorkflowId, taskQueue } from '../../../temporal/shared';
import { loadIntegrationIdentities } from '../connections/usage';
import { ConflictError, NotFoundError } from '../errors';
import { latestVersion } from './run-queries';

const START_DEADLINE_MS = 5000;
const UNFINISHED = ['queued', 'running'] as const;

interface Actor {
  workspaceId: string;
  userId: string;
}

async function loadRun(db: Db, workspaceId: string, runId: string) {
  const [run] = await db.select().from(runs).where(and(eq(runs.workspaceId, workspaceId), eq(runs.id, runId)));
  if (!run) throw new NotFoundError('This run');
  return run;
}

/** Asks Temporal to cancel the run's workflow and marks the run cancelled if it had not finished. */
export async function cancelRun(db: Db, temporal: () => Promise<Client>, actor: Actor, runId: string) {
  const run = await loadRun(db, actor.workspaceId, runId);
  if (!(UNFINISHED as readonly string[]).includes(run.status)) {
    throw new ConflictError(`This run has already finished (${run.status}); there is nothing to cancel.`);
  }
  const client = await temporal();
  try {
    await client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () => client.workflow.getHandle(run.workflowId).cancel());
  } catch (error) {
    // Never started (or already gone): there is nothing left to stop in Temporal; the row is still marked below.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
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

export interface RetryRequest {
  runId: string;
  from: 'start';
  onVersion: 'original' | 'latest';
  /** An edited trigger payload; the original one when absent. */
  payload?: unknown;
}

/**
 * Retries a run from the start as a NEW run (retry_of = the old run), on its original version or
 * the flow's latest, with the same or an edited trigger payload. Effects run again under the new
 * run's idempotency keys (`runId:nodeId`); external-id upserts are idempotent by design.
 */
export async function retryRun(db: Db, temporal: () => Promise<Client>, actor: Actor, request: RetryRequest) {
  const original = await loadRun(db, actor.workspaceId, request.runId);
  if ((UNFINISHED as readonly string[]).includes(original.status)) {
    throw new ConflictError(`This run is still ${original.status}; cancel it or wait for it to finish before retrying.`);
  }
  const version =
    request.onVersion === 'latest'
      ? await latestVersion(db, actor.workspaceId, original.flowId)
      : (await db.select().from(flowVersions).where(eq(flowVersions.id, original.flowVersionId)))[0];
  if (!version) throw new NotFoundError('The flow version to retry on');
  const [flow] = await db.select({ name: flows.name }).from(flows).where(eq(flows.id, original.flowId));
  if (!flow) throw new NotFoundError('The flow of this run');
  const graph = FlowSchema.parse(version.graph);
  const payload = request.payload === undefined ? original.triggerPayload : request.payload;
  const id = randomUUID();
  const acceptedAt = new Date();

  await db.transaction(async (tx) => {
    await tx.insert(runs).values({
      id,
      workspaceId: actor.workspaceId,
      flowId: original.flowId,
      flowVersionId: version.id,
      version: version.version,
      trigger: original.trigger,
      orderingKey: original.orderingKey,
      workflowId: runWorkflowId(id),
      retryOf: original.id,
      triggerPayload: payload,
      createdAt: acceptedAt,
    });
    await tx.insert(auditLog).values({
      workspaceId: actor.workspaceId,
      actorUserId: actor.userId,
      action: 'run.retry',
      targetType: 'run',
      targetId: original.id,
      details: {
        flowId: original.flowId,
        newRunId: id,
        from: request.from,
        onVersion: request.onVersion,
        version: version.version,
        payloadEdited: request.payload !== undefined,
      },
    });
  });

  const input: RunFlowInput = {
    runId: id,
    workspaceId: actor.workspaceId,
    flowId: original.flowId,
    flowName: flow.name,
    version: version.version,
    flow: graph,
    trigger: { items: itemsFromPayload(payload), payload },
    integrationIdentities: await loadIntegrationIdentities(db, actor.workspaceId),
    acceptedAt: acceptedAt.toISOString(),
  };
  try {
    const client = await temporal();
    await client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      client.workflow.start('runFlowWorkflow', {
        workflowId: runWorkflowId(id),
        taskQueue: taskQueue(process.env),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [input],
      }),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db
      .update(runs)
      .set({ status: 'failed', finishedAt: sql`clock_timestamp()`, error: { message: `The retry could not be started: ${message}`, category: 'transient' } })
      .where(eq(runs.id, id));
    throw new ConflictError(`The retry could not be started (${message}). Try again in a moment.`);
  }
  return { runId: id, version: version.version };
}
