import { CancellationScope, condition, defineSignal, isCancellation, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CompletedRun, EffectWrite, RunClaimTicket } from '../activities/run-records';
import { CANCEL_RUN_SIGNAL } from '../api/ids';
import type { BatchedRun, RunBatchInput, RunFlowInput, RunFlowSummary } from '../run-input';
import { executeRun, notRunSummary, recordsActivities } from './execute-run';
import { gatheredEffects } from './gathered-effects';
import { lateClaim } from './late-claim';

const cancelRun = defineSignal<[runId: string]>(CANCEL_RUN_SIGNAL);

/** Patch marker of gathered effects: runs waiting on one effect step together make one activity (`gathered-effects.ts`). */
const GATHERED_EFFECTS_PATCH = 'gathered-effects-v1';

/** Patch marker of late claims: no claim activity before the runs start; each run is claimed by its first effect, timer or completion (`late-claim.ts`). */
const LAZY_CLAIMS_PATCH = 'lazy-claims-v1';

/**
 * A few ready runs of one flow version in one workflow execution: the relay's lever against the
 * fixed cost of an execution (its start, its tasks, its completion), which is most of a small run's
 * CPU in the Temporal server and the worker. Each run is claimed late (`late-claim.ts`): by its first
 * effect, before its first timer, or by its completion. Each run keeps what makes it a run: its own record and
 * steps (written by `completeRuns`, several runs per statement), its own retry and idempotency keys
 * (from its own input), its own cancel (the `cancelRun` signal cancels that run's scope only), and
 * its record's `workflow_id` names this execution. Runs execute side by side: one that fails (a step
 * error, or even a bug in the workflow code for its data) is recorded failed without touching the
 * others, and one that waits (a Delay, a slow effect) does not hold back the others' records: every
 * record is written as soon as its run ends, together with whatever else ended meanwhile.
 * A batch never holds two runs of one ordering key (the relay claims the later one only once the earlier one finished).
 */
export async function runFlowBatchWorkflow(batch: RunBatchInput): Promise<RunFlowSummary[]> {
  const records = recordsActivities(true);
  const scopes = new Map<string, CancellationScope>();
  const cancelled = new Set<string>();
  setHandler(cancelRun, (runId) => {
    cancelled.add(runId);
    scopes.get(runId)?.cancel();
  });

  const effects = patched(GATHERED_EFFECTS_PATCH) ? gatheredEffects() : undefined;
  const ticket: RunClaimTicket | undefined = effects && patched(LAZY_CLAIMS_PATCH) ? { workflowId: workflowInfo().workflowId, startedAt: new Date().toISOString() } : undefined;
  let toRun = batch.runs;
  const notRun: RunFlowSummary[] = [];
  if (!ticket) {
    // Executions started before lazy-claims-v1 claim every run first, in one activity.
    const claim = await records.claimRuns({ workflowId: workflowInfo().workflowId, runIds: batch.runs.map((r) => r.runId) });
    notRun.push(...claim.cancelled.map((id) => notRunSummary(id, 'cancelled')), ...claim.elsewhere.map((id) => notRunSummary(id, 'skipped')));
    toRun = batch.runs.filter((r) => claim.claimed.includes(r.runId));
  }

  const ended: CompletedRun[] = [];
  /** Runs whose completion found them not this execution's (claimed late, by the completion). */
  const unrecorded = new Map<string, 'cancelled' | 'skipped'>();
  let running = toRun.length;
  // Writes the records of the runs that ended, together, while the others go on.
  const writer = (async () => {
    for (;;) {
      await condition(() => ended.length > 0 || running === 0);
      if (ended.length === 0) return;
      if (!ticket) {
        await records.completeRuns(ended.splice(0));
        continue;
      }
      const left = await records.completeRuns(ended.splice(0), ticket);
      for (const id of left.cancelled) unrecorded.set(id, 'cancelled');
      for (const id of left.elsewhere) unrecorded.set(id, 'skipped');
    }
  })();

  const summaries = await Promise.all(
    toRun.map(async (run) => {
      const effectWrites: EffectWrite[] = [];
      try {
        if (cancelled.has(run.runId)) return notRunSummary(run.runId, 'cancelled');
        const scope = new CancellationScope();
        scopes.set(run.runId, scope);
        const claim = ticket && effects ? lateClaim(run.runId, ticket, records) : undefined;
        const { summary, completion } = await scope.run(() =>
          executeRun(runInput(batch, run), {
            local: true,
            stepOutputs: true,
            records,
            effectWrites,
            effects: claim && effects ? claim.effects(effects.run) : effects?.run,
            beforeWait: claim?.beforeWait,
          }),
        );
        // Refused by its claim: not this execution's run; nothing of it is recorded here.
        if (claim?.refused) return notRunSummary(run.runId, claim.refused);
        ended.push(completion);
        // A cancelled run's steps are recorded; its status stays `cancelled` (`completeRuns` never changes that).
        return cancelled.has(run.runId) ? { ...summary, status: 'cancelled' as const } : summary;
      } catch (error) {
        if (isCancellation(error)) {
          // What its effects did before the cancel stays on record (outside the run's cancelled scope).
          if (effectWrites.length > 0) await records.saveEffectWrites([{ runId: run.runId, effectWrites }]);
          return notRunSummary(run.runId, 'cancelled');
        }
        // Not a step failure (the engine records those itself) but a fault of the workflow code for
        // this run's data: this run fails, its neighbours go on.
        const message = `The run stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
        ended.push({ runId: run.runId, result: { status: 'failed', trace: [], error: { message, category: 'unexpected' } }, attempts: {}, itemsIn: 0, itemsOut: 0, effectWrites });
        return { runId: run.runId, status: 'failed' as const, itemsIn: 0, itemsOut: 0, itemsSkipped: 0, error: { message, category: 'unexpected' } };
      } finally {
        scopes.delete(run.runId);
        running--;
      }
    }),
  );
  await effects?.close();
  await writer;
  return [...summaries.map((s) => (unrecorded.has(s.runId) ? notRunSummary(s.runId, unrecorded.get(s.runId)!) : s)), ...notRun];
}

function runInput(batch: RunBatchInput, run: BatchedRun): RunFlowInput {
  return {
    workspaceId: batch.workspaceId,
    flowId: batch.flowId,
    flowName: batch.flowName,
    version: batch.version,
    flow: batch.flow,
    integrationIdentities: batch.integrationIdentities,
    ...run,
  };
}
