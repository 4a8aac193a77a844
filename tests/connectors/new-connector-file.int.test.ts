/**
 * "A new system is one file": a connector declared in a temporary file, outside the repository's
 * sources, is loaded, registered and used by the same runtime (upsert by natural key, poll with
 * offset pagination and a filter-expression change listing, API key in the query) with no other
 * change. Its system is a small local API written for this test.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConnector } from '../../domain/connectors/kit/registry';
import type { ConnectorDeclaration } from '../../domain/connectors/kit/define-connector';
import { startFakeApi, type FakeApi } from '../fakes/fake-api';
import { startConnectorTest, type ConnectorTestContext } from '../support/declared-connectors';

const kit = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../domain/connectors/kit/define-connector.ts');

const SOURCE = `
import { defineConnector } from ${JSON.stringify(kit)};

export const notes = defineConnector({
  id: 'acme-notes',
  label: 'Acme Notes',
  docs: ['(written for this test)'],
  baseUrl: 'https://{{params.tenant}}.notes.invalid/api',
  params: { tenant: { label: 'tenant', pattern: '[a-z]+' } },
  auth: { key: { type: 'apiKey', label: 'API key', in: 'query', name: 'api_key' } },
  check: { path: 'ping' },
  rateLimit: { concurrency: 2 },
  errors: { message: 'problem.title', fields: 'problem.field' },
  objects: {
    notes: {
      label: 'Notes',
      idField: 'key',
      modifiedAtField: 'changed',
      fields: { static: [{ name: 'title', type: 'string', required: true }, { name: 'author', type: 'string' }] },
      list: { path: 'notes', query: { take: '{{limit}}' }, records: 'items', pagination: { type: 'offset', offsetParam: 'skip' }, maxPageSize: 50 },
      changes: {
        style: 'filterExpression', sinceFormat: 'iso',
        path: 'notes', query: { filter: "changed ge '{{since}}'", order: 'changed', take: '{{limit}}' },
        records: 'items', pagination: { type: 'offset', offsetParam: 'skip' }, maxPageSize: 50,
      },
      get: { path: 'notes/{{id}}' },
      create: { method: 'POST', path: 'notes' },
      update: { method: 'PATCH', path: 'notes/{{id}}' },
      delete: { method: 'DELETE', path: 'notes/{{id}}', effect: 'hard' },
      findBy: { path: 'notes', query: { filter: "{{field}} eq '{{value}}'" }, records: 'items' },
    },
  },
});
`;

interface Note {
  key: string;
  title: string;
  author?: string;
  changed: string;
}

let dir: string;
let api: FakeApi;
let ctx: ConnectorTestContext;
const notes = new Map<string, Note>();

beforeAll(async () => {
  let seq = 0;
  const tick = () => new Date(Date.UTC(2024, 0, 1) + ++seq * 1000).toISOString();
  api = await startFakeApi(({ method, url, body }) => {
    if (url.searchParams.get('api_key') !== 'k-1') return { status: 401, body: { problem: { title: 'bad key' } } };
    const one = /^\/api\/notes\/(.+)$/.exec(url.pathname);
    if (method === 'GET' && url.pathname === '/api/notes') {
      const filter = url.searchParams.get('filter') ?? '';
      const since = /^changed ge '(.+)'$/.exec(filter);
      const eq = /^(\w+) eq '(.*)'$/.exec(filter);
      const all = [...notes.values()]
        .filter((n) => (since ? n.changed >= since[1]! : true))
        .filter((n) => (eq ? String((n as unknown as Record<string, unknown>)[eq[1]!]) === eq[2] : true))
        .sort((a, b) => (url.searchParams.get('order') === 'changed' ? a.changed.localeCompare(b.changed) : a.key.localeCompare(b.key)));
      const skip = Number(url.searchParams.get('skip') ?? 0);
      return { status: 200, body: { items: all.slice(skip, skip + Number(url.searchParams.get('take') ?? 50)) } };
    }
    if (method === 'POST' && url.pathname === '/api/notes') {
      const fields = body as Partial<Note>;
      if (!fields.title) return { status: 400, body: { problem: { title: 'title is required', field: 'title' } } };
      const note = { ...fields, key: `n${notes.size + 1}`, changed: tick() } as Note;
      notes.set(note.key, note);
      return { status: 201, body: note };
    }
    const note = one ? notes.get(one[1]!) : undefined;
    if (one && !note) return { status: 404, body: { problem: { title: 'no such note' } } };
    if (one && method === 'PATCH') {
      Object.assign(note!, body, { changed: tick() });
      return { status: 200, body: note };
    }
    if (one && method === 'GET') return { status: 200, body: note };
    return { status: 404, body: { problem: { title: 'no route' } } };
  });
  dir = await mkdtemp(path.join(tmpdir(), 'syncline-connector-'));
  await writeFile(path.join(dir, 'acme-notes.ts'), SOURCE);
  ctx = await startConnectorTest();
});

afterAll(async () => {
  await ctx?.close();
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a connector declared in one new file', () => {
  it('is usable for writes, matching and polling with no change elsewhere', async () => {
    const loaded = (await import(pathToFileURL(path.join(dir, 'acme-notes.ts')).href)) as { notes: ConnectorDeclaration };
    registerConnector(loaded.notes);
    const connectionId = await ctx.connect({ connector: 'acme-notes', params: { tenant: 'acme' }, baseUrl: `${api.url}/api` }, 'k-1');
    const records = ctx.connectors().records;

    const created = await records.upsertMany({
      connectionId, objectType: 'notes', idempotencyKey: 'r:1',
      records: Array.from({ length: 5 }, (_, i) => ({ naturalKey: { field: 'title', value: `Note ${i}` }, fields: { title: `Note ${i}` } })),
    });
    expect(created.map((r) => r.created)).toEqual([true, true, true, true, true]);
    const [matched] = await records.upsertMany({ connectionId, objectType: 'notes', idempotencyKey: 'r:2', records: [{ naturalKey: { field: 'title', value: 'Note 2' }, fields: { author: 'Ann' } }] });
    expect(matched).toEqual({ externalId: created[2]!.externalId, created: false });

    const flowId = await ctx.pollFlow(connectionId, 'notes', { pageSize: 2 });
    const polled = await ctx.poll(flowId);
    expect(polled.events.flat().map((n) => n.title)).toEqual(['Note 0', 'Note 1', 'Note 3', 'Note 4', 'Note 2']);
    expect(polled.events.flat().find((n) => n.title === 'Note 2')).toMatchObject({ key: created[2]!.externalId, author: 'Ann' });
    expect(api.log.every((r) => r.url.includes('api_key=k-1'))).toBe(true);

    const refused = await records.upsertMany({ connectionId, objectType: 'notes', idempotencyKey: 'r:3', records: [{ fields: { author: 'No title' } }] }).catch((e: unknown) => e);
    expect((refused as Error).message).toBe('Acme Notes · Notes: “title” is required to create a record.');

    // A record the system lists without its id is refused with where it is, not synced half-way.
    notes.set('orphan', { title: 'Orphan', changed: new Date(Date.UTC(2025, 0, 1)).toISOString() } as Note);
    const orphaned = await ctx.poll(flowId).catch((e: unknown) => e);
    expect(String((orphaned as Error).message)).toMatch(/^Acme Notes · Notes: record \d+ of the answer has no “key” \(the id field\), so it cannot be synced\.$/);
  });
});
