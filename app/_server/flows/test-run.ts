/**
 * Test runs from the editor: the DRAFT (as the editor holds it) runs in process with the engine's
 * interpreter, as a dry run (effects recorded, plausible outputs) or with real effects. Nothing is
 * written to the runs table; the trace comes back to the editor with bounded sizes, and the last one
 * is kept on the flow (`flows.last_test_run`) so it survives a reload (not for flows that never
 * store item data).
 */
import { and, eq } from 'drizzle-orm';
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
import { wouldBeRequests, type WouldBeRequest } from '../../../nodes/dry-run-requests';
import { dryRunResponders } from '../../../nodes/dry-run-responders';
import { nodeRegistry } from '../../../nodes/registry';
import type { Db } from '../../../db/client';
import { flows } from '../../../db/schema';
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
  /** Dry runs: the requests writing steps would send (the first few per step), with the connection's name. */
  wouldSend: Record<string, (WouldBeRequest & { connectionName?: string })[]>;
  durationMs: number;
  /** When it ran (ISO), so a result read back after a reload says how old it is. */
  ranAt: string;
}

export async function testRunDraft(db: Db, actor: Actor, input: TestRunInput): Promise<TestRunResult> {
  const flow = await getFlowRow(db, actor.workspaceId, input.flowId);
  const shape = validateDraft(input.draft);
  if (hasErrors(shape)) throw new InvalidInputError(`The draft is malformed: ${shape.map((i) => i.message).join('; ')}`);
  const draft = { ...input.draft, id: flow.id, name: flow.name };
  const runId = `test-${crypto.randomUUID()}`;
  const connections = await workspaceConnections(db, actor.workspaceId);
  const dry = createDryRunEffectRunner({ registry: nodeRegistry, responders: dryRunResponders });
  const items: Item[] = input.items.map((json) => ({ json }));
  const started = performance.now();
  const result = await executeFlow({
    flow: draft,
    registry: nodeRegistry,
    trigger: { items, payload: input.items.length === 1 ? input.items[0] : input.items },
    meta: { runId, flowId: flow.id, flowName: flow.name, version: 0, now: new Date().toISOString() },
    integrationIdentities: connections.identities,
    runEffect: input.mode === 'real' ? realEffectRunner(db, { workspaceId: actor.workspaceId, runId }) : dry.runEffect,
    clock: () => performance.now(),
    sampleSize: SAMPLE_ITEMS,
  });
  const wouldWrite: Record<string, number> = {};
  const wouldSend: TestRunResult['wouldSend'] = {};
  for (const w of dry.writes) {
    wouldWrite[w.nodeId] = (wouldWrite[w.nodeId] ?? 0) + w.items.length;
    const requests = (wouldSend[w.nodeId] ??= []);
    for (const request of wouldBeRequests(w).slice(0, SAMPLE_ITEMS - requests.length)) {
      const connectionName = request.connectionId ? connections.nameById[request.connectionId] : undefined;
      requests.push({ ...request, ...(connectionName ? { connectionName } : {}) });
    }
  }
  const answer: TestRunResult = {
    status: result.status,
    hadErrors: result.hadErrors,
    mode: input.mode,
    ...(result.error
      ? { error: { message: result.error.message, ...(result.error.nodeId ? { nodeId: result.error.nodeId } : {}), ...(result.error.field ? { field: result.error.field } : {}) } }
      : {}),
    trace: result.trace.map(capSamples),
    wouldWrite,
    wouldSend,
    durationMs: Math.round(performance.now() - started),
    ranAt: new Date().toISOString(),
  };
  if (!flow.neverStoreItemData) {
    await db.update(flows).set({ lastTestRun: answer }).where(and(eq(flows.id, flow.id), eq(flows.workspaceId, actor.workspaceId)));
  }
  return answer;
}

/** The flow's last test run, as the editor shows it after a reload (null when none was kept). */
export async function lastTestRun(db: Db, workspaceId: string, flowId: string): Promise<TestRunResult | null> {
  const flow = await getFlowRow(db, workspaceId, flowId);
  return flow.neverStoreItemData ? null : ((flow.lastTestRun as TestRunResult | null) ?? null);
}
