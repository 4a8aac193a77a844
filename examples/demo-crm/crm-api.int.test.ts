/**
 * The demo CRM's REST API on a real socket and a real database: CRUD with modifiedBy/modifiedAt, soft
 * delete, keyset pagination across records sharing one modifiedAt, Idempotency-Key, chaos switches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '../shared/database';
import { createDemoDatabases } from '../shared/test-databases';
import { startDemoCrm, type DemoCrm } from './server';

const SYNC_KEY = 'test-sync-key';
const BOB_KEY = 'test-bob-key';
const MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

let dbs: Awaited<ReturnType<typeof createDemoDatabases>>;
let crm: DemoCrm;
let sql: Sql;

type Json = Record<string, unknown> & { id: string; modifiedAt: string; modifiedBy: string; deletedAt: string | null };

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = SYNC_KEY) {
  const res = await fetch(`${crm.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json & { error?: string; data?: Json[]; nextCursor?: string | null } };
}

beforeAll(async () => {
  dbs = await createDemoDatabases();
  crm = await startDemoCrm({ databaseUrl: dbs.crmUrl, port: 0, apiKeys: new Map([[SYNC_KEY, 'svc-sync'], [BOB_KEY, 'bob']]), log: () => {} });
  sql = connect(dbs.crmUrl, 2);
});

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await crm?.stop();
  await dbs?.drop();
});

describe('demo CRM REST API', () => {
  it('rejects calls without a known API key', async () => {
    const res = await fetch(`${crm.url}/api/contacts`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
    expect((await api('GET', '/api/contacts', undefined, {}, 'nope')).status).toBe(401);
  });

  it('creates, reads, updates and soft-deletes, stamping modifiedBy and modifiedAt', async () => {
    const company = await api('POST', '/api/companies', { name: 'Acme', domain: 'acme.test' });
    expect(company.status).toBe(201);
    const created = await api('POST', '/api/contacts', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@acme.test', companyId: company.body.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ firstName: 'Ada', email: 'ada@acme.test', companyId: company.body.id, modifiedBy: 'svc-sync', deletedAt: null, tier: null });
    expect(created.body.modifiedAt).toMatch(MICROS);
    const id = created.body.id;
    expect((await api('GET', `/api/contacts/${id}`)).body).toEqual(created.body);

    const patched = await api('PATCH', `/api/contacts/${id}`, { phone: '+44 20 7946 0000', tier: 'gold' }, {}, BOB_KEY);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ firstName: 'Ada', phone: '+44 20 7946 0000', tier: 'gold', modifiedBy: 'bob' });
    expect(patched.body.modifiedAt > created.body.modifiedAt).toBe(true);

    const deleted = await api('DELETE', `/api/contacts/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.deletedAt).toMatch(MICROS);
    expect(deleted.body.modifiedBy).toBe('svc-sync');
    expect((await api('GET', `/api/contacts/${id}`)).body.deletedAt).toBe(deleted.body.deletedAt);
    expect((await api('DELETE', `/api/contacts/${id}`)).body).toEqual(deleted.body); // idempotent, no new change
    const updateDeleted = await api('PATCH', `/api/contacts/${id}`, { phone: '1' });
    expect(updateDeleted.status).toBe(409);
    expect(updateDeleted.body.error).toMatch(/was deleted/);

    const active = await api('GET', '/api/contacts?limit=500');
    expect(active.body.data!.map((c) => c.id)).not.toContain(id);
    const all = await api('GET', '/api/contacts?limit=500&includeDeleted=true');
    expect(all.body.data!.map((c) => c.id)).toContain(id);
  });

  it('answers bad requests with 400/404 and a clear message', async () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/api/contacts', { email: 'not-an-email' }, 400, /email: must be an email/],
      ['POST', '/api/contacts', { nickname: 'x' }, 400, /unknown field\(s\): nickname/],
      ['POST', '/api/contacts', { modifiedBy: 'eve' }, 400, /read-only field\(s\).*modifiedBy/],
      ['POST', '/api/contacts', { companyId: 'nope' }, 400, /companyId does not refer/],
      ['POST', '/api/companies', { domain: 'x.test' }, 400, /name/],
      ['GET', '/api/contacts/missing', undefined, 404, /contact "missing" not found/],
      ['PATCH', '/api/companies/missing', { name: 'x' }, 404, /company "missing" not found/],
      ['GET', '/api/contacts?limit=501', undefined, 400, /limit must be an integer from 1 to 500/],
      ['GET', '/api/contacts?modifiedSince=yesterday', undefined, 400, /modifiedSince must be an ISO 8601/],
      ['GET', '/api/contacts?cursor=garbage', undefined, 400, /cursor is not valid/],
      ['GET', '/api/tickets', undefined, 404, /no such endpoint/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await api(method, path, body);
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status, error: expect.stringMatching(message) });
    }
    const raw = await fetch(`${crm.url}/api/contacts`, { method: 'POST', headers: { authorization: `Bearer ${SYNC_KEY}` }, body: '{' });
    expect(raw.status).toBe(400);
  });

  it('pages by (modifiedAt, id) without skipping or repeating records that share a modifiedAt', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    await sql`DELETE FROM contacts WHERE email LIKE 'page-%'`;
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) ids.push((await api('POST', '/api/contacts', { lastName: `P${i}`, email: `page-${i}@x.test` })).body.id);
    // 11 of them share one timestamp, as rows written by one transaction do; the page size splits them.
    await sql`UPDATE contacts SET modified_at = '2030-01-01T00:00:00.123456Z' WHERE id IN ${sql(ids.slice(5, 16))}`;

    const seen: Json[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `/api/contacts?limit=4&modifiedSince=${encodeURIComponent(before)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api('GET', q);
      expect(page.status).toBe(200);
      seen.push(...page.body.data!);
      cursor = page.body.nextCursor ?? null;
      pages++;
      if (pages > 30) throw new Error('pagination does not progress');
    } while (cursor);
    const pageIds = seen.map((r) => r.id).filter((id) => ids.includes(id));
    expect(new Set(pageIds).size).toBe(pageIds.length);
    expect([...pageIds].sort()).toEqual([...ids].sort());
    expect(pages).toBeGreaterThanOrEqual(6);
    const keys = seen.map((r) => `${r.modifiedAt}|${r.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(seen.filter((r) => r.modifiedAt === '2030-01-01T00:00:00.123456Z')).toHaveLength(11);

    // modifiedSince is inclusive and exact to the microsecond.
    const since = await api('GET', '/api/contacts?modifiedSince=2030-01-01T00:00:00.123456Z&limit=50');
    expect(since.body.data!.map((r) => r.id).sort()).toEqual(ids.slice(5, 16).sort());
    expect((await api('GET', '/api/contacts?modifiedSince=2030-01-01T00:00:00.123457Z')).body.data).toEqual([]);
  });

  it('honours Idempotency-Key: same key, same record, even when sent concurrently', async () => {
    const body = { firstName: 'Idem', email: 'idem@x.test' };
    const first = await api('POST', '/api/contacts', body, { 'idempotency-key': 'k-1' });
    const again = await api('POST', '/api/contacts', body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const racing = await Promise.all(Array.from({ length: 6 }, () => api('POST', '/api/contacts', { email: 'race@x.test' }, { 'idempotency-key': 'k-race' })));
    expect(new Set(racing.map((r) => r.body.id)).size).toBe(1);
    const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM contacts WHERE email IN ('idem@x.test', 'race@x.test')`;
    expect(row!.n).toBe(2);
    const reused = await api('POST', '/api/contacts', { email: 'other@x.test' }, { 'idempotency-key': 'k-1' });
    expect(reused.status).toBe(409);
    // Keys are per caller: bob's k-1 is a different key.
    expect((await api('POST', '/api/contacts', body, { 'idempotency-key': 'k-1' }, BOB_KEY)).body.id).not.toBe(first.body.id);
  });

  it('goes down, fails and slows down on the chaos switches, keeping the page up', async () => {
    const chaos = (body: unknown) => fetch(`${crm.url}/api/_chaos`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
    try {
      expect(await chaos({ down: true })).toMatchObject({ down: true, status: 503 });
      const down = await api('GET', '/api/contacts');
      expect(down.status).toBe(503);
      expect(down.body.error).toMatch(/down/);
      expect((await fetch(`${crm.url}/`)).status).toBe(200);
      expect((await fetch(`${crm.url}/ui/fragment`)).status).toBe(200);
      expect(await (await fetch(`${crm.url}/api/_chaos`)).json()).toMatchObject({ down: true });

      await chaos({ down: false, failRate: 1, status: 500 });
      expect((await api('POST', '/api/companies', { name: 'Never' })).status).toBe(500);
      const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM companies WHERE name = 'Never'`;
      expect(row!.n).toBe(0);

      await chaos({ failRate: 0, delayMs: 300 });
      const started = Date.now();
      expect((await api('GET', '/api/contacts?limit=1')).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect((await chaos({ failRate: 2 })) as { error: string }).toMatchObject({ error: expect.stringMatching(/failRate/) });
    } finally {
      await fetch(`${crm.url}/api/_chaos`, { method: 'DELETE' });
    }
  });

  it('serves the web page, acting as alice', async () => {
    const created = await fetch(`${crm.url}/ui/contacts`, { method: 'POST', body: JSON.stringify({ firstName: 'Page', lastName: '<b>User</b>', email: null }) });
    expect(created.status).toBe(201);
    expect(((await created.json()) as Json).modifiedBy).toBe('alice');
    const page = await (await fetch(`${crm.url}/`)).text();
    expect(page).toContain('Demo CRM');
    expect(page).toContain('&lt;b&gt;User&lt;/b&gt;');
    expect(page).not.toContain('<b>User</b>');
  });
});
