/**
 * The intake listener of `npm start` over real sockets and a real PostgreSQL: hostile bodies, group
 * commit, and PostgreSQL outages staged by a TCP proxy in front of the test database
 * (tests/support/outage-proxy.ts: refusing connections like a stopped server, or freezing like a
 * SIGSTOPped one) and by terminating the intake's connections in the middle of a batch.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { flows, inboxEvents } from '../../db/schema';
import { insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { startOutageProxy, type OutageProxy } from '../../tests/support/outage-proxy';
import { INTAKE_APPLICATION_NAME, openIntakeDb } from './intake-db';
import { createIntakeListener } from './intake-listener';
import { arrivedEvents, INBOX_CHANNEL } from './channels';
import { eventually } from '../../tests/support/processes';

const MAX_BODY_BYTES = 64 * 1024;
let database: TestDatabase;
let handle: DbHandle;
let intake: DbHandle;
let proxy: OutageProxy;
let server: http.Server;
let baseUrl: string;
let token: string;
let flowId: string;
let pausedToken: string;
/** Every log line of the listener. */
const logLines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const user = await insertUser(handle.db, 'Intake');
  const actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Intake', [{ userId: user.id, role: 'admin' }]) };
  process.env.SYNCLINE_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString('base64');
  ({ token, flowId } = await createPublishedFlow(handle.db, actor, contactIntakeFlow()));
  pausedToken = (await createPublishedFlow(handle.db, actor, contactIntakeFlow(), 'paused')).token;

  const target = new URL(database.url);
  proxy = await startOutageProxy(Number(target.port));
  target.port = String(proxy.port);
  intake = openIntakeDb(target.toString(), { max: 4 });
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) });
  const listener = createIntakeListener({ db: intake.db, maxBodyBytes: MAX_BODY_BYTES, log: pino({ level: 'info' }, sink) });
  server = http.createServer((req, res) => (listener.handles(req) ? listener.handle(req, res) : res.writeHead(418).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await proxy?.restore();
  await intake?.close();
  await proxy?.stop();
  await handle?.close();
  await database?.drop();
});

beforeEach(async () => {
  await proxy.restore();
});

async function post(body: string, options: { token?: string; headers?: Record<string, string> } = {}) {
  const started = Date.now();
  const res = await fetch(`${baseUrl}/api/hooks/${options.token ?? token}`, { method: 'POST', headers: { 'content-type': 'application/json', ...options.headers }, body });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: text ? (JSON.parse(text) as Record<string, unknown>) : null, ms: Date.now() - started };
}

/** Once PostgreSQL is back, the pool reconnects (which takes a moment on a busy machine): the sender's retries succeed. */
async function acceptedOnRetry(body: string): Promise<number> {
  let status = 0;
  for (let attempt = 0; attempt < 20 && status !== 202; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250));
    status = (await post(body)).status;
  }
  return status;
}

const storedWith = async (marker: string) =>
  (await handle.db.select({ id: inboxEvents.id }).from(inboxEvents).where(sql`${inboxEvents.payload}::text like ${`%${marker}%`}`)).length;

describe('intake listener: hostile bodies get a 4xx naming the path, never a 5xx', () => {
  it('refuses text with \\u0000 (value or key) and lone surrogates, naming the JSON path, and stores nothing', async () => {
    const nul = await post('{"marker":"nul-1","contact":{"notes":["ok","a\\u0000b"]}}');
    expect(nul.status).toBe(400);
    expect(nul.json!.error).toMatch(/\$\.contact\.notes\[1\].*U\+0000/);
    const key = await post('{"marker":"nul-2","bad\\u0000key":1}');
    expect(key.status).toBe(400);
    expect(key.json!.error).toMatch(/key in \$ .*U\+0000/);
    const surrogate = await post('{"marker":"sur-1","name":"\\ud800x"}');
    expect(surrogate.status).toBe(400);
    expect(surrogate.json!.error).toMatch(/\$\.name.*lone surrogate/);
    expect(await storedWith('nul-1')).toBe(0);
    expect(await storedWith('sur-1')).toBe(0);
  });

  it('refuses numbers JSON cannot hold (1e400 would be stored as null), naming the path', async () => {
    const huge = await post('{"marker":"big-1","order":{"lines":[{"amount":1e400}]}}');
    expect(huge.status).toBe(400);
    expect(huge.json!.error).toMatch(/\$\.order\.lines\[0\]\.amount.*too large/);
    const negative = await post('{"marker":"big-2","x":-1e999}');
    expect(negative.status).toBe(400);
    expect(await storedWith('big-1')).toBe(0);
  });

  it('accepts a body with a leading byte order mark, storing the JSON after it', async () => {
    const res = await post('\uFEFF{"marker":"bom-1","id":"c-bom","email":"bom@example.com"}');
    expect(res.status).toBe(202);
    const [row] = await handle.db.select({ payload: inboxEvents.payload }).from(inboxEvents).where(eq(inboxEvents.id, res.json!.eventId as string));
    expect(row!.payload).toEqual({ marker: 'bom-1', id: 'c-bom', email: 'bom@example.com' });
  });

  it('keeps the answers of the Next.js route: body limit, invalid JSON, unknown token, paused flow, repeats', async () => {
    expect((await post(`{"pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`)).status).toBe(413);
    expect(await post('{"email": ')).toMatchObject({ status: 400, json: { error: expect.stringMatching(/not valid JSON/) } });
    expect((await post('{}', { token: 'no-such-token' })).status).toBe(404);
    expect(await post('{"marker":"paused-1"}', { token: pausedToken })).toMatchObject({ status: 202, json: { duplicate: false, queued: true } });
    const first = await post('{"marker":"rep-1","attempt":1}', { headers: { 'idempotency-key': 'rep-1' } });
    const again = await post('{"marker":"rep-1","attempt":2}', { headers: { 'idempotency-key': 'rep-1' } });
    expect(first).toMatchObject({ status: 202, json: { duplicate: false, queued: false } });
    expect(again).toMatchObject({ status: 202, json: { duplicate: true, eventId: first.json!.eventId } });
  });
});

describe('intake listener: remembered look-ups', () => {
  it('answers as a fresh look-up would once the flow is paused, set back to draft, archived or given a new token', async () => {
    const user = await insertUser(handle.db, 'Remembered');
    const actor = { userId: user.id, workspaceId: await insertWorkspace(handle.db, 'Remembered', [{ userId: user.id, role: 'admin' }]) };
    const changing = await createPublishedFlow(handle.db, actor, contactIntakeFlow());
    const set = (values: Partial<typeof flows.$inferInsert>) => handle.db.update(flows).set(values).where(eq(flows.id, changing.flowId));
    const send = (marker: string, to = changing.token) => post(JSON.stringify({ marker }), { token: to });

    expect(await send('rem-active')).toMatchObject({ status: 202, json: { queued: false } });
    await set({ status: 'paused' });
    expect(await send('rem-paused')).toMatchObject({ status: 202, json: { queued: true } });
    await set({ status: 'draft' });
    expect((await send('rem-draft')).status).toBe(409);
    await set({ status: 'active', archivedAt: new Date() });
    expect((await send('rem-archived')).status).toBe(404);
    await set({ archivedAt: null });
    expect(await send('rem-back')).toMatchObject({ status: 202, json: { queued: false } });
    await set({ webhookToken: `${changing.token}-new` });
    expect((await send('rem-old-token')).status).toBe(404);
    expect((await send('rem-new-token', `${changing.token}-new`)).status).toBe(202);

    for (const stored of ['rem-active', 'rem-paused', 'rem-back', 'rem-new-token']) expect(await storedWith(stored)).toBe(1);
    for (const refused of ['rem-draft', 'rem-archived', 'rem-old-token']) expect(await storedWith(refused)).toBe(0);
  });
});

describe('intake listener: group commit', () => {
  it('stores many concurrent deliveries once each, in shared INSERTs, with one answer per request (repeats recognised)', async () => {
    const distinct = 240;
    const bodies = Array.from({ length: distinct }, (_, i) => ({ body: JSON.stringify({ marker: 'gc-run', n: i }), key: `gc-${i}` }));
    // Every tenth event is sent twice at once: the second must be answered as a repeat of the first.
    const requests = [...bodies, ...bodies.filter((_, i) => i % 10 === 0)];
    const answers = await Promise.all(requests.map((r) => post(r.body, { headers: { 'idempotency-key': r.key } })));
    expect(answers.map((a) => a.status)).toEqual(requests.map(() => 202));

    const byKey = new Map<string, { eventId: unknown; duplicate: unknown }[]>();
    requests.forEach((r, i) => byKey.set(r.key, [...(byKey.get(r.key) ?? []), answers[i]!.json as { eventId: unknown; duplicate: unknown }]));
    for (const [, got] of byKey) {
      expect(new Set(got.map((g) => g.eventId)).size).toBe(1);
      expect(got.filter((g) => g.duplicate === false)).toHaveLength(1);
    }
    const rows = await handle.db.execute<{ n: number; transactions: number }>(
      sql`select count(*)::int as n, count(distinct xmin::text)::int as transactions from inbox_events where flow_id = ${flowId} and payload->>'marker' = 'gc-run'`,
    );
    expect(rows[0]!.n).toBe(distinct);
    // Rows written by one INSERT share its transaction id: fewer transactions than events means shared commits.
    expect(rows[0]!.transactions).toBeLessThan(distinct);
  });

  it('tells the relay how many events of its flow each commit stored: one NOTIFY per flow and commit, repeats not counted', async () => {
    const listening = postgres(database.url, { max: 1 });
    const announced: { flowId: string; count: number }[] = [];
    const subscription = await listening.listen(INBOX_CHANNEL, (payload) => {
      const events = arrivedEvents(payload);
      if (events) announced.push(events);
    });
    try {
      const bodies = Array.from({ length: 60 }, (_, i) => JSON.stringify({ marker: 'announced', n: i }));
      const answers = await Promise.all([...bodies, bodies[0]!].map((body) => post(body)));
      expect(answers.map((a) => a.status)).toEqual([...bodies, bodies[0]].map(() => 202));
      const total = () => announced.reduce((sum, a) => sum + a.count, 0);
      await eventually(async () => (total() >= bodies.length ? true : undefined), 'the NOTIFYs of every commit');
      expect(new Set(announced.map((a) => a.flowId))).toEqual(new Set([flowId]));
      expect(total()).toBe(bodies.length);
      const commits = await handle.db.execute<{ transactions: number }>(
        sql`select count(distinct xmin::text)::int as transactions from inbox_events where flow_id = ${flowId} and payload->>'marker' = 'announced'`,
      );
      expect(announced).toHaveLength(commits[0]!.transactions);
    } finally {
      await subscription.unlisten();
      await listening.end();
    }
  });

  it('answers with a Content-Length (not chunked) and logs accepted deliveries one line per batch, naming every run id', async () => {
    const linesBefore = logLines.length;
    const count = 60;
    const answers = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const res = await fetch(`${baseUrl}/api/hooks/${token}`, { method: 'POST', body: JSON.stringify({ marker: 'log-batch', n: i }) });
        const text = await res.text();
        return { status: res.status, length: res.headers.get('content-length'), chunked: res.headers.get('transfer-encoding'), text };
      }),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 202, length: String(Buffer.byteLength(answer.text)), chunked: null });
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // the last batch's line is written on the next turn
    const lines = logLines
      .slice(linesBefore)
      .map((line) => JSON.parse(line) as { msg: string; runIds?: string[] })
      .filter((line) => line.msg === 'webhooks accepted');
    const logged = lines.flatMap((line) => line.runIds ?? []);
    expect(logged.sort()).toEqual(answers.map((a) => (JSON.parse(a.text) as { eventId: string }).eventId).sort());
    expect(lines.length).toBeLessThan(count);
  });

  it('answers every delivery of a batch 503 when PostgreSQL fails during it, and stores none of them', async () => {
    const admin = postgres(database.url, { max: 1, onnotice: () => {} });
    const count = 40;
    let terminated = 0;
    try {
      // Hold the inbox locked, so the intake's INSERTs wait inside PostgreSQL; then kill their sessions
      // mid-statement, as a crash or restart of PostgreSQL does.
      const answers = await admin.begin(async (tx) => {
        await tx`lock table inbox_events in access exclusive mode`;
        let done = false;
        const pending = Promise.all(
          Array.from({ length: count }, (_, i) => post(JSON.stringify({ marker: 'mid-batch', n: i, secret: 'body-secret-9f3' }), { headers: { 'idempotency-key': `mid-${i}` } })),
        ).finally(() => (done = true));
        while (!done) {
          const killed = await handle.db.execute<{ pid: number }>(sql`
            with waiting as materialized (
              select pid from pg_stat_activity
              where application_name = ${INTAKE_APPLICATION_NAME} and datname = current_database() and wait_event_type = 'Lock')
            select pid, pg_terminate_backend(pid) from waiting`);
          terminated += killed.length;
          await new Promise((r) => setTimeout(r, 20));
        }
        return pending;
      });
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.retryAfter).toMatch(/^\d+$/);
        expect(answer.json).toMatchObject({ stored: false, error: expect.stringMatching(/not stored/) });
      }
    } finally {
      await admin.end();
    }
    expect(await storedWith('mid-batch')).toBe(0);
    expect(terminated).toBeGreaterThan(0);
    // The log says which event failed and why, and holds neither the body nor the token.
    const failures = logLines.filter((line) => line.includes('webhook not stored'));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.some((line) => /"eventId":"mid-\d+"/.test(line) && /"reason":"/.test(line))).toBe(true);
    expect(logLines.some((line) => line.includes('body-secret-9f3') || line.includes(token) || /Failed query|params:|insert into/i.test(line))).toBe(false);
    // And the intake recovers by itself: a delivery sent again is accepted.
    expect(await acceptedOnRetry(JSON.stringify({ marker: 'mid-batch-after' }))).toBe(202);
  });
});

describe('intake listener: PostgreSQL away', () => {
  it('answers 503 with Retry-After and "not stored" while PostgreSQL refuses connections, then accepts again once it is back', async () => {
    await proxy.refuse();
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => post(JSON.stringify({ marker: 'refused', n: i }))));
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503, json: { stored: false } });
      expect(answer.retryAfter).toMatch(/^\d+$/);
      // Bounded waits (intake-db.ts): no request hangs (it used to take up to 15 s).
      expect(answer.ms).toBeLessThan(3000);
    }
    await proxy.restore();
    expect(await acceptedOnRetry(JSON.stringify({ marker: 'refused-after' }))).toBe(202);
    expect(await storedWith('"refused"')).toBe(0);
  });

  it('answers 503 within the bound while PostgreSQL is frozen (connections open, nothing answered)', async () => {
    proxy.freeze();
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => post(JSON.stringify({ marker: 'frozen', n: i }))));
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 503 });
      expect(answer.retryAfter).toMatch(/^\d+$/);
      expect(answer.ms).toBeLessThan(3500);
    }
    await proxy.restore();
    expect(await acceptedOnRetry(JSON.stringify({ marker: 'frozen-after' }))).toBe(202);
  });
});
