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
  /**
   * An event was announced: (re)arm the pass. `notBeforeMs`: the pass waits at least this long from now
   * (never beyond the linger), whatever the quiet window says.
   */
  poke(notBeforeMs?: number): void;
  /** What the pending pass waits for has come (a released hold's expected events): it runs now. */
  now(): void;
  /** Drop a pending pass (on stop). */
  cancel(): void;
}

export function createLinger(fire: () => void, { lingerMs, quietMs }: { lingerMs: number; quietMs: number }): Linger {
  let pending: { timer: NodeJS.Timeout; deadline: number; notBefore: number } | undefined;
  return {
    poke(notBeforeMs = 0) {
      const now = Date.now();
      const deadline = pending?.deadline ?? now + lingerMs;
      const notBefore = Math.min(deadline, Math.max(pending?.notBefore ?? 0, now + notBeforeMs));
      clearTimeout(pending?.timer);
      const timer = setTimeout(() => {
        pending = undefined;
        fire();
      }, Math.max(0, notBefore, Math.min(deadline, now + Math.min(quietMs, lingerMs))) - now);
      pending = { timer, deadline, notBefore };
    },
    now() {
      if (!pending) return;
      clearTimeout(pending.timer);
      pending = undefined;
      fire();
    },
    cancel() {
      clearTimeout(pending?.timer);
      pending = undefined;
    },
  };
}
