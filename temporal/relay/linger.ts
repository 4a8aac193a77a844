/**
 * When the relay's pass after a NOTIFY runs: once no new event has been announced for `quietMs`, and at
 * the latest `lingerMs` after the first announcement it waits for. Events arriving together (a burst, a
 * group commit of the intake) then share one pass and one workflow execution, while a lone event waits
 * only `quietMs` instead of the whole linger.
 *
 *   const linger = createLinger(pass, { lingerMs: 20, quietMs: 4 });
 *   linger.poke(); // on every NOTIFY
 */
export interface Linger {
  /** An event was announced: (re)arm the pass. */
  poke(): void;
  /** Drop a pending pass (on stop). */
  cancel(): void;
}

export function createLinger(fire: () => void, { lingerMs, quietMs }: { lingerMs: number; quietMs: number }): Linger {
  let pending: { timer: NodeJS.Timeout; deadline: number } | undefined;
  return {
    poke() {
      const now = Date.now();
      const deadline = pending?.deadline ?? now + lingerMs;
      clearTimeout(pending?.timer);
      const timer = setTimeout(() => {
        pending = undefined;
        fire();
      }, Math.max(0, Math.min(deadline, now + Math.min(quietMs, lingerMs)) - now));
      pending = { timer, deadline };
    },
    cancel() {
      clearTimeout(pending?.timer);
      pending = undefined;
    },
  };
}
