/**
 * A job the worker runs every `intervalMs`, and at once when `trigger()` is called or a NOTIFY
 * arrives on `listen.channel`. Passes never overlap: a trigger during a pass runs one more pass after
 * it. Errors are logged and the next pass tries again. Used for alert evaluation and retention
 * clean-up; both are safe to run in many workers at once (see their modules), so no leader election.
 */
import type postgres from 'postgres';
import { errorMessage, logger } from '../../domain/platform/logger';

export interface PeriodicJob {
  trigger(): void;
  stop(): Promise<void>;
}

export function startPeriodicJob(options: {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
  listen?: { sql: postgres.Sql; channel: string };
  /** Run a first pass right away (default) or only after the first interval. */
  runAtStart?: boolean;
}): PeriodicJob {
  const log = logger.child({ component: options.name });
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const trigger = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await options.run();
        } catch (error) {
          log.error({ error: errorMessage(error) }, `${options.name}: pass failed`);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };

  const timer = setInterval(trigger, options.intervalMs);
  timer.unref();
  const listening = options.listen
    ? options.listen.sql.listen(options.listen.channel, () => trigger()).catch((error: unknown) => {
        log.warn({ error: errorMessage(error) }, `${options.name}: LISTEN failed, running on the interval only`);
        return null;
      })
    : Promise.resolve(null);
  if (options.runAtStart !== false) trigger();

  return {
    trigger,
    async stop() {
      stopped = true;
      clearInterval(timer);
      const subscription = await listening;
      await subscription?.unlisten();
      await running;
    },
  };
}
