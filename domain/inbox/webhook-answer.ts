/**
 * The HTTP answer to a webhook delivery, the same from the intake listener (intake-listener.ts) and
 * from the Next.js route (app/api/hooks/[token]/route.ts), and the log line that goes with it (event
 * id and reason only: never the body, never the token).
 */
import type { Logger } from '../platform/logger';
import type { WebhookOutcome } from './accept-webhook';

export interface WebhookAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** JSON text. */
  readonly body: string;
}

/** How long a sender should wait before sending a refused-for-now (503) delivery again. */
export const RETRY_AFTER_SECONDS = 5;

const json = (status: number, value: unknown, extra: Record<string, string> = {}): WebhookAnswer => ({
  status,
  headers: { 'content-type': 'application/json', ...extra },
  body: JSON.stringify(value),
});

export function answerFor(outcome: WebhookOutcome): WebhookAnswer {
  switch (outcome.kind) {
    case 'accepted':
      // The event id is the id of the run it starts.
      return json(202, { eventId: outcome.eventId, duplicate: outcome.duplicate, queued: outcome.flowStatus === 'paused' });
    case 'captured':
      return json(202, { captured: true, message: outcome.message });
    case 'rejected':
      return json(outcome.status, { error: outcome.message }, outcome.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {});
    case 'not-stored':
      return json(503, { error: outcome.message, stored: outcome.stored }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
    default: {
      const never: never = outcome;
      throw new Error(`unknown webhook outcome ${String(never)}`);
    }
  }
}

export function tooLargeAnswer(limit: number): WebhookAnswer {
  return json(413, { error: `The body is larger than the limit of ${limit} bytes.` });
}

/** The answer when something unforeseen broke (a bug): nothing was stored, and the sender may retry. */
export function unexpectedAnswer(): WebhookAnswer {
  return json(503, { error: 'The event was not stored because of an unexpected error. Send it again later.', stored: false }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

/**
 * The intake listener's log: deliveries accepted in the same turn of the event loop (one group commit's
 * batch is answered in one turn) share one line listing their run ids, instead of one line each; every
 * other outcome keeps its own line at once.
 */
export function batchedOutcomeLog(log: Logger): (outcome: WebhookOutcome) => void {
  let accepted: Extract<WebhookOutcome, { kind: 'accepted' }>[] = [];
  const flush = () => {
    const batch = accepted;
    accepted = [];
    const ids = (keep: (outcome: (typeof batch)[number]) => boolean) => batch.filter(keep).map((outcome) => outcome.eventId);
    const duplicates = ids((outcome) => outcome.duplicate);
    const queued = ids((outcome) => outcome.flowStatus === 'paused');
    log.info({ runIds: ids(() => true), ...(duplicates.length > 0 && { duplicates }), ...(queued.length > 0 && { queued }) }, 'webhooks accepted');
  };
  return (outcome) => {
    if (outcome.kind !== 'accepted') return logOutcome(log, outcome);
    if (accepted.push(outcome) === 1) setImmediate(flush);
  };
}

export function logOutcome(log: Logger, outcome: WebhookOutcome): void {
  switch (outcome.kind) {
    case 'accepted':
      log.info({ runId: outcome.eventId, duplicate: outcome.duplicate, queued: outcome.flowStatus === 'paused' }, 'webhook accepted');
      return;
    case 'captured':
      log.info('webhook kept as the editor’s live sample');
      return;
    case 'rejected':
      log.info({ status: outcome.status, reason: outcome.message }, 'webhook rejected');
      return;
    case 'not-stored':
      log.warn({ eventId: outcome.eventId, reason: outcome.reason }, 'webhook not stored');
      return;
  }
}
