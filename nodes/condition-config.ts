/**
 * The shared config of condition nodes (Filter, Continue If, Branch): a match mode and a list of
 * structured conditions, plus their publish-time check and connection references.
 */
import { z } from 'zod';
import {
  compileConditions,
  ConditionSchema,
  isConditionGroup,
  type Condition,
  type ConditionContext,
  type Item,
  type Predicate,
  UserError,
} from '../flows-engine/index';


/**
 * `{ match, conditions }` with editor hints.
 *
 * @example
 * ```ts
 * ConditionsConfigSchema.parse({ match: 'all', conditions: [{ field: 'status', operator: 'equals', value: 'active' }] });
 * ```
 */
export const ConditionsConfigSchema = z.object({
  match: z.enum(['all', 'any']).default('all').meta({ label: 'Items must match', widget: 'select' }),
  conditions: z.array(ConditionSchema).min(1, 'Add at least one condition').meta({ label: 'Conditions', widget: 'condition-list' }),
});
/** @see {@link ConditionsConfigSchema} */
export type ConditionsConfig = z.infer<typeof ConditionsConfigSchema>;

/** Compiles the conditions or throws a located {@link UserError} (run time). */
export function compileOrThrow(config: ConditionsConfig): Predicate {
  const compiled = compileConditions(config);
  if (!compiled.ok) {
    const first = compiled.error[0];
    throw new UserError(compiled.error.map((p) => `conditions${p.path}: ${p.message}`).join('; '), {
      ...(first ? { field: `conditions${first.path}` } : {}),
    });
  }
  return compiled.value;
}

/** Publish-time check: every compile problem, located. */
export function checkConditions(config: ConditionsConfig): { field: string; message: string }[] {
  const compiled = compileConditions(config);
  return compiled.ok ? [] : compiled.error.map((p) => ({ field: `conditions${p.path}`, message: p.message }));
}

/** Connection ids referenced by integration-account rules, with their config paths. */
export function conditionConnectionRefs(config: ConditionsConfig): { field: string; connectionId: string }[] {
  const out: { field: string; connectionId: string }[] = [];
  const walk = (c: Condition, path: string): void => {
    if (isConditionGroup(c)) c.conditions.forEach((child, i) => walk(child, `${path}.conditions[${i}]`));
    else if (typeof c.connectionId === 'string') out.push({ field: `${path}.connectionId`, connectionId: c.connectionId });
  };
  config.conditions.forEach((c, i) => walk(c, `conditions[${i}]`));
  return out;
}

/** True when some rule compares a field with the integration account. */
export function usesIntegrationAccountRule(config: ConditionsConfig): boolean {
  const walk = (c: Condition): boolean =>
    isConditionGroup(c)
      ? c.conditions.some(walk)
      : c.operator === 'isNotIntegrationAccount' || c.operator === 'isIntegrationAccount';
  return config.conditions.some(walk);
}

/** Splits items into those that match the conditions and the others (Filter, Branch). */
export function partitionByConditions(
  items: readonly Item[],
  config: ConditionsConfig,
  ctx: ConditionContext,
): { matching: Item[]; other: Item[] } {
  const predicate = compileOrThrow(config);
  const matching: Item[] = [];
  const other: Item[] = [];
  for (const item of items) (predicate(item.json, ctx) === undefined ? matching : other).push(item);
  return { matching, other };
}
