/**
 * One run's execution inside a workflow, shared by the single-run workflow (`run-flow.ts`) and the
 * batch workflow (`run-flow-batch.ts`): a thin interpreter over flows-engine. Pure nodes run inline
 * (deterministic); effectful nodes run as activities. It returns what the run's record must say and
 * leaves the writing to its caller, so a batch writes the records of many runs in one activity.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { EffectRequest, FlowNode, Item, NodeSettings, NodeTrace } from '../../flows-engine/index';
import type { Activities } from '../activities';
import type { NodeEffectFailureDetails, NodeEffectRequest, NodeEffectResult } from '../activities/node-effect';
import type { CompletedRun, EffectWrite } from '../activities/run-records';
import type { RunFlowInput, RunFlowSummary, StepTimings } from '../run-input';
import { OWN_DATABASE_UNAVAILABLE } from '../api/ids';
import { sharedEngine } from './shared-engine';

const { executeFlow, nodeRegistry, TransientError, UnexpectedError, UserError } = sharedEngine();

/**
 * Run records are short database writes: local activities (run in the worker
 * within the workflow task, no extra round trips through the server). They
 * must land even if PostgreSQL is away for a while: retried without limit.
 */
const RECORDS_OPTIONS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '30 seconds', backoffCoefficient: 2 },
} as const;

export function recordsActivities(local: boolean) {
  return local ? proxyLocalActivities<Activities>(RECORDS_OPTIONS) : proxyActivities<Activities>(RECORDS_OPTIONS);
}

export type RecordsActivities = ReturnType<typeof recordsActivities>;

/**
 * Effects up to this timeout run as local activities: in the worker, inside the
 * workflow task, with no round trips through the server per step, which is most
 * of what a sync step costs. Longer ones run as ordinary activities (with a
 * heartbeat timeout), so a slow call does not hold a workflow task open.
 * Either way an effect may run again after a crash; the idempotency key
 * (`originalRunId:nodeId`) is what makes that harmless.
 */
export const LOCAL_EFFECT_MAX_TIMEOUT_MS = 120_000;

/** Each effectful node gets the retry policy and timeout set on it in the editor. */
export function effectActivity(settings: NodeSettings, local: boolean) {
  const retry = {
    maximumAttempts: settings.retry.maximumAttempts,
    initialInterval: settings.retry.initialIntervalMs,
    backoffCoefficient: settings.retry.backoffCoefficient,
    maximumInterval: settings.retry.maximumIntervalMs,
    nonRetryableErrorTypes: ['UserError'],
  };
  if (runsLocally(settings, local)) {
    return proxyLocalActivities<Activities>({ startToCloseTimeout: settings.timeoutMs, retry }).runNodeEffect;
  }
  return proxyActivities<Activities>({
    startToCloseTimeout: settings.timeoutMs,
    heartbeatTimeout: Math.min(settings.timeoutMs, 60_000),
    retry,
  }).runNodeEffect;
}

/** Whether an effect with these settings runs as a local activity. */
export function runsLocally(settings: NodeSettings, local: boolean): boolean {
  return local && settings.timeoutMs <= LOCAL_EFFECT_MAX_TIMEOUT_MS;
}

/** Runs one effect request with its node's settings: one activity per call, or gathered (`gathered-effects.ts`). */
export type EffectCaller = (request: NodeEffectRequest, settings: NodeSettings) => Promise<NodeEffectResult>;

/** How the run executes: the patches its workflow saw (`local-activities-v1`, `step-outputs-v1`). */
export interface ExecuteRunOptions {
  local: boolean;
  stepOutputs: boolean;
  records: RecordsActivities;
  /**
   * Where effects leave the outputs and touched records their activities handed back unstored
   * (with `stepOutputs`): the caller's, so a run that stops half-way (cancelled) can still store them.
   * The completion carries them to `completeRuns`.
   */
  effectWrites: EffectWrite[];
  /** How effect requests are run; default: one activity per request. */
  effects?: EffectCaller;
  /** Called before a timer (Delay) starts: a run claimed late is claimed there (`late-claim.ts`). */
  beforeWait?: () => Promise<void>;
}

/** Runs the flow for one run; returns its summary and the record to write (the caller writes it). */
export async function executeRun(
  input: RunFlowInput,
  { local, stepOutputs, records, effectWrites, effects = (request, settings) => effectActivity(settings, local)(request), beforeWait }: ExecuteRunOptions,
): Promise<{ summary: RunFlowSummary; completion: CompletedRun }> {
  const trigger = stepOutputs && input.trigger.batchId
    ? await records.loadTriggerBatch({ workspaceId: input.workspaceId, batchId: input.trigger.batchId })
    : input.trigger;
  const attempts: Record<string, number> = {};
  const effectTimes: StepTimings = {};
  /** Item arrays that came back by reference: passed on to the next effect by the same reference. */
  const references = new WeakMap<readonly Item[], { batchId: string; port: string }>();

  const runEffect = async (request: EffectRequest): Promise<Record<string, Item[]>> => {
    const calledAt = new Date().toISOString();
    try {
      const ref = stepOutputs ? references.get(request.items) : undefined;
      const effectRequest: NodeEffectRequest = {
        ...request,
        items: ref ? [] : [...request.items],
        workspaceId: input.workspaceId,
        runId: input.runId,
        ...(stepOutputs
          ? {
              flowId: input.flowId,
              originalRunId: input.retry?.originalRunId ?? input.runId,
              ...(input.retry?.reuseOutputsOf ? { reuseOutputOf: input.retry.reuseOutputsOf } : {}),
              ...(ref ? { itemsRef: ref } : {}),
              deferWrites: true,
            }
          : {}),
      };
      const result = await untilOwnDatabaseAnswers(() => effects(effectRequest, request.settings));
      // 0 attempts on a step that succeeded: its output was reused from the retried run.
      attempts[request.nodeId] = result.reused ? 0 : result.attempt;
      const finishedAt = result.finishedAt ?? new Date().toISOString();
      effectTimes[request.nodeId] = { startedAt: result.startedAt ?? calledAt, finishedAt };
      // Histories recorded before deferred writes have no `unsaved`: their activity stored everything.
      if (result.unsaved) effectWrites.push({ nodeId: request.nodeId, ports: result.ports, touched: result.unsaved.touched, at: finishedAt });
      if (!result.portsRef) return result.ports;
      const ports = await records.loadOutputBatch({ workspaceId: input.workspaceId, batchId: result.portsRef });
      for (const [port, items] of Object.entries(ports)) references.set(items, { batchId: result.portsRef, port });
      return ports;
    } catch (error) {
      const details = failureDetails(error);
      effectTimes[request.nodeId] = { startedAt: details?.startedAt ?? calledAt, finishedAt: details?.finishedAt ?? new Date().toISOString() };
      throw toEngineError(error, request.nodeId, attempts);
    }
  };

  const runStartedAt = new Date().toISOString();
  const sleeps: { startedAt: string; finishedAt: string }[] = [];
  const result = await executeFlow({
    flow: input.flow,
    registry: nodeRegistry,
    trigger,
    meta: { runId: input.runId, flowId: input.flowId, flowName: input.flowName, version: input.version, now: input.acceptedAt },
    integrationIdentities: input.integrationIdentities,
    runEffect,
    sleep: async (ms) => {
      await beforeWait?.();
      const startedAt = new Date().toISOString();
      await sleep(ms);
      sleeps.push({ startedAt, finishedAt: new Date().toISOString() });
    },
  });

  const itemsIn = trigger.items.length;
  const last = result.trace.filter((step) => step.status === 'succeeded').at(-1);
  const itemsOut = last ? Object.values(last.itemsOut).reduce((sum, n) => sum + n, 0) : 0;
  return {
    completion: {
      runId: input.runId,
      result: { status: result.status, trace: result.trace, error: result.error },
      attempts,
      itemsIn,
      itemsOut,
      ...(stepOutputs ? { timings: stepTimings(input.flow.nodes, result.trace, effectTimes, sleeps, runStartedAt) } : {}),
      ...(effectWrites.length > 0 ? { effectWrites } : {}),
    },
    summary: {
      runId: input.runId,
      status: result.status,
      itemsIn,
      itemsOut,
      itemsSkipped: result.trace.reduce((sum, step) => sum + step.skippedCount, 0),
      ...(result.error ? { error: { message: result.error.message, category: result.error.category, nodeId: result.error.nodeId } } : {}),
    },
  };
}

/** The summary of a run this execution did not run: cancelled before it started, or held by another execution. */
export function notRunSummary(runId: string, status: 'cancelled' | 'skipped'): RunFlowSummary {
  return { runId, status, itemsIn: 0, itemsOut: 0, itemsSkipped: 0 };
}

/**
 * Timings of every step that ran, in trace order. Effect steps report their own wall-clock times;
 * Delay steps take their timer's; other pure steps run inline in the workflow in no measurable
 * time, at the (deterministic) workflow time where the previous step ended.
 */
function stepTimings(
  nodes: readonly FlowNode[],
  trace: readonly NodeTrace[],
  effects: StepTimings,
  sleeps: readonly { startedAt: string; finishedAt: string }[],
  runStartedAt: string,
): StepTimings {
  const types = new Map(nodes.map((n) => [n.id, n] as const));
  const timers = [...sleeps];
  const timings: StepTimings = {};
  let cursor = runStartedAt;
  for (const step of trace) {
    if (step.status === 'skipped') continue;
    const node = types.get(step.nodeId);
    const isTimer = node ? nodeRegistry.get(node.type, node.typeVersion)?.timer !== undefined : false;
    const timing = effects[step.nodeId] ?? (isTimer ? timers.shift() : undefined) ?? { startedAt: cursor, finishedAt: cursor };
    timings[step.nodeId] = timing;
    cursor = timing.finishedAt;
  }
  return timings;
}

/**
 * Runs an effect call again, without limit and with a growing wait (1 s up to 30 s), while it fails
 * because Syncline's own database is unreachable: an outage of ours is not the step's failure and must
 * not use up its retries (run records ride it out the same way).
 */
async function untilOwnDatabaseAnswers<T>(call: () => Promise<T>): Promise<T> {
  for (let waitMs = 1000; ; waitMs = Math.min(waitMs * 2, 30_000)) {
    try {
      return await call();
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : error;
      if (!(cause instanceof ApplicationFailure && cause.type === OWN_DATABASE_UNAVAILABLE)) throw error;
      await sleep(waitMs);
    }
  }
}

function failureDetails(error: unknown): NodeEffectFailureDetails | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.details?.[0] as NodeEffectFailureDetails | undefined) : undefined;
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
