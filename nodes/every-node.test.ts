/**
 * A flow containing EVERY registered node type: round-trips export/import, validates clean and runs
 * in the interpreter with dry-run effects, giving the expected trace.
 */
import { describe, expect, it } from 'vitest';
import { createDryRunEffectRunner, executeFlow, exportFlow, FlowSchema, importFlow, validateForPublish, type Flow } from '../flows-engine/index';
import { dryRunResponders } from './dry-run-responders';
import { nodeRegistry } from './registry';

const lit = (value: unknown) => ({ kind: 'literal' as const, value });
const connections = [
  { id: 'c-crm', name: 'Demo CRM', kind: 'demo-crm' },
  { id: 'c-hd', name: 'Demo helpdesk', kind: 'demo-helpdesk' },
  { id: 'c-api', name: 'Billing API', kind: 'rest' },
];
const guard = [{ field: 'modifiedBy', operator: 'isNotIntegrationAccount', connectionId: 'c-crm' }];
const e = (id: string, from: string, port: string, to: string) => ({ id, from: { node: from, port }, to: { node: to, port: 'main' } });

const flow: Flow = FlowSchema.parse({
  schemaVersion: 1,
  id: 'every-node',
  name: 'Every node',
  nodes: [
    { id: 'poll', type: 'core.poll-trigger', typeVersion: 1, label: 'Poll', config: { connectionId: lit('c-crm'), objectType: lit('contact') } },
    { id: 'manual', type: 'core.manual-trigger', typeVersion: 1, label: 'Manual', config: {} },
    { id: 'webhook', type: 'core.webhook-trigger', typeVersion: 1, label: 'Webhook', config: {} },
    { id: 'schedule', type: 'core.schedule-trigger', typeVersion: 1, label: 'Schedule', config: { mode: lit('cron'), cron: lit('*/5 * * * *') } },
    { id: 'guard', type: 'core.continue-if', typeVersion: 1, label: 'Loop guard', config: { conditions: lit(guard) } },
    { id: 'filter', type: 'core.filter', typeVersion: 1, label: 'Has email', config: { conditions: lit([{ field: 'email', operator: 'isNotEmpty' }]) } },
    { id: 'branch', type: 'core.branch', typeVersion: 1, label: 'Deleted?', config: { conditions: lit([{ field: 'deleted', operator: 'isTrue' }]) } },
    { id: 'map', type: 'core.transform', typeVersion: 1, label: 'Map', config: { mappings: lit([{ target: 'name', source: { kind: 'expr', source: "first & ' ' & last" } }]) } },
    { id: 'lookup', type: 'sync.lookup-external-id', typeVersion: 1, label: 'Lookup', config: { connectionId: lit('c-crm'), objectType: lit('contact') } },
    { id: 'upsert', type: 'sync.upsert-record', typeVersion: 1, label: 'Upsert', config: { connectionId: lit('c-hd'), objectType: lit('contact'), fields: lit([{ target: 'name', sourcePath: 'name' }]) } },
    { id: 'save', type: 'sync.save-external-id', typeVersion: 1, label: 'Save', config: { connectionId: lit('c-crm'), objectType: lit('contact'), externalIdPath: lit('id'), recordKeyPath: lit('upserted.externalId') } },
    { id: 'delay', type: 'core.delay', typeVersion: 1, label: 'Wait', config: { durationMs: lit(60_000) } },
    { id: 'http', type: 'http.request', typeVersion: 1, label: 'Notify billing', config: { connectionId: lit('c-api'), method: lit('POST'), url: lit('/notify'), sendItemAsBody: lit(true) } },
    { id: 'delete', type: 'sync.delete-record', typeVersion: 1, label: 'Delete', config: { connectionId: lit('c-hd'), objectType: lit('contact'), mode: lit('soft') } },
    { id: 'anon', type: 'sync.anonymise-record', typeVersion: 1, label: 'Anonymise', config: { connectionId: lit('c-hd'), objectType: lit('contact'), fields: lit(['email', 'name']) } },
  ],
  edges: [
    e('e1', 'poll', 'main', 'guard'),
    e('e2', 'guard', 'main', 'filter'),
    e('e3', 'filter', 'kept', 'branch'),
    e('e4', 'branch', 'false', 'map'),
    e('e5', 'map', 'main', 'lookup'),
    e('e6', 'lookup', 'notFound', 'upsert'),
    e('e7', 'upsert', 'main', 'save'),
    e('e8', 'save', 'main', 'delay'),
    e('e9', 'delay', 'main', 'http'),
    e('e10', 'branch', 'true', 'delete'),
    e('e11', 'delete', 'main', 'anon'),
  ],
});

describe('a flow with every node type', () => {
  it('covers the whole registry', () => {
    expect(new Set(flow.nodes.map((n) => n.type))).toEqual(new Set(nodeRegistry.list().map((d) => d.type)));
  });

  it('round-trips export/import with connections by name and no ids', () => {
    const doc = exportFlow(flow, { registry: nodeRegistry, connectionNameById: Object.fromEntries(connections.map((c) => [c.id, c.name])) });
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/c-crm|c-hd|c-api/);
    expect(doc.connections).toContainEqual({ nodeId: 'guard', field: 'conditions[0].connectionId', name: 'Demo CRM' });
    const imported = importFlow(JSON.parse(text), { registry: nodeRegistry, connectionIdByName: Object.fromEntries(connections.map((c) => [c.name, c.id])) });
    expect(imported.issues).toEqual([]);
    expect(imported.flow).toEqual(flow);
    const unresolved = importFlow(JSON.parse(text), { registry: nodeRegistry, connectionIdByName: { 'Demo CRM': 'x1' } });
    expect(unresolved.issues.map((i) => i.code)).toContain('import.connection-unresolved');
    expect(unresolved.issues.find((i) => i.nodeId === 'upsert')?.message).toMatch(/no connection named "Demo helpdesk"/);
  });

  it('validates clean except for the extra triggers', () => {
    const withOneTrigger = { ...flow, nodes: flow.nodes.filter((n) => !['manual', 'webhook', 'schedule'].includes(n.id)) };
    expect(validateForPublish(withOneTrigger, nodeRegistry, { connections })).toEqual([]);
    expect(validateForPublish(flow, nodeRegistry, { connections }).map((i) => i.code).sort()).toEqual([
      'flow.many-triggers', 'flow.many-triggers', 'flow.many-triggers',
    ]);
  });

  it('runs with dry-run effects and the expected trace', async () => {
    const dry = createDryRunEffectRunner({ registry: nodeRegistry, responders: dryRunResponders });
    const sleeps: number[] = [];
    const result = await executeFlow({
      flow: { ...flow, nodes: flow.nodes.filter((n) => !['manual', 'webhook', 'schedule'].includes(n.id)) },
      registry: nodeRegistry,
      trigger: {
        payload: {},
        items: [
          { json: { id: 'a', first: 'Ada', last: 'L', email: 'a@x', modifiedBy: 'alice' } },
          { json: { id: 'b', first: 'Bo', last: 'M', email: 'b@x', modifiedBy: 'svc-sync' } },
          { json: { id: 'c', email: 'c@x', deleted: true, modifiedBy: 'carol' } },
          { json: { id: 'd', modifiedBy: 'dan' } },
        ],
      },
      meta: { runId: 'r1', flowId: flow.id, flowName: flow.name, version: 1, now: '2026-01-01T00:00:00Z' },
      integrationIdentities: { 'c-crm': 'svc-sync' },
      runEffect: dry.runEffect,
      sleep: async (ms) => void sleeps.push(ms),
    });
    expect(result.status).toBe('succeeded');
    expect(result.trace.map((t) => `${t.nodeId}:${t.status}:${t.itemsIn}>${JSON.stringify(t.itemsOut)}`)).toEqual([
      'poll:succeeded:4>{"main":4}',
      'guard:succeeded:4>{"main":3}',
      'filter:succeeded:3>{"kept":2,"dropped":1}',
      'branch:succeeded:2>{"true":1,"false":1}',
      'map:succeeded:1>{"main":1}',
      'lookup:succeeded:1>{"found":0,"notFound":1}',
      'upsert:succeeded:1>{"main":1}',
      'save:succeeded:1>{"main":1}',
      'delay:succeeded:1>{"main":1}',
      'http:succeeded:1>{"main":1}',
      'delete:succeeded:1>{"main":1}',
      'anon:succeeded:1>{"main":1}',
    ]);
    expect(result.trace[1]?.skipped[0]?.reason).toBe('modifiedBy is the integration account svc-sync');
    expect(sleeps).toEqual([60_000]);
    expect(dry.writes.map((w) => w.type)).toEqual(['sync.lookup-external-id', 'sync.upsert-record', 'sync.save-external-id', 'http.request', 'sync.delete-record', 'sync.anonymise-record']);
    expect(result.outputs.http?.main?.[0]?.json).toMatchObject({ name: 'Ada L', upserted: { externalId: 'dry-run-1', created: true } });
  });
});
