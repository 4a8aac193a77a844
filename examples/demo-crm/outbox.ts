/**
 * Writing change events into the outbox, inside the caller's transaction. The body is serialised once,
 * here, so every retry sends the very same bytes (and the same signature).
 */
import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';
import type { Resource } from './resources';

export type ChangeKind = 'created' | 'updated' | 'deleted';
export type CrmRecord = Record<string, unknown> & { id: string; modifiedAt: string };

export interface WebhookEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  record: CrmRecord;
}

export async function enqueueEvent(tx: postgres.TransactionSql, resource: Resource, kind: ChangeKind, record: CrmRecord): Promise<void> {
  const event: WebhookEvent = { eventId: randomUUID(), type: `${resource.singular}.${kind}`, occurredAt: record.modifiedAt, record };
  const recordKey = `${resource.name}/${record.id}`;
  await tx`INSERT INTO webhook_events (id, type, record_key, occurred_at, body)
           VALUES (${event.eventId}, ${event.type}, ${recordKey}, ${event.occurredAt}::text::timestamptz, ${JSON.stringify(event)})`;
  await tx`INSERT INTO webhook_deliveries (event_id, subscription_id, record_key)
           SELECT ${event.eventId}, id, ${recordKey} FROM webhook_subscriptions ORDER BY created_at`;
}
