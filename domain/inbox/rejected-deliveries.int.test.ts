/**
 * Refused webhook deliveries leave a trace on their flow: through the real route handler (bad JSON,
 * too large, inactive flow), bounded per flow, readable by the flow's workspace only, never the body.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { flows, rejectedDeliveries } from '../../db/schema';
import { callerFor, insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { KEEP_PER_FLOW, recordRejectedDelivery } from './rejected-deliveries';

let database: TestDatabase;
let handle: DbHandle;
let acme: string;
let globex: string;
let viewer: { id: string; email: string; name: string };
let outsider: { id: string; email: string; name: string };
let flow: { flowId: string; token: string };
let POST: (req: Request, ctx: { params: Promise<{ token: string }> }) => Promise<Response>;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const admin = await insertUser(handle.db, 'Ada');
  viewer = await insertUser(handle.db, 'Vic');
  outsider = await insertUser(handle.db, 'Gus');
  acme = await insertWorkspace(handle.db, 'Acme', [
    { userId: admin.id, role: 'admin' },
    { userId: viewer.id, role: 'viewer' },
  ]);
  globex = await insertWorkspace(handle.db, 'Globex', [{ userId: outsider.id, role: 'admin' }]);
  const published = await createPublishedFlow(handle.db, { workspaceId: acme, userId: admin.id }, contactIntakeFlow());
  flow = { flowId: published.flowId, token: published.token };
  // The route reads its database and body limit from the environment when first loaded.
  process.env.DATABASE_URL = database.url;
  process.env.SYNCLINE_WEBHOOK_MAX_BYTES = '2048';
  ({ POST } = await import('../../app/api/hooks/[token]/route'));
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const deliver = (token: string, body: string) =>
  POST(new Request(`http://localhost/api/hooks/${token}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }), { params: Promise.resolve({ token }) });

describe('rejected webhook deliveries', () => {
  it('records a body that is not JSON and one that is too large, with reason, status and size, never the body', async () => {
    const bad = await deliver(flow.token, '{"email": "secret-marker@example.com",');
    expect(bad.status).toBe(400);
    const large = await deliver(flow.token, JSON.stringify({ pad: 'secret-marker'.repeat(400) }));
    expect(large.status).toBe(413);

    const list = await callerFor(handle.db, viewer, acme).triggers.rejectedDeliveries({ flowId: flow.flowId });
    expect(list.map((r) => r.status)).toEqual([413, 400]);
    expect(list[1]?.reason).toMatch(/not valid JSON/);
    expect(list[1]?.bodyBytes).toBe(Buffer.byteLength('{"email": "secret-marker@example.com",'));
    expect(list[0]).toMatchObject({ reason: 'The body is larger than the limit of 2048 bytes.', bodyBytes: null });
    const rows = await handle.db.execute(sql`select row_to_json(r)::text as json from rejected_deliveries r`);
    expect(rows.length).toBe(2);
    for (const row of rows) expect(String(row.json)).not.toContain('secret-marker');
  });

  it('records a delivery to a flow that is not active', async () => {
    await handle.db.update(flows).set({ status: 'draft' }).where(eq(flows.id, flow.flowId));
    const res = await deliver(flow.token, '{"email":"a@example.com"}');
    expect(res.status).toBe(409);
    const [newest] = await callerFor(handle.db, viewer, acme).triggers.rejectedDeliveries({ flowId: flow.flowId });
    expect(newest).toMatchObject({ status: 409, reason: expect.stringMatching(/not active/) });
    await handle.db.update(flows).set({ status: 'active' }).where(eq(flows.id, flow.flowId));
  });

  it('records nothing for an address no flow listens at', async () => {
    const res = await deliver('no-such-token', '{}');
    expect(res.status).toBe(404);
    await expect(recordRejectedDelivery(handle.db, { token: 'no-such-token', status: 404, reason: 'x', bodyBytes: 2 })).resolves.toBe(false);
  });

  it(`keeps only the newest ${KEEP_PER_FLOW} per flow`, async () => {
    for (let i = 0; i < KEEP_PER_FLOW + 5; i++) {
      await recordRejectedDelivery(handle.db, { token: flow.token, status: 401, reason: `attempt ${i}`, bodyBytes: 10 });
    }
    const [{ count }] = (await handle.db.select({ count: sql<number>`count(*)::int` }).from(rejectedDeliveries).where(eq(rejectedDeliveries.flowId, flow.flowId))) as [{ count: number }];
    expect(count).toBe(KEEP_PER_FLOW);
    const list = await callerFor(handle.db, viewer, acme).triggers.rejectedDeliveries({ flowId: flow.flowId });
    expect(list[0]?.reason).toBe(`attempt ${KEEP_PER_FLOW + 4}`);
    expect(list.some((r) => r.reason === 'attempt 0')).toBe(false);
  });

  it("shows nothing of another workspace's flow", async () => {
    await expect(callerFor(handle.db, outsider, globex).triggers.rejectedDeliveries({ flowId: flow.flowId })).resolves.toEqual([]);
  });
});
