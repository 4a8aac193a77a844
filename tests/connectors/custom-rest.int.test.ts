/**
 * The generic REST connector: a REST API defined by an admin (prefilled from its OpenAPI document,
 * completed by hand with pagination and change detection), stored in the connection's settings and
 * run through the kit's one runtime, against a small local API (tests/fakes/ticket-api-fake.ts):
 * polling with cursor paging and modified-since, upsert by id and by a matched field, delete, a
 * refusal naming the field, definitions that do not check out refused when saved, and a published
 * flow (webhook → Upsert to the API) run by a real worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowInput } from '../../flows-engine/index';
import { createConnection } from '../../domain/connections/connection-service';
import { UserError } from '../../flows-engine/index';
import { prefillFromOpenApi } from '../../domain/connections/openapi-prefill';
import { testConnection } from '../../domain/connections/test-connection';
import { listConnectionObjects, listObjectFields } from '../../domain/connectors/connection-schema';
import { startTicketApiFake, type TicketApiFake } from '../fakes/ticket-api-fake';
import { startConnectorTest, type ConnectorTestContext } from '../support/declared-connectors';
import { createPublishedFlow } from '../support/flows';
import { startRunHarness, type RunHarness } from '../support/run-harness';

let fake: TicketApiFake;
let ctx: ConnectorTestContext;
let connectionId: string;
let definition: Record<string, unknown>;

beforeAll(async () => {
  fake = await startTicketApiFake({ apiKey: 'tk-1' });
  ctx = await startConnectorTest();
  const prefilled = await prefillFromOpenApi({ url: `${fake.url}/openapi.yaml`, allowPrivateNetwork: true });
  const imported = prefilled.definition as { objects: Record<string, unknown>[] } & Record<string, unknown>;
  // What OpenAPI cannot say, entered by the analyst: paging, change detection, matching by a field.
  definition = {
    ...imported,
    objects: [{ ...imported.objects[0], pagination: { type: 'cursor', tokenPath: 'meta.next', param: 'cursor' }, maxPageSize: 50, sinceParam: 'updatedSince', findByQuery: true }],
  };
  connectionId = await ctx.connect({ connector: 'custom-rest', baseUrl: '', definition }, 'tk-1');
});

afterAll(async () => {
  await ctx?.close();
  await fake?.close();
});

const records = () => ctx.connectors().records;

describe('a REST API defined in the connections page', () => {
  it('is prefilled from the OpenAPI document the API serves', async () => {
    const prefilled = await prefillFromOpenApi({ url: `${fake.url}/openapi.yaml`, allowPrivateNetwork: true });
    expect(prefilled.definition).toMatchObject({
      label: 'Ticket API',
      baseUrl: `${fake.url}/v2`,
      auth: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      objects: [{ name: 'tickets', idField: 'id', modifiedAtField: 'updated_at', modifiedByField: 'updated_by', records: 'items', listPath: '/tickets', getPath: '/tickets/{{id|urlSegment}}', createPath: '/tickets', updatePath: '/tickets/{{id|urlSegment}}', updateMethod: 'PATCH', deletePath: '/tickets/{{id|urlSegment}}' }],
    });
    const fields = (prefilled.definition as { objects: { fields: { name: string; type: string; required: boolean; readOnly: boolean }[] }[] }).objects[0]!.fields;
    expect(fields.find((f) => f.name === 'subject')).toMatchObject({ type: 'string', required: true, readOnly: false });
    expect(fields.find((f) => f.name === 'updated_at')).toMatchObject({ type: 'datetime', readOnly: true });
  });

  it('refuses a URL on the private network unless allowed', async () => {
    const refused = await prefillFromOpenApi({ url: `${fake.url}/openapi.yaml`, allowPrivateNetwork: false }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).message).toMatch(/^OpenAPI import: /);
  });

  it('passes Test connection with its API key', async () => {
    const result = await testConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId });
    expect(result).toMatchObject({ ok: true });
    expect(fake.log.at(-1)).toMatchObject({ method: 'GET', status: 200 });
    expect(fake.log.at(-1)!.url).toMatch(/^\/v2\/tickets\?limit=1/);
  });

  it('gives the editor’s pickers its objects and typed fields', async () => {
    const query = { workspaceId: ctx.workspaceId, connectionId };
    expect(await listConnectionObjects(ctx.handle.db, query)).toMatchObject({ objects: [{ name: 'tickets', label: 'Tickets' }] });
    const { fields } = await listObjectFields(ctx.handle.db, { ...query, objectType: 'tickets' });
    expect(fields).toEqual(expect.arrayContaining([{ name: 'subject', label: 'Subject', type: 'string', required: true }, { name: 'email', type: 'email' }, { name: 'updated_at', type: 'datetime', readOnly: true }]));
  });

  it('signs in with basic, sending the user name entered with the definition', async () => {
    const basicId = await ctx.connect({ connector: 'custom-rest', baseUrl: '', definition: { ...definition, auth: { type: 'basic', username: 'sync-bot' } } }, 'tk-1');
    expect(await testConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId: basicId })).toMatchObject({ ok: true });
    const wrongUser = await ctx.connect({ connector: 'custom-rest', baseUrl: '', definition: { ...definition, auth: { type: 'basic', username: 'someone-else' } } }, 'tk-1');
    expect(await testConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId: wrongUser })).toMatchObject({ ok: false });
  });

  it('polls changes across cursor pages with modified-since, and resumes from the cursor', async () => {
    const base = Date.now() - 3_600_000;
    const seeded = Array.from({ length: 120 }, (_, i) => fake.seed({ subject: `S${i}`, email: `s${i}@poll.example` }, new Date(base + i * 1000)));
    const flowId = await ctx.pollFlow(connectionId, 'tickets', { pageSize: 50 });
    const first = await ctx.poll(flowId);
    expect(first.events.map((e) => e.length)).toEqual([50, 50, 20]);
    expect(first.events.flat().map((t) => t.subject)).toEqual(seeded.map((t) => t.subject));
    expect(fake.log.some((r) => r.url.includes('updatedSince=') && r.url.includes('cursor=50'))).toBe(true);

    fake.tickets.get(seeded[7]!.id)!.status = 'closed';
    fake.tickets.get(seeded[7]!.id)!.updated_at = new Date(base + 1_800_000).toISOString();
    const second = await ctx.poll(flowId);
    expect(second.events).toHaveLength(4);
    expect(second.events[3]).toEqual([expect.objectContaining({ id: seeded[7]!.id, status: 'closed' })]);
    const lastSince = new URL(fake.log.filter((r) => r.url.includes('updatedSince=')).at(-1)!.url, 'http://x').searchParams.get('updatedSince');
    expect(Date.parse(lastSince!)).toBeGreaterThanOrEqual(base + 119_000);
  });

  it('creates, updates, upserts by a matched field and deletes', async () => {
    const upsert = (list: Parameters<ReturnType<ConnectorTestContext['connectors']>['records']['upsertMany']>[0]['records'], key: string) =>
      records().upsertMany({ connectionId, objectType: 'tickets', records: list, idempotencyKey: key });
    const [created] = await upsert([{ naturalKey: { field: 'email', value: 'ada@tickets.example' }, fields: { subject: 'Printer', email: 'ada@tickets.example' } }], 'r1');
    expect(created!.created).toBe(true);
    expect(fake.tickets.get(created!.externalId)).toMatchObject({ subject: 'Printer', email: 'ada@tickets.example' });
    const [matched] = await upsert([{ naturalKey: { field: 'email', value: 'ada@tickets.example' }, fields: { status: 'pending' } }], 'r2');
    expect(matched).toEqual({ externalId: created!.externalId, created: false });
    expect(fake.tickets.get(created!.externalId)!.status).toBe('pending');
    const [byId] = await upsert([{ externalId: created!.externalId, fields: { subject: 'Printer on fire' } }], 'r3');
    expect(byId!.created).toBe(false);
    expect(fake.tickets.get(created!.externalId)!.subject).toBe('Printer on fire');

    await records().deleteMany({ connectionId, objectType: 'tickets', externalIds: [created!.externalId], mode: 'hard', idempotencyKey: 'r4' });
    expect(fake.tickets.has(created!.externalId)).toBe(false);
  });

  it('refuses a create without a required field, naming the API, the object and the field', async () => {
    const refused = await records()
      .upsertMany({ connectionId, objectType: 'tickets', records: [{ fields: { email: 'no-subject@tickets.example' } }], idempotencyKey: 'r5' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    // `subject` is required by the imported document, so the runtime refuses before sending.
    expect((refused as UserError).message).toBe('Ticket API · Tickets: “subject” is required to create a record.');
    expect((refused as UserError).location.field).toBe('subject');
  });

  it('refuses a definition that does not check out, naming the field', async () => {
    const broken = { ...definition, objects: [{ ...(definition.objects as object[])[0], listPath: 'tickets' }] };
    await expect(ctx.connect({ connector: 'custom-rest', baseUrl: '', definition: broken }, 'tk-1')).rejects.toThrow(/listPath: a path starting with \//);
    await expect(ctx.connect({ connector: 'custom-rest', baseUrl: '', definition: { ...definition, objects: [] } }, 'tk-1')).rejects.toThrow(/objects: define at least one object/);
    await expect(ctx.connect({ connector: 'custom-rest', baseUrl: '' }, 'tk-1')).rejects.toThrow(/definition/);
  });
});

describe('a published flow writing to the defined API through a real worker', () => {
  let harness: RunHarness;
  let ticketsConnection: string;

  beforeAll(async () => {
    harness = await startRunHarness({ prefix: 'custom-rest-flow', targetUrl: 'http://127.0.0.1:9' });
    const actor = { workspaceId: harness.workspaceId, userId: harness.user.id };
    ticketsConnection = (await createConnection(harness.handle.db, actor, {
      name: 'Tickets', kind: 'connector', settings: { connector: 'custom-rest', authMethod: '', params: {}, baseUrl: '', definition }, secret: 'tk-1',
      integrationIdentity: 'api', owner: '', description: '', scopes: [], credentialExpiresAt: null, allowPrivateNetwork: true,
    })).id;
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('webhook → Upsert to Tickets creates the ticket, and a second delivery updates it, matched by email', async () => {
    const lit = (value: unknown) => ({ kind: 'literal' as const, value });
    const graph: Omit<FlowInput, 'id' | 'name'> = {
      schemaVersion: 1,
      nodes: [
        { id: 'hook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Ticket raised', config: {} },
        {
          id: 'upsert', type: 'sync.upsert-record', typeVersion: 1, label: 'Upsert to Tickets',
          config: {
            connectionId: lit(ticketsConnection),
            objectType: lit('tickets'),
            fields: lit([{ target: 'email', sourcePath: 'email' }, { target: 'subject', sourcePath: 'subject' }]),
            matchBy: lit({ naturalKey: { target: 'email', sourcePath: 'email' } }),
          },
        },
      ],
      edges: [{ id: 'e1', from: { node: 'hook', port: 'main' }, to: { node: 'upsert', port: 'main' } }],
      layout: {},
    };
    const { token } = await createPublishedFlow(harness.handle.db, { workspaceId: harness.workspaceId, userId: harness.user.id }, graph);
    expect(await harness.finished(await harness.deliver(token, { email: 'grace@flow.example', subject: 'VPN down' }))).toMatchObject({ status: 'succeeded' });
    expect(await harness.finished(await harness.deliver(token, { email: 'grace@flow.example', subject: 'VPN down again' }))).toMatchObject({ status: 'succeeded' });
    const stored = [...fake.tickets.values()].filter((t) => t.email === 'grace@flow.example');
    expect(stored).toEqual([expect.objectContaining({ subject: 'VPN down again' })]);
  });
});
