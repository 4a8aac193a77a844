import { describe, expect, it } from 'vitest';
import type { ExternalIdRow, ExternalIdStore } from '../../nodes/effect-deps';
import { coalescedExternalIds } from './coalesced-external-ids';

/** An in-memory store that counts its statements; a statement naming `poisoned` fails. */
function countingStore(mapped: Record<string, string>, poisoned?: string) {
  const lookups: string[][] = [];
  const saves: ExternalIdRow[][] = [];
  const store: ExternalIdStore = {
    async lookupMany(query) {
      lookups.push([...query.externalIds]);
      if (poisoned && query.externalIds.includes(poisoned)) throw new Error('the mapping store is busy');
      return new Map(query.externalIds.filter((id) => mapped[id]).map((id) => [id, { recordKey: mapped[id]! }]));
    },
    async saveMany(rows) {
      saves.push([...rows]);
      if (poisoned && rows.some((r) => r.externalId === poisoned)) throw new Error('the mapping store is busy');
    },
    forgetIds: async () => 0,
  };
  return { store, lookups, saves };
}

const where = { workspaceId: 'w1', objectType: 'contact', connectionId: 'crm' };
const row = (externalId: string): ExternalIdRow => ({ ...where, externalId, recordKey: `rk-${externalId}` });

describe('external-ID statements of the runs of one gathered activity', () => {
  it('makes the lookups of one turn one query, and gives each caller only its own ids', async () => {
    const { store, lookups } = countingStore({ a: 'rk-a', c: 'rk-c' });
    const shared = coalescedExternalIds(store);
    const [first, second, other] = await Promise.all([
      shared.lookupMany({ ...where, externalIds: ['a', 'b'] }),
      shared.lookupMany({ ...where, externalIds: ['c', 'a'] }),
      shared.lookupMany({ ...where, connectionId: 'erp', externalIds: ['a'] }),
    ]);
    expect(lookups).toEqual([['a', 'b', 'c'], ['a']]); // one per connection
    expect([...first.entries()]).toEqual([['a', { recordKey: 'rk-a' }]]);
    expect([...second.entries()]).toEqual([['c', { recordKey: 'rk-c' }], ['a', { recordKey: 'rk-a' }]]);
    expect(other.size).toBe(1);
    // A later turn is a query of its own.
    await shared.lookupMany({ ...where, externalIds: ['b'] });
    expect(lookups).toHaveLength(3);
  });

  it('makes the saves of one turn one INSERT', async () => {
    const { store, saves } = countingStore({});
    const shared = coalescedExternalIds(store);
    await Promise.all([shared.saveMany([row('a')]), shared.saveMany([row('b'), row('c')]), shared.saveMany([])]);
    expect(saves).toEqual([[row('a'), row('b'), row('c')]]);
  });

  it("makes a failed shared statement again for each caller alone: only the caller whose own statement fails gets the error", async () => {
    const { store, lookups, saves } = countingStore({ a: 'rk-a' }, 'bad');
    const shared = coalescedExternalIds(store);
    const outcomes = await Promise.allSettled([
      shared.lookupMany({ ...where, externalIds: ['a'] }),
      shared.lookupMany({ ...where, externalIds: ['bad'] }),
      shared.saveMany([row('a')]),
      shared.saveMany([row('bad')]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(outcomes[0]).toMatchObject({ value: new Map([['a', { recordKey: 'rk-a' }]]) });
    expect(lookups).toEqual([['a', 'bad'], ['a'], ['bad']]);
    expect(saves).toEqual([[row('a'), row('bad')], [row('a')], [row('bad')]]);
    // A lone caller's failed statement is not made twice.
    await expect(shared.lookupMany({ ...where, externalIds: ['bad'] })).rejects.toThrow(/busy/);
    expect(lookups).toHaveLength(4);
  });
});
