/**
 * Publish-time validation: every problem at once, in analyst-friendly words, located by node,
 * edge and field. Never throws.
 */
import type { AnyNodeDefinition } from './define-node';
import { errorIssue, warningIssue, type Issue } from './issues';
import type { NodeRegistry } from './node-registry';
import { ERROR_PORT, type Flow } from './schema';
import { topologicalOrder, reachableFrom, upstreamOf } from './graph';
import { validateDraft } from './validate-draft';
import { validateNodeConfig, type ConnectionInfo } from './validate-config';
import { FlowSchema } from './schema';


/** Options of {@link validateForPublish}. */
export interface PublishValidationOptions {
  /** The workspace's connections; when omitted, connection references are not checked. */
  readonly connections?: readonly ConnectionInfo[];
}

/**
 * Validates a flow for publishing. Returns all issues (errors block publishing, warnings do not).
 *
 * @example
 * ```ts
 * const issues = validateForPublish(flow, nodeRegistry, { connections: [{ id: 'c1', name: 'CRM', kind: 'demo-crm' }] });
 * issues.filter((i) => i.severity === 'error').map((i) => i.message);
 * ```
 */
export function validateForPublish(input: unknown, registry: NodeRegistry, options: PublishValidationOptions = {}): Issue[] {
  try {
    const shape = validateDraft(input);
    if (shape.length > 0) return shape;
    return validateParsed(FlowSchema.parse(input), registry, options);
  } catch (e) {
    return [errorIssue('flow.internal', `The flow could not be checked: ${e instanceof Error ? e.message : String(e)}`)];
  }
}

function validateParsed(flow: Flow, registry: NodeRegistry, options: PublishValidationOptions): Issue[] {
  const issues: Issue[] = [];
  const defs = new Map<string, AnyNodeDefinition>();
  const seenIds = new Set<string>();
  for (const node of flow.nodes) {
    if (seenIds.has(node.id)) {
      issues.push(errorIssue('node.duplicate-id', `Two steps share the id ${node.id}`, { nodeId: node.id }));
      continue;
    }
    seenIds.add(node.id);
    const def = registry.get(node.type, node.typeVersion);
    if (def) {
      defs.set(node.id, def);
      continue;
    }
    const latest = registry.latest(node.type);
    issues.push(
      latest
        ? errorIssue('node.unknown-version', `"${name(node)}" uses version ${node.typeVersion} of ${latest.title}, which does not exist (latest is ${latest.version})`, { nodeId: node.id })
        : errorIssue('node.unknown-type', `"${name(node)}" is of an unknown kind (${node.type}); remove it or replace it`, { nodeId: node.id }),
    );
  }

  const triggers = flow.nodes.filter((n) => defs.get(n.id)?.group === 'trigger');
  if (triggers.length === 0) issues.push(errorIssue('flow.no-trigger', 'Add a trigger so the flow knows when to start'));
  for (const extra of triggers.slice(1)) {
    issues.push(errorIssue('flow.many-triggers', `A flow has exactly one trigger; remove "${name(extra)}" or move it to its own flow`, { nodeId: extra.id }));
  }

  issues.push(...validateEdges(flow, defs));

  const { cyclic } = topologicalOrder(flow);
  if (cyclic.length > 0) {
    const labels = cyclic.map((id) => `"${name(flow.nodes.find((n) => n.id === id))}"`).join(', ');
    issues.push(errorIssue('graph.cycle', `These steps form a loop, which a flow cannot have: ${labels}`, { nodeId: cyclic[0] as string }));
  }
  if (triggers.length > 0) {
    const reachable = reachableFrom(flow, triggers.map((t) => t.id));
    for (const node of flow.nodes) {
      if (!reachable.has(node.id)) {
        issues.push(errorIssue('node.unreachable', `"${name(node)}" is not connected to the trigger, so it would never run`, { nodeId: node.id }));
      }
    }
  }

  const byId = new Map(flow.nodes.map((n) => [n.id, n] as const));
  for (const node of flow.nodes) {
    const def = defs.get(node.id);
    if (!def) continue;
    issues.push(...validateNodeConfig({ flow, node, def, upstream: upstreamOf(flow, node.id), byId, connections: options.connections }));
  }

  issues.push(...loopGuardWarnings(flow, defs));
  return issues;
}

function validateEdges(flow: Flow, defs: Map<string, AnyNodeDefinition>): Issue[] {
  const issues: Issue[] = [];
  const ids = new Set(flow.nodes.map((n) => n.id));
  const seenPairs = new Set<string>();
  const seenIds = new Set<string>();
  for (const edge of flow.edges) {
    const where = { edgeId: edge.id };
    if (seenIds.has(edge.id)) issues.push(errorIssue('edge.duplicate-id', `Two connections share the id ${edge.id}`, where));
    seenIds.add(edge.id);
    const fromOk = ids.has(edge.from.node);
    const toOk = ids.has(edge.to.node);
    if (!fromOk || !toOk) {
      const missing = !fromOk ? edge.from.node : edge.to.node;
      issues.push(errorIssue('edge.dangling', `A connection points to a step that no longer exists (${missing}); delete the connection`, {
        ...where,
        ...(fromOk ? { nodeId: edge.from.node } : toOk ? { nodeId: edge.to.node } : {}),
      }));
      continue;
    }
    const key = JSON.stringify([edge.from.node, edge.from.port, edge.to.node, edge.to.port]);
    if (seenPairs.has(key)) {
      issues.push(errorIssue('edge.duplicate', 'The same two steps are connected twice; items would be processed twice', { ...where, nodeId: edge.to.node }));
    }
    seenPairs.add(key);
    const fromNode = flow.nodes.find((n) => n.id === edge.from.node);
    const fromDef = defs.get(edge.from.node);
    const toDef = defs.get(edge.to.node);
    if (fromDef && fromNode) {
      const routes = fromNode.settings.onError === 'route';
      if (edge.from.port === ERROR_PORT && !fromDef.ports.out.includes(ERROR_PORT)) {
        if (!routes) {
          issues.push(errorIssue('edge.error-port-off', `"${name(fromNode)}" sends nothing to its error output; set "On error" to "route to the error output" or remove the connection`, { ...where, nodeId: fromNode.id }));
        }
      } else if (!fromDef.ports.out.includes(edge.from.port)) {
        issues.push(errorIssue('edge.unknown-port', `"${name(fromNode)}" has no output called "${edge.from.port}" (it has: ${fromDef.ports.out.join(', ') || 'none'})`, { ...where, nodeId: fromNode.id }));
      }
    }
    if (toDef) {
      const toNode = flow.nodes.find((n) => n.id === edge.to.node);
      if (!toDef.ports.in.includes(edge.to.port)) {
        const message = toDef.ports.in.length === 0
          ? `"${name(toNode)}" is a trigger and cannot receive items`
          : `"${name(toNode)}" has no input called "${edge.to.port}" (it has: ${toDef.ports.in.join(', ')})`;
        issues.push(errorIssue('edge.unknown-port', message, { ...where, nodeId: edge.to.node }));
      }
    }
  }
  return issues;
}

function loopGuardWarnings(flow: Flow, defs: Map<string, AnyNodeDefinition>): Issue[] {
  const issues: Issue[] = [];
  const guards = new Set<string>();
  for (const node of flow.nodes) {
    const def = defs.get(node.id);
    if (!def?.isLoopGuard) continue;
    const literal: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node.config)) if (v.kind === 'literal') literal[k] = v.value;
    const parsed = def.config.safeParse(literal);
    if (parsed.success && def.isLoopGuard(parsed.data)) guards.add(node.id);
  }
  for (const node of flow.nodes) {
    if (!defs.get(node.id)?.writesRecords) continue;
    const upstream = upstreamOf(flow, node.id);
    if ([...guards].some((g) => upstream.has(g))) continue;
    issues.push(
      warningIssue(
        'sync.no-loop-guard',
        `"${name(node)}" writes records, but no "Continue if" before it checks that the change was not made by the integration account; a two-way sync could loop forever`,
        { nodeId: node.id },
      ),
    );
  }
  return issues;
}

function name(node: { label: string; id: string } | undefined): string {
  if (!node) return 'unknown step';
  return node.label.trim() !== '' ? node.label : node.id;
}
