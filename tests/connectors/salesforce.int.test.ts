/**
 * Salesforce contacts through the connector kit, against the contract fake
 * (tests/fakes/salesforce-fake.ts): SOQL change queries across nextRecordsUrl batches with a cursor
 * kept in poll_cursors, the org's instance URL from the token answer, create / update / upsert by
 * email (SOQL lookup) and by external id (Salesforce's own upsert) / delete, 403
 * REQUEST_LIMIT_EXCEEDED back-off, token refresh after 401 INVALID_SESSION_ID, refusals naming the
 * field, and a custom field deleted in Salesforce after the flow was published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../flows-engine/index';
import { resolveConnection } from '../../domain/connections/resolve';
import { testConnection } from '../../domain/connections/test-connection';
import { objectFields } from '../../domain/connectors/kit/discover-fields';
import { INTEGRATION_USER, OTHER_USER, SALESFORCE_LIMIT_EXCEEDED, startSalesforceFake, type SalesforceFake } from '../fakes/salesforce-fake';
import { startConnectorTest, type ConnectorTestContext } from '../support/declared-connectors';

const CLIENT = { id: 'sf-consumer-key', secret: 'sf-consumer-secret' };
let fake: SalesforceFake;
let ctx: ConnectorTestContext;
let connectionId: string;

const connect = (refreshToken: string) =>
  ctx.connect({ connector: 'salesforce', authMethod: 'oauth', params: { clientId: CLIENT.id }, baseUrl: fake.login.url }, JSON.stringify({ clientSecret: CLIENT.secret, refreshToken }));

beforeAll(async () => {
  fake = await startSalesforceFake({ oauthClient: CLIENT });
  fake.refreshTokens.add('sf-refresh-1');
  ctx = await startConnectorTest();
  connectionId = await connect('sf-refresh-1');
});

afterAll(async () => {
  await ctx?.close();
  await fake?.close();
});

const records = () => ctx.connectors().records;
const upsert = (list: Parameters<ReturnType<ConnectorTestContext['connectors']>['records']['upsertMany']>[0]['records']) =>
  records().upsertMany({ connectionId, objectType: 'contacts', records: list, idempotencyKey: 'run-1:upsert' });
const queries = () => fake.log.filter((r) => r.url.startsWith('/services/data/v62.0/query'));

describe('Salesforce contacts through the connector kit', () => {
  it('polls SOQL changes across nextRecordsUrl batches, on the instance the token names, and resumes from the stored cursor', async () => {
    const base = Math.floor(Date.now() / 1000) * 1000 - 7_200_000;
    const early = Array.from({ length: 5 }, (_, i) => fake.seed({ LastName: `Early${i}`, Loyalty_Tier__c: 'Gold' }, new Date(base + i * 1000)));
    // A bulk import: 250 contacts in one second (Salesforce stamps have whole seconds).
    const bulk = Array.from({ length: 250 }, (_, i) => fake.seed({ LastName: `Bulk${i}` }, new Date(base + 60_000 + i)));
    const flowId = await ctx.pollFlow(connectionId, 'contacts', { pageSize: 100 });

    const first = await ctx.poll(flowId);
    expect(first.events.map((e) => e.length)).toEqual([100, 100, 55]);
    expect(first.events.flat().map((c) => c.Id)).toEqual([...early, ...bulk].map((c) => c.Id));
    // Flows see the describe's custom fields and who changed the record last.
    expect(first.events[0]![0]).toMatchObject({ Id: early[0]!.Id, LastName: 'Early0', Loyalty_Tier__c: 'Gold', LastModifiedById: OTHER_USER });
    // The batch size is at least 200, so the third page had to follow a query locator.
    expect(queries().some((r) => /^\/services\/data\/v62\.0\/query\/01g\w+-200$/.test(r.url))).toBe(true);
    const soql = new URL(queries()[0]!.url, 'http://x').searchParams.get('q');
    expect(soql).toMatch(/^SELECT Id,.*Loyalty_Tier__c.* FROM Contact WHERE LastModifiedDate >= 1970-01-01T00:00:00Z ORDER BY LastModifiedDate, Id$/);
    // The API went to the instance from the token answer; the login host only issued the token.
    expect(fake.login.log.map((r) => r.url)).toEqual(['/services/oauth2/token']);

    await upsert([{ externalId: early[1]!.Id, fields: { Title: 'Changed' } }]);
    const newcomer = fake.seed({ LastName: 'Late' });
    const second = await ctx.poll(flowId);
    expect(second.events).toHaveLength(4);
    expect(second.events[3]!.map((c) => c.Id)).toEqual([early[1]!.Id, newcomer.Id]);
    expect(second.events[3]![0]).toMatchObject({ Title: 'Changed', LastModifiedById: INTEGRATION_USER });
    expect((await ctx.poll(flowId)).outcome.records).toBe(0);
  });

  it('creates, updates, upserts by email and by external id, reads and deletes', async () => {
    const [created] = await upsert([{ naturalKey: { field: 'Email', value: "o'hara@example.com" }, fields: { LastName: "O'Hara", Email: "o'hara@example.com" } }]);
    expect(created!.created).toBe(true);
    expect(fake.contacts.get(created!.externalId)).toMatchObject({ LastName: "O'Hara", Email: "o'hara@example.com", LastModifiedById: INTEGRATION_USER });

    // Matched through a SOQL lookup (the quote in the value escaped), case-insensitively: updated, not duplicated.
    const [matched] = await upsert([{ naturalKey: { field: 'Email', value: "O'HARA@example.com" }, fields: { FirstName: 'Scarlett' } }]);
    expect(matched).toEqual({ externalId: created!.externalId, created: false });
    expect(queries().some((r) => decodeURIComponent(r.url.replace(/\+/g, ' ')).includes("WHERE Email = 'O\\'HARA@example.com' LIMIT 10"))).toBe(true);
    expect([...fake.contacts.values()].filter((c) => c.LastName === "O'Hara")).toHaveLength(1);

    // An External ID field: Salesforce's own upsert, one PATCH …/Contact/External_Key__c/{value}.
    const before = fake.log.length;
    const [viaKey] = await upsert([{ naturalKey: { field: 'External_Key__c', value: 'ERP 42/7' }, fields: { LastName: 'Keyed' } }]);
    expect(viaKey!.created).toBe(true);
    expect(fake.log.slice(before).map((r) => `${r.method} ${r.url} ${r.status}`)).toEqual(['PATCH /services/data/v62.0/sobjects/Contact/External_Key__c/ERP%2042%2F7 201']);
    const [again] = await upsert([{ naturalKey: { field: 'External_Key__c', value: 'ERP 42/7' }, fields: { Title: 'Buyer' } }]);
    expect(again).toEqual({ externalId: viaKey!.externalId, created: false });
    expect(fake.contacts.get(viaKey!.externalId)).toMatchObject({ LastName: 'Keyed', Title: 'Buyer', External_Key__c: 'ERP 42/7' });

    const read = await records().readMany({ connectionId, objectType: 'contacts', externalIds: [created!.externalId, '003000000099999AAA'] });
    expect([...read.keys()]).toEqual([created!.externalId]);
    expect(read.get(created!.externalId)).toMatchObject({ Id: created!.externalId, FirstName: 'Scarlett' });
    expect(await ctx.connectors().finder.findIds({ connectionId, objectType: 'contacts', field: 'Email', value: "o'hara@example.com" })).toEqual([created!.externalId]);

    await records().deleteMany({ connectionId, objectType: 'contacts', externalIds: [created!.externalId], mode: 'soft', idempotencyKey: 'run-1:delete' });
    expect(fake.deleted.has(created!.externalId)).toBe(true);
    expect((await records().readMany({ connectionId, objectType: 'contacts', externalIds: [created!.externalId] })).size).toBe(0);
  });

  it('refuses a match field that could change the SOQL query', async () => {
    const refused = await upsert([{ naturalKey: { field: "Email = 'x' OR Id", value: 'x' }, fields: { LastName: 'Injected' } }]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).message).toContain('is not a field name');
    expect([...fake.contacts.values()].some((c) => c.LastName === 'Injected')).toBe(false);
  });

  it('backs off on 403 REQUEST_LIMIT_EXCEEDED and carries on', async () => {
    fake.throttleNext(1, SALESFORCE_LIMIT_EXCEEDED);
    const before = fake.log.length;
    const [result] = await upsert([{ fields: { LastName: 'Throttled' } }]);
    expect(result!.created).toBe(true);
    const [limited, retried] = fake.log.slice(before);
    expect([limited!.status, retried!.status]).toEqual([403, 201]);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(1900);
  });

  it('turns refusals into user errors naming connector, object and field', async () => {
    const invalid = await upsert([{ fields: { LastName: 'Bad', Email: 'nope' } }]).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(UserError);
    expect((invalid as UserError).message).toBe('Salesforce · Contacts: create was refused — HTTP 400. Field “Email”. Email: invalid email address: nope');
    expect((invalid as UserError).location.field).toBe('Email');

    const nameless = await upsert([{ fields: { FirstName: 'No last name' } }]).catch((e: unknown) => e);
    expect((nameless as UserError).message).toBe('Salesforce · Contacts: “LastName” is required to create a record.');

    // Legacy_Code__c is a custom field but not an External ID: Salesforce's upsert refuses it.
    const notKey = await upsert([{ naturalKey: { field: 'Legacy_Code__c', value: 'L1' }, fields: { LastName: 'X' } }]).catch((e: unknown) => e);
    expect((notKey as UserError).message).toContain('Salesforce · Contacts: upsert by “Legacy_Code__c” was refused — HTTP 404');
    expect((notKey as UserError).message).toContain('Provided external ID field does not exist or is not accessible: Legacy_Code__c');
  });

  it('refreshes the access token after 401 INVALID_SESSION_ID, and asks to reconnect when the grant is revoked', async () => {
    fake.refreshTokens.add('sf-refresh-2');
    const id = await connect('sf-refresh-2');
    const seeded = fake.seed({ LastName: 'Tokened' });
    const read = () => records().readMany({ connectionId: id, objectType: 'contacts', externalIds: [seeded.Id] });
    const tokenRequests = () => fake.login.log.length;
    const before = tokenRequests();
    expect((await read()).size).toBe(1);
    expect(tokenRequests()).toBe(before + 1);
    expect((await read()).size).toBe(1);
    expect(tokenRequests()).toBe(before + 1); // cached

    fake.tokens.clear(); // the session expired
    expect((await read()).size).toBe(1);
    expect(tokenRequests()).toBe(before + 2);
    expect(fake.log.some((r) => r.status === 401)).toBe(true);

    fake.refreshTokens.delete('sf-refresh-2');
    fake.tokens.clear();
    const revoked = await read().catch((e: unknown) => e);
    expect(revoked).toBeInstanceOf(UserError);
    expect((revoked as UserError).message).toMatch(/Salesforce connection “.*” needs to be reconnected/);
  });

  it('discovers custom fields from describe, and names a field deleted in Salesforce since the flow was published', async () => {
    const connection = await resolveConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId });
    const fields = await objectFields(connection, 'contacts', { refresh: true });
    expect(fields.find((f) => f.name === 'Loyalty_Tier__c')).toMatchObject({ type: 'enum', readOnly: false, label: 'Loyalty Tier' });
    expect(fields.find((f) => f.name === 'LastModifiedDate')).toMatchObject({ type: 'datetime', readOnly: true });
    // Required: not nillable, createable, and not defaulted on create (Id is set by Salesforce, Region__c has a default).
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual(['LastName']);
    const flowId = await ctx.pollFlow(connectionId, 'contacts', { pageSize: 50 });
    await ctx.poll(flowId);

    fake.removeField('Legacy_Code__c'); // an admin deletes the custom field
    const write = await upsert([{ fields: { LastName: 'Legacy', Legacy_Code__c: 'L-1' } }]).catch((e: unknown) => e);
    expect(write).toBeInstanceOf(UserError);
    expect((write as UserError).message).toBe(
      'Salesforce · Contacts: the field “Legacy_Code__c” no longer exists in Salesforce (deleted or renamed since the flow was published). Refresh the fields and map the step again.',
    );
    expect((write as UserError).location.field).toBe('Legacy_Code__c');

    // The poll asked for the field by name too: with the field list read again it carries on.
    fake.removeField('Loyalty_Tier__c');
    fake.seed({ LastName: 'After removal' });
    const poll = await ctx.poll(flowId).catch((e: unknown) => e);
    expect((poll as UserError).message).toContain('the field “Loyalty_Tier__c” no longer exists in Salesforce');
    const next = await ctx.poll(flowId);
    expect(next.events.at(-1)!.map((c) => c.LastName)).toContain('After removal');
  });

  it('passes Test connection on the instance', async () => {
    const outcome = await testConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId });
    expect(outcome).toMatchObject({ ok: true, message: 'Salesforce: GET /services/data/v62.0/limits answered HTTP 200.' });
  });
});
