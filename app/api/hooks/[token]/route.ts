import { acceptWebhook } from '../../../../domain/inbox/accept-webhook';
import { describeFailure, intakeDb } from '../../../../domain/inbox/intake-db';
import { readBodyWithLimit } from '../../../../domain/inbox/read-body';
import { answerFor, logOutcome, tooLargeAnswer, unexpectedAnswer, type WebhookAnswer } from '../../../../domain/inbox/webhook-answer';
import { env } from '../../../../domain/platform/env';
import { noteRefusal } from '../../../../domain/inbox/rejected-deliveries';
import { logger } from '../../../../domain/platform/logger';

export const dynamic = 'force-dynamic';

const log = logger.child({ component: 'intake' });
const MAX_BODY_BYTES = env().SYNCLINE_WEBHOOK_MAX_BYTES;

const respond = (answer: WebhookAnswer) => new Response(answer.body, { status: answer.status, headers: answer.headers });

/**
 * Webhook intake through Next.js, for `next dev` and a bare `next start`. Under `npm start` the web
 * process's intake listener (domain/inbox/intake-listener.ts, with group commit) answers these
 * requests before Next.js sees them; both give the same answers. 202 with the event id once the event
 * is stored in the inbox; the worker's relay, woken by the NOTIFY on commit, starts the run. The
 * intake never talks to Temporal, so a slow or absent Temporal never loses or delays the answer.
 */
export async function POST(req: Request, { params }: { params: Promise<{ token: string }> }) {
  try {
    const { token } = await params;
    const body = await readBodyWithLimit(req, MAX_BODY_BYTES);
    if (!body.ok) {
      const answer = tooLargeAnswer(MAX_BODY_BYTES);
      await noteRefusal(intakeDb().db, log, { token, status: answer.status, reason: `The body is larger than the limit of ${MAX_BODY_BYTES} bytes.`, bodyBytes: null });
      return respond(answer);
    }
    const outcome = await acceptWebhook(intakeDb().db, {
      token,
      body: body.text,
      idempotencyKey: req.headers.get('idempotency-key'),
      header: (name) => req.headers.get(name),
    });
    logOutcome(log, outcome);
    if (outcome.kind === 'rejected') {
      await noteRefusal(intakeDb().db, log, { token, status: outcome.status, reason: outcome.message, bodyBytes: Buffer.byteLength(body.text) });
    }
    return respond(answerFor(outcome));
  } catch (error) {
    // Never Next's error page, never the error (postgres.js errors carry the payload) in the log.
    log.error({ reason: describeFailure(error) }, 'webhook intake failed');
    return respond(unexpectedAnswer());
  }
}
