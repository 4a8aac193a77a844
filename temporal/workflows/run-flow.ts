import { ActivityFailure, ApplicationFailure, patched, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import {
  executeFlow,
  TransientError,
  UnexpectedError,
  UserError,
  type EffectRequest,
  type Item,
  type NodeSettings,
} from '../../flows-engine/index';
import { nodeRegistry } from '../../nodes/registry';
import type { Activities } from '../activities';
import type { NodeEffectFailureDetails } from '../activities/node-effect';
import type { RunFlowInput, RunFlowSummary } from '../run-input';

/**
 * Run records are short database writes: local activities (run in the worker
 * within the workflow task, no extra round trips through the server). They
 * must land even if PostgreSQL is away for a while: retried without limit.
 */
const RECORDS_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds', backoffCoefficient: 2 },
} as const;

/**
 * Patch marker of the switch to local activities. Runs started before it
 * replay with ordinary activities, as they were recorded.
 */
const LOCAL_ACTIVITIES_PATCH = 'local-activities-v1';

function recordsActivities(local: boolean) {
  return local ? proxyLocalActivities<Activities>(RECORDS_OPTIONS) : proxyActivities<Activities>(RECORDS_OPTIONS);
}

/**
 * Effects up to this timeout run as local activities: in the worker, inside the
 * workflow task, with no round trips through the server per step, which is most
 * of what a sync step costs. Longer ones run as ordinary activities (with a
 * heartbeat timeout), so a slow call does not hold a workflow task open.
 * Either way an effect may run again after a crash; the idempotency key
 * (`runId:nodeId`) is what makes that harmless.
 */
export const LOCAL_EFFECT_MAX_TIMEOUT_MS = 120_000;

/** Each effectful node gets the retry policy and timeout set on it in the editor. */
function effectActivity(settings: NodeSettings, local: boolean) {
  const retry = {
    maximumAttempts: settings.retry.maximumAttempts,
    initialInterval: settings.retry.initialIntervalMs,
    backoffCoefficient: settings.retry.backoffCoefficient,
    maximumInterval: settings.retry.maximumIntervalMs,
    nonRetryableErrorTypes: ['UserError'],
  };
  if (local && settings.timeoutMs <= LOCAL_EFFECT_MAX_TIMEOUT_MS) {
    return proxyLocalActivities<Activities>({ startToCloseTimeout: settings.timeoutMs, retry }).runNodeEffect;
  }
  return proxyActivities<Activities>({
    startToCloseTimeout: settings.timeoutMs,
    heartbeatTimeout: Math.min(settings.timeoutMs, 60_000),
    retry,
  }).runNodeEffect;
}

/**
 * One flow run: a thin interpreter over flows-engine. Pure nodes run inline
 * here (deterministic); effectful nodes run as activities. The workflow id is
 * derived from the run id, so the same run can never start twice.
 */
export async function runFlowWorkflow(input: RunFlowInput): Promise<RunFlowSummary> {
  const local = patched(LOCAL_ACTIVITIES_PATCH);
  const records = recordsActivities(local);
  await records.markRunRunning(input.runId);
  const attempts: Record<string, number> = {};

  const runEffect = async (request: EffectRequest): Promise<Record<string, Item[]>> => {
    try {
      const { ports, attempt } = await effectActivity(request.settings, local)({
        ...request,
        items: [...request.items],
        workspaceId: input.workspaceId,
        runId: input.runId,
      });
      attempts[request.nodeId] = attempt;
      return ports;
    } catch (error) {
      throw toEngineError(error, request.nodeId, attempts);
    }
  };

  const result = await executeFlow({
    flow: input.flow,
    registry: nodeRegistry,
    trigger: input.trigger,
    meta: { runId: input.runId, flowId: input.flowId, flowName: input.flowName, version: input.version, now: input.acceptedAt },
    integrationIdentities: input.integrationIdentities,
    runEffect,
    sleep: (ms) => sleep(ms),
  });

  const itemsIn = input.trigger.items.length;
  const last = result.trace.filter((step) => step.status === 'succeeded').at(-1);
  const itemsOut = last ? Object.values(last.itemsOut).reduce((sum, n) => sum + n, 0) : 0;
  await records.completeRun({
    runId: input.runId,
    result: { status: result.status, trace: result.trace, error: result.error },
    attempts,
    itemsIn,
    itemsOut,
  });
  return {
    runId: input.runId,
    status: result.status,
    itemsIn,
    itemsOut,
    itemsSkipped: result.trace.reduce((sum, step) => sum + step.skippedCount, 0),
    ...(result.error ? { error: { message: result.error.message, category: result.error.category, nodeId: result.error.nodeId } } : {}),
  };
}

/** Turns an activity failure (after its retries) back into the engine's error categories. */
function toEngineError(error: unknown, nodeId: string, attempts: Record<string, number>): Error {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (!(cause instanceof ApplicationFailure)) return new UnexpectedError(String(cause), { nodeId });
  const details = cause.details?.[0] as NodeEffectFailureDetails | undefined;
  if (details) attempts[nodeId] = details.attempt;
  const location = { nodeId, ...(details?.field ? { field: details.field } : {}) };
  if (cause.type === 'UserError') return new UserError(cause.message, location);
  if (cause.type === 'UnexpectedError') return new UnexpectedError(cause.message, location);
  const tries = details ? ` (gave up after ${details.attempt} attempt${details.attempt === 1 ? '' : 's'})` : '';
  return new TransientError(`${cause.message}${tries}`, location);
}
