/**
 * Test runs from the editor: the DRAFT (as the editor holds it) runs in process with the engine's
 * interpreter, as a dry run (effects recorded, plausible outputs) or with real effects. Nothing is
 * written to the runs table; the trace comes back to the editor with bounded sizes.
 */
import { z } from 'zod';
import {
  createDryRunEffectRunner,
  executeFlow,
  FlowSchema,
  hasErrors,
  validateDraft,
  type Item,
  type NodeTrace,
} from '../../../flows-engine/index';
import { dryRunResponders } from '../../../nodes/dry-run-responders';
import { nodeRegistry } from '../../../nodes/registry';
import type { Db } from '../../../db/client';
import { InvalidInputError } from '../../../domain/platform/errors';
import { workspaceConnections } from './connection-lookup';
import { getFlowRow, type Actor } from './flow-service';
import { realEffectRunner } from '../../../domain/connectors/real-effects';

export const TestRunInputSchema = z.object({
  flowId: z.uuid(),
  /** Checked as a whole flow here, so a malformed draft is bad input naming its field (`draft.nodes: …`). */
  draft: FlowSchema,
  items: z.array(z.record(z.string(), z.unknown())).max(500, 'Test with at most 500 items.'),
  mode: z.enum(['dry', 'real']).default('dry'),
});
export type TestRunInput = z.infer<typeof TestRunInputSchema>;

/** Items kept per port in the trace, and the size a node's samples may take in the answer. */
const SAMPLE_ITEMS = 20;
const MAX_SAMPLE_CHARS = 64_000;

function capSamples(trace: NodeTrace): NodeTrace {
  const size = (v: unknown) => JSON.stringify(v)?.length ?? 0;
  const shrink = <T>(list: readonly T[]): readonly T[] => {
    let out = list;
    while (out.length > 1 && size(out) > MAX_SAMPLE_CHARS) out = out.slice(0, Math.ceil(out.length / 2));
    return out.length === 1 && size(out) > MAX_SAMPLE_CHARS ? [] : out;
  };
  return {
    ...trace,
    inputSample: shrink(trace.inputSample),
    outputSample: Object.fromEntries(Object.entries(trace.outputSample).map(([port, items]) => [port, shrink(items)])),
    skipped: shrink(trace.skipped.slice(0, SAMPLE_ITEMS)),
  };
}

export interface TestRunResult {
  status: 'succeeded' | 'failed';
  hadErrors: boolean;
  mode: 'dry' | 'real';
  error?: { message: string; nodeId?: string; field?: string };
  trace: NodeTrace[];
  /** What effectful nodes would have done (dry runs): node id -> item count. */
  wouldWrite: Record<string, number>;
  durationMs: number;
}

export async function testRunDraft(db: Db, actor: Actor, input: TestRunInput): Promise<TestRunResult> {
  const flow = await getFlowRow(db, actor.workspaceId, input.flowId);
  const shape = validateDraft(input.draft);
  if (hasErrors(shape)) throw new InvalidInputError(`The draft is malformed: ${shape.map((i) => i.message).join('; ')}`);
  const draft = { ...input.draft, id: flow.id, name: flow.name };
  const runId = `test-${crypto.randomUUID()}`;
  const dry = createDryRunEffectRunner({ registry: nodeRegistry, responders: dryRunResponders });
  const items: Item[] = input.items.map((json) => ({ json }));
  const started = performance.now();
  const result = await executeFlow({
    flow: draft,
    registry: nodeRegistry,
    trigger: { items, payload: input.items.length === 1 ? input.items[0] : input.items },
    meta: { runId, flowId: flow.id, flowName: flow.name, version: 0, now: new Date().toISOString() },
    integrationIdentities: (await workspaceConnections(db, actor.workspaceId)).identities,
    runEffect: input.mode === 'real' ? realEffectRunner(db, { workspaceId: actor.workspaceId, runId }) : dry.runEffect,
    clock: () => performance.now(),
    sampleSize: SAMPLE_ITEMS,
  });
  const wouldWrite: Record<string, number> = {};
  for (const w of dry.writes) wouldWrite[w.nodeId] = (wouldWrite[w.nodeId] ?? 0) + w.items.length;
  return {
    status: result.status,
    hadErrors: result.hadErrors,
    mode: input.mode,
    ...(result.error
      ? { error: { message: result.error.message, ...(result.error.nodeId ? { nodeId: result.error.nodeId } : {}), ...(result.error.field ? { field: result.error.field } : {}) } }
      : {}),
    trace: result.trace.map(capSamples),
    wouldWrite,
    durationMs: Math.round(performance.now() - started),
  };
}
