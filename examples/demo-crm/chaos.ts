/**
 * Chaos switches for demos and tests, held in memory: take the API down, fail a share of requests,
 * slow every request. They apply to /api/* except /api/_chaos itself; the web page keeps working so a
 * person can watch what happens, and webhooks keep flowing (the outage simulated is the API's).
 */
import { z } from 'zod';
import { HttpError } from '../shared/http';

export interface ChaosState {
  down: boolean;
  failRate: number;
  delayMs: number;
  /** Status of the injected failures (down and failRate). */
  status: number;
}

export const ChaosPatch = z.strictObject({
  down: z.boolean().optional(),
  failRate: z.number().min(0).max(1).optional(),
  delayMs: z.number().int().min(0).max(120_000).optional(),
  status: z.number().int().min(400).max(599).optional(),
});

export const CALM: ChaosState = { down: false, failRate: 0, delayMs: 0, status: 503 };

export class Chaos {
  state: ChaosState = { ...CALM };

  update(patch: z.infer<typeof ChaosPatch>): ChaosState {
    this.state = { ...this.state, ...patch };
    return this.state;
  }

  reset(): ChaosState {
    this.state = { ...CALM };
    return this.state;
  }

  /** Waits `delayMs`, then throws the injected failure, if any. */
  async apply(): Promise<void> {
    const { down, failRate, delayMs, status } = this.state;
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (down) throw new HttpError(status, 'the demo CRM is down (chaos switch "down"; POST /api/_chaos {"down": false} to bring it back)');
    if (failRate > 0 && Math.random() < failRate) throw new HttpError(status, `injected failure (chaos switch "failRate" = ${failRate})`);
  }
}
