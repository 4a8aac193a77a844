/**
 * "Capture a live sample" of a webhook trigger, with a real PostgreSQL, the real intake
 * (acceptWebhook) and the editor's tRPC procedures: a draft flow keeps the next delivery as its sample
 * only while the editor waits (and it never runs), a running flow's sample is the next inbox event,
 * cancel and hand-over leave nothing behind, and another workspace sees none of it.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { flows, inboxEvents, sampleCaptures } from '../../../db/schema';
import { newWebhookToken } from './flow-service';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../../tests/support/flows';
import { acceptWebhook } from '../../../domain/inbox/accept-webhook';
import { answerFor } from '../../../domain/inbox/webhook-answer';
import { scrubStoredSamples } from '../../../domain/privacy/scrub-samples';
import { deleteExpiredCapturesCleaner, runRetentionCleanup } from '../../../domain/retention/retention-cleanup';

let database: TestDatabase;
let handle: DbHandle;
let acme: string;
let globex: string;
let ana: { id: string; email: string; name: string };
let gus: { id: string; email: string; name: string };
let draft: { flowId: string; token: string };
let live: { flowId: string; token: string };

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  ana = await insertUser(handle.db, 'Ana');
  gus = await insertUser(handle.db, 'Gus');
  acme = await insertWorkspace(handle.db, 'Acme', [{ userId: ana.id, role: 'analyst' }]);
  globex = await insertWorkspace(handle.db, 'Globex', [{ userId: gus.id, role: 'admin' }]);
  const flowId = randomUUID();
  const token = newWebhookToken();
  await handle.db.insert(flows).values({ id: flowId, workspaceId: acme, name: 'Draft', draft: { ...contactIntakeFlow(), id: flowId, name: 'Draft' }, webhookToken: token });
  draft = { flowId, token };
  live = await createPublishedFlow(handle.db, { workspaceId: acme, userId: ana.id }, contactIntakeFlow());
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const deliver = (token: string, body: unknown) => acceptWebhook(handle.db, { token, body: typeof body === 'string' ? body : JSON.stringify(body), idempotencyKey: null });

describe('capturing a live sample', () => {
  it('keeps the next delivery to a draft flow as its sample only while the editor waits, and hands it over once', async () => {
    const api = callerFor(handle.db, ana, acme);
    await expect(deliver(draft.token, { id: 'before' })).resolves.toMatchObject({ kind: 'rejected', status: 409 });

    await expect(api.triggers.captureSample({ flowId: draft.flowId })).resolves.toMatchObject({ state: 'waiting' });
    await expect(api.triggers.captureStatus({ flowId: draft.flowId })).resolves.toMatchObject({ state: 'waiting' });
    // Listening, the intake still refuses what is not JSON, saying why.
    await expect(deliver(draft.token, '{"id": ')).resolves.toMatchObject({ kind: 'rejected', status: 400 });
    const kept = await deliver(draft.token, { id: 'c-1', email: 'ada@example.com' });
    expect(kept.kind).toBe('captured');
    expect(answerFor(kept)).toMatchObject({ status: 202 });
    expect(JSON.parse(answerFor(kept).body)).toMatchObject({ captured: true });
    // Only the first one: the next is refused as before.
    await expect(deliver(draft.token, { id: 'c-2' })).resolves.toMatchObject({ kind: 'rejected', status: 409 });

    const status = await api.triggers.captureStatus({ flowId: draft.flowId });
    expect(status).toMatchObject({ state: 'captured', sample: { items: [{ id: 'c-1', email: 'ada@example.com' }], total: 1 } });
    // Handed over once; nothing of it stays behind, and it never became a run.
    await expect(api.triggers.captureStatus({ flowId: draft.flowId })).resolves.toEqual({ state: 'idle' });
    await expect(handle.db.select().from(sampleCaptures)).resolves.toEqual([]);
    await expect(handle.db.select().from(inboxEvents).where(eq(inboxEvents.flowId, draft.flowId))).resolves.toEqual([]);
  });

  it('stops waiting on cancel: a delivery afterwards is refused', async () => {
    const api = callerFor(handle.db, ana, acme);
    await api.triggers.captureSample({ flowId: draft.flowId });
    await api.triggers.cancelCapture({ flowId: draft.flowId });
    await expect(deliver(draft.token, { id: 'late' })).resolves.toMatchObject({ kind: 'rejected', status: 409 });
    await expect(api.triggers.captureStatus({ flowId: draft.flowId })).resolves.toEqual({ state: 'idle' });
  });

  it('takes a running flow’s next inbox event as the sample; the event still runs as always', async () => {
    const api = callerFor(handle.db, ana, acme);
    await expect(deliver(live.token, { id: 'old', email: 'old@example.com' })).resolves.toMatchObject({ kind: 'accepted' });
    await api.triggers.captureSample({ flowId: live.flowId });
    await expect(api.triggers.captureStatus({ flowId: live.flowId })).resolves.toMatchObject({ state: 'waiting' });
    await expect(deliver(live.token, { id: 'new', email: 'new@example.com' })).resolves.toMatchObject({ kind: 'accepted', duplicate: false });
    await expect(api.triggers.captureStatus({ flowId: live.flowId })).resolves.toMatchObject({ state: 'captured', sample: { items: [{ id: 'new', email: 'new@example.com' }] } });
  });

  it('is the flow’s workspace’s only', async () => {
    const other = callerFor(handle.db, gus, globex);
    await expect(other.triggers.captureSample({ flowId: draft.flowId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(other.triggers.captureStatus({ flowId: draft.flowId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('captures nobody came back for', () => {
  it('are deleted, with the delivery they kept, when any capture opens after they expired', async () => {
    const api = callerFor(handle.db, ana, acme);
    await api.triggers.captureSample({ flowId: draft.flowId });
    await expect(deliver(draft.token, { id: 'forgotten', email: 'left@example.com' })).resolves.toMatchObject({ kind: 'captured' });
    await handle.db.update(sampleCaptures).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sampleCaptures.flowId, draft.flowId));
    await api.triggers.captureSample({ flowId: live.flowId });
    await expect(handle.db.select({ flowId: sampleCaptures.flowId }).from(sampleCaptures)).resolves.toEqual([{ flowId: live.flowId }]);
    await api.triggers.cancelCapture({ flowId: live.flowId });
  });

  it('are deleted by the retention job, and by Anonymise when they hold the person', async () => {
    const api = callerFor(handle.db, ana, acme);
    await api.triggers.captureSample({ flowId: draft.flowId });
    await expect(deliver(draft.token, { id: 'late', email: 'late@example.com' })).resolves.toMatchObject({ kind: 'captured' });
    await handle.db.update(sampleCaptures).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sampleCaptures.flowId, draft.flowId));
    await runRetentionCleanup(handle.db, [deleteExpiredCapturesCleaner]);
    await expect(handle.db.select().from(sampleCaptures)).resolves.toEqual([]);

    await api.triggers.captureSample({ flowId: draft.flowId });
    await expect(deliver(draft.token, { id: 'p-1', email: 'erase.me@example.com' })).resolves.toMatchObject({ kind: 'captured' });
    await expect(scrubStoredSamples(handle.db, globex, { values: ['erase.me@example.com'], keys: [] })).resolves.toBe(0);
    expect(await handle.db.select().from(sampleCaptures)).toHaveLength(1);
    await expect(scrubStoredSamples(handle.db, acme, { values: ['erase.me@example.com'], keys: [] })).resolves.toBeGreaterThanOrEqual(1);
    await expect(handle.db.select().from(sampleCaptures)).resolves.toEqual([]);
  });
});
