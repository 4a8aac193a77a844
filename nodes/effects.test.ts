import { describe, expect, it } from 'vitest';
import { isPermanentHttpFailure, TransientError, UserError, type EffectRequest, DEFAULT_NODE_SETTINGS } from '../flows-engine/index';
import type { EffectDeps, ExternalIdRow } from './effect-deps';
import { nodeEffects, runNodeEffect } from './effects';

function fakeDeps(status = 200) {
  const rows: ExternalIdRow[] = [{ workspaceId: 'w', objectType: 'contact', connectionId: 'crm', externalId: 'a', recordKey: 'rk-a' }];
  const calls: string[] = [];
  /** Target records as the target system holds them (for conflict checks). */
  const targets = new Map<string, Record<string, unknown>>();
  const deps: EffectDeps = {
    externalIds: {
      lookupMany: async (q) => new Map(rows.filter((r) => r.workspaceId === q.workspaceId && q.externalIds.includes(r.externalId)).map((r) => [r.externalId, { recordKey: r.recordKey }])),
      saveMany: async (r) => void rows.push(...r),
      forgetIds: async (q) => {
        calls.push(`forget:${q.ids.join(',')}`);
        return 1;
      },
    },
    records: {
      upsertMany: async (r) => r.records.map((rec, i) => ({ externalId: rec.externalId ?? `new-${i}`, created: rec.externalId === undefined })),
      deleteMany: async (r) => void calls.push(`delete:${r.mode}:${r.externalIds.join(',')}`),
      anonymiseMany: async (r) => void calls.push(`anon:${r.fields.join(',')}`),
      readMany: async (r) => new Map(r.externalIds.filter((id) => targets.has(id)).map((id) => [id, targets.get(id)!])),
    },
    http: { request: async (r) => ({ status, headers: {}, body: { echoed: r.body } }) },
    privacy: {
      scrubSubjects: async (r) => {
        calls.push(`scrub:${r.subjectKeys.join(',')}|${r.values.join(',')}`);
        return 0;
      },
    },
  };
  return { deps, rows, calls, targets };
}
const req = (type: string, config: unknown, items: unknown[]): EffectRequest => ({
  nodeId: 'n1', type, typeVersion: 1, config, settings: { ...DEFAULT_NODE_SETTINGS, retry: { ...DEFAULT_NODE_SETTINGS.retry } }, items: items.map((json) => ({ json: json as Record<string, unknown> })),
});
const ctx = { workspaceId: 'w', runId: 'r1', attempt: 1 };

describe('effects', () => {
  it('lookup splits found / notFound in one batch', async () => {
    const { deps } = fakeDeps();
    const out = await runNodeEffect(req('sync.lookup-external-id', { connectionId: 'crm', objectType: 'contact' }, [{ id: 'a' }, { id: 'b' }, {}]), ctx, deps);
    expect(out.found?.map((i) => i.json)).toEqual([{ id: 'a', recordKey: 'rk-a' }]);
    expect(out.notFound).toHaveLength(2);
  });
  it('save stores mappings and needs every id', async () => {
    const { deps, rows } = fakeDeps();
    await runNodeEffect(req('sync.save-external-id', { connectionId: 'crm', objectType: 'contact', externalIdPath: 'id', recordKeyPath: 'k' }, [{ id: 'b', k: 'rk-b' }]), ctx, deps);
    expect(rows.at(-1)).toMatchObject({ externalId: 'b', recordKey: 'rk-b' });
    await expect(runNodeEffect(req('sync.save-external-id', { connectionId: 'crm', objectType: 'contact', externalIdPath: 'id', recordKeyPath: 'k' }, [{ id: 'c' }]), ctx, deps)).rejects.toThrow(/Item 1 has no value at "k"/);
  });
  it('upsert writes only mapped fields and reports results', async () => {
    const { deps } = fakeDeps();
    const out = await runNodeEffect(
      req('sync.upsert-record', { connectionId: 'hd', objectType: 'contact', fields: [{ target: 'fullName', sourcePath: 'name' }], matchBy: { externalIdPath: 'ext' } }, [{ name: 'A', secret: 1, ext: 'x9' }, { name: 'B' }]),
      ctx,
      deps,
    );
    expect(out.main?.map((i) => i.json.upserted)).toEqual([{ externalId: 'x9', created: false }, { externalId: 'new-1', created: true }]);
  });
  it('delete and anonymise call the gateway, forget mappings and scrub logs', async () => {
    const { deps, calls } = fakeDeps();
    await runNodeEffect(req('sync.delete-record', { connectionId: 'hd', objectType: 'contact', mode: 'hard' }, [{ id: 'a' }]), ctx, deps);
    const out = await runNodeEffect(req('sync.anonymise-record', { connectionId: 'hd', objectType: 'contact', fields: ['email'] }, [{ id: 'a', recordKey: 'rk-a', email: 'x@y' }]), ctx, deps);
    expect(calls).toEqual(['delete:hard:a', 'anon:email', 'forget:rk-a,a', 'scrub:rk-a,a|x@y']);
    expect(out.main?.[0]?.json.email).toBeNull();
    await runNodeEffect(req('sync.delete-record', { connectionId: 'hd', objectType: 'contact', mode: 'soft', forgetMappings: true }, [{ id: 'b' }]), ctx, deps);
    expect(calls.slice(-2)).toEqual(['delete:soft:b', 'forget:b']);
  });
  it('upsert with a conflict policy keeps the newer side, and the fixed priority within the clock-skew window', async () => {
    const { deps, targets } = fakeDeps();
    const written: Record<string, unknown>[] = [];
    deps.records.upsertMany = async (r) => {
      written.push(...r.records.map((rec) => rec.fields));
      return r.records.map((rec) => ({ externalId: rec.externalId ?? 'new', created: !rec.externalId }));
    };
    targets.set('t1', { email: 'old@x', modifiedAt: '2025-01-01T09:59:00.000000Z' });
    targets.set('t2', { email: 'theirs@x', modifiedAt: '2025-01-01T10:00:10.000000Z' });
    targets.set('t3', { email: 'close@x', modifiedAt: '2025-01-01T10:00:01.000000Z' });
    const config = {
      connectionId: 'hd', objectType: 'contact', matchBy: { externalIdPath: 'ext' },
      fields: [{ target: 'email', sourcePath: 'email' }, { target: 'name', sourcePath: 'name' }],
      conflict: { fields: ['email'], policy: 'newest-wins', sourceModifiedPath: 'changedAt', skewMs: 2000, withinSkew: 'target' },
    };
    const at = '2025-01-01T10:00:02.000000Z';
    const out = await runNodeEffect(
      req('sync.upsert-record', config, [
        { ext: 't1', email: 'new@x', name: 'A', changedAt: at },
        { ext: 't2', email: 'mine@x', name: 'B', changedAt: at },
        { ext: 't3', email: 'near@x', name: 'C', changedAt: at },
        { email: 'fresh@x', name: 'D', changedAt: at },
      ]),
      ctx,
      deps,
    );
    expect(written).toEqual([{ email: 'new@x', name: 'A' }, { name: 'B' }, { name: 'C' }, { email: 'fresh@x', name: 'D' }]);
    const conflicts = out.main?.map((i) => i.json.conflict as { winner: string; reason: string } | undefined);
    expect(conflicts?.map((c) => c?.winner)).toEqual(['source', 'target', 'target', undefined]);
    expect(conflicts?.[1]?.reason).toMatch(/newest change wins/);
    expect(conflicts?.[2]?.reason).toMatch(/within the 2000 ms clock-skew window: fixed priority to the target/);
  });
  it('http classifies failures', async () => {
    const cfg = { url: 'https://x.test', method: 'POST', sendItemAsBody: true };
    const ok = await runNodeEffect(req('http.request', cfg, [{ a: 1 }]), ctx, fakeDeps(200).deps);
    expect(ok.main?.[0]?.json.response).toMatchObject({ status: 200, body: { echoed: { a: 1 } } });
    await expect(runNodeEffect(req('http.request', cfg, [{}]), ctx, fakeDeps(404).deps)).rejects.toBeInstanceOf(UserError);
    await expect(runNodeEffect(req('http.request', cfg, [{}]), ctx, fakeDeps(429).deps)).rejects.toBeInstanceOf(TransientError);
    await expect(runNodeEffect(req('http.request', cfg, [{}]), ctx, fakeDeps(503).deps)).rejects.toBeInstanceOf(TransientError);
    expect([400, 401, 404, 408, 429, 500].map(isPermanentHttpFailure)).toEqual([true, true, true, false, false, false]);
  });
  it('re-validates config at the activity boundary', async () => {
    await expect(runNodeEffect(req('sync.delete-record', { objectType: 'contact' }, [{ id: 'a' }]), ctx, fakeDeps().deps)).rejects.toThrow(/connectionId: This field is required/);
  });
  it('has exactly one effect per effectful node', () => {
    expect(Object.keys(nodeEffects).sort()).toEqual(['http.request', 'sync.anonymise-record', 'sync.delete-record', 'sync.lookup-external-id', 'sync.save-external-id', 'sync.upsert-record']);
  });
});
