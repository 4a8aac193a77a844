/**
 * Zendesk Support users through the connector kit, against the contract fake
 * (tests/fakes/zendesk-fake.ts): the cursor-based incremental export (start_time, then after_url;
 * the last minute left out), create / update / upsert by email / deactivate / permanent delete,
 * Retry-After honoured or handed to the step's retry policy, and 422 bodies as user errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError, UserError } from '../../flows-engine/index';
import { startZendeskFake, zendeskRateLimit, type ZendeskFake } from '../fakes/zendesk-fake';
import { startConnectorTest, type ConnectorTestContext } from '../support/declared-connectors';

let fake: ZendeskFake;
let ctx: ConnectorTestContext;
let connectionId: string;

beforeAll(async () => {
  fake = await startZendeskFake({ email: 'admin@acme.example', token: 'zd-token-1' });
  ctx = await startConnectorTest();
  connectionId = await ctx.connect({ connector: 'zendesk', params: { subdomain: 'acme', email: 'admin@acme.example' }, baseUrl: fake.url }, 'zd-token-1');
});

afterAll(async () => {
  await ctx?.close();
  await fake?.close();
});

const records = () => ctx.connectors().records;
const upsert = (list: Parameters<ReturnType<ConnectorTestContext['connectors']>['records']['upsertMany']>[0]['records']) =>
  records().upsertMany({ connectionId, objectType: 'users', records: list, idempotencyKey: 'run-1:upsert' });

describe('Zendesk users through the connector kit', () => {
  it('polls the incremental export in pages (start_time, then the after_url cursor) and resumes from the stored cursor', async () => {
    const second = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
    const seeded = ['A', 'B', 'C', 'D', 'E', 'F'].map((name, i) => fake.seed({ name, email: `${name.toLowerCase()}@poll.example` }, new Date(second + 100 + i)));
    const recent = fake.seed({ name: 'Just now', email: 'now@poll.example' }); // inside the last minute: not exported yet
    const flowId = await ctx.pollFlow(connectionId, 'users', { pageSize: 2 });

    const first = await ctx.poll(flowId);
    expect(first.events.map((e) => e.map((u) => u.name))).toEqual([['A', 'B'], ['C', 'D'], ['E', 'F']]);
    expect(first.events.flat().map((u) => u.id)).not.toContain(recent.id);
    // Six users share one second: pages after the first had to follow Zendesk's cursor.
    expect(fake.log.some((r) => r.url.startsWith('/api/v2/incremental/users/cursor.json?cursor='))).toBe(true);

    fake.touch(seeded[2]!.id, { notes: 'changed in Zendesk' }, new Date(Date.now() - 1_800_000));
    const later = fake.seed({ name: 'G', email: 'g@poll.example' }, new Date(Date.now() - 1_700_000));
    const next = await ctx.poll(flowId);
    expect(next.events).toHaveLength(4);
    expect(next.events[3]!.map((u) => u.id)).toEqual([seeded[2]!.id, later.id]);
    expect(next.events[3]![0]).toMatchObject({ notes: 'changed in Zendesk', email: 'c@poll.example' });
  });

  it('creates, updates, upserts by email, deactivates and deletes permanently', async () => {
    const [created] = await upsert([{ naturalKey: { field: 'email', value: 'grace@hopper.example' }, fields: { name: 'Grace', email: 'grace@hopper.example' } }]);
    expect(created!.created).toBe(true);
    const id = Number(created!.externalId);
    expect(fake.users.get(id)).toMatchObject({ name: 'Grace', email: 'grace@hopper.example', active: true });

    const [matched] = await upsert([{ naturalKey: { field: 'email', value: 'Grace@Hopper.example' }, fields: { name: 'Grace Hopper' } }]);
    expect(matched).toEqual({ externalId: String(id), created: false });
    await upsert([{ externalId: String(id), fields: { notes: 'COBOL' } }]);
    expect(fake.users.get(id)).toMatchObject({ name: 'Grace Hopper', notes: 'COBOL' });
    expect([...fake.users.values()].filter((u) => u.email === 'grace@hopper.example')).toHaveLength(1);

    await records().deleteMany({ connectionId, objectType: 'users', externalIds: [String(id)], mode: 'soft', idempotencyKey: 'run-1:delete' });
    expect(fake.users.get(id)!.active).toBe(false);
    await records().deleteMany({ connectionId, objectType: 'users', externalIds: [String(id)], mode: 'hard', idempotencyKey: 'run-2:delete' });
    expect(fake.users.has(id)).toBe(false);
    expect((await records().readMany({ connectionId, objectType: 'users', externalIds: [String(id)] })).size).toBe(0);

    // A permanent delete of an active user: Zendesk needs the (soft) delete first, the connector does both.
    const active = fake.seed({ name: 'Short-lived', email: 'brief@acme.example' });
    await records().deleteMany({ connectionId, objectType: 'users', externalIds: [String(active.id)], mode: 'hard', idempotencyKey: 'run-3:delete' });
    expect(fake.users.has(active.id)).toBe(false);
  });

  it('waits for Retry-After, and leaves a wait longer than the declared 60 s to the step’s retry policy', async () => {
    fake.throttleNext(1, zendeskRateLimit(1));
    const before = fake.log.length;
    await upsert([{ fields: { name: 'Throttled' } }]);
    const [limited, retried] = fake.log.slice(before);
    expect([limited!.status, retried!.status]).toEqual([429, 201]);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);

    fake.throttleNext(1, zendeskRateLimit(120));
    const failed = await upsert([{ fields: { name: 'Too long a wait' } }]).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TransientError);
    expect((failed as Error).message).toContain('Zendesk Support · Users: create was refused — HTTP 429: rate limited by the system; try again later. Asked to wait 120 s.');
  });

  it('turns a 422 into a user error naming connector, object and field', async () => {
    fake.seed({ name: 'Taken', email: 'taken@acme.example' });
    const duplicate = await upsert([{ fields: { name: 'Second', email: 'taken@acme.example' } }]).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(UserError);
    expect((duplicate as UserError).message).toBe(
      'Zendesk Support · Users: create was refused — HTTP 422. Field “email”. Record validation errors Email: taken@acme.example is already being used by another user',
    );
    expect((duplicate as UserError).location.field).toBe('email');
    const unnamed = await upsert([{ fields: { email: 'nameless@acme.example' } }]).catch((e: unknown) => e);
    expect((unnamed as UserError).message).toBe('Zendesk Support · Users: “name” is required to create a record.');
  });

  it('refuses a wrong API token with the system’s words', async () => {
    const wrong = await ctx.connect({ connector: 'zendesk', params: { subdomain: 'acme', email: 'admin@acme.example' }, baseUrl: fake.url }, 'not-the-token');
    const refused = await ctx.connectors().records.readMany({ connectionId: wrong, objectType: 'users', externalIds: ['9001'] }).catch((e: unknown) => e);
    expect((refused as UserError).message).toContain('Zendesk Support · Users: read was refused — HTTP 401: the credentials were refused');
  });
});
