/**
 * The flow interpreter: runs a flow's nodes in topological order, feeding each node the items on
 * its incoming edges. Pure nodes run inline; effectful nodes go through the injected `runEffect`
 * (a Temporal activity, a real effect in a test run, or the dry-run recorder). Deterministic: no
 * clock, no randomness, no I/O of its own, so it can run inside a Temporal workflow.
 */
import type { AnyNodeDefinition, NodeRunContext, SkippedItem } from './define-node';
import { describeError, UnexpectedError, UserError, type ErrorInfo } from './errors';
import { compileExpression, createExpressionScope, type ExpressionScope } from './expressions';
import { upstreamOf, topologicalOrder } from './graph';
import type { NodeRegistry } from './node-registry';
import { checkPayload, type PayloadLimits } from './payload';
import { resolveNodeConfig } from './resolve-config';
import { ERROR_PORT, type Flow, type FlowNode, type Item, type NodeSettings } from './schema';
import type { NodeTrace, RunResult, SkippedItemTrace } from './trace';

/** Identity and start time of a run (the only source of "now"). */
export interface RunMeta {
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string;
  readonly version: number;
  /** ISO 8601 start time of the run. */
  readonly now: string;
}

/** What an effect runner receives for one effectful node. */
export interface EffectRequest {
  readonly nodeId: string;
  readonly type: string;
  readonly typeVersion: number;
  readonly config: unknown;
  readonly settings: NodeSettings;
  readonly items: readonly Item[];
}

/** Runs one effectful node and returns its items per output port. */
export type RunEffect = (request: EffectRequest) => Promise<Record<string, Item[]>>;

/** Input of {@link executeFlow}. */
export interface ExecuteFlowInput {
  readonly flow: Flow;
  readonly registry: NodeRegistry;
  readonly trigger: { readonly items: readonly Item[]; readonly payload: unknown };
  readonly meta: RunMeta;
  readonly integrationIdentities: Readonly<Record<string, string>>;
  readonly runEffect: RunEffect;
  /** Durable timer for Delay nodes (Temporal's `sleep`); default: do not wait (test runs). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A monotonic clock in ms; when given, traces carry `durationMs`. Never pass one inside a workflow. */
  readonly clock?: () => number;
  /** How many items to keep as samples per port. Default 5. */
  readonly sampleSize?: number;
  /** Limits for the trigger data; `false` skips the check. */
  readonly payloadLimits?: Partial<PayloadLimits> | false;
}

const MAX_SKIPPED_IN_TRACE = 100;

/**
 * Executes a (validated) flow for one trigger event.
 *
 * @example
 * ```ts
 * const result = await executeFlow({
 *   flow, registry: nodeRegistry,
 *   trigger: { items: [{ json: { email: 'ada@example.com' } }], payload: {} },
 *   meta: { runId: 'r1', flowId: flow.id, flowName: flow.name, version: 1, now: '2026-01-01T00:00:00Z' },
 *   integrationIdentities: { crm: 'svc-sync' },
 *   runEffect: createDryRunEffectRunner().runEffect,
 * });
 * result.trace.map((t) => [t.nodeId, t.status]);
 * ```
 */
export async function executeFlow(input: ExecuteFlowInput): Promise<RunResult> {
  const { flow, registry, meta } = input;
  const sampleSize = input.sampleSize ?? 5;
  const outputs: Record<string, Record<string, Item[]>> = {};
  const trace: NodeTrace[] = [];
  if (input.payloadLimits !== false) {
    const limits = { maxValues: 50_000_000, ...(input.payloadLimits ?? {}) };
    const check = checkPayload({ payload: input.trigger.payload, items: input.trigger.items }, limits);
    if (!check.ok) return failedToStart(`The trigger data was refused: ${check.error}`);
  }
  const { order, cyclic } = topologicalOrder(flow);
  if (cyclic.length > 0) return failedToStart(`The flow has a cycle through: ${cyclic.join(', ')}`);
  const nodesById = new Map(flow.nodes.map((n) => [n.id, n] as const));
  const triggerId = order.find((id) => {
    const n = nodesById.get(id);
    return n !== undefined && registry.get(n.type, n.typeVersion)?.group === 'trigger';
  });
  if (triggerId === undefined) return failedToStart('The flow has no trigger');

  let stopped = false;
  let hadErrors = false;
  let runError: RunResult['error'];
  for (const nodeId of order) {
    const node = nodesById.get(nodeId) as FlowNode;
    if (stopped) {
      trace.push(emptyTrace(node, 'run-stopped'));
      continue;
    }
    const items = nodeId === triggerId ? input.trigger.items : gatherInputs(flow, nodeId, outputs);
    if (items.length === 0 || (registry.get(node.type, node.typeVersion)?.group === 'trigger' && nodeId !== triggerId)) {
      outputs[nodeId] = {};
      trace.push(emptyTrace(node, 'no-input'));
      continue;
    }
    const started = input.clock?.();
    const scope = createExpressionScope({ trigger: input.trigger.payload, nodes: upstreamView(flow, nodeId, outputs), meta });
    let out: Record<string, Item[]>;
    let skipped: readonly SkippedItem[] = [];
    let error: ErrorInfo | undefined;
    try {
      const def = registry.get(node.type, node.typeVersion);
      if (!def) throw new UserError(`Unknown node type ${node.type} version ${node.typeVersion}`);
      const r = await runNode({ def, node, items, scope, input });
      out = r.out;
      skipped = r.skipped;
    } catch (e) {
      error = describeError(e);
      hadErrors = true;
      const onError = node.settings?.onError ?? 'fail';
      if (onError === 'route') {
        out = { [ERROR_PORT]: items.map((i) => ({ json: { ...i.json, _error: { nodeId, message: error?.message, category: error?.category } } })) };
      } else {
        out = {};
        if (onError === 'fail') {
          stopped = true;
          runError = { ...error, nodeId };
        }
      }
    }
    outputs[nodeId] = out;
    const durationMs = started === undefined || !input.clock ? undefined : input.clock() - started;
    trace.push(nodeTrace({ node, items, out, skipped, error, sampleSize, durationMs }));
  }
  return { status: stopped ? 'failed' : 'succeeded', hadErrors, trace, outputs, ...(runError ? { error: runError } : {}) };

  function failedToStart(message: string): RunResult {
    return { status: 'failed', hadErrors: true, trace, outputs, error: { message, category: 'user' } };
  }
}

async function runNode(args: {
  def: AnyNodeDefinition;
  node: FlowNode;
  items: readonly Item[];
  scope: ExpressionScope;
  input: ExecuteFlowInput;
}): Promise<{ out: Record<string, Item[]>; skipped: readonly SkippedItem[] }> {
  const { def, node, items, scope, input } = args;
  const resolved = await resolveNodeConfig(def, node, scope);
  if (!resolved.ok) {
    const first = resolved.error[0];
    const message = resolved.error.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ');
    throw new UserError(`The settings are not valid: ${message}`, {
      nodeId: node.id,
      ...(first?.field ? { field: first.field } : {}),
      ...(first?.position === undefined ? {} : { position: first.position }),
    });
  }
  const config = resolved.value;
  if (def.timer) await (input.sleep ?? noSleep)(def.timer(config, input.meta.now).delayMs);
  let out: Record<string, Item[]>;
  let skipped: readonly SkippedItem[] = [];
  if (def.effect) {
    out = await input.runEffect({
      nodeId: node.id,
      type: node.type,
      typeVersion: node.typeVersion,
      config,
      settings: node.settings,
      items,
    });
  } else {
    const values = await evaluateItemExpressions(def, config, items, scope);
    const ctx: NodeRunContext = {
      integrationIdentities: input.integrationIdentities,
      now: input.meta.now,
      itemValues: (key) => {
        const v = values.get(key);
        if (!v) throw new UnexpectedError(`No values for item expression ${key}`);
        return v;
      },
    };
    const r = def.run({ items, config, ctx });
    out = r.out;
    skipped = r.skipped ?? [];
  }
  for (const port of Object.keys(out)) {
    if (!def.ports.out.includes(port)) throw new UnexpectedError(`${node.type} returned items on an undeclared port "${port}"`);
  }
  return { out, skipped };
}

/**
 * Evaluates a node's per-item expressions for all items (one array of values per expression key).
 * Exported for workflow code that runs node steps itself.
 *
 * @example
 * ```ts
 * const values = await evaluateItemExpressions(transformNode, config, items, scope);
 * values.get('mapping:0'); // one value per item
 * ```
 */
export async function evaluateItemExpressions(
  def: AnyNodeDefinition,
  config: unknown,
  items: readonly Item[],
  scope: ExpressionScope,
): Promise<Map<string, unknown[]>> {
  const values = new Map<string, unknown[]>();
  const list = def.itemExpressions?.(config) ?? [];
  if (list.length === 0) return values;
  const contexts = items.map((i) => i.json);
  for (const e of list) {
    const compiled = compileExpression(e.source);
    if (!compiled.ok) {
      throw new UserError(`${compiled.error.message} (at character ${compiled.error.position} of the expression)`, {
        field: e.field,
        position: compiled.error.position,
      });
    }
    try {
      values.set(e.key, await compiled.value.evaluateMany(contexts, scope));
    } catch (err) {
      const info = describeError(err);
      throw new UserError(info.message, { field: e.field, ...(info.position === undefined ? {} : { position: info.position }) });
    }
  }
  return values;
}

const noSleep = async (): Promise<void> => undefined;

function gatherInputs(flow: Flow, nodeId: string, outputs: Record<string, Record<string, Item[]>>): readonly Item[] {
  let result: Item[] | undefined;
  let count = 0;
  for (const e of flow.edges) {
    if (e.to.node !== nodeId) continue;
    const items = outputs[e.from.node]?.[e.from.port];
    if (!items || items.length === 0) continue;
    count++;
    result = count === 1 ? items : (result as Item[]).concat(items);
  }
  return result ?? [];
}

/** `$nodes` for one node: only its upstream nodes, json arrays built lazily on first read. */
function upstreamView(
  flow: Flow,
  nodeId: string,
  outputs: Record<string, Record<string, Item[]>>,
): Record<string, Record<string, unknown[]>> {
  const view: Record<string, Record<string, unknown[]>> = {};
  for (const id of [...upstreamOf(flow, nodeId)].sort()) {
    let cached: Record<string, unknown[]> | undefined;
    Object.defineProperty(view, id, {
      enumerable: true,
      get() {
        if (!cached) {
          cached = {};
          const out = outputs[id] ?? {};
          for (const port of Object.keys(out)) cached[port] = (out[port] ?? []).map((i) => i.json);
        }
        return cached;
      },
    });
  }
  return view;
}

function emptyTrace(node: FlowNode, skipReason: 'no-input' | 'run-stopped'): NodeTrace {
  return {
    nodeId: node.id,
    type: node.type,
    status: 'skipped',
    skipReason,
    itemsIn: 0,
    itemsOut: {},
    inputSample: [],
    outputSample: {},
    skipped: [],
    skippedCount: 0,
  };
}

function nodeTrace(a: {
  node: FlowNode;
  items: readonly Item[];
  out: Record<string, Item[]>;
  skipped: readonly SkippedItem[];
  error: ErrorInfo | undefined;
  sampleSize: number;
  durationMs: number | undefined;
}): NodeTrace {
  const itemsOut: Record<string, number> = {};
  const outputSample: Record<string, Record<string, unknown>[]> = {};
  for (const port of Object.keys(a.out)) {
    const list = a.out[port] ?? [];
    itemsOut[port] = list.length;
    outputSample[port] = list.slice(0, a.sampleSize).map((i) => i.json);
  }
  const skipped: SkippedItemTrace[] = a.skipped
    .slice(0, MAX_SKIPPED_IN_TRACE)
    .map((s) => ({ index: s.index, reason: s.reason, json: a.items[s.index]?.json ?? {} }));
  return {
    nodeId: a.node.id,
    type: a.node.type,
    status: a.error ? 'failed' : 'succeeded',
    itemsIn: a.items.length,
    itemsOut,
    inputSample: a.items.slice(0, a.sampleSize).map((i) => i.json),
    outputSample,
    skipped,
    skippedCount: a.skipped.length,
    ...(a.error ? { error: { ...a.error, nodeId: a.node.id } } : {}),
    ...(a.durationMs === undefined ? {} : { durationMs: a.durationMs }),
  };
}
