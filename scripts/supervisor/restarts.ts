/**
 * How the supervisor brings a part back after it exits on its own (PostgreSQL, Temporal, the worker, the web
 * app, the demo systems): after 1 s, then 2 s, 4 s ... at most 30 s between attempts, for as long as it
 * takes. A part that then runs for a minute starts from 1 s again. The supervisor never gives up on a part,
 * and one part going never stops the others: the web app keeps accepting webhooks while Temporal or the
 * worker is away, and regains PostgreSQL when it is back.
 */
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;
const STABLE_AFTER_MS = 60_000;

export class RestartBackoff {
  private attempts = 0;
  private startedAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  /** Call when the part (re)started. */
  started(): void {
    this.startedAt = this.now();
  }

  /** The wait before the next attempt, after the part exited or failed to start. */
  nextDelayMs(): number {
    if (this.now() - this.startedAt >= STABLE_AFTER_MS) this.attempts = 0;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempts);
    this.attempts = Math.min(this.attempts + 1, 30);
    return delay;
  }
}

/**
 * Keeps a part running: each time `exited` of the current run resolves, waits the backoff and calls `start`
 * again (a failed start counts as an exit). `stopped()` ends it (the supervisor is shutting down).
 */
export function keepRestarting<Run extends { exited: Promise<unknown> }>(options: {
  first: Run;
  start: () => Promise<Run>;
  /** Says why it went and how long until the next attempt; `error` is set when a start failed. */
  onExit: (run: Run | undefined, delayMs: number, error?: Error) => void;
  onRestarted?: (run: Run) => void;
  stopped: () => boolean;
}): void {
  const backoff = new RestartBackoff();
  const watch = (run: Run) => {
    void run.exited.then(() => {
      if (!options.stopped()) retry(run);
    });
  };
  const retry = (previous: Run | undefined, error?: Error) => {
    const delay = backoff.nextDelayMs();
    options.onExit(previous, delay, error);
    setTimeout(() => {
      if (options.stopped()) return;
      options.start().then(
        (run) => {
          backoff.started();
          options.onRestarted?.(run);
          watch(run);
        },
        (err: unknown) => {
          if (!options.stopped()) retry(undefined, err instanceof Error ? err : new Error(String(err)));
        },
      );
    }, delay);
  };
  watch(options.first);
}
