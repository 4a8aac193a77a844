import { and, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { runs, runSteps, type RunError } from '../../db/schema';
import type { NodeTrace, RunResult } from '../../flows-engine/index';
import type { StepTimings } from '../run-input';
import { wakeRelay } from '../../domain/inbox/enqueue';
import { runOutcome } from '../../domain/runs/run-outcome';
import { applyItemDataPolicy } from './item-data-policy';

/** What the workflow reports at the end of a run; attempts per node come from the effect activities. */
export interface CompletedRun {
  runId: string;
  result: Pick<RunResult, 'status' | 'trace' | 'error'>;
  attempts: Record<string, number>;
  itemsIn: number;
  itemsOut: number;
  /** When each step ran (runs recorded before step-outputs-v1 have none). */
  timings?: StepTimings;
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

/** Run records: written by activities, in as few statements as the data allows. */
export function createRunRecords(db: Db, listener: RunRecordListener = {}) {
  const summary = { workspaceId: runs.workspaceId, flowId: runs.flowId, version: runs.version, trigger: runs.trigger };
  /** Throws (so the activity is retried) unless the run row exists; returns its status. */
  async function existingStatus(runId: string) {
    const [row] = await db.select({ status: runs.status }).from(runs).where(eq(runs.id, runId));
    if (!row) throw new Error(`run ${runId} has no run record yet`);
    return row.status;
  }

  return {
    /** Marks the run running, unless it was cancelled before it started: then says so, and the workflow stops. */
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
     * One transaction: every step row (one multi-row insert) and the run row. Idempotent on retry.
     * The steps are written even for a run cancelled meanwhile, but its status stays `cancelled`.
     */
    async completeRun({ runId, result, attempts, itemsIn, itemsOut, timings = {} }: CompletedRun): Promise<void> {
      const skipped = result.trace.reduce((sum, step) => sum + step.skippedCount, 0);
      const error = result.error ? toRunError(result.error) : null;
      const finished = await db.transaction(async (tx) => {
        await tx.delete(runSteps).where(eq(runSteps.runId, runId));
        const steps = await applyItemDataPolicy(
          tx as unknown as Db,
          runId,
          result.trace.map((step) => toStepRow(runId, step, attempts[step.nodeId] ?? (step.status === 'skipped' ? 0 : 1), timings[step.nodeId])),
        );
        if (steps.length > 0) await tx.insert(runSteps).values(steps);
        const updated = await tx
          .update(runs)
          .set({
            status: result.status,
            itemsIn,
            itemsOut,
            itemsSkipped: skipped,
            error,
            outcome: runOutcome(result),
            finishedAt: sql`now()`,
            startedAt: sql`coalesce(${runs.startedAt}, now())`,
          })
          .where(and(eq(runs.id, runId), notCancelled))
          .returning({ ...summary, startedAt: runs.startedAt, finishedAt: runs.finishedAt });
        if (updated.length === 0) {
          const [row] = await tx.select({ id: runs.id }).from(runs).where(eq(runs.id, runId));
          if (!row) throw new Error(`run ${runId} has no run record`); // rolls back; retried
        }
        // The next event of this run's ordering key may start now: wake the relay.
        await wakeRelay(tx);
        return updated[0];
      });
      if (finished && listener.finished) {
        const { startedAt, finishedAt, ...run } = finished;
        const durationMs = startedAt && finishedAt ? finishedAt.getTime() - startedAt.getTime() : undefined;
        await listener.finished({ runId, ...run, status: result.status, itemsIn, itemsOut, durationMs, error });
      }
    },
  };
}

function toRunError(error: NonNullable<RunResult['error']>): RunError {
  return {
    message: error.message,
    category: error.category,
    ...(error.nodeId ? { nodeId: error.nodeId } : {}),
    ...(error.field ? { field: error.field } : {}),
  };
}

function toStepRow(runId: string, step: NodeTrace, attempts: number, timing: StepTimings[string] | undefined): typeof runSteps.$inferInsert {
  const output = Object.fromEntries(
    Object.entries(step.outputSample).map(([port, items]) => [
      port,
      { items: items.slice(0, SAMPLE_ITEMS), total: step.itemsOut[port] ?? items.length },
    ]),
  );
  return {
    runId,
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
