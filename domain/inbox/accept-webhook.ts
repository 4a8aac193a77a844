import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { flowVersions } from '../../db/schema';
import { checkPayload } from '../../flows-engine/index';
import { ConnectionMissingError, resolveConnection } from '../connections/resolve';
import { directHookStore, FlowChangedError, type HookFlow, type HookStore, type StoredEvent } from './hook-store';
import { isCapturing, keepCapturedDelivery } from './sample-capture';
import { describeFailure } from './intake-db';
import { signatureMatches } from './verify-signature';
import { parseWebhookJson } from './webhook-json';
import { eventIdAt, orderingKeyOf, TriggerConfigError, webhookTriggerOf, type WebhookSettings } from '../triggers/trigger-settings';

export type WebhookOutcome =
  | { kind: 'accepted'; eventId: string; duplicate: boolean; flowStatus: 'active' | 'paused' }
  | { kind: 'rejected'; status: 400 | 401 | 404 | 409 | 503; message: string }
  /** Kept as the editor's live sample of a flow without a live hook (it does not run): sample-capture.ts. */
  | { kind: 'captured'; message: string }
  /**
   * PostgreSQL failed or did not answer in time. `eventId`: the sender's id of the event (Idempotency-Key,
   * or the id at the trigger's path), when known. `stored`: false when certain; 'unknown' only when
   * PostgreSQL stopped answering in the middle of a statement (a frozen server may still commit it later:
   * the sender's retry is then recognised as a repeat).
   */
  | { kind: 'not-stored'; status: 503; message: string; reason: string; eventId: string | null; stored: false | 'unknown' };

/** One delivery as the intake received it; `header` reads a request header by (lower-case) name. */
export interface WebhookDelivery {
  token: string;
  body: string;
  idempotencyKey: string | null;
  header?: (name: string) => string | null;
}

/** The longest a delivery waits for PostgreSQL before it is answered 503 (each call is bounded sooner: intake-db.ts). */
export const ANSWER_WITHIN_MS = 2500;

/**
 * Accepts one webhook delivery: the event is written to the inbox before the answer is decided, so a
 * 202 means it is stored durably. The dedupe key is the `Idempotency-Key` header when given, otherwise
 * the event id at the trigger's idempotency path, otherwise a hash of the body: a sender's repeated
 * delivery of the same event never makes a second run.
 *
 * Never throws: when PostgreSQL fails or does not answer in time the outcome is `not-stored` (503, the
 * sender retries), with a `reason` for the log that holds neither the body nor the token.
 * `store` is the group commit of the intake listener; by default each call writes on its own.
 */
export async function acceptWebhook(
  db: Db,
  input: WebhookDelivery,
  store: HookStore = directHookStore(db),
): Promise<WebhookOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<WebhookOutcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          kind: 'not-stored',
          status: 503,
          message: 'PostgreSQL did not confirm storing the event in time. Send it again later: a repeat of the same event is recognised and runs once.',
          reason: `no answer from PostgreSQL within ${ANSWER_WITHIN_MS} ms`,
          eventId: null,
          stored: 'unknown',
        }),
      ANSWER_WITHIN_MS,
    );
  });
  try {
    return await Promise.race([
      accept(db, input, store).catch((error: unknown) => notStored(null, describeFailure(error))),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The statement failed (or was never sent): PostgreSQL rolled it back, nothing of it is stored. */
function notStored(eventId: string | null, reason: string): WebhookOutcome {
  return { kind: 'not-stored', status: 503, message: 'The event was not stored: the database is unavailable. Send it again later.', reason, eventId, stored: false };
}

/**
 * Decides on the flow the store remembers for the token, if any; that decision holds only if the event is
 * stored with the flow still as seen. Any other outcome (a refusal, a sample, a changed flow) is decided
 * again on a fresh look-up, so the answers are those a fresh look-up gives.
 */
async function accept(db: Db, input: WebhookDelivery, store: HookStore): Promise<WebhookOutcome> {
  const remembered = store.remembered?.(input.token);
  if (remembered) {
    const outcome = await decide(db, input, store, remembered, { remembered: true });
    if (outcome) return outcome;
  }
  return (await decide(db, input, store, await store.findHook(input.token), { remembered: false }))!;
}

/** The outcome for `flow`; null when it rests on a remembered flow and must be decided on a fresh look-up. */
async function decide(db: Db, input: WebhookDelivery, store: HookStore, flow: HookFlow | undefined, seen: { remembered: boolean }): Promise<WebhookOutcome | null> {
  if (!flow) return { kind: 'rejected', status: 404, message: 'No flow listens at this address.' };
  const freshOnly = (decision: () => Promise<WebhookOutcome> | WebhookOutcome) => (seen.remembered ? null : decision());
  if (flow.status === 'draft') {
    return freshOnly(async () => (await captureSample(db, flow, input.body)) ?? { kind: 'rejected', status: 409, message: 'This flow is not active: publish and activate it to accept events.' });
  }

  const settings = await webhookSettingsOf(db, flow.versionId);
  // Only a published version with a webhook trigger has a live hook.
  if (settings === null) return freshOnly(async () => (await captureSample(db, flow, input.body)) ?? { kind: 'rejected', status: 404, message: 'No flow listens at this address.' });
  // Fail closed: settings that cannot be read never mean "no signature check". The sender retries a
  // 503, so nothing is lost while the flow is fixed and published again.
  if (settings instanceof TriggerConfigError) {
    return freshOnly(() => ({ kind: 'rejected', status: 503, message: `This flow's webhook settings cannot be read, so every delivery is refused until it is fixed and published again: ${settings.message}` }));
  }
  if (settings.hmac.enabled) {
    const refused = await checkSignature(db, { workspaceId: flow.workspaceId, settings, body: input.body, header: input.header });
    if (refused) return freshOnly(() => refused);
  }

  const parsed = parseWebhookJson(input.body);
  if (!parsed.ok) return freshOnly(() => ({ kind: 'rejected', status: 400, message: parsed.error }));
  const payload = parsed.value;
  const check = checkPayload(payload, {});
  if (!check.ok) return freshOnly(() => ({ kind: 'rejected', status: 400, message: check.error }));

  const idempotencyKey = input.idempotencyKey?.trim() || null;
  const senderEventId = idempotencyKey ?? (settings.idempotencyKeyPath ? eventIdAt(payload, settings.idempotencyKeyPath) : null);
  const dedupeKey = idempotencyKey
    ? `key:${idempotencyKey}`
    : senderEventId
      ? `event:${senderEventId}`
      : `body:${createHash('sha256').update(input.body).digest('hex')}`;
  // Insert (or recognise the repeat) and wake the relay; the NOTIFY is delivered on commit. A paused
  // flow's events wait for resume, so nothing is woken for them (the relay's periodic pass picks them
  // up once the flow is active again).
  const event = {
    id: randomUUID(),
    workspaceId: flow.workspaceId,
    flowId: flow.id,
    dedupeKey,
    orderingKey: orderingKeyOf(payload, settings.orderingKeyPath),
    source: 'webhook' as const,
    payload,
    ...(seen.remembered && { ifFlowStill: { webhookToken: input.token, status: flow.status, versionId: flow.versionId } }),
  };
  let stored: StoredEvent;
  try {
    stored = await store.store(event, flow.status === 'active');
  } catch (error) {
    if (error instanceof FlowChangedError) return null;
    return notStored(senderEventId, describeFailure(error));
  }
  return { kind: 'accepted', eventId: stored.eventId, duplicate: stored.duplicate, flowStatus: flow.status };
}

/**
 * A flow without a live hook whose editor is capturing a live sample keeps the delivery as that
 * sample (it does not run); null when it is not capturing, and the delivery is refused as before.
 * Only this refusal path asks, so deliveries to running flows cost nothing more.
 */
async function captureSample(db: Db, flow: HookFlow, body: string): Promise<WebhookOutcome | null> {
  if (!(await isCapturing(db, flow.id))) return null;
  const parsed = parseWebhookJson(body);
  if (!parsed.ok) return { kind: 'rejected', status: 400, message: parsed.error };
  const check = checkPayload(parsed.value, {});
  if (!check.ok) return { kind: 'rejected', status: 400, message: check.error };
  if (!(await keepCapturedDelivery(db, { flowId: flow.id, payload: parsed.value }))) return null;
  return { kind: 'captured', message: 'Kept as the sample the flow’s editor was waiting for. It does not run: the flow is not active yet.' };
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
