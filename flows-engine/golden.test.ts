/**
 * Golden flows: each `__fixtures__/*.flow.json` holds a flow, trigger data and the expected
 * per-node results. The harness validates, runs with dry-run effects, and compares.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dryRunResponders } from '../nodes/dry-run-responders';
import { nodeRegistry } from '../nodes/registry';
import { createDryRunEffectRunner } from './dry-run';
import { executeFlow } from './interpreter';
import { FlowSchema, type Item } from './schema';
import { validateForPublish } from './validate-publish';

interface ExpectedNode {
  status?: string;
  itemsOut?: Record<string, number>;
  outputs?: Record<string, unknown[]>;
  skipped?: string[];
  errorMatches?: string;
}
interface Fixture {
  flow: unknown;
  connections: { id: string; name: string; kind: string }[];
  integrationIdentities: Record<string, string>;
  trigger: { payload: unknown; items: Item[] };
  expected: { status: string; hadErrors?: boolean; issues: string[]; nodes: Record<string, ExpectedNode> };
}

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '__fixtures__');
const files = readdirSync(dir).filter((f) => f.endsWith('.flow.json'));

describe.each(files)('golden flow %s', (file) => {
  const fixture = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Fixture;
  it('validates as expected', () => {
    const issues = validateForPublish(fixture.flow, nodeRegistry, { connections: fixture.connections });
    expect(issues.map((i) => i.code)).toEqual(fixture.expected.issues);
  });
  it('runs with the expected per-node results', async () => {
    const flow = FlowSchema.parse(fixture.flow);
    const result = await executeFlow({
      flow,
      registry: nodeRegistry,
      trigger: fixture.trigger,
      meta: { runId: 'golden', flowId: flow.id, flowName: flow.name, version: 1, now: '2026-01-01T00:00:00.000Z' },
      integrationIdentities: fixture.integrationIdentities,
      runEffect: createDryRunEffectRunner({ registry: nodeRegistry, responders: dryRunResponders }).runEffect,
    });
    expect(result.status).toBe(fixture.expected.status);
    if (fixture.expected.hadErrors !== undefined) expect(result.hadErrors).toBe(fixture.expected.hadErrors);
    for (const [nodeId, want] of Object.entries(fixture.expected.nodes)) {
      const trace = result.trace.find((t) => t.nodeId === nodeId);
      expect(trace, nodeId).toBeDefined();
      if (!trace) continue;
      if (want.status) expect(trace.status, `${nodeId} status`).toBe(want.status);
      if (want.itemsOut) expect(trace.itemsOut, `${nodeId} itemsOut`).toEqual(want.itemsOut);
      if (want.skipped) expect(trace.skipped.map((s) => s.reason), `${nodeId} skipped`).toEqual(want.skipped);
      if (want.errorMatches) expect(trace.error?.message, `${nodeId} error`).toMatch(new RegExp(want.errorMatches));
      for (const [port, items] of Object.entries(want.outputs ?? {})) {
        expect(result.outputs[nodeId]?.[port]?.map((i) => i.json), `${nodeId}.${port}`).toEqual(items);
      }
    }
  });
});
