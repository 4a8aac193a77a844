import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { flowVersions, flows, inboxEvents } from '../../db/schema';
import { checkPayload } from '../../flows-engine/index';
import { ConnectionMissingError, resolveConnection } from '../connections/resolve';
import { enqueueInboxEvents } from './enqueue';
import { signatureMatches } from './verify-signature';
import { eventIdAt, orderingKeyOf, TriggerConfigError, webhookTriggerOf, type WebhookSettings } from '../triggers/trigger-settings';

export type WebhookOutcome =
  | { kind: 'accepted'; eventId: string; duplicate: boolean; flowStatus: 'active' | 'paused' }
  | { kind: 'rejected'; status: 400 | 401 | 404 | 409 | 503; message: string };

/**
 * Accepts one webhook delivery: the event is written to the inbox in the same
 * transaction that decides the answer, so a 202 means it is stored durably.
 * The dedupe key is the `Idempotency-Key` header when given, otherwise a hash
 * of the body: a sender's repeated delivery of the same event never makes a
 * second run.
 */
export async function acceptWebhook(
  db: Db,
  input: { token: string; body: string; idempotencyKey: string | null; header?: (name: string) => string | null },
): Promise<WebhookOutcome> {
  const [flow] = await db
    .select({ id: flows.id, workspaceId: flows.workspaceId, status: flows.status, versionId: flows.activeVersionId })
    .from(flows)
    .where(and(eq(flows.webhookToken, input.token), isNull(flows.archivedAt)));
  if (!flow) return { kind: 'rejected', status: 404, message: 'No flow listens at this address.' };
  if (flow.status === 'draft') {
    return { kind: 'rejected', status: 409, message: 'This flow is not active: publish and activate it to accept events.' };
  }

  const settings = await webhookSettingsOf(db, flow.versionId);
  // Only a published version with a webhook trigger has a live hook.
  if (settings === null) return { kind: 'rejected', status: 404, message: 'No flow listens at this address.' };
  // Fail closed: settings that cannot be read never mean "no signature check". The sender retries a
  // 503, so nothing is lost while the flow is fixed and published again.
  if (settings instanceof TriggerConfigError) {
    return { kind: 'rejected', status: 503, message: `This flow's webhook settings cannot be read, so every delivery is refused until it is fixed and published again: ${settings.message}` };
  }
  if (settings.hmac.enabled) {
    const refused = await checkSignature(db, { workspaceId: flow.workspaceId, settings, body: input.body, header: input.header });
    if (refused) return refused;
  }

  let payload: unknown;
  try {
    payload = input.body === '' ? {} : JSON.parse(input.body);
  } catch (error) {
    return { kind: 'rejected', status: 400, message: `The body is not valid JSON: ${error instanceof Error ? error.message : 'parse error'}` };
  }
  const check = checkPayload(payload, {});
  if (!check.ok) return { kind: 'rejected', status: 400, message: check.error };

  const eventId = settings.idempotencyKeyPath ? eventIdAt(payload, settings.idempotencyKeyPath) : null;
  const dedupeKey = input.idempotencyKey?.trim()
    ? `key:${input.idempotencyKey.trim()}`
    : eventId
      ? `event:${eventId}`
      : `body:${createHash('sha256').update(input.body).digest('hex')}`;
  // One round trip: insert (or recognise the repeat) and wake the relay; the NOTIFY is delivered on commit.
  // A paused flow's events wait for resume, so nothing is woken for them (the relay's periodic pass
  // picks them up once the flow is active again).
  const [inserted] = await enqueueInboxEvents(
    db,
    [{ workspaceId: flow.workspaceId, flowId: flow.id, dedupeKey, orderingKey: orderingKeyOf(payload, settings.orderingKeyPath), source: 'webhook', payload }],
    { wake: flow.status === 'active' },
  );
  const flowStatus = flow.status as 'active' | 'paused';
  if (inserted) return { kind: 'accepted', eventId: inserted, duplicate: false, flowStatus };
  const [existing] = await db
    .select({ id: inboxEvents.id })
    .from(inboxEvents)
    .where(and(eq(inboxEvents.flowId, flow.id), eq(inboxEvents.dedupeKey, dedupeKey)));
  if (!existing) throw new Error('inbox insert conflicted but no event was found');
  return { kind: 'accepted', eventId: existing.id, duplicate: true, flowStatus };
}

/** Refuses a delivery whose HMAC signature is missing or wrong; the secret comes from the webhook source connection. */
async function checkSignature(
  db: Db,
  input: { workspaceId: string; settings: WebhookSettings; body: string; header?: (name: string) => string | null },
): Promise<WebhookOutcome | null> {
  const { hmac, connectionId } = input.settings;
  const given = input.header?.(hmac.header) ?? null;
  if (!given) return { kind: 'rejected', status: 401, message: `The ${hmac.header} signature header is missing.` };
  let secret: string | null = null;
  try {
    secret = connectionId ? (await resolveConnection(db, { workspaceId: input.workspaceId, connectionId })).secret : null;
  } catch (error) {
    if (!(error instanceof ConnectionMissingError)) throw error;
  }
  // The sender retries a 503, so nothing is lost while an admin fixes the flow's webhook source.
  if (!secret) return { kind: 'rejected', status: 503, message: 'The flow checks signatures but its webhook source has no secret; an admin must fix the flow.' };
  if (!signatureMatches(secret, input.body, given)) {
    return { kind: 'rejected', status: 401, message: `The ${hmac.header} signature does not match the body.` };
  }
  return null;
}

/** Versions are immutable, so their webhook settings are cached for the life of the process. */
const settingsByVersion = new Map<string, WebhookSettings | TriggerConfigError | null>();

async function webhookSettingsOf(db: Db, versionId: string | null): Promise<WebhookSettings | TriggerConfigError | null> {
  if (!versionId) return null;
  const cached = settingsByVersion.get(versionId);
  if (cached !== undefined) return cached;
  const [version] = await db.select({ graph: flowVersions.graph }).from(flowVersions).where(eq(flowVersions.id, versionId));
  let settings: WebhookSettings | TriggerConfigError | null;
  try {
    settings = webhookTriggerOf(version?.graph);
  } catch (error) {
    if (!(error instanceof TriggerConfigError)) throw error;
    settings = error;
  }
  if (settingsByVersion.size > 1000) settingsByVersion.clear();
  settingsByVersion.set(versionId, settings);
  return settings;
}
