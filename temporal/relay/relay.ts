import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { loadIntegrationIdentities } from '../../app/_server/connections/usage';
import type { Db } from '../../db/client';
import { flows, flowVersions, inboxEvents, runs } from '../../db/schema';
import { FlowSchema } from '../../flows-engine/index';
import type { RunFlowInput } from '../run-input';
import { runWorkflowId, taskQueue } from '../shared';
import { itemsFromPayload } from './trigger-items';

const START_DEADLINE_MS = 5000;

export interface RelayOutcome {
  started: number;
  failed: number;
}

/**
 * The relay half of the transactional outbox: starts a run in Temporal for
 * each accepted inbox event of an active flow, oldest first. Safe to run in
 * many processes at once: rows are claimed with SKIP LOCKED, the run id is the
 * event id, and the workflow id is derived from it, so an event can never make
 * two runs. If Temporal is unreachable the event stays pending and is retried
 * on the next pass; nothing accepted is lost.
 */
export async function relayPendingEvents(db: Db, temporal: Client, options: { limit?: number; eventId?: string } = {}): Promise<RelayOutcome> {
  const outcome: RelayOutcome = { started: 0, failed: 0 };
  await db.transaction(async (tx) => {
    const pending = await tx
      .select({ event: inboxEvents, flowName: flows.name, versionId: flows.activeVersionId })
      .from(inboxEvents)
      .innerJoin(flows, eq(flows.id, inboxEvents.flowId))
      .where(
        and(
          isNull(inboxEvents.relayedAt),
          eq(flows.status, 'active'),
          options.eventId ? eq(inboxEvents.id, options.eventId) : undefined,
        ),
      )
      .orderBy(asc(inboxEvents.seq))
      .limit(options.limit ?? 100)
      .for('update', { of: inboxEvents, skipLocked: true });

    for (const { event, flowName, versionId } of pending) {
      try {
        if (!versionId) throw new Error('the flow is active but has no published version');
        await startRun(tx as unknown as Db, temporal, { event, flowName, versionId });
        await tx.update(inboxEvents).set({ relayedAt: sql`now()`, runId: event.id }).where(eq(inboxEvents.id, event.id));
        outcome.started += 1;
      } catch (error) {
        outcome.failed += 1;
        await tx
          .update(inboxEvents)
          .set({ relayAttempts: sql`${inboxEvents.relayAttempts} + 1`, lastRelayError: error instanceof Error ? error.message : String(error) })
          .where(eq(inboxEvents.id, event.id));
      }
    }
  });
  return outcome;
}

async function startRun(
  db: Db,
  temporal: Client,
  { event, flowName, versionId }: { event: typeof inboxEvents.$inferSelect; flowName: string; versionId: string },
): Promise<void> {
  const [version] = await db.select().from(flowVersions).where(eq(flowVersions.id, versionId));
  if (!version) throw new Error(`flow version ${versionId} is missing`);
  const runId = event.id;
  const workflowId = runWorkflowId(runId);
  await db
    .insert(runs)
    .values({
      id: runId,
      workspaceId: event.workspaceId,
      flowId: event.flowId,
      flowVersionId: version.id,
      version: version.version,
      trigger: event.source,
      eventId: event.id,
      workflowId,
      triggerPayload: event.payload,
      createdAt: event.receivedAt,
    })
    .onConflictDoNothing();
  const input: RunFlowInput = {
    runId,
    workspaceId: event.workspaceId,
    flowId: event.flowId,
    flowName,
    version: version.version,
    flow: FlowSchema.parse(version.graph),
    trigger: { items: itemsFromPayload(event.payload), payload: event.payload },
    integrationIdentities: await loadIntegrationIdentities(db, event.workspaceId),
    acceptedAt: event.receivedAt.toISOString(),
  };
  try {
    // A bounded wait: with Temporal down, the SDK would otherwise keep retrying while we hold row locks.
    await temporal.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      temporal.workflow.start('runFlowWorkflow', {
        workflowId,
        taskQueue: taskQueue(process.env),
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [input],
      }),
    );
  } catch (error) {
    // Started by an earlier pass whose bookkeeping did not commit: the run exists, which is what we want.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
