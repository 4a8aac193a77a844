import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { flowVersions } from '../../db/schema';
import { getAt, parsePath } from '../../flows-engine/index';
import { webhookTriggerNode } from '../../nodes/webhook-trigger/definition';

/** What the intake needs from a published version's webhook trigger. */
export interface WebhookSettings {
  hmac: { enabled: boolean; header: string };
  connectionId: string | null;
  /** Path in the body of an id that identifies the event (repeats are ignored). */
  idempotencyKeyPath: string | null;
  /** Path of the record key that orders runs (one at a time per value); null: unordered. */
  orderingKeyPath: string | null;
}

const NONE: WebhookSettings = { hmac: { enabled: false, header: 'x-signature' }, connectionId: null, idempotencyKeyPath: null, orderingKeyPath: 'id' };

/** Versions are immutable, so their settings are cached for the life of the process. */
const cache = new Map<string, WebhookSettings>();

export async function webhookSettings(db: Db, versionId: string | null): Promise<WebhookSettings> {
  if (!versionId) return NONE;
  const cached = cache.get(versionId);
  if (cached) return cached;
  const [version] = await db.select({ graph: flowVersions.graph }).from(flowVersions).where(eq(flowVersions.id, versionId));
  const graph = version?.graph as { nodes?: { type?: string; config?: Record<string, { kind?: string; value?: unknown }> }[] } | undefined;
  const trigger = graph?.nodes?.find((node) => node.type === webhookTriggerNode.type);
  const literals = Object.fromEntries(
    Object.entries(trigger?.config ?? {}).flatMap(([field, source]) => (source?.kind === 'literal' ? [[field, source.value]] : [])),
  );
  const parsed = webhookTriggerNode.config.safeParse(literals);
  const settings: WebhookSettings = parsed.success
    ? {
        hmac: { enabled: parsed.data.hmac.enabled, header: parsed.data.hmac.header.toLowerCase() },
        connectionId: parsed.data.connectionId ?? null,
        idempotencyKeyPath: parsed.data.idempotencyKeyPath || null,
        orderingKeyPath: parsed.data.orderingKeyPath || null,
      }
    : NONE;
  if (cache.size > 1000) cache.clear();
  cache.set(versionId, settings);
  return settings;
}

/** The ordering key of a delivery: the value at `path` of the body, or of its first item when it is a list. */
export function orderingKeyOf(payload: unknown, path: string | null): string | null {
  if (!path) return null;
  return eventIdAt(Array.isArray(payload) ? payload[0] : payload, path);
}

/** The event id at `path` in the body, as text, when there is one. */
export function eventIdAt(payload: unknown, path: string): string | null {
  const parsed = parsePath(path);
  if (!parsed.ok) return null;
  const value = getAt(payload, parsed.value);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
