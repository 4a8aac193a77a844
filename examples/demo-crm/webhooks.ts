/**
 * Webhook subscriptions (`POST/GET /api/webhooks`, `DELETE /api/webhooks/{id}`) and the recent
 * deliveries shown on the web page. The secret is write-only: it signs deliveries and is never returned.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '../shared/database';
import { HttpError } from '../shared/http';

export interface Subscription {
  id: string;
  url: string;
  createdBy: string;
  createdAt: string;
}

export interface DeliveryRow {
  id: string;
  eventId: string;
  type: string;
  recordKey: string;
  url: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  nextAttemptAt: string;
  createdAt: string;
}

const CreateSubscription = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  secret: z.string().min(8, 'must be at least 8 characters').max(500),
});

const SUBSCRIPTION_COLUMNS = `id, url, created_by AS "createdBy", created_at::text AS "createdAt"`;

export class WebhookStore {
  constructor(private readonly sql: Sql) {}

  async create(body: unknown, user: string): Promise<Subscription> {
    const parsed = CreateSubscription.safeParse(body);
    if (!parsed.success) {
      throw new HttpError(400, `invalid webhook subscription: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
    }
    const { sql } = this;
    const [row] = await sql<Subscription[]>`
      INSERT INTO webhook_subscriptions (id, url, secret, created_by)
      VALUES (${randomUUID()}, ${parsed.data.url}, ${parsed.data.secret}, ${user})
      RETURNING ${sql.unsafe(SUBSCRIPTION_COLUMNS)}`;
    return row!;
  }

  async list(): Promise<Subscription[]> {
    const { sql } = this;
    return sql<Subscription[]>`SELECT ${sql.unsafe(SUBSCRIPTION_COLUMNS)} FROM webhook_subscriptions ORDER BY created_at, id`;
  }

  /** Removes the subscription and its pending deliveries. */
  async remove(id: string): Promise<void> {
    const rows = await this.sql`DELETE FROM webhook_subscriptions WHERE id = ${id} RETURNING id`;
    if (rows.length === 0) throw new HttpError(404, `webhook subscription "${id}" not found`);
  }

  async recentDeliveries(limit = 20): Promise<DeliveryRow[]> {
    return this.sql<DeliveryRow[]>`
      SELECT d.id::text, d.event_id::text AS "eventId", e.type, d.record_key AS "recordKey", s.url, d.attempts,
             d.last_status AS "lastStatus", d.last_error AS "lastError", d.delivered_at::text AS "deliveredAt",
             d.next_attempt_at::text AS "nextAttemptAt", d.created_at::text AS "createdAt"
      FROM webhook_deliveries d
      JOIN webhook_events e ON e.id = d.event_id
      JOIN webhook_subscriptions s ON s.id = d.subscription_id
      ORDER BY d.id DESC LIMIT ${limit}`;
  }
}
