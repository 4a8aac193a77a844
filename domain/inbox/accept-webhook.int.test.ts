import { createHmac } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { flowVersions, flows, inboxEvents } from '../../db/schema';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { createConnection } from '../connections/connection-service';
import { acceptWebhook } from './accept-webhook';
import { openIntakeDb } from './intake-db';
import { getFreePort } from '../../scripts/supervisor/ports';

const SECRET = 'shared-secret-of-the-crm-42';
let database: TestDatabase;
let handle: DbHandle;
let actor: { workspaceId: string; userId: string };
let signedToken: string;
let plainToken: string;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const user = await insertUser(handle.db, 'Intake');
  actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Intake', [{ userId: user.id, role: 'admin' }]) };
  process.env.SYNCLINE_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString('base64');
  const source = await createConnection(handle.db, actor, {
    name: 'CRM webhooks',
    kind: 'webhook',
    settings: {},
    secret: SECRET,
    integrationIdentity: '',
    owner: '',
    description: '',
    scopes: [],
    credentialExpiresAt: null,
    allowPrivateNetwork: false,
  });
  const lit = (value: unknown) => ({ kind: 'literal' as const, value });
  const signed = contactIntakeFlow();
  signed.nodes[0] = {
    ...signed.nodes[0]!,
    config: {
      connectionId: lit(source.id),
      hmac: lit({ enabled: true, header: 'X-Signature', algorithm: 'sha256' }),
      idempotencyKeyPath: lit('eventId'),
    },
  };
  signedToken = (await createPublishedFlow(handle.db, actor, signed)).token;
  plainToken = (await createPublishedFlow(handle.db, actor, contactIntakeFlow())).token;
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function deliver(token: string, body: string, headers: Record<string, string> = {}) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return acceptWebhook(handle.db, { token, body, idempotencyKey: lower['idempotency-key'] ?? null, header: (name) => lower[name] ?? null });
}

describe('webhook intake', () => {
  it('refuses a delivery without a signature, or with a wrong one, and stores nothing', async () => {
    const body = JSON.stringify({ eventId: 'e0', id: 'c1', email: 'a@example.com' });
    await expect(deliver(signedToken, body)).resolves.toMatchObject({ kind: 'rejected', status: 401, message: /x-signature.*missing/ });
    await expect(deliver(signedToken, body, { 'X-Signature': sign(body, 'another-secret-entirely') })).resolves.toMatchObject({
      kind: 'rejected',
      status: 401,
      message: /does not match/,
    });
    await expect(deliver(signedToken, body, { 'X-Signature': sign(`${body} `) })).resolves.toMatchObject({ status: 401 });
    expect(await handle.db.select().from(inboxEvents).where(eq(inboxEvents.dedupeKey, 'event:e0'))).toHaveLength(0);
  });

  it('accepts a correctly signed delivery, and recognises a repeat of the same event id', async () => {
    const first = JSON.stringify({ eventId: 'e1', id: 'c1', email: 'a@example.com', attempt: 1 });
    const retry = JSON.stringify({ eventId: 'e1', id: 'c1', email: 'a@example.com', attempt: 2 });
    const accepted = await deliver(signedToken, first, { 'X-Signature': sign(first) });
    expect(accepted).toMatchObject({ kind: 'accepted', duplicate: false });
    const repeated = await deliver(signedToken, retry, { 'X-Signature': sign(retry) });
    expect(repeated).toMatchObject({ kind: 'accepted', duplicate: true });
    if (accepted.kind === 'accepted' && repeated.kind === 'accepted') expect(repeated.eventId).toBe(accepted.eventId);
  });

  it('explains bad input and unknown addresses without storing anything', async () => {
    await expect(deliver(plainToken, '{"email": ')).resolves.toMatchObject({ kind: 'rejected', status: 400, message: /not valid JSON/ });
    await expect(deliver(plainToken, '{"__proto__": {"polluted": true}}')).resolves.toMatchObject({ kind: 'rejected', status: 400, message: /__proto__/ });
    await expect(deliver('no-such-token', '{}')).resolves.toMatchObject({ kind: 'rejected', status: 404 });
  });

  it('refuses bodies PostgreSQL cannot hold exactly with a 400 naming the JSON path, and accepts a leading BOM', async () => {
    // jsonb refuses U+0000: this used to escape as a database error (HTTP 500, retried forever by the sender).
    await expect(deliver(plainToken, '{"id":"c-nul","tags":["a\\u0000b"]}')).resolves.toMatchObject({ kind: 'rejected', status: 400, message: /\$\.tags\[0\].*U\+0000/ });
    // 1e400 parses to Infinity, which used to be stored as null.
    await expect(deliver(plainToken, '{"id":"c-big","amount":1e400}')).resolves.toMatchObject({ kind: 'rejected', status: 400, message: /\$\.amount.*too large/ });
    expect(await handle.db.select().from(inboxEvents).where(sql`${inboxEvents.payload}->>'id' in ('c-nul', 'c-big')`)).toHaveLength(0);
    const bom = await deliver(plainToken, '\uFEFF{"id":"c-bom","email":"bom@example.com"}');
    expect(bom).toMatchObject({ kind: 'accepted', duplicate: false });
    const [row] = await handle.db.select({ payload: inboxEvents.payload }).from(inboxEvents).where(eq(inboxEvents.id, (bom as { eventId: string }).eventId));
    expect(row!.payload).toEqual({ id: 'c-bom', email: 'bom@example.com' });
  });

  it('answers 503 "not stored" instead of throwing when PostgreSQL cannot be reached', async () => {
    const unreachable = openIntakeDb(`postgres://nobody:nothing@127.0.0.1:${await getFreePort()}/none`);
    try {
      const outcome = await acceptWebhook(unreachable.db, { token: plainToken, body: '{"id":"c-down"}', idempotencyKey: 'down-1' });
      expect(outcome).toMatchObject({ kind: 'not-stored', status: 503, stored: false, eventId: null, reason: /ECONNREFUSED/ });
    } finally {
      await unreachable.close();
    }
  });

  it('fails closed: a published webhook trigger whose signature setting cannot be read refuses every delivery', async () => {
    // Publish refuses an expression in a trigger's settings…
    const draft = contactIntakeFlow();
    draft.nodes[0] = { ...draft.nodes[0]!, config: { hmac: { kind: 'expr', source: '{ "enabled": false }' } } };
    await expect(createPublishedFlow(handle.db, actor, draft)).rejects.toThrow(/fixed value, not an expression/);
    // …and a version that holds one anyway (published before this check) accepts nothing, signed or not.
    const { flowId, token } = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
    const [flow] = await handle.db.select({ versionId: flows.activeVersionId }).from(flows).where(eq(flows.id, flowId));
    const [version] = await handle.db.select({ graph: flowVersions.graph }).from(flowVersions).where(eq(flowVersions.id, flow!.versionId!));
    const graph = version!.graph as { nodes: { config: Record<string, unknown> }[] };
    graph.nodes[0]!.config = { hmac: { kind: 'expr', source: '{ "enabled": false }' } };
    await handle.db.update(flowVersions).set({ graph: graph as never }).where(eq(flowVersions.id, flow!.versionId!));
    const body = JSON.stringify({ id: 'c-x', email: 'x@example.com' });
    await expect(deliver(token, body)).resolves.toMatchObject({ kind: 'rejected', status: 503, message: /cannot be read.*hmac.*fixed value/ });
    await expect(deliver(token, body, { 'X-Signature': sign(body) })).resolves.toMatchObject({ kind: 'rejected', status: 503 });
    expect(await handle.db.select().from(inboxEvents).where(eq(inboxEvents.flowId, flowId))).toHaveLength(0);
  });

  it('has no live hook for a flow that is not webhook-triggered', async () => {
    const manual = contactIntakeFlow();
    manual.nodes[0] = { id: manual.nodes[0]!.id, type: 'core.manual-trigger', typeVersion: 1, label: 'Manual', config: {} };
    const { flowId, token } = await createPublishedFlow(handle.db, actor, manual);
    await expect(deliver(token, '{}')).resolves.toMatchObject({ kind: 'rejected', status: 404 });
    expect(await handle.db.select().from(inboxEvents).where(eq(inboxEvents.flowId, flowId))).toHaveLength(0);
  });
});
