/**
 * Resolves a node's stored config (`Record<field, ValueSource>`) into the values its schema
 * expects: literals as they are, expressions evaluated once per node against the run scope, then
 * parsed by the node's zod schema. Exported separately so a Temporal workflow can resolve and run
 * node steps itself.
 */
import type { AnyNodeDefinition } from './define-node';
import { compileExpression, type ExpressionScope } from './expressions';
import { checkPayload } from './payload';
import { err, ok, type Result } from './result';
import type { FlowNode } from './schema';
import { fieldProblems, type FieldProblem } from './zod-issues';
import { describeError } from './errors';

/** A config resolution failure: one problem per field, with the expression position when relevant. */
export interface ConfigProblem extends FieldProblem {
  readonly position?: number;
}

/**
 * Evaluates expression fields and validates the result against the node's schema.
 *
 * @example
 * ```ts
 * const r = await resolveNodeConfig(filterNode, node, scope);
 * if (!r.ok) throw new UserError(r.error.map((p) => `${p.field}: ${p.message}`).join('; '));
 * ```
 */
export async function resolveNodeConfig(
  def: AnyNodeDefinition,
  node: Pick<FlowNode, 'id' | 'config'>,
  scope: ExpressionScope,
): Promise<Result<unknown, ConfigProblem[]>> {
  const raw: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(node.config)) {
    const source = node.config[key];
    if (!source) continue;
    if (source.kind === 'literal') {
      Object.defineProperty(raw, key, { value: source.value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const compiled = compileExpression(source.source);
    if (!compiled.ok) {
      problems.push({ field: key, message: compiled.error.message, position: compiled.error.position });
      continue;
    }
    try {
      const value = await compiled.value.evaluate(undefined, scope);
      Object.defineProperty(raw, key, { value, enumerable: true, writable: true, configurable: true });
    } catch (e) {
      const info = describeError(e);
      problems.push({ field: key, message: info.message, ...(info.position === undefined ? {} : { position: info.position }) });
    }
  }
  if (problems.length > 0) return err(problems);
  const safe = checkPayload(raw);
  if (!safe.ok) return err([{ field: '', message: safe.error }]);
  const parsed = def.config.safeParse(raw);
  if (!parsed.success) return err(fieldProblems(parsed.error));
  return ok(parsed.data);
}
