import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { flows, inboxEvents } from '../../../db/schema';
import { checkPayload } from '../../../flows-engine/index';
import { INBOX_CHANNEL } from '../../../temporal/shared';

export type WebhookOutcome =
  | { kind: 'accepted'; eventId: string; duplicate: boolean; flowStatus: 'active' | 'paused' }
  | { kind: 'rejected'; status: 400 | 404 | 409; message: string };

/**
 * Accepts one webhook delivery: the event is written to the inbox in the same
 * transaction that decides the answer, so a 202 means it is stored durably.
 * The dedupe key is the `Idempotency-Key` header when given, otherwise a hash
 * of the body: a sender's repeated delivery of the same event never makes a
 * second run.
 */
export async function acceptWebhook(db: Db, input: { token: string; body: string; idempotencyKey: string | null }): Promise<WebhookOutcome> {
  const [flow] = await db
    .select({ id: flows.id, workspaceId: flows.workspaceId, status: flows.status })
    .from(flows)
    .where(and(eq(flows.webhookToken, input.token), isNull(flows.archivedAt)));
  if (!flow) return { kind: 'rejected', status: 404, message: 'No flow listens at this address.' };
  if (flow.status === 'draft') {
    return { kind: 'rejected', status: 409, message: 'This flow is not active: publish and activate it to accept events.' };
  }

  let payload: unknown;
  try {
    payload = input.body === '' ? {} : JSON.parse(input.body);
  } catch (error) {
    return { kind: 'rejected', status: 400, message: `The body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}` };
  }
  const check = checkPayload(payload, {});
  if (!check.ok) return { kind: 'rejected', status: 400, message: check.error };

  const dedupeKey = input.idempotencyKey?.trim() ? `key:${input.idempotencyKey.trim()}` : `body:${createHash('sha256').update(input.body).digest('hex')}`;
  // One round trip: insert (or recognise the repeat) and wake the relay; the NOTIFY is delivered on commit.
  const inserted = await db.execute<{ id: string }>(sql`
    with ins as (
      insert into ${inboxEvents} (workspace_id, flow_id, dedupe_key, source, payload)
      values (${flow.workspaceId}, ${flow.id}, ${dedupeKey}, 'webhook', ${JSON.stringify(payload)}::jsonb)
      on conflict (flow_id, dedupe_key) do nothing
      returning id
    )
    select id, pg_notify(${INBOX_CHANNEL}, '') from ins`);
  const flowStatus = flow.status as 'active' | 'paused';
  if (inserted[0]) return { kind: 'accepted', eventId: inserted[0].id, duplicate: false, flowStatus };
  const [existing] = await db
    .select({ id: inboxEvents.id })
    .from(inboxEvents)
    .where(and(eq(inboxEvents.flowId, flow.id), eq(inboxEvents.dedupeKey, dedupeKey)));
  if (!existing) throw new Error('inbox insert conflicted but no event was found');
  return { kind: 'accepted', eventId: existing.id, duplicate: true, flowStatus };
}
