import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import type { Db } from '../../db/client';
import { INBOX_CHANNEL } from '../shared';
import { relayPendingEvents } from './relay';

export interface RelayLoop {
  stop(): Promise<void>;
}

/**
 * Runs in the worker: relays pending inbox events whenever the intake
 * announces one (LISTEN/NOTIFY) and every `intervalMs` regardless, which is
 * what picks up events accepted while Temporal was down or the flow paused.
 */
export function startRelayLoop(options: { db: Db; sql: postgres.Sql; temporal: Client; intervalMs?: number; log?: (line: string) => void }): RelayLoop {
  const log = options.log ?? (() => {});
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const pass = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const outcome = await relayPendingEvents(options.db, options.temporal, { limit: 200 });
          if (outcome.failed > 0) log(`relay: ${outcome.failed} event(s) could not be started yet; will retry`);
          if (outcome.started === 200) again = true;
        } catch (error) {
          log(`relay: pass failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };

  const timer = setInterval(pass, options.intervalMs ?? 2000);
  const listening = options.sql.listen(INBOX_CHANNEL, () => pass(), pass).catch((error: unknown) => {
    log(`relay: LISTEN failed, polling only: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      const subscription = await listening;
      await subscription?.unlisten();
      await running;
    },
  };
}
