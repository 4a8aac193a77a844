import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '../../../db/client';
import { flows, runs } from '../../../db/schema';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '../../../tests/support/database';
import { callerFor, insertUser, insertWorkspace } from '../../../tests/support/app-context';
import { contactIntakeFlow, ensureTestConnection } from '../../../tests/support/flows';

let database: { url: string; drop(): Promise<void> };
let handle: DbHandle;
let acme: string;
let analyst: { id: string; email: string; name: string };
let viewer: { id: string; email: string; name: string };

beforeAll(async () => {
  database = await createTestDatabase();
  handle = openDb(database.url, { max: 4 });
  analyst = await insertUser(handle.db, 'Ana Analyst');
  viewer = await insertUser(handle.db, 'Vic Viewer');
  acme = await insertWorkspace(handle.db, 'Acme', [
    { userId: analyst.id, role: 'analyst' },
    { userId: viewer.id, role: 'viewer' },
  ]);
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const lit = (value: unknown) => ({ kind: 'literal' as const, value });

async function flowWithDraft(name: string) {
  const api = callerFor(handle.db, analyst, acme);
  const { id } = await api.flows.create({ name });
  const got = await api.flows.get({ flowId: id });
  const connectionId = await ensureTestConnection(handle.db, { workspaceId: acme, userId: analyst.id });
  const draft = { ...contactIntakeFlow(connectionId), id, name, samples: { hook: [{ id: '1', email: 'ADA@example.com' }] } };
  const saved = await api.flows.saveDraft({ flowId: id, draft, baseRevision: got.draftRevision });
  return { id, revision: saved.revision, draft };
}

describe('flows for the editor', () => {
  it('lists flows with trigger kind, who changed them, and no runs yet', async () => {
    const { id } = await flowWithDraft('Contacts in');
    const list = await callerFor(handle.db, viewer, acme).flows.list();
    const row = list.find((f) => f.id === id);
    expect(row).toMatchObject({ name: 'Contacts in', status: 'draft', triggerKind: 'Webhook', updatedByName: 'Ana Analyst', lastRun: null, successRate: null, nodeCount: 6 });
  });

  it('test-runs the draft as a dry run and returns per-node counts and samples', async () => {
    const { id, draft } = await flowWithDraft('Dry run');
    const result = await callerFor(handle.db, analyst, acme).flows.testRun({
      flowId: id,
      draft,
      items: [{ id: '1', email: 'ADA@example.com' }, { id: '2', email: '' }, { id: '3', email: 'x@test.invalid' }],
      mode: 'dry',
    });
    expect(result.status).toBe('succeeded');
    const byNode = Object.fromEntries(result.trace.map((t) => [t.nodeId, t]));
    expect(byNode.filter?.itemsOut).toEqual({ kept: 2, dropped: 1 });
    expect(byNode.transform?.outputSample.main?.[0]).toMatchObject({ email: 'ada@example.com', recordKey: 'rk-1' });
    expect(byNode.guard?.skippedCount).toBe(1);
    expect(byNode.guard?.skipped[0]?.reason).toMatch(/test\.invalid/);
    expect(result.wouldWrite.save).toBe(1);
  });

  it('keeps the last test run of the draft for the next visit, but not for a flow that never stores item data', async () => {
    const { id, draft } = await flowWithDraft('Kept test run');
    const api = callerFor(handle.db, analyst, acme);
    await expect(api.flows.lastTestRun({ flowId: id })).resolves.toBeNull();
    const result = await api.flows.testRun({ flowId: id, draft, items: [{ id: '7', email: 'Kept@example.com' }], mode: 'dry' });
    const kept = await callerFor(handle.db, viewer, acme).flows.lastTestRun({ flowId: id });
    expect(kept).toEqual(result);
    expect(kept?.trace.find((t) => t.nodeId === 'transform')?.outputSample.main?.[0]).toMatchObject({ email: 'kept@example.com' });

    await api.retention.setFlowItemData({ flowId: id, neverStoreItemData: true });
    await expect(api.flows.lastTestRun({ flowId: id })).resolves.toBeNull();
    await api.flows.testRun({ flowId: id, draft, items: [{ id: '8', email: 'again@example.com' }], mode: 'dry' });
    const [row] = await handle.db.select({ lastTestRun: flows.lastTestRun }).from(flows).where(eq(flows.id, id));
    expect(row?.lastTestRun).toBeNull();
  });

  it('refuses a test run to a viewer', async () => {
    const { id, draft } = await flowWithDraft('Viewer test');
    await expect(callerFor(handle.db, viewer, acme).flows.testRun({ flowId: id, draft, items: [], mode: 'dry' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('publishes without editor samples, lists versions with who, diffs and restores', async () => {
    const api = callerFor(handle.db, analyst, acme);
    const { id, revision, draft } = await flowWithDraft('Versioned');
    const v1 = await api.flows.publish({ flowId: id, note: 'first' });
    expect(v1.published).toBe(true);
    const changed = {
      ...draft,
      nodes: draft.nodes.map((n) => (n.id === 'filter' ? { ...n, label: 'Has email', config: { conditions: lit([{ field: 'email', operator: 'contains', value: '@' }]) } } : n)),
    };
    const saved = await api.flows.saveDraft({ flowId: id, draft: changed, baseRevision: revision });
    await api.flows.publish({ flowId: id, note: 'second' });
    const versions = await api.flows.versions({ flowId: id });
    expect(versions.map((v) => [v.version, v.note, v.publishedByName])).toEqual([
      [2, 'second', 'Ana Analyst'],
      [1, 'first', 'Ana Analyst'],
    ]);
    const diff = await api.flows.diff({ flowId: id, from: 1, to: 2 });
    expect(diff.nodes).toHaveLength(1);
    expect(diff.nodes[0]).toMatchObject({ nodeId: 'filter', kind: 'changed' });
    expect(diff.nodes[0]?.fields.map((f) => f.field)).toEqual(['label', 'config.conditions']);
    const restored = await api.flows.restoreVersion({ flowId: id, version: 1, baseRevision: saved.revision });
    expect(restored.revision).toBe(saved.revision + 1);
    expect((await api.flows.diff({ flowId: id, from: 1, to: 'draft' })).unchanged).toBe(true);
    await expect(api.flows.restoreVersion({ flowId: id, version: 1, baseRevision: saved.revision })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('duplicates, exports and imports a flow', async () => {
    const api = callerFor(handle.db, analyst, acme);
    const { id } = await flowWithDraft('Original');
    const copy = await api.flows.duplicate({ flowId: id });
    const copied = await api.flows.get({ flowId: copy.id });
    expect(copied.name).toBe('Original (copy)');
    expect((copied.draft as { nodes: unknown[] }).nodes).toHaveLength(6);
    const doc = await api.flows.export({ flowId: id });
    expect(doc.format).toBe('syncline.flow');
    const imported = await api.flows.import({ document: JSON.parse(JSON.stringify(doc)), name: 'Imported' });
    const got = await api.flows.get({ flowId: imported.id });
    expect(got.name).toBe('Imported');
    await expect(api.flows.import({ document: { hello: 'world' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('deletes a flow without runs and archives one with runs', async () => {
    const api = callerFor(handle.db, analyst, acme);
    const a = await flowWithDraft('No runs');
    expect(await api.flows.archive({ flowId: a.id })).toEqual({ outcome: 'deleted' });
    expect(await handle.db.select().from(flows).where(eq(flows.id, a.id))).toHaveLength(0);

    const b = await flowWithDraft('Has runs');
    const published = await api.flows.publish({ flowId: b.id, note: '' });
    if (!published.published) throw new Error('not published');
    await handle.db.insert(runs).values({ workspaceId: acme, flowId: b.id, flowVersionId: published.versionId, version: 1, status: 'succeeded', trigger: 'webhook', workflowId: 'w1' });
    const listed = (await api.flows.list()).find((f) => f.id === b.id);
    expect(listed).toMatchObject({ successRate: 1, lastRun: { status: 'succeeded' } });
    expect(await api.flows.archive({ flowId: b.id })).toEqual({ outcome: 'archived' });
    expect((await api.flows.list()).some((f) => f.id === b.id)).toBe(false);
    expect(await handle.db.select().from(flows).where(eq(flows.id, b.id))).toHaveLength(1);
  });
});
