import { and, eq, isNull, sql } from 'drizzle-orm';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../db/client';
import { alertDeliveries, alertIncidents, auditLog, flows, inboxEvents, runs, type RunStatus } from '../../db/schema';
import { createRunRecords } from '../../temporal/activities/run-records';
import { runOutcomeLog } from '../../temporal/activities/run-outcome-log';
import { runWorkflowId } from '../../temporal/api/ids';
import { callerFor, insertUser, insertWorkspace } from '../../tests/support/app-context';
import { createTestDatabase, type TestDatabase } from '../../tests/support/database';
import { contactIntakeFlow, createPublishedFlow } from '../../tests/support/flows';
import { subjectsWhereConditionHolds } from './alert-conditions';
import { startAlertLoop } from '../../temporal/jobs/alert-loop';
import { TIMESTAMP_HEADER, SIGNATURE_HEADER, verifyAlertSignature } from './alert-signature';
import { MAX_ATTEMPTS, deliverDueAlerts } from './deliver-alerts';
import { evaluateAlerts } from './evaluate-alerts';

process.env.SYNCLINE_ENCRYPTION_KEY = randomBytes(32).toString('base64');

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: { event: string; title: string; flow: { id: string }; rule: { id: string }; incident: { id: string; resolvedAt: string | null } };
}

/** A real HTTP receiver on a free port; answers with the next queued status (200 once the queue is empty). */
function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  return new Promise<{ url: string; received: Received[]; statuses: number[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/alerts`, received, statuses, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

async function eventually(check: () => Promise<void> | void, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

let database: TestDatabase;
let handle: DbHandle;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let admin: { id: string; email: string; name: string };
let viewer: { id: string; email: string; name: string };
let acme: string;
let flow: { flowId: string; versionId: string };
const SECRET = 'whsec-test-0123456789abcdef';

async function publishedFlow(workspaceId: string, userId: string) {
  const { flowId } = await createPublishedFlow(handle.db, { workspaceId, userId }, contactIntakeFlow());
  const [row] = await handle.db.select().from(flows).where(eq(flows.id, flowId));
  return { flowId, versionId: row!.activeVersionId! };
}

async function insertRun(target: { flowId: string; versionId: string }, status: RunStatus, ageSeconds = 0): Promise<string> {
  const id = randomUUID();
  const at = new Date(Date.now() - ageSeconds * 1000);
  await handle.db.insert(runs).values({
    id,
    workspaceId: acme,
    flowId: target.flowId,
    flowVersionId: target.versionId,
    version: 1,
    trigger: 'webhook',
    workflowId: runWorkflowId(id),
    status,
    createdAt: at,
    startedAt: at,
    finishedAt: status === 'queued' || status === 'running' ? null : at,
    error: status === 'failed' ? { message: 'The CRM answered HTTP 500.', category: 'transient', nodeId: 'upsert' } : null,
  });
  return id;
}

/** Evaluates, then sends whatever is due, as one pass of the worker's alert loop does. */
async function pass() {
  const evaluated = await evaluateAlerts(handle.db);
  await deliverDueAlerts(handle.db);
  return evaluated;
}

function signatureOk(message: Received): boolean {
  return verifyAlertSignature(SECRET, String(message.headers[TIMESTAMP_HEADER]), message.raw, String(message.headers[SIGNATURE_HEADER]));
}

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 6 });
  receiver = await startReceiver();
  admin = await insertUser(handle.db, 'Ada');
  viewer = await insertUser(handle.db, 'Vic');
  acme = await insertWorkspace(handle.db, 'Acme', [
    { userId: admin.id, role: 'admin' },
    { userId: viewer.id, role: 'viewer' },
  ]);
  flow = await publishedFlow(acme, admin.id);
});

afterAll(async () => {
  await receiver?.close();
  await handle?.close();
  await database?.drop();
});

describe('alerts', () => {
  let ruleId: string;

  it('fires once to a signed webhook and in the app, stays quiet while the run keeps failing, and resolves when a run succeeds', async () => {
    const asAdmin = callerFor(handle.db, admin, acme);
    const channel = await asAdmin.alerts.createChannel({ name: 'Ops webhook', url: receiver.url, secret: SECRET, allowPrivateNetwork: true });
    ({ id: ruleId } = await asAdmin.alerts.createRule({ name: 'Contact sync failed', flowId: flow.flowId, condition: 'run_failed', channelIds: [channel.id] }));
    // The secret never comes back out, in any shape.
    expect(JSON.stringify(await asAdmin.alerts.setup())).not.toContain(SECRET);
    expect(JSON.stringify(await asAdmin.alerts.setup())).not.toContain('secretCiphertext');

    await insertRun(flow, 'succeeded', 120);
    expect(await pass()).toEqual({ fired: 0, resolved: 0 });
    expect(receiver.received).toHaveLength(0);

    // The receiver is down the first time: the delivery is retried, and the failure is visible meanwhile.
    receiver.statuses.push(503);
    await insertRun(flow, 'failed', 60);
    expect(await pass()).toEqual({ fired: 1, resolved: 0 });
    expect(receiver.received).toHaveLength(1);
    const [pending] = await asAdmin.alerts.deliveries();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, event: 'firing' });
    expect(pending!.lastError).toMatch(/503/);
    // Not due yet (backoff), so another pass sends nothing; once due, it is delivered.
    await pass();
    expect(receiver.received).toHaveLength(1);
    await handle.db.update(alertDeliveries).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(alertDeliveries.status, 'pending'));
    await pass();
    expect(receiver.received).toHaveLength(2);
    const firing = receiver.received[1]!;
    expect(signatureOk(firing)).toBe(true);
    expect(verifyAlertSignature('another-secret-0123456789', String(firing.headers[TIMESTAMP_HEADER]), firing.raw, String(firing.headers[SIGNATURE_HEADER]))).toBe(false);
    expect(firing.body).toMatchObject({ event: 'firing', flow: { id: flow.flowId }, rule: { id: ruleId } });
    expect(firing.body.title).toContain('Contact sync failed');
    expect((await asAdmin.alerts.deliveries())[0]).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });

    // The condition holds through more failures and several evaluations: nothing new is sent.
    await insertRun(flow, 'failed', 30);
    for (let i = 0; i < 3; i++) expect(await pass()).toEqual({ fired: 0, resolved: 0 });
    expect(receiver.received).toHaveLength(2);
    expect(await handle.db.select().from(alertIncidents).where(isNull(alertIncidents.resolvedAt))).toHaveLength(1);

    // Viewers see the notification in the bell and can mark it read.
    const asViewer = callerFor(handle.db, viewer, acme);
    const bell = await asViewer.alerts.notifications();
    expect(bell.unread).toBe(1);
    expect(bell.items[0]).toMatchObject({ event: 'firing', read: false });
    expect(bell.items[0]!.body).toContain('HTTP 500');
    await asViewer.alerts.markRead({ ids: [bell.items[0]!.id] });
    expect((await asViewer.alerts.notifications()).unread).toBe(0);
    expect((await asAdmin.alerts.notifications()).unread).toBe(1); // read state is per user

    // A run succeeds: one "resolved" message, signed, and a resolved notification.
    await insertRun(flow, 'succeeded', 0);
    expect(await pass()).toEqual({ fired: 0, resolved: 1 });
    expect(receiver.received).toHaveLength(3);
    const resolved = receiver.received[2]!;
    expect(signatureOk(resolved)).toBe(true);
    expect(resolved.body).toMatchObject({ event: 'resolved', incident: { id: firing.body.incident.id } });
    expect(resolved.body.incident.resolvedAt).not.toBeNull();
    for (let i = 0; i < 2; i++) expect(await pass()).toEqual({ fired: 0, resolved: 0 });
    expect(receiver.received).toHaveLength(3);
    const after = await asViewer.alerts.notifications();
    expect(after.unread).toBe(1);
    expect(after.items[0]).toMatchObject({ event: 'resolved', read: false });
    expect((await asViewer.alerts.incidents())[0]).toMatchObject({ ruleName: 'Contact sync failed' });

    const audit = await handle.db.select().from(auditLog).where(eq(auditLog.workspaceId, acme));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['alert_channel.created', 'alert_rule.created']));
  });

  it('evaluates at once when a run fails, woken by the run-outcome activity', async () => {
    const loop = startAlertLoop({ db: handle.db, sql: handle.sql, intervalMs: 3_600_000 });
    try {
      await eventually(async () => expect((await callerFor(handle.db, admin, acme).alerts.deliveries())[0]?.status).toBe('delivered'));
      const before = receiver.received.length;
      const runId = await insertRun(flow, 'running');
      const records = createRunRecords(handle.db, runOutcomeLog(handle.db));
      await records.completeRun({
        runId,
        result: { status: 'failed', trace: [], error: { message: 'Lookup failed', category: 'user', nodeId: 'lookup' } },
        attempts: {},
        itemsIn: 1,
        itemsOut: 0,
      });
      // Only the NOTIFY can have woken the loop: its interval is an hour.
      await eventually(() => expect(receiver.received.length).toBe(before + 1));
      expect(receiver.received.at(-1)!.body).toMatchObject({ event: 'firing', flow: { id: flow.flowId } });
      expect(signatureOk(receiver.received.at(-1)!)).toBe(true);
    } finally {
      await loop.stop();
    }
  });

  it('gives up after the last attempt and keeps the error visible', async () => {
    await insertRun(flow, 'succeeded', 0);
    receiver.statuses.push(500);
    expect(await evaluateAlerts(handle.db)).toEqual({ fired: 0, resolved: 1 });
    await handle.db.update(alertDeliveries).set({ attempts: MAX_ATTEMPTS - 1 }).where(eq(alertDeliveries.status, 'pending'));
    await deliverDueAlerts(handle.db);
    const [latest] = await callerFor(handle.db, admin, acme).alerts.deliveries();
    expect(latest).toMatchObject({ event: 'resolved', status: 'failed', attempts: MAX_ATTEMPTS });
    expect(latest!.lastError).toMatch(/500/);
  });

  it('finds the flows where each condition holds', async () => {
    const other = await publishedFlow(acme, admin.id);
    const rule = { workspaceId: acme, flowId: null, threshold: 2, windowMinutes: 10, updatedAt: new Date(Date.now() - 3_600_000) };
    await insertRun(other, 'failed', 60);
    await insertRun(other, 'failed', 3600); // outside the 10-minute window
    expect((await subjectsWhereConditionHolds(handle.db, { ...rule, condition: 'failure_count' })).map((s) => s.flowId)).not.toContain(other.flowId);
    await insertRun(other, 'failed', 30);
    const counted = await subjectsWhereConditionHolds(handle.db, { ...rule, condition: 'failure_count' });
    expect(counted.find((s) => s.flowId === other.flowId)?.summary).toBe('2 failed runs in the last 10 minutes.');

    // No success in 10 minutes on an active flow: holds for `other` (never succeeded), not for `flow` (succeeded just now).
    const silent = await subjectsWhereConditionHolds(handle.db, { ...rule, condition: 'no_success' });
    expect(silent.map((s) => s.flowId)).toContain(other.flowId);
    expect(silent.map((s) => s.flowId)).not.toContain(flow.flowId);
    // A rule changed a minute ago gives the flow its whole window first.
    expect(await subjectsWhereConditionHolds(handle.db, { ...rule, condition: 'no_success', updatedAt: new Date(Date.now() - 60_000) })).toEqual([]);

    const pendingEvent = (n: number) => ({ workspaceId: acme, flowId: other.flowId, dedupeKey: `k${n}`, source: 'webhook', payload: { n } });
    await handle.db.insert(inboxEvents).values([1, 2].map(pendingEvent));
    expect(await subjectsWhereConditionHolds(handle.db, { ...rule, condition: 'backlog' })).toEqual([]);
    await handle.db.insert(inboxEvents).values(pendingEvent(3));
    expect((await subjectsWhereConditionHolds(handle.db, { ...rule, condition: 'backlog' })).map((s) => s.flowId)).toEqual([other.flowId]);
  });

  it('lets analysts manage rules, refuses a private-network channel to them, and explains bad input by field', async () => {
    const analyst = await insertUser(handle.db, 'Ana');
    await handle.db.execute(sql`insert into memberships (workspace_id, user_id, role) values (${acme}, ${analyst.id}, 'analyst')`);
    const asAnalyst = callerFor(handle.db, analyst, acme);
    await expect(asAnalyst.alerts.createChannel({ name: 'Internal', url: 'http://10.0.0.5/hook', secret: SECRET, allowPrivateNetwork: true })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/allowPrivateNetwork/),
    });
    await expect(asAnalyst.alerts.createChannel({ name: 'Short', url: 'https://example.com/hook', secret: 'short' })).rejects.toThrow(/secret: at least 16/);
    await expect(asAnalyst.alerts.createRule({ name: 'x', condition: 'backlog', notifyInApp: false, channelIds: [] })).rejects.toThrow(/channelIds:/);
    await expect(asAnalyst.alerts.createRule({ name: 'x', condition: 'backlog', flowId: randomUUID() })).rejects.toThrow(/flowId: no such flow/);
    const created = await asAnalyst.alerts.createRule({ name: 'Backlog', condition: 'backlog', threshold: 100 });
    await asAnalyst.alerts.updateRule({ id: created.id, name: 'Backlog', condition: 'backlog', threshold: 50, enabled: false });
    await asAnalyst.alerts.deleteRule({ id: created.id });
    const actions = await handle.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, acme), eq(auditLog.targetId, created.id)));
    expect(actions.map((a) => a.action).sort()).toEqual(['alert_rule.created', 'alert_rule.deleted', 'alert_rule.updated']);
    await expect(callerFor(handle.db, viewer, acme).alerts.setup()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
