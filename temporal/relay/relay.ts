import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { and, asc, eq, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import { loadIntegrationIdentities } from '../../domain/connections/usage';
import { errorWithCauses, logger } from '../../domain/platform/logger';
import type { Db } from '../../db/client';
import { insertJsonRows } from '../../db/json-rows';
import { flows, flowVersions, inboxEvents, runRetries, runs } from '../../db/schema';
import { FlowSchema, type Flow } from '../../flows-engine/index';
import { ITEM_BATCH_REFERENCE_BYTES, saveTriggerBatch, serializedBytes } from '../../domain/runs/item-batches';
import type { RunBatchInput, RunFlowInput } from '../run-input';
import { InboxSource } from '../../domain/inbox/enqueue';
import { runBatchWorkflowId, runWorkflowId } from '../api/ids';
import { startWorkflow } from '../api/start-workflow';
import { itemsFromPayload } from '../../domain/triggers/trigger-items';

const START_DEADLINE_MS = 5000;
const log = logger.child({ component: 'relay' });

export interface RelayOutcome {
  started: number;
  failed: number;
}

type PendingEvent = typeof inboxEvents.$inferSelect;
type RetryRequest = typeof runRetries.$inferSelect;

/**
 * Runs of one ordering key (per flow) execute one at a time, in arrival order: an event is only
 * claimed when no earlier event of its key is still pending (even if another relay holds it
 * locked) and no run of its key is queued or running. A finished run NOTIFYs, which wakes the
 * relay for the next event of that key. Events without a key are never held back.
 */
const nextInLineForItsKey = sql`(
  ${inboxEvents.orderingKey} is null or (
    not exists (
      select 1 from ${inboxEvents} as earlier
      where earlier.flow_id = ${inboxEvents.flowId} and earlier.ordering_key = ${inboxEvents.orderingKey}
        and earlier.relayed_at is null and earlier.seq < ${inboxEvents.seq})
    and not exists (
      select 1 from ${runs} as active
      where active.flow_id = ${inboxEvents.flowId} and active.ordering_key = ${inboxEvents.orderingKey}
        and active.status in ('queued', 'running') and active.id <> ${inboxEvents.id}
        -- a retry's run row exists (queued) from the moment it is requested; it is only in flight once relayed
        and not exists (select 1 from ${inboxEvents} as own where own.id = active.id and own.relayed_at is null))
  ))`;

/**
 * The relay half of the transactional inbox: starts a run in Temporal for each
 * accepted event of an active flow, oldest first, a batch per pass (one query
 * to claim, one to create the runs, parallel starts, one to mark them). Safe in
 * many processes at once: rows are claimed with SKIP LOCKED, the run id is the
 * event id and the workflow id derives from it (with REJECT_DUPLICATE), so an
 * event can never make two runs. If Temporal is unreachable the events stay
 * pending, with the error, for the next pass; nothing accepted is lost.
 */
export interface RelayOptions {
  limit?: number;
  /**
   * Ask the server to hand the run's first workflow task back in the start response (the client
   * must share the worker's NativeConnection): the run starts in this worker with no trip through
   * the task queue.
   */
  eagerStart?: boolean;
  /**
   * Up to this many ready runs of one flow version share one workflow execution (`runFlowBatchWorkflow`);
   * default 1: one execution per run (`runFlowWorkflow`, workflow id `run-<runId>`).
   */
  maxRunsPerExecution?: number;
  /** Flows whose events wait for a later pass (the relay loop lets their next batch gather): left alone. */
  heldFlows?: readonly string[];
  /** Told of every execution this pass started. */
  onExecutionStarted?: (execution: { workflowId: string; flowId: string; runIds: string[] }) => void;
}

export async function relayPendingEvents(db: Db, temporal: Client, options: RelayOptions = {}): Promise<RelayOutcome> {
  return db.transaction(async (tx) => {
    const pending = await tx
      .select({ event: inboxEvents, flowName: flows.name, versionId: flows.activeVersionId })
      .from(inboxEvents)
      .innerJoin(flows, eq(flows.id, inboxEvents.flowId))
      // Retries run on the version they name, so they go on even while the flow is paused.
      .where(
        and(
          isNull(inboxEvents.relayedAt),
          or(eq(flows.status, 'active'), eq(inboxEvents.source, InboxSource.retry)),
          options.heldFlows?.length ? notInArray(inboxEvents.flowId, [...options.heldFlows]) : undefined,
          nextInLineForItsKey,
        ),
      )
      .orderBy(asc(inboxEvents.seq))
      .limit(options.limit ?? 200)
      .for('update', { of: inboxEvents, skipLocked: true });
    if (pending.length === 0) return { started: 0, failed: 0 };

    const retryIds = pending.filter((p) => p.event.source === InboxSource.retry).map((p) => p.event.id);
    const retryRows = retryIds.length
      ? await tx
          .select({ retry: runRetries, runStatus: runs.status })
          .from(runRetries)
          .innerJoin(runs, eq(runs.id, runRetries.runId))
          .where(inArray(runRetries.runId, retryIds))
      : [];
    const retries = new Map(retryRows.map((r) => [r.retry.runId, r] as const));
    // A retry cancelled before its turn: nothing to start; the event is done.
    const cancelled = retryRows.filter((r) => r.runStatus === 'cancelled').map((r) => r.retry.runId);
    for (const p of pending) {
      const retry = retries.get(p.event.id);
      if (retry) p.versionId = retry.retry.flowVersionId;
    }
    const versions = await publishedVersions(tx as unknown as Db, pending.flatMap((p) => (p.versionId ? [p.versionId] : [])));
    const startable = pending.flatMap(({ event, flowName, versionId }) => {
      const version = versionId ? versions.get(versionId) : undefined;
      return version && !cancelled.includes(event.id) ? [{ event, flowName, version }] : [];
    });
    const executions = groupIntoExecutions(startable, options.maxRunsPerExecution ?? 1);
    // Committed before the workflows start (outside this transaction, on another connection: meanwhile
    // this one reads the integration identities), so a fast run never looks for its run row before it
    // exists. A repeat pass finds it there (ON CONFLICT); a run still queued (a retry, or a run whose
    // execution never started) then names its new execution.
    const insertingRuns = async () => {
      if (startable.length === 0) return;
      await db.execute(
        insertJsonRows(
          runs,
          executions.flatMap(({ workflowId, members }) =>
            members.map(({ event, version }) => ({
              id: event.id,
              workspaceId: event.workspaceId,
              flowId: event.flowId,
              flowVersionId: version.id,
              version: version.version,
              trigger: event.source,
              eventId: event.id,
              orderingKey: event.orderingKey,
              workflowId,
              triggerPayload: event.payload,
              createdAt: event.receivedAt,
            })),
          ),
          sql`on conflict (id, created_at) do update set workflow_id = excluded.workflow_id where runs.status = 'queued'`,
        ),
      );
    };
    const loadingIdentities = async () => {
      const identities = new Map<string, Record<string, string>>();
      for (const workspaceId of new Set(pending.map((p) => p.event.workspaceId))) {
        identities.set(workspaceId, await loadIntegrationIdentities(tx as unknown as Db, workspaceId));
      }
      return identities;
    };
    const [, identities] = await Promise.all([insertingRuns(), loadingIdentities()]);

    const results = await Promise.allSettled(
      executions.map(async ({ workflowId, members }) => {
        const inputs = await Promise.all(
          members.map(({ event, flowName, version }) =>
            withLargeTriggerByReference(db, runInput(event, flowName, version, identities.get(event.workspaceId) ?? {}, retries.get(event.id)?.retry)),
          ),
        );
        await startExecution(temporal, workflowId, inputs, options.eagerStart ?? false);
      }),
    );
    const started: string[] = [...cancelled];
    const failures: { id: string; message: string }[] = pending
      .filter((p) => !p.versionId || !versions.has(p.versionId))
      .map((p) => ({ id: p.event.id, message: 'the flow is active but has no published version' }));
    results.forEach((result, i) => {
      const { workflowId, members } = executions[i]!;
      if (result.status === 'fulfilled') options.onExecutionStarted?.({ workflowId, flowId: members[0]!.event.flowId, runIds: members.map((m) => m.event.id) });
      for (const { event } of members) {
        const fields = { runId: event.id, workspaceId: event.workspaceId, flowId: event.flowId, trigger: event.source, workflowId };
        if (result.status === 'fulfilled') {
          started.push(event.id);
          log.info(fields, 'run relayed');
        } else {
          // With its cause: the Temporal client's own message is only "Failed to start Workflow".
          const reason = errorWithCauses(result.reason);
          failures.push({ id: event.id, message: reason });
          log.warn({ ...fields, error: reason }, 'run could not be started yet; will retry');
        }
      }
    });

    if (started.length > 0) {
      await tx.update(inboxEvents).set({ relayedAt: sql`clock_timestamp()`, runId: sql`${inboxEvents.id}` }).where(inArray(inboxEvents.id, started));
    }
    for (const failure of failures) {
      await tx
        .update(inboxEvents)
        .set({ relayAttempts: sql`${inboxEvents.relayAttempts} + 1`, lastRelayError: failure.message })
        .where(eq(inboxEvents.id, failure.id));
    }
    return { started: started.length, failed: failures.length };
  });
}

type PublishedVersion = { id: string; version: number; flow: Flow };

/** Versions are immutable: parsed once per process (the graph parse is most of a small pass's CPU). */
const versionCache = new Map<string, PublishedVersion>();

async function publishedVersions(db: Db, ids: string[]): Promise<Map<string, PublishedVersion>> {
  const wanted = [...new Set(ids)];
  const missing = wanted.filter((id) => !versionCache.has(id));
  if (missing.length > 0) {
    if (versionCache.size > 500) versionCache.clear();
    for (const v of await db.select().from(flowVersions).where(inArray(flowVersions.id, missing))) {
      versionCache.set(v.id, { id: v.id, version: v.version, flow: FlowSchema.parse(v.graph) });
    }
  }
  return new Map(wanted.flatMap((id) => (versionCache.has(id) ? [[id, versionCache.get(id)!] as const] : [])));
}

function runInput(
  event: PendingEvent,
  flowName: string,
  version: { version: number; flow: Flow },
  integrationIdentities: Record<string, string>,
  retry: RetryRequest | undefined,
): RunFlowInput {
  return {
    runId: event.id,
    workspaceId: event.workspaceId,
    flowId: event.flowId,
    flowName,
    version: version.version,
    flow: version.flow,
    trigger: { items: itemsFromPayload(event.payload), payload: event.payload },
    integrationIdentities,
    acceptedAt: (retry?.acceptedAt ?? event.receivedAt).toISOString(),
    ...(retry
      ? { retry: { originalRunId: retry.originalRunId, ...(retry.from === 'failed-step' ? { reuseOutputsOf: retry.retryOf } : {}) } }
      : {}),
  };
}

/** A trigger batch too large for workflow input is stored in PostgreSQL; the input carries its id. */
async function withLargeTriggerByReference(db: Db, input: RunFlowInput): Promise<RunFlowInput> {
  if (serializedBytes(input.trigger) <= ITEM_BATCH_REFERENCE_BYTES) return input;
  const batchId = await saveTriggerBatch(db, { workspaceId: input.workspaceId, runId: input.runId, batch: input.trigger });
  return { ...input, trigger: { items: [], payload: null, batchId } };
}

type Startable = { event: PendingEvent; flowName: string; version: PublishedVersion };

/**
 * The workflow executions of a pass: runs of one flow version, in arrival order, up to `maxRuns` per
 * execution. One run alone gets its own `runFlowWorkflow` (`run-<runId>`), several a batch.
 */
function groupIntoExecutions(startable: Startable[], maxRuns: number): { workflowId: string; members: Startable[] }[] {
  const byVersion = new Map<string, Startable[]>();
  for (const s of startable) {
    const key = `${s.event.workspaceId}:${s.version.id}`;
    byVersion.set(key, [...(byVersion.get(key) ?? []), s]);
  }
  return [...byVersion.values()].flatMap((group) => {
    const chunks: Startable[][] = [];
    for (let i = 0; i < group.length; i += Math.max(1, maxRuns)) chunks.push(group.slice(i, i + Math.max(1, maxRuns)));
    return chunks.map((members) => ({
      workflowId: members.length === 1 ? runWorkflowId(members[0]!.event.id) : runBatchWorkflowId(members.map((m) => m.event.id)),
      members,
    }));
  });
}

async function startExecution(temporal: Client, workflowId: string, inputs: RunFlowInput[], requestEagerStart: boolean): Promise<void> {
  const common = { workflowId, workflowIdReusePolicy: 'REJECT_DUPLICATE', requestEagerStart } as const;
  try {
    // A bounded wait: with Temporal down, the SDK would otherwise keep retrying while we hold row locks.
    await temporal.connection.withDeadline(Date.now() + START_DEADLINE_MS, async (): Promise<unknown> => {
      const [first] = inputs;
      if (inputs.length === 1) return startWorkflow(temporal, 'runFlowWorkflow', { ...common, args: [first!] });
      const batch: RunBatchInput = {
        workspaceId: first!.workspaceId,
        flowId: first!.flowId,
        flowName: first!.flowName,
        version: first!.version,
        flow: first!.flow,
        integrationIdentities: first!.integrationIdentities,
        runs: inputs.map(({ runId, trigger, acceptedAt, retry }) => ({ runId, trigger, acceptedAt, ...(retry ? { retry } : {}) })),
      };
      return startWorkflow(temporal, 'runFlowBatchWorkflow', { ...common, args: [batch] });
    });
  } catch (error) {
    // Started by an earlier pass whose bookkeeping did not commit: the run exists, which is what we want.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
