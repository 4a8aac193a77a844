import { describe, expect, it } from 'vitest';
import { createDryRunEffectRunner, type Item } from '../flows-engine/index';
import { wouldBeRequests } from './dry-run-requests';
import { dryRunResponders } from './dry-run-responders';
import { nodeRegistry } from './registry';

const items: Item[] = [
  { json: { email: 'ada@example.com', first: 'Ada', crmId: 'c-7' } },
  { json: { email: 'bob@example.com', first: 'Bob' } },
];

async function record(type: string, config: unknown) {
  const dry = createDryRunEffectRunner({ registry: nodeRegistry, responders: dryRunResponders });
  const settings = { retry: { maximumAttempts: 1, initialIntervalMs: 1, backoffCoefficient: 1, maximumIntervalMs: 1 }, timeoutMs: 1000, onError: 'fail' as const };
  await dry.runEffect({ nodeId: 'n', type, typeVersion: 1, config, settings, items });
  return wouldBeRequests(dry.writes[0]!);
}

describe('dry-run would-be requests', () => {
  it('shows an upsert as the fields it would write, and whether it updates a known record, matches one or creates one', async () => {
    const config = {
      connectionId: 'conn-1',
      objectType: 'contacts',
      fields: [
        { target: 'Email', sourcePath: 'email' },
        { target: 'FirstName', sourcePath: 'first' },
      ],
      matchBy: { externalIdPath: 'crmId', naturalKey: { target: 'Email', sourcePath: 'email' } },
    };
    expect(await record('sync.upsert-record', config)).toEqual([
      { operation: 'Update', connectionId: 'conn-1', target: 'contacts', match: 'record c-7 (known id)', fields: { Email: 'ada@example.com', FirstName: 'Ada' } },
      { operation: 'Update if found, else create', connectionId: 'conn-1', target: 'contacts', match: 'Email = "bob@example.com"', fields: { Email: 'bob@example.com', FirstName: 'Bob' } },
    ]);
    const plain = await record('sync.upsert-record', { ...config, matchBy: {} });
    expect(plain.map((r) => [r.operation, r.match])).toEqual([
      ['Create', null],
      ['Create', null],
    ]);
  });

  it('shows an HTTP request with its method, URL and body, and a delete with the record it removes', async () => {
    const http = await record('http.request', { method: 'POST', url: 'https://api.example.com/people', sendItemAsBody: true });
    expect(http[1]).toEqual({ operation: 'POST', target: 'https://api.example.com/people', match: null, fields: items[1]!.json });
    const del = await record('sync.delete-record', { connectionId: 'conn-1', objectType: 'contacts', externalIdPath: 'crmId', mode: 'soft' });
    expect(del.map((r) => [r.operation, r.match])).toEqual([
      ['Delete (soft)', 'record c-7'],
      ['Delete (soft)', 'record (none)'],
    ]);
  });

  it('describes nothing for steps that only read or remember ids', async () => {
    expect(await record('sync.lookup-external-id', { connectionId: 'c', objectType: 'contact', externalIdPath: 'id' })).toEqual([]);
  });
});
