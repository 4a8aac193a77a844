import type { RunClaimTicket } from '../activities/run-records';
import { runsLocally, type EffectCaller, type RecordsActivities } from './execute-run';

/** Thrown into a run's own steps when its claim was refused: the run stops and is not recorded by this execution. */
export class RunNotClaimed extends Error {
  constructor() {
    super('This run is not this execution’s to run (cancelled before it started, or run elsewhere).');
  }
}

/**
 * One run of a batch claimed late (`lazy-claims-v1`): not by a local activity of its own before its first
 * step, but by the first thing that touches the outside world or takes time. Pure steps (Filter,
 * Transform, Continue If) need no claim: running them twice, or for a run cancelled meanwhile, changes
 * nothing anywhere. So:
 * - its first effect carries the claim into its own activity (`NodeEffectRequest.claim`): claimed, then
 *   run, in one local activity; refused, and the effect does not run;
 * - a timer (Delay) or an effect too slow for a local activity is preceded by a claim of its own, so the
 *   run is `running`, not `queued`, while it waits;
 * - a run with neither is claimed by its completion (`completeRuns` with the ticket), which records it
 *   only if it is still this execution's.
 * That is one local activity fewer per execution, and for a flow without effects half of them.
 */
export function lateClaim(runId: string, ticket: RunClaimTicket, records: RecordsActivities) {
  let verdict: 'unclaimed' | 'claimed' | 'cancelled' | 'elsewhere' = 'unclaimed';

  const claimNow = async (): Promise<void> => {
    if (verdict === 'claimed') return;
    if (verdict !== 'unclaimed') throw new RunNotClaimed();
    const outcome = await records.claimRuns({ ...ticket, runIds: [runId] });
    if (outcome.claimed.includes(runId)) {
      verdict = 'claimed';
      return;
    }
    verdict = outcome.cancelled.includes(runId) ? 'cancelled' : 'elsewhere';
    throw new RunNotClaimed();
  };

  return {
    /** Set once the run turned out not to be this execution's: it stops, and its summary says why. */
    get refused(): 'cancelled' | 'skipped' | undefined {
      return verdict === 'cancelled' ? 'cancelled' : verdict === 'elsewhere' ? 'skipped' : undefined;
    },

    /** The run's effect calls, claiming with the first. */
    effects(inner: EffectCaller): EffectCaller {
      return async (request, settings) => {
        if (verdict === 'unclaimed' && !runsLocally(settings, true)) await claimNow();
        if (verdict === 'cancelled' || verdict === 'elsewhere') throw new RunNotClaimed();
        const claiming = verdict === 'unclaimed';
        const result = await inner(claiming ? { ...request, claim: ticket } : request, settings);
        if (result.notClaimed) {
          verdict = result.notClaimed;
          throw new RunNotClaimed();
        }
        if (claiming) verdict = 'claimed';
        return result;
      };
    },

    /** Before a timer: the run is claimed, so it shows `running` while it waits. */
    beforeWait: claimNow,
  };
}
