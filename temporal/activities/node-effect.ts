import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../../db/client';
import { describeError, type EffectRequest, type Item } from '../../flows-engine/index';
import type { EffectDeps } from '../../nodes/effect-deps';
import { runNodeEffect } from '../../nodes/effects';
import { ITEM_BATCH_REFERENCE_BYTES, loadItemBatch, loadNodeOutput, saveNodeOutput, serializedBytes, type Ports } from '../../domain/runs/item-batches';
import { withoutQueryParameters } from '../../domain/platform/logger';
import { recordFailedAttempt } from '../../domain/runs/step-attempts';
import { isDatabaseConnectionFault } from '../../db/connection-faults';
import { pingDatabase } from '../../db/ping';
import { OWN_DATABASE_UNAVAILABLE } from '../api/ids';
import { recordingTouchedRecords, saveTouchedRecords, type TouchedRecord } from './record-lineage';
import type { ClaimedRuns, RunClaimTicket } from './run-records';
import { coalescedExternalIds } from './coalesced-external-ids';

export interface NodeEffectRequest extends EffectRequest {
  workspaceId: string;
  runId: string;
  /** Since step-outputs-v1: the run's flow (lineage rows), and the output is stored for retries. */
  flowId?: string;
  /** The first run of a retry chain: idempotency keys derive from it (`originalRunId:nodeId`). */
  originalRunId?: string;
  /** A retry from the failed step: reuse this run's stored output of the node instead of running it again. */
  reuseOutputOf?: string;
  /** The items by reference (an `item_batches` row of this run); `items` is empty then. */
  itemsRef?: { batchId: string; port: string };
  /**
   * Leave a small output and the touched records to the run's completion (`completeRuns` stores the
   * writes of every run of a batch in one statement each) instead of two statements per step here.
   */
  deferWrites?: boolean;
  /** Attempts already made elsewhere (the first one in a `runNodeEffects` batch): this call's attempts count on from there. */
  attemptsBefore?: number;
  /**
   * The run is not claimed yet (`lazy-claims-v1`): claim it for this execution first, and run the effect
   * only if that succeeds. A run cancelled before, or held by another execution, is not touched.
   */
  claim?: RunClaimTicket;
}

export interface NodeEffectResult {
  /** Empty when `portsRef` is set. */
  ports: Record<string, Item[]>;
  /** Set when the output was too large for workflow history: the `item_batches` row holding it. */
  portsRef?: string;
  attempt: number;
  /** True when the output of the retried run was reused and the effect did not run again. */
  reused?: boolean;
  /** Wall-clock time of the step (of the last attempt), ISO 8601. */
  startedAt?: string;
  finishedAt?: string;
  /**
   * Set when `deferWrites` was asked and the output was small: neither `ports` nor these touched
   * records are stored yet; the run's completion stores them. Absent: the activity stored both.
   */
  unsaved?: { touched: TouchedRecord[] };
  /** Set when the request's `claim` was refused: the effect did not run, and the run is not this execution's to run. */
  notClaimed?: 'cancelled' | 'elsewhere';
}

/** One request's outcome in a `runNodeEffects` batch: its result, or its failure as the single activity would have thrown it. */
export type NodeEffectOutcome =
  | { result: NodeEffectResult }
  | { failure: { type: string; message: string; nonRetryable: boolean; details: NodeEffectFailureDetails } };

/** Details attached to a failed effect, so the workflow can record the attempt count and the field. */
export interface NodeEffectFailureDetails {
  attempt: number;
  category: string;
  field?: string;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * The one generic effect activity. The idempotency key is `originalRunId:nodeId` (the run's own id
 * unless it is a retry), the same on every attempt and every retry of the run, so neither a Temporal
 * retry nor an operator's retry applies a side effect twice. Errors are classified here: user errors
 * are not retried, everything else is, with the node's retry policy.
 *
 * Since step-outputs-v1 (`flowId` set) the output is also stored in `item_batches` (for a retry from
 * the failed step, and as a reference when large) and the records touched go to the lineage: here,
 * or (`deferWrites`, small outputs) by the run's completion, which stores a whole batch's at once.
 */
export function createNodeEffectActivities(
  depsFor: (scope: { workspaceId: string }) => EffectDeps,
  db: Db,
  claimRuns: (claim: RunClaimTicket & { runIds: string[] }) => Promise<ClaimedRuns>,
) {
  /** Syncline's own database is away (the step itself may be fine): a failure that makes the workflow wait for it. */
  async function ownDatabaseAway(error: unknown, message: string, details: NodeEffectFailureDetails): Promise<ApplicationFailure | undefined> {
    if (!isDatabaseConnectionFault(error) || (await pingDatabase(db, 2000).then(() => true, () => false))) return undefined;
    return ApplicationFailure.create({ type: OWN_DATABASE_UNAVAILABLE, message: `Syncline's database is unreachable: ${message}`, nonRetryable: true, details: [details] });
  }

  /**
   * Claims the runs of the requests that ask for it, in one statement; returns the refused ones'
   * verdicts. Our own database being away is not the step's failure (the workflow waits for it).
   */
  async function claimFirst(requests: readonly NodeEffectRequest[]): Promise<Map<string, 'cancelled' | 'elsewhere'>> {
    const refused = new Map<string, 'cancelled' | 'elsewhere'>();
    const claiming = requests.filter((r) => r.claim);
    if (claiming.length === 0) return refused;
    const { workflowId, startedAt } = claiming[0]!.claim!;
    try {
      const verdict = await claimRuns({ workflowId, startedAt, runIds: claiming.map((r) => r.runId) });
      for (const id of verdict.cancelled) refused.set(id, 'cancelled');
      for (const id of verdict.elsewhere) refused.set(id, 'elsewhere');
      return refused;
    } catch (error) {
      const info = describeError(withoutQueryParameters(error));
      throw (await ownDatabaseAway(error, info.message, { attempt: 0, category: info.category })) ?? error;
    }
  }

  async function runOnce(request: NodeEffectRequest, attempt: number, depsOf = depsFor): Promise<NodeEffectResult> {
    // The run's own workspace, from the activity input: connections resolve only there.
    const deps = depsOf({ workspaceId: request.workspaceId });
    const startedAt = new Date().toISOString();
    try {
      if (request.flowId === undefined) {
        const ports = await runNodeEffect(request, { workspaceId: request.workspaceId, runId: request.runId, attempt }, deps);
        return { ports, attempt };
      }
      const step = { workspaceId: request.workspaceId, runId: request.runId, flowId: request.flowId, nodeId: request.nodeId };
      const reused = request.reuseOutputOf
        ? await loadNodeOutput(db, { workspaceId: request.workspaceId, runId: request.reuseOutputOf, nodeId: request.nodeId })
        : null;
      let ports: Ports;
      let touched: TouchedRecord[] = [];
      if (reused) {
        ports = reused;
      } else {
        const items = request.itemsRef ? await resolveItems(db, request.workspaceId, request.itemsRef) : request.items;
        const recording = recordingTouchedRecords(deps);
        ports = await runNodeEffect(
          { ...request, items },
          { workspaceId: request.workspaceId, runId: request.runId, attempt, idempotencyKey: `${request.originalRunId ?? request.runId}:${request.nodeId}` },
          recording.deps,
        );
        touched = recording.touched;
      }
      const timing = { startedAt, finishedAt: new Date().toISOString(), ...(reused ? { reused: true } : {}) };
      // Small enough to travel back through the workflow: the run's completion stores it.
      if (request.deferWrites && serializedBytes({ ports, touched }) <= ITEM_BATCH_REFERENCE_BYTES) return { ports, attempt, ...timing, unsaved: { touched } };
      await saveTouchedRecords(db, step, touched);
      const batchId = await saveNodeOutput(db, { ...step, ports });
      if (serializedBytes(ports) > ITEM_BATCH_REFERENCE_BYTES) return { ports: {}, portsRef: batchId, attempt, ...timing };
      return { ports, attempt, ...timing };
    } catch (error) {
      // The message goes into Temporal's history and the run record: never a failed query's parameters.
      const info = describeError(withoutQueryParameters(error));
      const failedAt = new Date();
      const details: NodeEffectFailureDetails = {
        attempt,
        category: info.category,
        ...(info.field ? { field: info.field } : {}),
        ...(request.flowId === undefined ? {} : { startedAt, finishedAt: failedAt.toISOString() }),
      };
      const away = await ownDatabaseAway(error, info.message, details);
      if (away) throw away;
      if (request.flowId !== undefined && info.category !== 'user') {
        const { message, category, field } = info;
        const runError = { message, category, nodeId: request.nodeId, ...(field ? { field } : {}) };
        const failure = { runId: request.runId, nodeId: request.nodeId, nodeType: request.type, attempt, retry: request.settings.retry, error: runError, startedAt: new Date(startedAt), failedAt };
        // Progress for the run page only: a database hiccup here must not turn into the step's error.
        await recordFailedAttempt(db, failure).catch(() => false);
      }
      throw ApplicationFailure.create({
        type: error instanceof Error ? error.name : 'Error',
        message: info.message,
        nonRetryable: info.category === 'user',
        details: [details],
      });
    }
  }

  return {
    async runNodeEffect(request: NodeEffectRequest): Promise<NodeEffectResult> {
      const attempt = Context.current().info.attempt + (request.attemptsBefore ?? 0);
      const notClaimed = (await claimFirst([request])).get(request.runId);
      return notClaimed ? { ports: {}, attempt, notClaimed } : runOnce(request, attempt);
    },

    /**
     * The first attempt of one effect step for several runs of a batch at once (see
     * `workflows/gathered-effects.ts`), side by side, their external-ID statements made together
     * (`coalesced-external-ids.ts`); each request's failure is returned, not thrown, so one run's
     * failure is not its neighbours' (a shared statement that fails fails the first attempt of each run
     * in it; each then retries alone). A failed request's further attempts are the workflow's business
     * (single `runNodeEffect` calls, `attemptsBefore: 1`).
     */
    async runNodeEffects({ requests }: { requests: NodeEffectRequest[] }): Promise<NodeEffectOutcome[]> {
      const refused = await claimFirst(requests);
      // The runs share their workspace's dependencies, whose external-ID statements they make together.
      const shared = new Map<string, EffectDeps>();
      const sharedDeps = (scope: { workspaceId: string }): EffectDeps => {
        let deps = shared.get(scope.workspaceId);
        if (!deps) {
          const own = depsFor(scope);
          deps = { ...own, externalIds: coalescedExternalIds(own.externalIds) };
          shared.set(scope.workspaceId, deps);
        }
        return deps;
      };
      return Promise.all(
        requests.map((request) =>
          (refused.has(request.runId) ? Promise.resolve({ ports: {}, attempt: 1, notClaimed: refused.get(request.runId) }) : runOnce(request, 1, sharedDeps)).then(
            (result): NodeEffectOutcome => ({ result }),
            (error: ApplicationFailure): NodeEffectOutcome => ({
              failure: { type: error.type ?? 'Error', message: error.message, nonRetryable: error.nonRetryable === true, details: error.details?.[0] as NodeEffectFailureDetails },
            }),
          ),
        ),
      );
    },
  };
}

async function resolveItems(db: Db, workspaceId: string, ref: { batchId: string; port: string }): Promise<Item[]> {
  const data = await loadItemBatch<Ports>(db, { workspaceId, id: ref.batchId });
  return data[ref.port] ?? [];
}
