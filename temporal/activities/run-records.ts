import { and, eq, inArray, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { insertJsonRows } from '../../db/json-rows';
import { flows, runs, runSteps, type RunError } from '../../db/schema';
import type { Item, NodeTrace, RunResult } from '../../flows-engine/index';
import type { StepTimings } from '../run-input';
import { finishedRunsPayload, INBOX_CHANNEL } from '../../domain/inbox/channels';
import { runOutcome } from '../../domain/runs/run-outcome';
import { saveNodeOutputs } from '../../domain/runs/item-batches';
import { applyItemDataPolicy, stepsAsStored } from './item-data-policy';
import { saveLineage, type TouchedRecord } from './record-lineage';

/** What the workflow reports at the end of a run; attempts per node come from the effect activities. */
export interface CompletedRun {
  runId: string;
  result: Pick<RunResult, 'status' | 'trace' | 'error'>;
  attempts: Record<string, number>;
  itemsIn: number;
  itemsOut: number;
  /** When each step ran (runs recorded before step-outputs-v1 have none). */
  timings?: StepTimings;
  /** Effect outputs and touched records the effect activities handed back unstored (`deferWrites`). */
  effectWrites?: EffectWrite[];
}

/** One effect step's output and touched records, for the run's completion to store (see `NodeEffectRequest.deferWrites`). */
export interface EffectWrite {
  nodeId: string;
  ports: Record<string, Item[]>;
  touched: TouchedRecord[];
  /** When the step finished (ISO 8601): the lineage's time. */
  at: string;
}

/** A run as its record writes return it, for whoever listens (logs, alerts): no extra read per run. */
export interface RunSummary {
  runId: string;
  workspaceId: string;
  flowId: string;
  version: number;
  trigger: string;
}

export interface FinishedRunSummary extends RunSummary {
  status: RunResult['status'];
  itemsIn: number;
  itemsOut: number;
  durationMs: number | undefined;
  error: RunError | null;
}

/** Told after a run record is written (not for a run that was cancelled meanwhile). */
export interface RunRecordListener {
  started?(run: RunSummary): void;
  finished?(run: FinishedRunSummary): Promise<void> | void;
}

const SAMPLE_ITEMS = 5;

/** A cancelled run stays cancelled: no later write of the workflow changes its status. */
const notCancelled = ne(runs.status, 'cancelled');

/**
 * What an execution claims its runs with when it claims them late (`lazy-claims-v1`): with its first
 * effect, before its first timer, or with its completion. Until then a run is `queued`.
 */
export interface RunClaimTicket {
  workflowId: string;
  /** When the execution began running its runs (workflow time, ISO 8601): the run's `started_at`. */
  startedAt: string;
}

/** What `completeRuns` did not record, because the run was not this execution's to record. */
export interface NotRecordedRuns {
  /** Cancelled before this execution claimed them. */
  cancelled: string[];
  /** Claimed (run or running) by another execution, after a repeated start. */
  elsewhere: string[];
}

/** Which runs of a batch an execution may run: see `claimRuns`. */
export interface ClaimedRuns {
  /** Now `running` under this execution: run them. */
  claimed: string[];
  /** Cancelled before they started: stop at once. */
  cancelled: string[];
  /** Neither: already run (or running) under another execution, after a repeated start. Leave them alone. */
  elsewhere: string[];
}

/** Run records: written by activities, in as few statements as the data allows. */
export function createRunRecords(db: Db, listener: RunRecordListener = {}) {
  const summary = { workspaceId: runs.workspaceId, flowId: runs.flowId, version: runs.version, trigger: runs.trigger };
  /** Throws (so the activity is retried) unless the run row exists; returns its status. */
  async function existingStatus(runId: string) {
    const [row] = await db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
    if (!row) throw new Error(`run ${runId} has no run record yet`);
    return row.status;
  }

  /**
   * Every run of the batch in one transaction: every step row (one delete, one multi-row insert)
   * and every run row (one UPDATE … FROM a JSON list), then one wake-up of the relay.
   * Idempotent on retry. Steps are written even for a run cancelled meanwhile, but its status stays `cancelled`.
   *
   * With a `claim` (an execution that claims its runs late), the completion is also the claim of every
   * run not claimed yet: it records only the runs that are this execution's, i.e. still `queued` (claimed
   * now) or already claimed by it, and says which it left alone: a run cancelled before it was claimed
   * (no steps, its status stays `cancelled`), or one another execution holds (after a repeated start).
   */
  async function completeRuns(completed: readonly CompletedRun[], claim?: RunClaimTicket): Promise<NotRecordedRuns> {
    const notRecorded: NotRecordedRuns = { cancelled: [], elsewhere: [] };
    if (completed.length === 0) return notRecorded;
    const rows = completed.map(({ runId, result, itemsIn, itemsOut }) => ({
      id: runId,
      status: result.status,
      items_in: itemsIn,
      items_out: itemsOut,
      items_skipped: result.trace.reduce((sum, step) => sum + step.skippedCount, 0),
      error: result.error ? toRunError(result.error) : null,
      outcome: runOutcome(result),
    }));
    const ids = rows.map((r) => r.id);
    const { finished, claimedNow } = await db.transaction(async (tx) => {
      // Every step row's foreign key check looks its run up in the partitioned `runs`; with the default
      // plan cache mode PostgreSQL plans that check again for every row (a custom plan prunes to one
      // partition, so it never settles on the generic one). The generic plan prunes at run time instead.
      await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
      // Each run's created_at is its steps' partition key (run_created_at).
      const reading = tx
        .select({ runId: runs.id, createdAt: runs.createdAt, status: runs.status, workflowId: runs.workflowId, startedAt: runs.startedAt, ...summary })
        .from(runs)
        .where(inArray(runs.id, ids));
      // Claiming: no cancel and no other execution changes these rows between this read and the update.
      const found = await (claim ? reading.orderBy(runs.id).for('update') : reading);
      const createdAt = new Map(found.map((p) => [p.runId, p.createdAt]));
      const missing = ids.filter((id) => !createdAt.has(id));
      if (missing.length > 0) throw new Error(`run ${missing.join(', ')} has no run record`); // retried
      const present = claim ? found.filter((run) => isOwnToRecord(run, claim.workflowId)) : found;
      for (const run of found) {
        if (present.includes(run)) continue;
        (run.status === 'cancelled' && run.startedAt === null ? notRecorded.cancelled : notRecorded.elsewhere).push(run.runId);
      }
      const recordIds = new Set(present.map((p) => p.runId));
      const recorded = completed.filter((c) => recordIds.has(c.runId));
      if (recorded.length > 0) {
        // The flow's item-data setting first, so the outputs of a never-store run are not written only to be deleted.
        const neverStore = await applyItemDataPolicy(tx as unknown as Db, [...recordIds]);
        await storeEffectWrites(tx as unknown as Db, present.map((p) => ({ id: p.runId, workspaceId: p.workspaceId, flowId: p.flowId })), recorded, neverStore);
        await tx.delete(runSteps).where(inArray(runSteps.runId, [...recordIds]));
        const steps = recorded.flatMap(({ runId, result, attempts, timings = {} }) =>
          stepsAsStored(
            result.trace.map((step) => toStepRow(runId, createdAt.get(runId)!, step, attempts[step.nodeId] ?? (step.status === 'skipped' ? 0 : 1), timings[step.nodeId])),
            neverStore.has(runId),
          ),
        );
        if (steps.length > 0) await tx.execute(insertJsonRows(runSteps, steps));
      }
      const updated = recorded.length === 0 ? [] : await tx.execute<{ id: string; workspace_id: string; flow_id: string; version: number; trigger: string; started_at: string; finished_at: string }>(sql`
        update runs set status = v.status, items_in = v.items_in, items_out = v.items_out, items_skipped = v.items_skipped,
               error = v.error, outcome = v.outcome, finished_at = now(),
               started_at = coalesce(runs.started_at, ${claim?.startedAt ?? null}::timestamptz, now()),
               workflow_id = coalesce(${claim?.workflowId ?? null}::text, runs.workflow_id)
        from jsonb_to_recordset(${JSON.stringify(rows.filter((r) => recordIds.has(r.id)))}::jsonb)
          as v(id uuid, status run_status, items_in integer, items_out integer, items_skipped integer, error jsonb, outcome text)
        where runs.id = v.id and runs.status <> 'cancelled'
        returning runs.id, runs.workspace_id, runs.flow_id, runs.version, runs.trigger, runs.started_at, runs.finished_at`);
      // The next events of these runs' ordering keys may start now, and the relay holding their flow's
      // next batch (relay-loop.ts) learns that their execution is done: wake it, naming the runs.
      await tx.execute(sql`select pg_notify(${INBOX_CHANNEL}, ${finishedRunsPayload(ids)})`);
      return { finished: updated, claimedNow: claim ? present.filter((run) => run.status === 'queued') : [] };
    });
    // Claimed by their completion: they start and finish in one breath.
    for (const { runId, workspaceId, flowId, version, trigger } of claimedNow) listener.started?.({ runId, workspaceId, flowId, version, trigger });
    if (!listener.finished) return notRecorded;
    const byId = new Map(rows.map((r) => [r.id, r] as const));
    for (const run of finished) {
      const row = byId.get(run.id)!;
      const durationMs = run.started_at && run.finished_at ? new Date(run.finished_at).getTime() - new Date(run.started_at).getTime() : undefined;
      await listener.finished({
        runId: run.id,
        workspaceId: run.workspace_id,
        flowId: run.flow_id,
        version: run.version,
        trigger: run.trigger,
        status: row.status,
        itemsIn: row.items_in,
        itemsOut: row.items_out,
        durationMs,
        error: row.error,
      });
    }
    return notRecorded;
  }

  return {
    /**
     * The effect writes of runs that will not reach `completeRuns` (cancelled while running): what their
     * effects did stays on record (lineage) and reusable, except the outputs of a flow that never stores
     * item data (its lineage names records, not their data: it is kept). Idempotent on retry.
     */
    async saveEffectWrites(written: readonly Pick<CompletedRun, 'runId' | 'effectWrites'>[]): Promise<void> {
      const ids = written.map((w) => w.runId);
      if (ids.length === 0) return;
      const present = await db
        .select({ id: runs.id, workspaceId: runs.workspaceId, flowId: runs.flowId, neverStoreItemData: flows.neverStoreItemData })
        .from(runs)
        .innerJoin(flows, eq(flows.id, runs.flowId))
        .where(inArray(runs.id, ids));
      await storeEffectWrites(db, present, written, new Set(present.filter((p) => p.neverStoreItemData).map((p) => p.id)));
    },

    /**
     * Marks the run running, unless it was cancelled before it started: then says so, and the workflow stops.
     * Runs started before run-batches-v1 only; later ones are claimed with `claimRuns`.
     */
    async markRunRunning(runId: string): Promise<'running' | 'cancelled'> {
      const updated = await db
        .update(runs)
        .set({ status: 'running', startedAt: sql`coalesce(${runs.startedAt}, now())` })
        .where(and(eq(runs.id, runId), notCancelled))
        .returning(summary);
      if (updated[0]) {
        listener.started?.({ runId, ...updated[0] });
        return 'running';
      }
      await existingStatus(runId);
      return 'cancelled';
    },

    /**
     * One statement for a whole batch: marks `running`, under this workflow execution, every run that
     * is still queued (or that this execution claimed already, when its activity is retried). A run
     * cancelled before it started is not claimed, and neither is one that another execution claimed:
     * after a repeated start (the relay's bookkeeping failed after Temporal accepted the start) two
     * executions may hold the same run, and exactly one of them claims it. Throws (retried) while a
     * run row is missing. `startedAt`: when the execution began (a late claim, `RunClaimTicket`).
     */
    async claimRuns({ workflowId, runIds, startedAt }: { workflowId: string; runIds: string[]; startedAt?: string }): Promise<ClaimedRuns> {
      const claimed = await db
        .update(runs)
        .set({ status: 'running', workflowId, startedAt: sql`coalesce(${runs.startedAt}, ${startedAt ?? null}::timestamptz, now())` })
        .where(and(inArray(runs.id, runIds), or(eq(runs.status, 'queued'), and(eq(runs.status, 'running'), eq(runs.workflowId, workflowId)))))
        .returning({ runId: runs.id, ...summary });
      for (const run of claimed) listener.started?.(run);
      const outcome: ClaimedRuns = { claimed: claimed.map((r) => r.runId), cancelled: [], elsewhere: [] };
      if (claimed.length === runIds.length) return outcome;
      const rest = runIds.filter((id) => !outcome.claimed.includes(id));
      const rows = await db.select({ id: runs.id, status: runs.status }).from(runs).where(inArray(runs.id, rest));
      for (const id of rest) {
        const row = rows.find((r) => r.id === id);
        if (!row) throw new Error(`run ${id} has no run record yet`);
        (row.status === 'cancelled' ? outcome.cancelled : outcome.elsewhere).push(id);
      }
      return outcome;
    },

    /** The records of one run: see `completeRuns`. */
    async completeRun(run: CompletedRun): Promise<void> {
      await completeRuns([run]);
    },

    completeRuns,
  };
}

/** Whether a claiming completion records this run: still queued (claimed now), or claimed by this execution already. */
function isOwnToRecord(run: { status: string; workflowId: string; startedAt: Date | null }, workflowId: string): boolean {
  return run.status === 'queued' || (run.workflowId === workflowId && run.startedAt !== null);
}

/**
 * Stores the effect writes of these runs: their outputs in one statement (not those of `withoutOutputs`:
 * runs whose flow never stores item data), their lineage in one more.
 */
async function storeEffectWrites(
  db: Db,
  present: readonly { id: string; workspaceId: string; flowId: string }[],
  written: readonly Pick<CompletedRun, 'runId' | 'effectWrites'>[],
  withoutOutputs: ReadonlySet<string> = new Set(),
): Promise<void> {
  const runOf = new Map(present.map((p) => [p.id, p] as const));
  const steps = written.flatMap(({ runId, effectWrites = [] }) => {
    const run = runOf.get(runId);
    return run ? effectWrites.map((write) => ({ workspaceId: run.workspaceId, runId, flowId: run.flowId, ...write })) : [];
  });
  await saveNodeOutputs(db, steps.filter((step) => !withoutOutputs.has(step.runId)));
  await saveLineage(
    db,
    steps.flatMap(({ workspaceId, runId, flowId, nodeId, touched, at }) => touched.map((t) => ({ workspaceId, runId, flowId, nodeId, ...t, at: new Date(at) }))),
  );
}

function toRunError(error: NonNullable<RunResult['error']>): RunError {
  return {
    message: error.message,
    category: error.category,
    ...(error.nodeId ? { nodeId: error.nodeId } : {}),
    ...(error.field ? { field: error.field } : {}),
  };
}

function toStepRow(runId: string, runCreatedAt: Date, step: NodeTrace, attempts: number, timing: StepTimings[string] | undefined): typeof runSteps.$inferInsert {
  const output = Object.fromEntries(
    Object.entries(step.outputSample).map(([port, items]) => [
      port,
      { items: items.slice(0, SAMPLE_ITEMS), total: step.itemsOut[port] ?? items.length },
    ]),
  );
  return {
    runId,
    runCreatedAt,
    nodeId: step.nodeId,
    nodeType: step.type,
    status: step.status,
    attempts,
    itemsIn: step.itemsIn,
    itemsOut: { ...step.itemsOut },
    input: { items: step.inputSample.slice(0, SAMPLE_ITEMS), total: step.itemsIn },
    output,
    skipped: step.skipped.slice(0, 20).map((s) => ({ item: s.json, reason: s.reason })),
    error: step.error ? toRunError(step.error) : null,
    ...(timing ? { startedAt: new Date(timing.startedAt), finishedAt: new Date(timing.finishedAt) } : {}),
  };
}
