/**
 * Sends pending alert deliveries to their webhooks, signed with the channel's secret (decrypted here,
 * in the process that sends, and nowhere else). Claiming a batch pushes its `next_attempt_at` out by
 * a lease, under SKIP LOCKED, so several workers never send the same delivery at once and a worker
 * that dies mid-send leaves it to be retried. Failures retry with exponential backoff (10 s, 20 s,
 * 40 s … capped at 30 min) up to MAX_ATTEMPTS, then the delivery is marked failed; the last error is
 * kept either way and shown on the alerts page.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { alertChannels, alertDeliveries } from '../../db/schema';
import { HttpFailure, explainStatus, sendHttp } from '../connections/http-client';
import { decryptSecret, keyRingFromEnv, type KeyRing } from '../connections/secret-box';
import { errorMessage, logger } from '../platform/logger';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signAlertBody } from './alert-signature';

const log = logger.child({ component: 'alert-delivery' });

export const MAX_ATTEMPTS = 8;
const BATCH = 20;
const LEASE_SECONDS = 120;
const TIMEOUT_MS = 10_000;

export function backoffSeconds(attempts: number): number {
  return Math.min(10 * 2 ** Math.max(0, attempts - 1), 1800);
}

export interface DeliveryOutcome {
  delivered: number;
  retrying: number;
  failed: number;
}

export async function deliverDueAlerts(db: Db, ring: KeyRing = keyRingFromEnv()): Promise<DeliveryOutcome> {
  const outcome: DeliveryOutcome = { delivered: 0, retrying: 0, failed: 0 };
  for (;;) {
    const claimed = await db.execute<{ id: string }>(sql`
      update alert_deliveries set attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS})
      where id in (
        select id from alert_deliveries where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at limit ${BATCH} for update skip locked)
      returning id`);
    if (claimed.length === 0) return outcome;
    const rows = await db
      .select({ delivery: alertDeliveries, channel: alertChannels })
      .from(alertDeliveries)
      .innerJoin(alertChannels, eq(alertChannels.id, alertDeliveries.channelId))
      .where(inArray(alertDeliveries.id, claimed.map((c) => c.id)));
    await Promise.all(
      rows.map(async ({ delivery, channel }) => {
        const error = await send(channel, delivery, ring);
        const fields = { workspaceId: delivery.workspaceId, flowId: (delivery.payload.flow as { id?: string } | undefined)?.id, deliveryId: delivery.id, channelId: channel.id, event: delivery.event, attempt: delivery.attempts };
        if (error === null) {
          outcome.delivered += 1;
          log.info(fields, 'alert delivered');
          await db.update(alertDeliveries).set({ status: 'delivered', deliveredAt: new Date(), lastError: null }).where(eq(alertDeliveries.id, delivery.id));
        } else if (error.permanent || delivery.attempts >= MAX_ATTEMPTS) {
          outcome.failed += 1;
          log.error({ ...fields, error: error.message }, 'alert delivery failed; giving up');
          await db.update(alertDeliveries).set({ status: 'failed', lastError: error.message }).where(eq(alertDeliveries.id, delivery.id));
        } else {
          outcome.retrying += 1;
          log.warn({ ...fields, error: error.message }, 'alert delivery failed; will retry');
          await db
            .update(alertDeliveries)
            .set({ lastError: error.message, nextAttemptAt: sql`now() + make_interval(secs => ${backoffSeconds(delivery.attempts)})` })
            .where(eq(alertDeliveries.id, delivery.id));
        }
      }),
    );
  }
}

type Channel = typeof alertChannels.$inferSelect;
type Delivery = typeof alertDeliveries.$inferSelect;

/** null when the receiver answered 2xx; otherwise why not, and whether retrying could help. */
async function send(channel: Channel, delivery: Delivery, ring: KeyRing): Promise<{ message: string; permanent: boolean } | null> {
  try {
    const body = JSON.stringify({ deliveryId: delivery.id, ...delivery.payload });
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = decryptSecret(channel.secretCiphertext, ring);
    const response = await sendHttp({
      method: 'POST',
      url: channel.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Syncline-Alerts',
        'x-syncline-delivery': delivery.id,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signAlertBody(secret, timestamp, body),
      },
      body,
      timeoutMs: TIMEOUT_MS,
      allowPrivateNetwork: channel.allowPrivateNetwork,
    });
    if (response.status >= 200 && response.status < 300) return null;
    return { message: `The webhook answered ${explainStatus(response.status)}`, permanent: false };
  } catch (error) {
    return { message: errorMessage(error), permanent: error instanceof HttpFailure && !error.transient };
  }
}
