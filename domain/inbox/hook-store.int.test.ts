/**
 * The intake's group commit (`batchedHookStore`) against a real PostgreSQL: what one batch stores when a
 * row is refused, and the statement a batch sends, whatever its size.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { flows, inboxEvents } from '../../db/schema';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { batchedHookStore, FlowChangedError, GROUP_COMMIT, type WebhookEvent } from './hook-store';
import { openIntakeDb } from './intake-db';

let database: TestDatabase;
let handle: DbHandle;
let flow: { workspaceId: string; flowId: string };
let token: string;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 2 });
  const user = await insertUser(handle.db, 'Hook store');
  const workspaceId = await insertWorkspace(handle.db, 'Hook store', [{ userId: user.id, role: 'admin' }]);
  process.env.SYNCLINE_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString('base64');
  const created = await createPublishedFlow(handle.db, { userId: user.id, workspaceId }, contactIntakeFlow(), 'paused');
  flow = { workspaceId, flowId: created.flowId };
  token = created.token;
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const event = (payload: unknown): WebhookEvent => ({ id: randomUUID(), ...flow, dedupeKey: `key:${randomUUID()}`, source: 'webhook', payload });

describe('batchedHookStore', () => {
  it('fails only the delivery whose row PostgreSQL refuses; its neighbours in the batch are stored', async () => {
    const intake = openIntakeDb(database.url, { max: 1 });
    try {
      const store = batchedHookStore(intake.db);
      // Stored in one turn of the event loop: one batch. jsonb refuses U+0000 (SQLSTATE 22P05, a data
      // exception); the intake refuses such bodies before they get here, other callers might not.
      const events = [event({ n: 1 }), event({ n: 2, notes: 'a\u0000b' }), event({ n: 3 }), event({ n: 4 })];
      const results = await Promise.allSettled(events.map((e) => store.store(e, false)));

      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/unsupported Unicode escape sequence|\\u0000/);
      const stored = await handle.db.select({ id: inboxEvents.id }).from(inboxEvents).where(inArray(inboxEvents.id, events.map((e) => e.id)));
      expect(stored.map((row) => row.id).sort()).toEqual([events[0]!.id, events[2]!.id, events[3]!.id].sort());
    } finally {
      await intake.close();
    }
  });

  it('sends one fixed INSERT whatever the batch size, prepared once on the connection', async () => {
    // One connection and one batch in flight, so the batches below run one after another on the same
    // session, whose prepared statements pg_prepared_statements lists.
    const intake = openIntakeDb(database.url, { max: 1 });
    try {
      const store = batchedHookStore(intake.db, { ...GROUP_COMMIT, maxInFlight: 1 });
      for (const size of [1, 3, 7]) {
        const events = Array.from({ length: size }, (_, n) => event({ size, n }));
        const stored = await Promise.all(events.map((e) => store.store(e, false)));
        expect(stored.map((s) => s.eventId)).toEqual(events.map((e) => e.id));
      }
      const prepared = await intake.db.execute<{ statement: string }>(sql`select statement from pg_prepared_statements where statement ilike '%insert into "inbox_dedupe_keys"%'`);
      expect(prepared).toHaveLength(1);
    } finally {
      await intake.close();
    }
  });

  it('remembers a looked-up flow, and stores an event decided on it only while the flow is still as seen', async () => {
    const intake = openIntakeDb(database.url, { max: 1 });
    try {
      const store = batchedHookStore(intake.db);
      const seen = (await store.findHook(token))!;
      expect(store.remembered!(token)).toEqual(seen);
      const asSeen = { webhookToken: token, status: seen.status, versionId: seen.versionId };
      const first = event({ n: 'as-seen' });
      expect(await store.store({ ...first, ifFlowStill: asSeen }, false)).toEqual({ eventId: first.id, duplicate: false });
      // A repeat is still recognised while the flow is as seen.
      expect(await store.store({ ...event({ n: 'again' }), dedupeKey: first.dedupeKey, ifFlowStill: asSeen }, false)).toEqual({ eventId: first.id, duplicate: true });

      await handle.db.update(flows).set({ status: 'active' }).where(eq(flows.id, flow.flowId));
      const late = event({ n: 'late' });
      await expect(store.store({ ...late, ifFlowStill: asSeen }, false)).rejects.toBeInstanceOf(FlowChangedError);
      // Nor is a repeat recognised on a flow that changed: the delivery is decided again.
      await expect(store.store({ ...event({ n: 'late-again' }), dedupeKey: first.dedupeKey, ifFlowStill: asSeen }, false)).rejects.toBeInstanceOf(FlowChangedError);
      expect(await handle.db.select({ id: inboxEvents.id }).from(inboxEvents).where(eq(inboxEvents.id, late.id))).toEqual([]);
      expect(store.remembered!(token)).toBeUndefined();
    } finally {
      await handle.db.update(flows).set({ status: 'paused' }).where(eq(flows.id, flow.flowId));
      await intake.close();
    }
  });
});
