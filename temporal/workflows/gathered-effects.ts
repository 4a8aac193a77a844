import { ApplicationFailure, CancellationScope, condition, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { NodeSettings } from '../../flows-engine/index';
import type { Activities } from '../activities';
import type { NodeEffectOutcome, NodeEffectRequest, NodeEffectResult } from '../activities/node-effect';
import { effectActivity, runsLocally, type EffectCaller } from './execute-run';

interface Waiting {
  request: NodeEffectRequest;
  settings: NodeSettings;
  resolve: (result: NodeEffectResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The effects of a batch's runs, gathered: when several runs wait on the same effect step at once, the
 * first attempt of all of them is ONE local activity (`runNodeEffects`) instead of one each. That is
 * most of what a batch of small runs costs the worker (every activity is a round trip through the SDK's
 * core and the workflow thread). The gathering needs no timer: a workflow `condition` is only checked
 * once every run has gone as far as it can in the current activation, so by then every run that will
 * wait on an effect in this activation already does.
 *
 * Each request keeps its own outcome: a user error fails only its run; a request whose first attempt
 * failed otherwise waits the node's first retry interval and goes on alone with the rest of the node's
 * attempts (`runNodeEffect`, counting on from attempt 2), as it would have in its own activity. A run
 * cancelled while it waits stops waiting at once; the gathered activity goes on for the others.
 * Effects too slow for a local activity, and a request alone, are not gathered.
 */
export function gatheredEffects(): { run: EffectCaller; close(): Promise<void> } {
  const waiting: Waiting[] = [];
  /** Gathered calls still going (a cancelled run's retries among them): the execution ends after them. */
  const going = new Set<Promise<void>>();
  let open = true;

  const loop = (async () => {
    for (;;) {
      await condition(() => waiting.length > 0 || !open);
      if (waiting.length === 0) return;
      const byNode = new Map<string, Waiting[]>();
      for (const w of waiting.splice(0)) byNode.set(w.request.nodeId, [...(byNode.get(w.request.nodeId) ?? []), w]);
      for (const group of byNode.values()) {
        const call = runGroup(group).finally(() => going.delete(call));
        going.add(call);
      }
    }
  })();

  return {
    run(request, settings) {
      if (!runsLocally(settings, true)) return effectActivity(settings, true)(request);
      const scope = CancellationScope.current();
      return new Promise<NodeEffectResult>((resolve, reject) => {
        const entry: Waiting = { request, settings, resolve, reject };
        waiting.push(entry);
        scope.cancelRequested.catch((error: unknown) => {
          const at = waiting.indexOf(entry);
          if (at >= 0) waiting.splice(at, 1);
          reject(error);
        });
      });
    },
    async close() {
      open = false;
      await loop;
      while (going.size > 0) await Promise.all(going);
    },
  };
}

async function runGroup(group: Waiting[]): Promise<void> {
  if (group.length === 1) {
    const [{ request, settings, resolve, reject }] = group as [Waiting];
    return effectActivity(settings, true)(request).then(resolve, reject);
  }
  const { settings } = group[0]!;
  let outcomes: NodeEffectOutcome[];
  try {
    outcomes = await proxyLocalActivities<Activities>({ startToCloseTimeout: settings.timeoutMs, retry: { maximumAttempts: 1 } }).runNodeEffects({
      requests: group.map((w) => w.request),
    });
  } catch {
    // The gathered call itself failed (timed out): every request gets its own activity, from its first attempt.
    await Promise.all(group.map(({ request, resolve, reject }) => effectActivity(settings, true)(request).then(resolve, reject)));
    return;
  }
  const retries: Promise<void>[] = [];
  group.forEach((w, i) => {
    const outcome = outcomes[i]!;
    if ('result' in outcome) return w.resolve(outcome.result);
    const { type, message, nonRetryable, details } = outcome.failure;
    const failure = ApplicationFailure.create({ type, message, nonRetryable, details: [details] });
    if (nonRetryable || settings.retry.maximumAttempts === 1) return w.reject(failure);
    retries.push(retryAlone(w).then(w.resolve, w.reject));
  });
  await Promise.all(retries);
}

/** After a failed first attempt: the node's first retry interval, then its remaining attempts in its own activity. */
async function retryAlone({ request, settings }: Waiting): Promise<NodeEffectResult> {
  const { retry } = settings;
  await sleep(retry.initialIntervalMs);
  const rest: NodeSettings = {
    ...settings,
    retry: {
      ...retry,
      maximumAttempts: retry.maximumAttempts > 0 ? retry.maximumAttempts - 1 : 0,
      initialIntervalMs: Math.min(retry.initialIntervalMs * retry.backoffCoefficient, retry.maximumIntervalMs),
    },
  };
  return effectActivity(rest, true)({ ...request, attemptsBefore: 1 });
}
