/**
 * Dynamics 365 / Dataverse contacts through the connector kit, against the contract fake
 * (tests/fakes/dataverse-fake.ts): OData change queries ($filter on modifiedon, $orderby, Prefer:
 * odata.maxpagesize, @odata.nextLink) with a cursor kept in poll_cursors, client-credentials tokens
 * from the Entra sign-in host, create / update (If-Match: *) / upsert by alternate key and by lookup /
 * delete, 429 + Retry-After, refusals naming the column, and a column deleted after the flow was published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../flows-engine/index';
import { resolveConnection } from '../../domain/connections/resolve';
import { testConnection } from '../../domain/connections/test-connection';
import { objectFields } from '../../domain/connectors/kit/discover-fields';
import { APPLICATION_USER, OTHER_DATAVERSE_USER, dataverseThrottle, startDataverseFake, type DataverseFake } from '../fakes/dataverse-fake';
import { startConnectorTest, type ConnectorTestContext } from '../support/declared-connectors';

const TENANT = 'contoso.onmicrosoft.com';
const CLIENT = { id: '51f81489-12ee-4a9e-aaae-a2591f45987d', secret: 'dv-client-secret' };
let fake: DataverseFake;
let ctx: ConnectorTestContext;
let connectionId: string;

const connect = (alternateKeys: string) =>
  ctx.connect(
    { connector: 'dataverse', params: { environmentUrl: 'https://contoso.crm.dynamics.com', tenantId: TENANT, clientId: CLIENT.id, alternateKeys, authorityHost: fake.login.url }, baseUrl: fake.url },
    CLIENT.secret,
  );

beforeAll(async () => {
  fake = await startDataverseFake({ tenantId: TENANT, client: CLIENT });
  ctx = await startConnectorTest();
  connectionId = await connect('emailaddress1');
});

afterAll(async () => {
  await ctx?.close();
  await fake?.close();
});

const records = () => ctx.connectors().records;
const upsert = (list: Parameters<ReturnType<ConnectorTestContext['connectors']>['records']['upsertMany']>[0]['records'], id = connectionId) =>
  records().upsertMany({ connectionId: id, objectType: 'contacts', records: list, idempotencyKey: 'run-1:upsert' });

describe('Dataverse contacts through the connector kit', () => {
  it('polls OData changes across @odata.nextLink pages and resumes from the stored cursor', async () => {
    const base = Math.floor(Date.now() / 1000) * 1000 - 7_200_000;
    const seeded = Array.from({ length: 7 }, (_, i) => fake.seed({ lastname: `P${i}`, emailaddress1: `p${i}@poll.example` }, new Date(base + i * 1000)));
    const flowId = await ctx.pollFlow(connectionId, 'contacts', { pageSize: 3 });

    const first = await ctx.poll(flowId);
    expect(first.events.map((e) => e.map((c) => c.lastname))).toEqual([['P0', 'P1', 'P2'], ['P3', 'P4', 'P5'], ['P6']]);
    expect(first.events[0]![0]).toMatchObject({ contactid: seeded[0]!.contactid, _modifiedby_value: OTHER_DATAVERSE_USER });
    const listings = fake.log.filter((r) => r.url.startsWith('/api/data/v9.2/contacts?'));
    expect(new URL(listings[0]!.url, 'http://x').searchParams.get('$filter')).toBe('modifiedon ge 1970-01-01T00:00:00Z');
    expect(new URL(listings[0]!.url, 'http://x').searchParams.get('$orderby')).toBe('modifiedon asc,contactid asc');
    // Pages of three (Prefer: odata.maxpagesize=3): a page after a seen record follows the nextLink.
    expect(listings.some((r) => r.url.includes('%24skiptoken=') || r.url.includes('$skiptoken='))).toBe(true);
    // The token came from the sign-in host, for the environment's scope.
    expect(fake.login.log.map((r) => `${r.method} ${r.url} ${r.status}`)).toEqual([`POST /${TENANT}/oauth2/v2.0/token 200`]);

    await upsert([{ externalId: seeded[2]!.contactid, fields: { jobtitle: 'Changed' } }]);
    const newcomer = fake.seed({ lastname: 'Late' });
    const second = await ctx.poll(flowId);
    expect(second.events).toHaveLength(4);
    expect(second.events[3]!.map((c) => c.contactid)).toEqual([seeded[2]!.contactid, newcomer.contactid]);
    expect(second.events[3]![0]).toMatchObject({ jobtitle: 'Changed', _modifiedby_value: APPLICATION_USER });
    expect((await ctx.poll(flowId)).outcome.records).toBe(0);
  });

  it('creates, updates, upserts by alternate key and by lookup, reads and deletes', async () => {
    const [created] = await upsert([{ fields: { lastname: 'Lovelace', firstname: 'Ada' } }]);
    expect(created!.created).toBe(true);
    expect(fake.contacts.get(created!.externalId)).toMatchObject({ lastname: 'Lovelace', firstname: 'Ada' });
    const [updated] = await upsert([{ externalId: created!.externalId, fields: { jobtitle: 'Analyst' } }]);
    expect(updated).toEqual({ externalId: created!.externalId, created: false });
    // An update of a row that is gone (If-Match: * makes it 404, not a silent create): created anew.
    const [recreated] = await upsert([{ externalId: '00000000-0000-0000-0000-000000099999', fields: { lastname: 'Gone' } }]);
    expect(recreated!.created).toBe(true);
    expect(recreated!.externalId).not.toBe('00000000-0000-0000-0000-000000099999');

    // emailaddress1 is an alternate key: Dataverse's own upsert, one PATCH per record (the quote doubled).
    const before = fake.log.length;
    const [keyed] = await upsert([{ naturalKey: { field: 'emailaddress1', value: "o'neil@example.com" }, fields: { lastname: "O'Neil" } }]);
    expect(keyed!.created).toBe(true);
    expect(fake.log.slice(before).map((r) => `${r.method} ${decodeURIComponent(r.url)} ${r.status}`)).toEqual(["PATCH /api/data/v9.2/contacts(emailaddress1='o''neil@example.com') 201"]);
    const [again] = await upsert([{ naturalKey: { field: 'emailaddress1', value: "O'Neil@example.com" }, fields: { firstname: 'Eugene' } }]);
    expect(again).toEqual({ externalId: keyed!.externalId, created: false });
    expect([...fake.contacts.values()].filter((c) => c.lastname === "O'Neil")).toHaveLength(1);

    // Without alternate keys declared on the connection, the match goes through a $filter lookup.
    const plain = await connect('');
    const [looked] = await upsert([{ naturalKey: { field: 'emailaddress1', value: "o'neil@example.com" }, fields: { jobtitle: 'Playwright' } }], plain);
    expect(looked).toEqual({ externalId: keyed!.externalId, created: false });
    expect(fake.log.some((r) => decodeURIComponent(r.url.replace(/\+/g, ' ')).includes("$filter=emailaddress1 eq 'o''neil@example.com'"))).toBe(true);

    const read = await records().readMany({ connectionId, objectType: 'contacts', externalIds: [keyed!.externalId, '00000000-0000-0000-0000-000000088888'] });
    expect([...read.keys()]).toEqual([keyed!.externalId]);
    expect(read.get(keyed!.externalId)).toMatchObject({ firstname: 'Eugene', jobtitle: 'Playwright' });

    await records().deleteMany({ connectionId, objectType: 'contacts', externalIds: [keyed!.externalId], mode: 'hard', idempotencyKey: 'run-1:delete' });
    expect(fake.contacts.has(keyed!.externalId)).toBe(false);
  });

  it('waits for Retry-After on a 429 and carries on', async () => {
    fake.throttleNext(1, dataverseThrottle(1));
    const before = fake.log.length;
    const [result] = await upsert([{ fields: { lastname: 'Throttled' } }]);
    expect(result!.created).toBe(true);
    const [limited, retried] = fake.log.slice(before);
    expect([limited!.status, retried!.status]).toEqual([429, 201]);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  it('gets a new token after a 401, and says so plainly when the client secret is wrong', async () => {
    const seeded = fake.seed({ lastname: 'Tokened' });
    const read = (id: string) => records().readMany({ connectionId: id, objectType: 'contacts', externalIds: [seeded.contactid] });
    expect((await read(connectionId)).size).toBe(1);
    const tokenRequests = fake.login.log.length;
    fake.tokens.clear(); // the access token expired
    expect((await read(connectionId)).size).toBe(1);
    expect(fake.login.log.length).toBe(tokenRequests + 1);

    const wrong = await ctx.connect(
      { connector: 'dataverse', params: { environmentUrl: 'https://contoso.crm.dynamics.com', tenantId: TENANT, clientId: CLIENT.id, authorityHost: fake.login.url }, baseUrl: fake.url },
      'not-the-secret',
    );
    const refused = await read(wrong).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('Dynamics 365 (Dataverse): the token endpoint refused the connection');
    expect((refused as Error).message).toContain('invalid_client');
  });

  it('turns a refusal into a user error naming connector, object and column', async () => {
    const tooLong = await upsert([{ fields: { lastname: 'Long', emailaddress1: `${'x'.repeat(95)}@example.com` } }]).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(UserError);
    expect((tooLong as UserError).message).toBe(
      "Dynamics 365 (Dataverse) · Contacts: create was refused — HTTP 400. Field “emailaddress1”. A validation error occurred. The length of the 'emailaddress1' attribute of the 'contact' entity exceeded the maximum allowed length of '100'.",
    );
    expect((tooLong as UserError).location.field).toBe('emailaddress1');
    const readOnly = await upsert([{ fields: { lastname: 'X', modifiedon: '2020-01-01T00:00:00Z' } }]).catch((e: unknown) => e);
    expect((readOnly as UserError).message).toBe('Dynamics 365 (Dataverse) · Contacts: “modifiedon” is read-only; remove it from the fields written.');
  });

  it('discovers columns from the metadata, and names a column deleted since the flow was published', async () => {
    const connection = await resolveConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId });
    const fields = await objectFields(connection, 'contacts');
    expect(fields.find((f) => f.name === 'new_loyaltytier')).toMatchObject({ type: 'enum', readOnly: false, label: 'Loyalty Tier' });
    expect(fields.find((f) => f.name === 'modifiedon')).toMatchObject({ type: 'datetime', readOnly: true });
    expect(fields.filter((f) => f.required).map((f) => f.name)).toEqual(['lastname', 'new_region']);

    const [kept] = await upsert([{ fields: { lastname: 'Legacy', new_legacycode: 'L-1' } }]);
    expect(fake.contacts.get(kept!.externalId)!.new_legacycode).toBe('L-1');
    fake.removeAttribute('new_legacycode');
    const gone = await upsert([{ externalId: kept!.externalId, fields: { new_legacycode: 'L-2' } }]).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(UserError);
    expect((gone as UserError).message).toBe(
      'Dynamics 365 (Dataverse) · Contacts: the field “new_legacycode” no longer exists in Dynamics 365 (Dataverse) (deleted or renamed since the flow was published). Refresh the fields and map the step again.',
    );
    expect((gone as UserError).location.field).toBe('new_legacycode');
    expect((await objectFields(connection, 'contacts')).some((f) => f.name === 'new_legacycode')).toBe(false);

    const outcome = await testConnection(ctx.handle.db, { workspaceId: ctx.workspaceId, connectionId });
    expect(outcome).toMatchObject({ ok: true, message: 'Dynamics 365 (Dataverse): GET /api/data/v9.2/WhoAmI answered HTTP 200.' });
  });
});
