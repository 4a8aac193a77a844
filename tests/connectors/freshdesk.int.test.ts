/**
 * Freshdesk contacts through the connector kit, against the contract fake
 * (tests/fakes/freshdesk-fake.ts): a change listing (_updated_since, Link-header pages) whose order
 * is not documented, read whole and sorted; writes, upsert by email, soft and hard delete,
 * Retry-After, and validation errors naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../flows-engine/index';
import { freshdeskRateLimit, startFreshdeskFake, type FreshdeskFake } from '../fakes/freshdesk-fake';
import { startConnectorTest, type ConnectorTestContext } from '../support/declared-connectors';

let fake: FreshdeskFake;
let ctx: ConnectorTestContext;
let connectionId: string;

beforeAll(async () => {
  fake = await startFreshdeskFake({ apiKey: 'fd-key-1' });
  ctx = await startConnectorTest();
  connectionId = await ctx.connect({ connector: 'freshdesk', params: { domain: 'acme' }, baseUrl: fake.url }, 'fd-key-1');
});

afterAll(async () => {
  await ctx?.close();
  await fake?.close();
});

const records = () => ctx.connectors().records;
const upsert = (list: Parameters<ReturnType<ConnectorTestContext['connectors']>['records']['upsertMany']>[0]['records']) =>
  records().upsertMany({ connectionId, objectType: 'contacts', records: list, idempotencyKey: 'run-1:upsert' });

describe('Freshdesk contacts through the connector kit', () => {
  it('polls changes across Link-header pages in modified order although the listing is by id, and resumes from the cursor', async () => {
    const base = Math.floor(Date.now() / 1000) * 1000 - 7_200_000;
    // 105 contacts (two pages of 100), created in one order and modified in the reverse one: the
    // listing (by id) is not the change order.
    const seeded = Array.from({ length: 105 }, (_, i) => fake.seed({ name: `C${i}`, email: `c${i}@poll.example` }, new Date(base + (105 - i) * 1000)));
    const flowId = await ctx.pollFlow(connectionId, 'contacts', { pageSize: 40 });
    const first = await ctx.poll(flowId);
    expect(first.events.map((e) => e.length)).toEqual([40, 40, 25]);
    expect(first.events.flat().map((c) => c.name)).toEqual(seeded.map((c) => c.name).reverse());
    expect(fake.log.some((r) => r.url.includes('_updated_since=') && r.url.includes('page=2'))).toBe(true);

    fake.touch(seeded[3]!.id, { job_title: 'Engineer' }, new Date(base + 3_600_000));
    const second = await ctx.poll(flowId);
    expect(second.events).toHaveLength(4);
    expect(second.events[3]).toEqual([expect.objectContaining({ id: seeded[3]!.id, job_title: 'Engineer' })]);
  });

  it('creates, updates, upserts by email and deletes softly or for good', async () => {
    const [created] = await upsert([{ naturalKey: { field: 'email', value: 'linus@kernel.example' }, fields: { name: 'Linus', email: 'linus@kernel.example' } }]);
    expect(created!.created).toBe(true);
    const id = Number(created!.externalId);
    const [matched] = await upsert([{ naturalKey: { field: 'email', value: 'LINUS@kernel.example' }, fields: { job_title: 'Maintainer' } }]);
    expect(matched).toEqual({ externalId: String(id), created: false });
    expect(fake.contacts.get(id)).toMatchObject({ name: 'Linus', job_title: 'Maintainer' });
    expect(await ctx.connectors().finder.findIds({ connectionId, objectType: 'contacts', field: 'email', value: 'linus@kernel.example' })).toEqual([String(id)]);

    await records().deleteMany({ connectionId, objectType: 'contacts', externalIds: [String(id)], mode: 'soft', idempotencyKey: 'run-1:delete' });
    expect(fake.contacts.get(id)!.deleted).toBe(true);
    await records().deleteMany({ connectionId, objectType: 'contacts', externalIds: [String(id)], mode: 'hard', idempotencyKey: 'run-2:delete' });
    expect(fake.contacts.has(id)).toBe(false);
  });

  it('waits for Retry-After and carries on', async () => {
    fake.throttleNext(1, freshdeskRateLimit(1));
    const before = fake.log.length;
    await upsert([{ fields: { name: 'Throttled', email: 'throttled@fd.example' } }]);
    const [limited, retried] = fake.log.slice(before);
    expect([limited!.status, retried!.status]).toEqual([429, 201]);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
  });

  it('turns a validation error into a user error naming connector, object and field', async () => {
    const refused = await upsert([{ fields: { name: 'Bad', email: 'not an email' } }]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect((refused as UserError).message).toBe('Freshdesk · Contacts: create was refused — HTTP 400. Field “email”. Validation failed It is not in a valid format');
    expect((refused as UserError).location.field).toBe('email');
  });
});
