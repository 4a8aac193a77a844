/**
 * The demo helpdesk database as Syncline sees it (a trigger keeps updated_at honest, email unique,
 * tickets cascade on a hard delete) and its web page acting as helpdesk-agent.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type Sql } from '../shared/database';
import { createDemoDatabases } from '../shared/test-databases';
import { startDemoHelpdesk, type DemoHelpdesk } from './server';

let dbs: Awaited<ReturnType<typeof createDemoDatabases>>;
let helpdesk: DemoHelpdesk;
let sql: Sql;

beforeAll(async () => {
  dbs = await createDemoDatabases();
  helpdesk = await startDemoHelpdesk({ databaseUrl: dbs.helpdeskUrl, port: 0, log: () => {} });
  sql = connect(dbs.helpdeskUrl, 2);
});

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await helpdesk?.stop();
  await dbs?.drop();
});

type Row = { id: string; updatedAt: string; updatedBy: string; flagged: boolean };
const read = async (id: string) =>
  (await sql<Row[]>`SELECT id, updated_at::text AS "updatedAt", updated_by AS "updatedBy", flagged_for_deletion AS flagged FROM customers WHERE id = ${id}`)[0]!;

it('keeps updated_at = now() on every real change, whatever the writer sends', async () => {
  const [created] = await sql<{ id: string }[]>`
    INSERT INTO customers (name, email, updated_by, updated_at) VALUES ('Grace', 'grace@x.test', 'svc-sync', '2001-01-01') RETURNING id`;
  const first = await read(created!.id);
  expect(first.updatedAt.startsWith('2001')).toBe(false); // the trigger overrides a writer's updated_at
  expect(first.updatedBy).toBe('svc-sync');

  await sql`UPDATE customers SET phone = '+1 555 0101', updated_by = 'svc-sync', updated_at = '2001-01-01' WHERE id = ${created!.id}`;
  const second = await read(created!.id);
  expect(second.updatedAt > first.updatedAt).toBe(true);

  await sql`UPDATE customers SET phone = '+1 555 0101' WHERE id = ${created!.id}`; // changes nothing
  expect((await read(created!.id)).updatedAt).toBe(second.updatedAt);

  await sql`UPDATE customers SET flagged_for_deletion = true, updated_by = 'svc-sync' WHERE id = ${created!.id}`;
  const flagged = await read(created!.id);
  expect(flagged.flagged).toBe(true);
  expect(flagged.updatedAt > second.updatedAt).toBe(true);

  await expect(sql`INSERT INTO customers (name, email, updated_by) VALUES ('Dup', 'grace@x.test', 'x')`).rejects.toMatchObject({ code: '23505' });
  await expect(sql`INSERT INTO customers (name) VALUES ('Nobody')`).rejects.toMatchObject({ code: '23502' }); // updated_by is required

  const [ticket] = await sql<{ updatedAt: string }[]>`
    INSERT INTO tickets (customer_id, subject, updated_by) VALUES (${created!.id}, 'Printer on fire', 'helpdesk-agent') RETURNING updated_at::text AS "updatedAt"`;
  expect(ticket!.updatedAt).toBeTruthy();
});

it('lets a person list, create, edit and hard-delete customers as helpdesk-agent', async () => {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${helpdesk.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { id: string; error?: string } };
  };
  const created = await call('POST', '/ui/customers', { name: 'Linus', email: 'linus@x.test', supportTier: 'gold' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name: 'Linus', supportTier: 'gold', updatedBy: 'helpdesk-agent', flaggedForDeletion: false });
  const edited = await call('PATCH', `/ui/customers/${created.body.id}`, { phone: '+1 555 0102' });
  expect(edited.body).toMatchObject({ phone: '+1 555 0102', updatedBy: 'helpdesk-agent' });
  expect((edited.body.updatedAt as string) > (created.body.updatedAt as string)).toBe(true);
  expect((await call('POST', '/ui/customers', { name: 'Copy', email: 'linus@x.test' })).body.error).toMatch(/already has this email/);
  expect((await call('POST', '/ui/customers', { email: 'x@x.test' })).status).toBe(400);

  await sql`INSERT INTO tickets (customer_id, subject, updated_by) VALUES (${created.body.id}, 'Help', 'helpdesk-agent')`;
  const page = await (await fetch(`${helpdesk.url}/`)).text();
  expect(page).toContain('Demo Helpdesk');
  expect(page).toContain('linus@x.test');

  expect((await call('DELETE', `/ui/customers/${created.body.id}`)).status).toBe(200);
  expect(await sql`SELECT 1 FROM customers WHERE id = ${created.body.id}`).toHaveLength(0);
  expect(await sql`SELECT 1 FROM tickets WHERE customer_id = ${created.body.id}`).toHaveLength(0);
  expect((await call('DELETE', `/ui/customers/${created.body.id}`)).status).toBe(404);
});
