/**
 * Every tRPC procedure validates its input: a wrong-typed field answers HTTP 400 (BAD_REQUEST) with a
 * message that names the field ("flowId: …"), never a 500. Generated from the router, like
 * access.int.test.ts: a new procedure is covered the moment it exists. Real HTTP over a socket, through
 * tRPC's own HTTP handler and the app's error formatter, as an admin (so roles never hide the input).
 */
import type { AddressInfo } from 'node:net';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDb, type DbHandle } from '../../../db/client';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database';
import { insertUser, insertWorkspace } from '../../../tests/support/app-context';
import type { Context } from '../trpc/context';
import { appRouter } from '.';

let database: TestDatabase;
let handle: DbHandle;
let server: ReturnType<typeof createHTTPServer>;
let endpoint: string;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  const admin = await insertUser(handle.db, 'Ada Admin');
  const workspaceId = await insertWorkspace(handle.db, 'Acme', [{ userId: admin.id, role: 'admin' }]);
  server = createHTTPServer({
    router: appRouter,
    createContext: (): Context => ({ db: handle.db, user: admin, requestedWorkspaceId: workspaceId, rememberWorkspace: () => {} }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await handle?.close();
  await database?.drop();
});

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
  readonly message: string;
}

/** One procedure call over HTTP, encoded as the app's client encodes it (superjson, no batching). */
async function send(path: string, type: string, input: unknown): Promise<Answer> {
  const serialized = JSON.stringify(superjson.serialize(input));
  const response =
    type === 'query'
      ? await fetch(`${endpoint}/${path}?input=${encodeURIComponent(serialized)}`)
      : await fetch(`${endpoint}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: serialized });
  const body = (await response.json()) as { error?: { json: { message: string; data?: { code?: string } } } };
  return { status: response.status, code: body.error?.json.data?.code, message: body.error?.json.message ?? '' };
}

/**
 * Values of different types; for each field the first one its schema refuses is "wrong-typed". The
 * Map (superjson carries it) is what a field taking any JSON value refuses.
 */
const WRONG_VALUES: readonly unknown[] = [12345, 'not-the-right-type', true, { unexpected: 1 }, ['x'], new Map([['not', 'json']])];

interface FieldCase {
  readonly path: string;
  readonly type: string;
  readonly field: string;
  /** null when the field's schema accepts every one of WRONG_VALUES (an untyped field). */
  readonly wrong: unknown;
}

function objectShapeOf(schema: z.ZodType): Record<string, z.ZodType> | null {
  const inner = schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
  return inner instanceof z.ZodObject ? (inner.shape as Record<string, z.ZodType>) : null;
}

/** Every procedure that declares an input (the others take none), one case per top-level field. */
function fieldCases(): { cases: FieldCase[]; notObjects: string[] } {
  const cases: FieldCase[] = [];
  const notObjects: string[] = [];
  for (const [path, procedure] of Object.entries(appRouter._def.procedures)) {
    const def = (procedure as unknown as { _def: { type: string; inputs: z.ZodType[] } })._def;
    for (const input of def.inputs) {
      const shape = objectShapeOf(input);
      if (!shape) {
        notObjects.push(path);
        continue;
      }
      for (const [field, schema] of Object.entries(shape)) {
        const wrong = WRONG_VALUES.find((value) => !schema.safeParse(value).success);
        cases.push({ path, type: def.type, field, wrong: wrong === undefined ? null : wrong });
      }
    }
  }
  return { cases, notObjects };
}

describe('bad tRPC input', () => {
  it('covers the procedures the issue named, and every input is an object of typed fields', () => {
    const { cases, notObjects } = fieldCases();
    const paths = new Set(cases.map((c) => c.path));
    for (const named of ['flows.testRun', 'flows.publish', 'retention.set', 'alerts.createRule']) expect(paths).toContain(named);
    expect(notObjects).toEqual([]);
    // A field that accepts anything would let a wrong type through to the handler.
    expect(cases.filter((c) => c.wrong === null).map((c) => `${c.path} ${c.field}`)).toEqual([]);
  });

  it('answers 400 BAD_REQUEST naming the field for a wrong-typed field of every procedure', async () => {
    const { cases } = fieldCases();
    expect(cases.length).toBeGreaterThan(100);
    for (const { path, type, field, wrong } of cases) {
      const answer = await send(path, type, { [field]: wrong });
      expect({ path, field, status: answer.status, code: answer.code, namesField: answer.message.includes(`${field}:`) }, answer.message).toEqual({
        path,
        field,
        status: 400,
        code: 'BAD_REQUEST',
        namesField: true,
      });
    }
  });

  it('answers 400 for a wrong-typed whole input, and for publish without flowId', async () => {
    const { cases } = fieldCases();
    for (const path of new Set(cases.map((c) => c.path))) {
      const type = cases.find((c) => c.path === path)!.type;
      expect({ path, status: (await send(path, type, 'not-an-object')).status }).toEqual({ path, status: 400 });
    }
    const publish = await send('flows.publish', 'mutation', { note: 'v1' });
    expect(publish).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(publish.message).toMatch(/^flowId: /);
  });

  it('answers 400 naming the draft when a test run gets a draft that is not a flow', async () => {
    const answer = await send('flows.testRun', 'mutation', { flowId: '00000000-0000-4000-8000-000000000000', draft: { nodes: 'x' }, items: [] });
    expect(answer).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(answer.message).toMatch(/draft\.\w+: /);
  });
});

describe('an invalid choice', () => {
  it.each([
    ['runs.list', 'query', { status: ['bogus'] }, /^status: /],
    ['runs.list', 'query', { outcome: ['written', 'bogus'] }, /^outcome: “bogus” is not one of written, /],
    ['runs.retry', 'mutation', { runId: '00000000-0000-4000-8000-000000000000', from: 'bogus' }, /^from: /],
    ['flows.setStatus', 'mutation', { flowId: '00000000-0000-4000-8000-000000000000', status: 'bogus' }, /^status: /],
    ['members.invite', 'mutation', { email: 'a@example.com', role: 'owner' }, /^role: /],
  ])('%s with %j answers 400 naming the field and the allowed choices in plain words', async (path, type, input, field) => {
    const answer = await send(path, type, input);
    expect(answer).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(answer.message).toMatch(field);
    expect(answer.message).toMatch(/is not one of/);
    expect(answer.message).not.toMatch(/Invalid option|expected one of|"\|"/);
  });
});

describe('a wrong type, in words', () => {
  it.each([
    ['runs.list', 'query', { status: 'failed' }, 'status: expected a list, got text.'],
    ['flows.publish', 'mutation', { flowId: '00000000-0000-4000-8000-000000000000', note: 12 }, 'note: expected text, got a number.'],
    ['runs.bulkRetry', 'mutation', { filter: {} }, 'confirmedCount: expected a number, got nothing.'],
  ])('%s with %j answers 400: %s', async (path, type, input, message) => {
    expect(await send(path, type, input)).toEqual({ status: 400, code: 'BAD_REQUEST', message });
  });
});
