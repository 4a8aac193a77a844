/**
 * Delivers the outbox: POSTs each event to each subscription, signed with
 * `x-signature: sha256=<hex HMAC-SHA256(raw body, secret)>`, retrying with exponential backoff until a
 * 2xx. Order per record is kept by sending only the oldest undelivered delivery of each
 * (subscription, record): a later change of a record waits until the earlier one got through.
 *
 * Deliveries are leased (next_attempt_at pushed ahead, FOR UPDATE SKIP LOCKED) before sending, so a
 * second CRM process on the same database, or a crash mid-send, cannot lose or double-send a delivery
 * beyond at-least-once.
 */
import { createHmac } from 'node:crypto';
import type { Sql } from '../shared/database';

export interface DispatcherOptions {
  /** First retry delay; doubles per attempt. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often to look for due deliveries when nobody pokes. */
  pollMs?: number;
  timeoutMs?: number;
  log?: (message: string) => void;
}

interface Due {
  id: string;
  attempts: number;
  url: string;
  secret: string;
  eventId: string;
  type: string;
  body: string;
}

export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const BATCH = 50;

export class WebhookDispatcher {
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new AbortController();
  private readonly o: Required<DispatcherOptions>;

  constructor(
    private readonly sql: Sql,
    options: DispatcherOptions = {},
  ) {
    this.o = { retryBaseMs: 1_000, retryMaxMs: 60_000, pollMs: 500, timeoutMs: 10_000, log: () => {}, ...options };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** A change committed: look now rather than at the next poll. */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.inFlight.abort();
    this.poke();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let sent = 0;
      try {
        sent = await this.tick();
      } catch (err) {
        if (!this.stopped) this.o.log(`webhook dispatcher: ${(err as Error).message}`);
      }
      if (sent === 0 && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.o.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Leases and sends the due heads of each (subscription, record) queue; returns how many were tried. */
  async tick(): Promise<number> {
    const leaseMs = this.o.timeoutMs + 5_000;
    const due = await this.sql<Due[]>`
      WITH heads AS (
        SELECT d.id FROM webhook_deliveries d
        WHERE d.delivered_at IS NULL AND d.next_attempt_at <= now()
          AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries p
            WHERE p.subscription_id = d.subscription_id AND p.record_key = d.record_key
              AND p.delivered_at IS NULL AND p.id < d.id)
        ORDER BY d.id LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE webhook_deliveries d SET next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      FROM heads, webhook_subscriptions s, webhook_events e
      WHERE d.id = heads.id AND s.id = d.subscription_id AND e.id = d.event_id
      RETURNING d.id::text, d.attempts, s.url, s.secret, e.id::text AS "eventId", e.type, e.body`;
    await Promise.all(due.map((d) => this.deliver(d)));
    return due.length;
  }

  private async deliver(d: Due): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'syncline-demo-crm-webhooks/1',
          'x-signature': sign(d.body, d.secret),
          'x-event-id': d.eventId,
          'x-event-type': d.type,
        },
        body: d.body,
        signal: AbortSignal.any([AbortSignal.timeout(this.o.timeoutMs), this.inFlight.signal]),
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    if (error === null) {
      await this.sql`UPDATE webhook_deliveries SET delivered_at = now(), attempts = attempts + 1, last_status = ${status}, last_error = NULL
                     WHERE id = ${d.id}`;
      return;
    }
    if (this.stopped) return; // aborted by stop(): the lease expires and a later start sends it again
    const delay = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** d.attempts);
    await this.sql`UPDATE webhook_deliveries
                   SET attempts = attempts + 1, last_status = ${status}, last_error = ${error},
                       next_attempt_at = now() + ${delay} * interval '1 millisecond'
                   WHERE id = ${d.id}`;
    this.o.log(`webhook ${d.type} ${d.eventId} to ${d.url} failed (${error}); attempt ${d.attempts + 1}, retrying in ${delay} ms`);
  }
}
