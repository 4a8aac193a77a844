/**
 * When a run cannot be started, the relay says why: the Temporal client's error only says "Failed to start
 * Workflow"; the inbox event's `last_relay_error` (and the relay's log line) carry its cause too.
 */
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { inboxEvents } from '../../db/schema';
import { acceptWebhook } from '../../domain/inbox/accept-webhook';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { startTemporalServer } from '../../tests/support/processes';
import { relayPendingEvents } from './relay';

let database: TestDatabase;
let handle: DbHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

it('records why a run could not be started, not only that it failed', async () => {
  const user = await insertUser(handle.db, 'Relay');
  const actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Relay errors', [{ userId: user.id, role: 'admin' }]) };
  const { token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
  const outcome = await acceptWebhook(handle.db, { token, body: JSON.stringify({ id: 'x1', email: 'x1@example.com' }), idempotencyKey: null });
  if (outcome.kind !== 'accepted') throw new Error(outcome.message);

  const server = await startTemporalServer({});
  const connection = await Connection.connect({ address: server.address });
  try {
    await server.stop(); // Temporal goes away after the client connected
    expect(await relayPendingEvents(handle.db, new Client({ connection }))).toEqual({ started: 0, failed: 1 });
  } finally {
    await connection.close();
  }
  const [event] = await handle.db.select({ error: inboxEvents.lastRelayError }).from(inboxEvents).where(eq(inboxEvents.id, outcome.eventId));
  expect(event?.error).toMatch(/^Failed to start Workflow: \S/);
}, 120_000);
