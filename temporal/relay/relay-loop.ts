import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import type { Db } from '../../db/client';
import { isDatabaseConnectionFault } from '../../db/connection-faults';
import { errorWithCauses } from '../../domain/platform/logger';
import { arrivedEvents, finishedRunIds, INBOX_CHANNEL } from '../../domain/inbox/channels';
import { createLinger } from './linger';
import { relayPendingEvents } from './relay';
import { releasedBatches } from './released-batches';

export interface RelayLoop {
  stop(): Promise<void>;
}

/** Passes that may run at once: a new event need not wait for the Temporal starts of the previous batch. */
const MAX_CONCURRENT_PASSES = 3;
const BATCH = 200;
/** While PostgreSQL is away, passes wait 1 s, 2 s, 4 s ... up to this long (not every 2 s, and not a NOTIFY's). */
const MAX_OUTAGE_BACKOFF_MS = 15_000;
/**
 * Ready runs of one flow version that share a workflow execution (see `runFlowBatchWorkflow`): the
 * execution's fixed cost (start, tasks, completion, history) is paid once for all of them. Bounded so
 * the execution's history and its concurrent local activities stay small.
 */
const MAX_RUNS_PER_EXECUTION = 20;
/** A NOTIFY's pass waits until no event has been announced for QUIET_MS, at most LINGER_MS (see linger.ts). */
const LINGER_MS = 20;
const QUIET_MS = 4;
/**
 * While the latest execution this loop started for a flow runs, the flow's next events wait for it (at
 * most this long), so they gather into one batch instead of trickling into many small executions: group
 * commit for workflow executions. An idle flow's event starts at once; under load a batch holds what
 * arrived during one execution. The hold ends when any run of that execution finishes (its NOTIFY names
 * the runs) or after this long, so a slow or stuck execution (a Delay, a hung API) never holds a flow back
 * for longer. Only this loop's own starts hold: another worker's relay may start alongside.
 */
const HOLD_MAX_MS = 200;
/**
 * A released flow's events wait up to this long more before their pass (measured: 20 ms gave 9.4-9.6 runs
 * per execution at c10 where 12 ms gave 7.8-8.1 and none 6.3-6.5), so that the events its finished runs
 * cause at once (the next change of the same records, a caller that sends its next request when it sees
 * the last one done) join them in one execution, instead of the two groups taking turns at the hold for ever.
 * The pass runs sooner, at once, when as many new events of the flow have come as its runs finished: the
 * next batch is as large as the last, and waiting longer would only add latency.
 */
const RELEASED_GATHER_MS = LINGER_MS;

/**
 * Runs in the worker: relays pending inbox events whenever the intake
 * announces one (LISTEN/NOTIFY) and every `intervalMs` regardless, which is
 * what picks up events accepted while Temporal was down or the flow paused.
 * Up to MAX_CONCURRENT_PASSES passes overlap; they claim disjoint events (SKIP LOCKED) and the
 * ordering gate sees events another pass holds, so overlapping changes nothing but latency.
 * While the database is unreachable the loop backs off (one line when it goes, one when it is back), and
 * resumes by itself; events accepted meanwhile wait in the inbox.
 */
export function startRelayLoop(options: {
  db: Db;
  sql: postgres.Sql;
  temporal: Client;
  intervalMs?: number;
  eagerStart?: boolean;
  /** Default MAX_RUNS_PER_EXECUTION; 1 gives every run its own execution. */
  maxRunsPerExecution?: number;
  /** Default HOLD_MAX_MS; 0: no holds. */
  holdMs?: number;
  log?: (line: string) => void;
}): RelayLoop {
  const log = options.log ?? (() => {});
  const running = new Set<Promise<void>>();
  let wanted = false;
  let stopped = false;
  let outage: { since: number; backoffMs: number; retryAt: number } | undefined;
  const holdMs = options.holdMs ?? HOLD_MAX_MS;
  /** Flows whose next batch is gathering: the runs of their latest execution, and the hold's time limit. */
  const holds = new Map<string, { runIds: ReadonlySet<string>; timer: NodeJS.Timeout }>();
  const release = (flowId: string): void => {
    clearTimeout(holds.get(flowId)?.timer);
    holds.delete(flowId);
  };
  const hold = ({ flowId, runIds }: { flowId: string; runIds: string[] }): void => {
    if (holdMs <= 0 || stopped) return;
    release(flowId);
    const timer = setTimeout(() => {
      if (holds.get(flowId)?.timer !== timer) return;
      holds.delete(flowId);
      pass();
    }, holdMs);
    holds.set(flowId, { runIds: new Set(runIds), timer });
  };

  const onePass = async (): Promise<void> => {
    try {
      const outcome = await relayPendingEvents(options.db, options.temporal, {
        limit: BATCH,
        eagerStart: options.eagerStart,
        maxRunsPerExecution: options.maxRunsPerExecution ?? MAX_RUNS_PER_EXECUTION,
        heldFlows: [...holds.keys()],
        onExecutionStarted: hold,
      });
      if (outage) {
        log(`relay: the database is reachable again after ${Math.round((Date.now() - outage.since) / 1000)}s; resuming`);
        outage = undefined;
      }
      if (outcome.failed > 0) log(`relay: ${outcome.failed} event(s) could not be started yet; will retry`);
      if (outcome.started === BATCH) wanted = true;
    } catch (error) {
      if (!isDatabaseConnectionFault(error)) {
        log(`relay: pass failed: ${errorWithCauses(error)}`);
        return;
      }
      const backoffMs = outage ? Math.min(MAX_OUTAGE_BACKOFF_MS, outage.backoffMs * 2) : 1000;
      if (!outage) log(`relay: the database is unreachable (${errorWithCauses(error)}); retrying with backoff up to ${MAX_OUTAGE_BACKOFF_MS / 1000}s`);
      outage = { since: outage?.since ?? Date.now(), backoffMs, retryAt: Date.now() + backoffMs };
    }
  };

  const pass = (): void => {
    wanted = true;
    if (outage && Date.now() < outage.retryAt) return; // the interval timer tries again once the backoff is over
    while (wanted && !stopped && running.size < MAX_CONCURRENT_PASSES) {
      wanted = false;
      const current: Promise<void> = onePass().finally(() => {
        running.delete(current);
        if (wanted) pass();
      });
      running.add(current);
    }
  };

  const gathering = releasedBatches();
  const linger = createLinger(
    () => {
      gathering.clear();
      pass();
    },
    { lingerMs: LINGER_MS, quietMs: QUIET_MS },
  );

  /**
   * New events linger; finished runs release their flow's hold, whose events then gather for up to
   * RELEASED_GATHER_MS, or until as many new events came as runs finished.
   */
  const notified = (payload: string): void => {
    const finished = finishedRunIds(payload);
    let released = false;
    for (const [flowId, { runIds }] of holds) {
      const ended = finished.filter((id) => runIds.has(id)).length;
      if (ended === 0) continue;
      release(flowId);
      gathering.released(flowId, ended);
      released = true;
    }
    linger.poke(released ? RELEASED_GATHER_MS : 0);
    const arrived = arrivedEvents(payload);
    if (arrived && gathering.arrived(arrived.flowId, arrived.count)) linger.now();
  };

  const timer = setInterval(pass, options.intervalMs ?? 2000);
  const listening = options.sql.listen(INBOX_CHANNEL, notified, pass).catch((error: unknown) => {
    log(`relay: LISTEN failed, polling only: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      linger.cancel();
      for (const flowId of [...holds.keys()]) release(flowId);
      const subscription = await listening;
      await subscription?.unlisten();
      await Promise.all(running);
    },
  };
}
