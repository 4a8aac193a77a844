import { getDb } from '../../../../db/client';
import { env } from '../../../../domain/platform/env';
import { acceptWebhook } from '../../../../domain/inbox/accept-webhook';
import { readBodyWithLimit } from '../../../../domain/inbox/read-body';
import { recordRejectedDelivery } from '../../../../domain/inbox/rejected-deliveries';
import { logger } from '../../../../domain/platform/logger';

export const dynamic = 'force-dynamic';

const log = logger.child({ component: 'intake' });
const MAX_BODY_BYTES = env().SYNCLINE_WEBHOOK_MAX_BYTES;

/**
 * Webhook intake. Answers 202 with the event id once the event is stored in
 * the inbox; the worker's relay, woken by the NOTIFY in the same transaction,
 * starts the run. The intake never talks to Temporal, so a slow or absent
 * Temporal never loses or delays the acknowledgement.
 */
export async function POST(req: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const body = await readBodyWithLimit(req, MAX_BODY_BYTES);
  if (!body.ok) return refuse(token, { status: 413, message: `The body is larger than the limit of ${MAX_BODY_BYTES} bytes.` }, null);
  const db = getDb();
  const outcome = await acceptWebhook(db, {
    token,
    body: body.text,
    idempotencyKey: req.headers.get('idempotency-key'),
    header: (name) => req.headers.get(name),
  });
  if (outcome.kind === 'rejected') return refuse(token, outcome, Buffer.byteLength(body.text));
  // The event id is the id of the run it starts.
  log.info({ runId: outcome.eventId, duplicate: outcome.duplicate, queued: outcome.flowStatus === 'paused' }, 'webhook accepted');
  return Response.json(
    { eventId: outcome.eventId, duplicate: outcome.duplicate, queued: outcome.flowStatus === 'paused' },
    { status: 202 },
  );
}

/**
 * Answers a refused delivery and records it on the flow (reason and time, never the body) so its owner
 * sees it on the trigger panel. Recording is best effort: the sender's answer never waits on its failure.
 */
async function refuse(token: string, refusal: { status: number; message: string }, bodyBytes: number | null): Promise<Response> {
  log.info({ status: refusal.status, reason: refusal.message }, 'webhook rejected');
  await recordRejectedDelivery(getDb(), { token, status: refusal.status, reason: refusal.message, bodyBytes }).catch((error: unknown) =>
    log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not record a rejected webhook delivery'),
  );
  return Response.json({ error: refusal.message }, { status: refusal.status });
}
