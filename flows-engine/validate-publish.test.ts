import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeRegistry } from '../nodes/registry';
import { validateDraft } from './validate-draft';
import { validateForPublish } from './validate-publish';

const lit = (value: unknown) => ({ kind: 'literal', value });
const node = (id: string, type: string, config: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  id, type, typeVersion: 1, label: id, config, ...extra,
});
const edge = (id: string, from: string, fromPort: string, to: string, toPort = 'main') => ({ id, from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
const flow = (nodes: unknown[], edges: unknown[]) => ({ schemaVersion: 1, id: 'f', name: 'F', nodes, edges });

describe('validateForPublish', () => {
  it('reports every problem at once, located', () => {
    const issues = validateForPublish(
      flow(
        [
          node('t1', 'core.manual-trigger'),
          node('t2', 'core.schedule-trigger', { mode: lit('cron'), cron: lit('nonsense') }),
          node('ghost', 'core.ghost'),
          node('old', 'core.filter', {}, { typeVersion: 9 }),
          node('f', 'core.filter', { conditions: lit([{ field: 'a', operator: 'resembles', value: 1 }]) }),
          node('x', 'core.transform', {
            mappings: lit([
              { target: 'a', source: { kind: 'expr', source: 'a +' } },
              { target: 'b', source: { kind: 'expr', source: '$nodes.later.main' } },
              { target: '__proto__', source: { kind: 'literal', value: 1 } },
            ]),
          }),
          node('later', 'core.continue-if', { conditions: lit([{ field: 'm', operator: 'matchesRegex', value: '(a+)+' }]) }),
          node('c1', 'core.branch', { conditions: lit([{ field: 'a', operator: 'isEmpty' }]) }),
          node('c2', 'core.branch', { conditions: lit([{ field: 'a', operator: 'isEmpty' }]) }),
          node('up', 'sync.upsert-record', { connectionId: lit('missing'), objectType: lit('contact'), fields: lit([{ target: 'a', sourcePath: 'a' }]) }),
          node('http', 'http.request', { connectionId: lit('pg'), url: lit('/x') }),
          node('island', 'core.delay', { durationMs: lit(5) }),
        ],
        [
          edge('e1', 't1', 'main', 'f'),
          edge('e2', 'f', 'kept', 'x'),
          edge('e2b', 'f', 'kept', 'x'),
          edge('e3', 'x', 'main', 'later'),
          edge('e4', 'f', 'nope', 'c1'),
          edge('e5', 'c1', 'true', 'c2'),
          edge('e6', 'c2', 'true', 'c1'),
          edge('e7', 'f', 'kept', 'void'),
          edge('e8', 'x', 'error', 'up'),
          edge('e9', 'later', 'main', 't2'),
          edge('e10', 'later', 'main', 'http'),
        ],
      ),
      nodeRegistry,
      { connections: [{ id: 'pg', name: 'Warehouse', kind: 'postgres' }] },
    );
    const codes = issues.map((i) => `${i.code}${i.nodeId ? `@${i.nodeId}` : ''}${i.field ? `:${i.field}` : ''}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'flow.many-triggers@t2',
        'node.unknown-type@ghost',
        'node.unknown-version@old',
        'edge.duplicate@x',
        'edge.unknown-port@f',
        'edge.dangling@f',
        'edge.error-port-off@x',
        'edge.unknown-port@t2',
        'graph.cycle@c1',
        'node.unreachable@island',
        'config.invalid@t2:cron',
        'config.invalid@f:conditions[0].operator',
        'expr.parse@x:mappings[0].source',
        'config.invalid@x:mappings[2].target',
        'expr.not-upstream@x:mappings[1].source',
        'config.invalid@later:conditions[0].value',
        'connection.missing@up:connectionId',
        'connection.wrong-kind@http:connectionId',
        'sync.no-loop-guard@up',
      ]),
    );
    expect(issues.find((i) => i.code === 'expr.not-upstream')?.message).toMatch(/reads "later", which does not run before this step/);
    expect(issues.find((i) => i.field === 'conditions[0].operator')?.message).toMatch(/Unknown operator "resembles"/);
    expect(issues.find((i) => i.code === 'sync.no-loop-guard')?.severity).toBe('warning');
  });

  it('reports a missing trigger and expression parse positions', () => {
    const issues = validateForPublish(flow([node('f', 'core.filter', { match: { kind: 'expr', source: '"all" &' }, conditions: lit([{ field: 'a', operator: 'isEmpty' }]) })], []), nodeRegistry);
    expect(issues.map((i) => i.code)).toEqual(expect.arrayContaining(['flow.no-trigger', 'expr.parse']));
    expect(issues.find((i) => i.code === 'expr.parse')).toMatchObject({ nodeId: 'f', field: 'match', position: expect.any(Number) });
  });

  it('accepts a loop-guarded two-way flow without warnings', () => {
    const issues = validateForPublish(
      flow(
        [
          node('t', 'core.poll-trigger', { connectionId: lit('crm'), objectType: lit('contact') }),
          node('g', 'core.continue-if', { conditions: lit([{ field: 'modifiedBy', operator: 'isNotIntegrationAccount', connectionId: 'crm' }]) }),
          node('u', 'sync.upsert-record', { connectionId: lit('hd'), objectType: lit('contact'), fields: lit([{ target: 'a', sourcePath: 'a' }]) }),
        ],
        [edge('e1', 't', 'main', 'g'), edge('e2', 'g', 'main', 'u')],
      ),
      nodeRegistry,
      { connections: [{ id: 'crm', name: 'CRM', kind: 'demo-crm' }, { id: 'hd', name: 'HD', kind: 'demo-helpdesk' }] },
    );
    expect(issues).toEqual([]);
  });

  it('flags the integration-account rule pointing at an unknown connection', () => {
    const issues = validateForPublish(
      flow(
        [node('t', 'core.manual-trigger'), node('g', 'core.continue-if', { conditions: lit([{ field: 'm', operator: 'isNotIntegrationAccount', connectionId: 'gone' }]) })],
        [edge('e1', 't', 'main', 'g')],
      ),
      nodeRegistry,
      { connections: [] },
    );
    expect(issues.map((i) => `${i.code}:${i.field}`)).toEqual(['connection.missing:conditions[0].connectionId']);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withBigInt: true, withDate: true, maxDepth: 6 }), (input) => {
        expect(Array.isArray(validateForPublish(input, nodeRegistry))).toBe(true);
        expect(Array.isArray(validateDraft(input))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on structurally plausible but random flows', () => {
    const types = fc.constantFrom(...nodeRegistry.list().map((d) => d.type), 'core.nope');
    const source = fc.oneof(
      fc.record({ kind: fc.constant('literal'), value: fc.anything({ maxDepth: 3 }) }),
      fc.record({ kind: fc.constant('expr'), source: fc.string({ maxLength: 30 }) }),
    );
    const ids = fc.constantFrom('a', 'b', 'c', 'd');
    const arbFlow = fc.record({
      schemaVersion: fc.constant(1),
      id: fc.constant('f'),
      name: fc.string(),
      nodes: fc.array(
        fc.record({ id: ids, type: types, typeVersion: fc.integer({ min: 1, max: 2 }), label: fc.string({ maxLength: 5 }), config: fc.dictionary(fc.constantFrom('conditions', 'mappings', 'connectionId', 'url', 'mode', 'x'), source) }),
        { maxLength: 5 },
      ),
      edges: fc.array(fc.record({ id: fc.string({ minLength: 1, maxLength: 3 }), from: fc.record({ node: ids, port: fc.constantFrom('main', 'kept', 'error', 'x') }), to: fc.record({ node: ids, port: fc.constantFrom('main', 'x') }) }), { maxLength: 6 }),
    });
    fc.assert(
      fc.property(arbFlow, (f) => {
        const issues = validateForPublish(f, nodeRegistry, { connections: [] });
        expect(issues.every((i) => typeof i.message === 'string' && i.message.length > 0)).toBe(true);
        expect(issues.some((i) => i.code === 'flow.internal')).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
