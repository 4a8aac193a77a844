/**
 * Publish-time checks of one node's config: literals against the schema (one issue per field),
 * expressions that do not parse (with position), references to nodes that are not upstream,
 * semantic checks of the node (conditions, patterns) and connection references.
 */
import type { AnyNodeDefinition } from './define-node';
import { connectionFields } from './describe-config';
import { compileExpression } from './expressions';
import { errorIssue, warningIssue, type Issue } from './issues';
import { checkPayload } from './payload';
import type { Flow, FlowNode } from './schema';
import { fieldLabelPath } from './field-labels';
import { fieldProblems } from './zod-issues';

/** A connection as validation sees it (never its secrets). */
export interface ConnectionInfo {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
}

/** Input of {@link validateNodeConfig}. */
export interface NodeConfigCheck {
  readonly flow: Flow;
  readonly node: FlowNode;
  readonly def: AnyNodeDefinition;
  readonly upstream: ReadonlySet<string>;
  readonly byId: ReadonlyMap<string, FlowNode>;
  readonly connections: readonly ConnectionInfo[] | undefined;
}

/**
 * Returns every problem of one node's config.
 *
 * @example
 * ```ts
 * validateNodeConfig({ flow, node, def, upstream: upstreamOf(flow, node.id), byId, connections: undefined });
 * ```
 */
export function validateNodeConfig(c: NodeConfigCheck): Issue[] {
  const { node, def } = c;
  const issues: Issue[] = [];
  const literal: Record<string, unknown> = {};
  const exprFields = new Set<string>();
  for (const key of Object.keys(node.config)) {
    const source = node.config[key];
    if (!source) continue;
    if (source.kind === 'literal') {
      Object.defineProperty(literal, key, { value: source.value, enumerable: true, writable: true, configurable: true });
    } else {
      exprFields.add(key);
      issues.push(...checkExpression(c, source.source, key));
    }
  }
  const safe = checkPayload(literal);
  if (!safe.ok) {
    issues.push(errorIssue('config.unsafe', `The settings of "${label(node)}" were refused: ${safe.error}`, { nodeId: node.id }));
    return issues;
  }
  const parsed = def.config.safeParse(literal);
  if (!parsed.success) {
    for (const p of fieldProblems(parsed.error)) {
      const top = p.field.split(/[.[]/)[0] ?? '';
      if (exprFields.has(top)) continue;
      issues.push(errorIssue('config.invalid', `${where(c, p.field)}: ${p.message}`, { nodeId: node.id, field: p.field }));
    }
    return issues;
  }
  const config = parsed.data;
  for (const e of def.itemExpressions?.(config) ?? []) issues.push(...checkExpression(c, e.source, e.field));
  for (const p of def.check?.(config) ?? []) {
    issues.push(errorIssue('config.invalid', `${where(c, p.field)}: ${p.message}`, { nodeId: node.id, field: p.field }));
  }
  if (c.connections) issues.push(...checkConnections(c, config as Record<string, unknown>, exprFields));
  return issues;
}

function checkExpression(c: NodeConfigCheck, source: string, field: string): Issue[] {
  const { node } = c;
  const compiled = compileExpression(source);
  if (!compiled.ok) {
    const { message, position } = compiled.error;
    return [errorIssue('expr.parse', `${where(c, field)}: ${message} (at character ${position})`, { nodeId: node.id, field, position })];
  }
  const issues: Issue[] = [];
  for (const ref of compiled.value.refs.nodeIds) {
    if (c.upstream.has(ref)) continue;
    const target = c.byId.get(ref);
    issues.push(
      errorIssue(
        'expr.not-upstream',
        target
          ? `${where(c, field)}: the expression reads "${label(target)}", which does not run before this step`
          : `${where(c, field)}: the expression reads a step that does not exist (${ref})`,
        { nodeId: node.id, field },
      ),
    );
  }
  if (compiled.value.refs.dynamicNodes) {
    issues.push(warningIssue('expr.dynamic-nodes', `${where(c, field)}: $nodes is used without a step id, so it cannot be checked`, { nodeId: node.id, field }));
  }
  return issues;
}

function checkConnections(c: NodeConfigCheck, config: Record<string, unknown>, exprFields: ReadonlySet<string>): Issue[] {
  const { node, def } = c;
  const connections = c.connections ?? [];
  const issues: Issue[] = [];
  const refs: { field: string; connectionId: unknown; kinds: readonly string[] | undefined }[] = [];
  for (const f of connectionFields(def.config)) {
    if (exprFields.has(f.key)) continue;
    refs.push({ field: f.key, connectionId: config[f.key], kinds: f.kinds });
  }
  for (const r of def.connectionRefs?.(config) ?? []) refs.push({ ...r, kinds: undefined });
  for (const r of refs) {
    if (r.connectionId === undefined || r.connectionId === '') continue; // required-ness is the schema's job
    const conn = connections.find((x) => x.id === r.connectionId);
    if (!conn) {
      issues.push(errorIssue('connection.missing', `${where(c, r.field)}: the chosen connection no longer exists; pick another one`, { nodeId: node.id, field: r.field }));
    } else if (r.kinds && !r.kinds.includes(conn.kind)) {
      issues.push(
        errorIssue('connection.wrong-kind', `${where(c, r.field)}: "${conn.name}" is a ${conn.kind} connection; this step needs one of: ${r.kinds.join(', ')}`, {
          nodeId: node.id,
          field: r.field,
        }),
      );
    }
  }
  return issues;
}

function label(node: FlowNode): string {
  return node.label.trim() !== '' ? node.label : node.id;
}

/** "Step label › Field label › entry": where a problem is, in the words of the step's form. */
function where(c: NodeConfigCheck, field: string): string {
  return `${label(c.node)} › ${fieldLabelPath(c.def.config, field)}`;
}
