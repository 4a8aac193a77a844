/**
 * Signed webhooks from the outbox to a real local receiver: valid HMAC signatures, retried after a 500,
 * and in order per record (a later change waits for the earlier one to get through).
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDemoDatabases } from '../shared/test-databases';
import { startDemoCrm, type DemoCrm } from './server';

const KEY = 'test-sync-key';
const SECRET = 'whsec-test-0123456789';

interface Received {
  body: string;
  signature: string | undefined;
  eventId: string | undefined;
  event: { eventId: string; type: string; occurredAt: string; record: { id: string; modifiedAt: string; phone?: string | null } };
}

let dbs: Awaited<ReturnType<typeof createDemoDatabases>>;
let crm: DemoCrm;
let receiver: http.Server;
let receiverUrl: string;
const received: Received[] = [];
/** The receiver answers 500 to this many requests before accepting. */
let failNext = 0;
let attempts = 0;

beforeAll(async () => {
  dbs = await createDemoDatabases();
  crm = await startDemoCrm({
    databaseUrl: dbs.crmUrl,
    port: 0,
    apiKeys: new Map([[KEY, 'svc-sync']]),
    webhooks: { retryBaseMs: 100, pollMs: 50 },
    log: () => {},
  });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end('try later');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ body, signature: req.headers['x-signature'] as string, eventId: req.headers['x-event-id'] as string, event: JSON.parse(body) as Received['event'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await crm?.stop();
  await new Promise((r) => receiver?.close(r));
  await dbs?.drop();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${crm.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: string; data?: unknown[] } };
}

async function until(check: () => boolean, timeoutMs = 8_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for webhook deliveries');
    await new Promise((r) => setTimeout(r, 25));
  }
}

it('delivers signed events per change, retries after a 500, and keeps the order per record', async () => {
  const sub = await api('POST', '/api/webhooks', { url: receiverUrl, secret: SECRET });
  expect(sub.status).toBe(201);
  expect(sub.body).not.toHaveProperty('secret');
  expect((await api('GET', '/api/webhooks')).body.data).toHaveLength(1);
  expect((await api('POST', '/api/webhooks', { url: 'ftp://x', secret: 'short' })).status).toBe(400);

  // The first two attempts fail: the create must be retried, and the update and delete queue behind it.
  failNext = 2;
  const contact = await api('POST', '/api/contacts', { firstName: 'Hook', email: 'hook@x.test' });
  await api('PATCH', `/api/contacts/${contact.body.id}`, { phone: '+1 555 0100' });
  await api('DELETE', `/api/contacts/${contact.body.id}`);
  const company = await api('POST', '/api/companies', { name: 'Hooked Inc' });

  await until(() => received.length >= 4);
  const forContact = received.filter((r) => r.event.record.id === contact.body.id);
  expect(forContact.map((r) => r.event.type)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
  expect(forContact[1]!.event.record.phone).toBe('+1 555 0100');
  expect(received.find((r) => r.event.record.id === company.body.id)?.event.type).toBe('company.created');
  expect(attempts).toBeGreaterThanOrEqual(6);

  for (const r of received) {
    const expected = `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`;
    expect(r.signature).toBe(expected);
    expect(r.eventId).toBe(r.event.eventId);
    expect(r.event.occurredAt).toBe(r.event.record.modifiedAt);
  }
  // Exactly once per event on success (at-least-once in general; here nothing was resent).
  expect(new Set(received.map((r) => r.eventId)).size).toBe(received.length);

  // The page shows the subscription and the deliveries.
  const fragment = await (await fetch(`${crm.url}/ui/fragment`)).text();
  expect(fragment).toContain(receiverUrl);
  expect(fragment).toContain('contact.deleted');

  // Unsubscribed: later changes are not delivered.
  expect((await api('DELETE', `/api/webhooks/${sub.body.id}`)).status).toBe(200);
  expect((await api('DELETE', `/api/webhooks/${sub.body.id}`)).status).toBe(404);
  const before = received.length;
  await api('POST', '/api/contacts', { email: 'quiet@x.test' });
  await new Promise((r) => setTimeout(r, 300));
  expect(received.length).toBe(before);
});
