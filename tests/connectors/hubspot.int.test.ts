/**
 * HubSpot CRM v3 contacts through the connector kit, against the contract fake
 * (tests/fakes/hubspot-fake.ts): poll with pagination and a stored cursor, create / update /
 * upsert by email / archive, find by field, 429 back-off, declared concurrency, OAuth refresh,
 * field discovery, and refusals that name connector, object and field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../flows-engine/index';
import { resolveConnection } from '../../domain/connections/resolve';
import { testConnection } from '../../domain/connections/test-connection';
import { objectFields } from '../../domain/connectors/kit/discover-fields';
import { HUBSPOT_RATE_LIMIT, startHubSpotFake, type HubSpotFake } from '../fakes/hubspot-fake';
import { startConnectorTest, type ConnectorTestContext } from '../support/declared-connectors';

const TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
let fake: HubSpotFake;
let ctx: ConnectorTestContext;
let connectionId: string;

beforeAll(async () => {
  fake = await startHubSpotFake({ token: TOKEN, oauthClient: { id: 'client-1', secret: 'client-secret-1' } });
  ctx = await startConnectorTest();
  connectionId = await ctx.connect({ connector: 'hubspot', authMethod: 'privateApp', baseUrl: fake.url }, TOKEN);
});

afterAll(async () => {
  await ctx?.close();
  await fake?.close();
});

const upsert = (records: Parameters<ReturnType<ConnectorTestContext['connectors']>['records']['upsertMany']>[0]['records']) =>
  ctx.connectors().records.upsertMany({ connectionId, objectType: 'contacts', records, idempotencyKey: 'run-1:upsert' });

describe('HubSpot contacts through the connector kit', () => {
  it('polls changed contacts in pages through the search API and resumes from the stored cursor', async () => {
    const start = Date.now() - 3_600_000;
    const seeded = Array.from({ length: 7 }, (_, i) => fake.seed({ email: `p${i}@poll.example`, firstname: `P${i}` }, new Date(start + i * 1000)));
    const flowId = await ctx.pollFlow(connectionId, 'contacts', { pageSize: 3 });

    const first = await ctx.poll(flowId);
    expect(first.events.map((e) => e.map((r) => r.email))).toEqual([
      ['p0@poll.example', 'p1@poll.example', 'p2@poll.example'],
      ['p3@poll.example', 'p4@poll.example', 'p5@poll.example'],
      ['p6@poll.example'],
    ]);
    // Flows see the properties flat, beside the id.
    expect(first.events[0]![0]).toMatchObject({ id: seeded[0]!.id, firstname: 'P0', lastmodifieddate: seeded[0]!.properties.lastmodifieddate });
    const searches = fake.log.filter((r) => r.method === 'POST' && r.url.endsWith('/search'));
    expect(searches.length).toBeGreaterThanOrEqual(3);

    // Two changes and one new contact later, the next tick (a fresh read of the stored cursor) carries only them.
    await upsert([{ externalId: seeded[1]!.id, fields: { firstname: 'Changed' } }, { externalId: seeded[4]!.id, fields: { lastname: 'Also' } }]);
    const newcomer = fake.seed({ email: 'late@poll.example' });
    const second = await ctx.poll(flowId);
    expect(second.events).toHaveLength(4);
    expect(second.events[3]!.map((r) => r.id)).toEqual([seeded[1]!.id, seeded[4]!.id, newcomer.id]);
    const third = await ctx.poll(flowId);
    expect(third.events).toHaveLength(4);
    expect(third.outcome.records).toBe(0);
  });

  it('creates, updates, upserts by email, finds by field and archives', async () => {
    const [created] = await upsert([{ naturalKey: { field: 'email', value: 'ada@lovelace.example' }, fields: { email: 'ada@lovelace.example', firstname: 'Ada' } }]);
    expect(created).toMatchObject({ created: true });
    expect(fake.contacts.get(created!.externalId)!.properties).toMatchObject({ email: 'ada@lovelace.example', firstname: 'Ada' });

    // Same email, different case: matched, updated, not duplicated.
    const [matched] = await upsert([{ naturalKey: { field: 'email', value: 'ADA@lovelace.example' }, fields: { lastname: 'Lovelace' } }]);
    expect(matched).toEqual({ externalId: created!.externalId, created: false });
    expect(fake.contacts.get(created!.externalId)!.properties).toMatchObject({ firstname: 'Ada', lastname: 'Lovelace' });
    // Matched holding every value already (a two-way sync's echo): nothing is sent, the record keeps its last change.
    const patches = fake.log.filter((r) => r.method === 'PATCH').length;
    const [same] = await upsert([{ naturalKey: { field: 'email', value: 'ada@lovelace.example' }, fields: { firstname: 'Ada', lastname: 'Lovelace' } }]);
    expect(same).toEqual({ externalId: created!.externalId, created: false, unchanged: true });
    expect(fake.log.filter((r) => r.method === 'PATCH').length).toBe(patches);

    const [byId] = await upsert([{ externalId: created!.externalId, fields: { company: 'Analytical Engines' } }]);
    expect(byId).toEqual({ externalId: created!.externalId, created: false });
    expect(await ctx.connectors().finder.findIds({ connectionId, objectType: 'contacts', field: 'email', value: 'ada@lovelace.example' })).toEqual([created!.externalId]);
    const read = await ctx.connectors().records.readMany({ connectionId, objectType: 'contacts', externalIds: [created!.externalId, '999999'] });
    expect([...read.keys()]).toEqual([created!.externalId]);
    expect(read.get(created!.externalId)).toMatchObject({ id: created!.externalId, company: 'Analytical Engines' });

    await ctx.connectors().records.deleteMany({ connectionId, objectType: 'contacts', externalIds: [created!.externalId], mode: 'soft', idempotencyKey: 'run-1:delete' });
    expect(fake.contacts.get(created!.externalId)!.archived).toBe(true);
    expect((await ctx.connectors().records.readMany({ connectionId, objectType: 'contacts', externalIds: [created!.externalId] })).size).toBe(0);
    // An archived contact is gone for an update: the upsert creates it again.
    const [again] = await upsert([{ externalId: created!.externalId, fields: { email: 'ada@lovelace.example', firstname: 'Ada' } }]);
    expect(again!.created).toBe(true);
    expect(again!.externalId).not.toBe(created!.externalId);
  });

  it('waits out a 429 (backing off: HubSpot sends no Retry-After) and carries on', async () => {
    fake.throttleNext(1, HUBSPOT_RATE_LIMIT);
    const before = fake.log.length;
    const [result] = await upsert([{ fields: { email: 'throttled@example.com' } }]);
    expect(result!.created).toBe(true);
    const [limited, retried] = fake.log.slice(before);
    expect(limited!.status).toBe(429);
    expect(retried!.status).toBe(201);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1900);
  });

  it('keeps to the declared concurrency of 4 requests per connection', async () => {
    const targets = Array.from({ length: 12 }, (_, i) => fake.seed({ email: `c${i}@concurrency.example` }));
    fake.setLatency(60);
    try {
      await upsert(targets.map((t) => ({ externalId: t.id, fields: { firstname: 'Parallel' } })));
    } finally {
      fake.setLatency(0);
    }
    expect(targets.every((t) => fake.contacts.get(t.id)!.properties.firstname === 'Parallel')).toBe(true);
    expect(fake.maxInFlight()).toBe(4);
  });

  it('turns a refused write into a user error naming connector, object and field', async () => {
    const invalid = await upsert([{ fields: { email: 'not-an-email' } }]).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(UserError);
    expect((invalid as UserError).message).toContain('HubSpot · Contacts: create was refused');
    expect((invalid as UserError).message).toContain('Field “email”');
    expect((invalid as UserError).message).toContain('Email address not-an-email is invalid');
    expect((invalid as UserError).location.field).toBe('email');

    const unknown = await upsert([{ fields: { email: 'x@y.example', favourite_color: 'blue' } }]).catch((e: unknown) => e);
    expect((unknown as UserError).message).toContain('Field “favourite_color”');
    expect((unknown as UserError).message).toContain('Property "favourite_color" does not exist');

    const readOnly = await upsert([{ fields: { lastmodifieddate: '2020-01-01' } }]).catch((e: unknown) => e);
    expect((readOnly as UserError).message).toBe('HubSpot · Contacts: “lastmodifieddate” is read-only; remove it from the fields written.');

    const wrongObject = await ctx.connectors().records.readMany({ connectionId, objectType: 'deals', externalIds: ['1'] }).catch((e: unknown) => e);
    expect((wrongObject as UserError).message).toBe('HubSpot has no object “deals”: choose one of contacts.');
  });

  it('refreshes an OAuth access token after a 401, and asks to reconnect when the grant is revoked', async () => {
    fake.refreshTokens.add('refresh-1');
    const oauthId = await ctx.connect({ connector: 'hubspot', authMethod: 'oauth', params: { clientId: 'client-1' }, baseUrl: fake.url }, JSON.stringify({ clientSecret: 'client-secret-1', refreshToken: 'refresh-1' }));
    const seeded = fake.seed({ email: 'oauth@example.com' });
    const read = () => ctx.connectors().records.readMany({ connectionId: oauthId, objectType: 'contacts', externalIds: [seeded.id] });
    expect((await read()).size).toBe(1);
    const tokenRequests = () => fake.log.filter((r) => r.url === '/oauth/v1/token').length;
    expect(tokenRequests()).toBe(1);
    expect((await read()).size).toBe(1);
    expect(tokenRequests()).toBe(1); // cached

    for (const token of [...fake.tokens]) if (token !== TOKEN) fake.tokens.delete(token); // the access token expired early
    expect((await read()).size).toBe(1);
    expect(tokenRequests()).toBe(2);

    fake.refreshTokens.clear();
    for (const token of [...fake.tokens]) if (token !== TOKEN) fake.tokens.delete(token);
    const revoked = await read().catch((e: unknown) => e);
    expect(revoked).toBeInstanceOf(UserError);
    expect((revoked as UserError).message).toMatch(/HubSpot connection “.*” needs to be reconnected/);
  });

  it('discovers custom properties with their types and read-only flags, and passes Test connection', async () => {
    const connection = await resolveConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId });
    const fields = await objectFields(connection, 'contacts');
    expect(fields.find((f) => f.name === 'favourite_colour')).toMatchObject({ type: 'string', readOnly: false, label: 'Favourite colour' });
    expect(fields.find((f) => f.name === 'lastmodifieddate')).toMatchObject({ type: 'datetime', readOnly: true });
    expect(fields.find((f) => f.name === 'lifecyclestage')).toMatchObject({ type: 'enum' });
    const requests = fake.log.filter((r) => r.url === '/crm/v3/properties/contacts').length;
    await objectFields(connection, 'contacts');
    expect(fake.log.filter((r) => r.url === '/crm/v3/properties/contacts').length).toBe(requests);
    await objectFields(connection, 'contacts', { refresh: true });
    expect(fake.log.filter((r) => r.url === '/crm/v3/properties/contacts').length).toBe(requests + 1);

    const outcome = await testConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId });
    expect(outcome).toMatchObject({ ok: true, message: 'HubSpot: GET /crm/v3/objects/contacts answered HTTP 200.' });
    const bad = await ctx.connect({ connector: 'hubspot', authMethod: 'privateApp', baseUrl: fake.url }, 'pat-wrong');
    const refused = await testConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId: bad });
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('HubSpot · connection: the connection test was refused — HTTP 401');
  });
});
