/**
 * Structured conditions: `{ field, operator, value }` rules grouped by `all` / `any`, nested.
 * They compile to plain predicates (see `condition-compile.ts`); JSONata is not involved.
 */
import { z } from 'zod';

/** Every condition operator. Persisted: never rename one, only add. */
export const CONDITION_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'startsWith',
  'endsWith',
  'gt',
  'gte',
  'lt',
  'lte',
  'isEmpty',
  'isNotEmpty',
  'in',
  'notIn',
  'matchesRegex',
  'isTrue',
  'isFalse',
  'isIntegrationAccount',
  'isNotIntegrationAccount',
] as const;
/** One of {@link CONDITION_OPERATORS}. */
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Operators that take no `value`. */
export const UNARY_OPERATORS: ReadonlySet<ConditionOperator> = new Set([
  'isEmpty',
  'isNotEmpty',
  'isTrue',
  'isFalse',
  'isIntegrationAccount',
  'isNotIntegrationAccount',
]);

/** A single test on one field of the item. */
export interface ConditionRule {
  /** A field path such as `modifiedBy` or `address.city`. */
  readonly field: string;
  readonly operator: ConditionOperator;
  /** The value to compare with (a list for `in` / `notIn`, a pattern for `matchesRegex`). */
  readonly value?: unknown;
  /** For text comparisons: ignore upper/lower case. */
  readonly ignoreCase?: boolean;
  /** For `isIntegrationAccount` / `isNotIntegrationAccount`: whose integration identity to compare with. */
  readonly connectionId?: string;
}

/** Rules (or nested groups) that must all / any hold. */
export interface ConditionGroup {
  readonly match: 'all' | 'any';
  readonly conditions: readonly Condition[];
}

/** A rule or a group. */
export type Condition = ConditionRule | ConditionGroup;

/**
 * The schema of one rule. The operator list is closed: an unknown operator is a validation error,
 * never a silent `false`.
 *
 * @example
 * ```ts
 * ConditionRuleSchema.parse({ field: 'status', operator: 'equals', value: 'active' });
 * ```
 */
export const ConditionRuleSchema = z.object({
  field: z.string().min(1, 'Choose a field'),
  operator: z.enum(CONDITION_OPERATORS, {
    error: (iss) => `Unknown operator ${JSON.stringify(iss.input)}; use one of: ${CONDITION_OPERATORS.join(', ')}`,
  }),
  value: z.unknown().optional(),
  ignoreCase: z.boolean().optional(),
  connectionId: z.string().optional().meta({ widget: 'connection' }),
});

/**
 * The schema of a (possibly nested) condition group.
 *
 * @example
 * ```ts
 * ConditionGroupSchema.parse({ match: 'any', conditions: [{ field: 'a', operator: 'isEmpty' }] });
 * ```
 */
export const ConditionGroupSchema: z.ZodType<ConditionGroup> = z.object({
  match: z.enum(['all', 'any']),
  get conditions() {
    return z.array(ConditionSchema);
  },
});

/**
 * A rule or a group.
 *
 * @example
 * ```ts
 * ConditionSchema.parse({ match: 'all', conditions: [{ field: 'age', operator: 'gte', value: 18 }] });
 * ```
 */
export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([ConditionRuleSchema, ConditionGroupSchema]),
);

/**
 * True when the condition is a group.
 *
 * @example
 * ```ts
 * isConditionGroup({ match: 'all', conditions: [] }); // true
 * ```
 */
export function isConditionGroup(c: Condition): c is ConditionGroup {
  return 'match' in c;
}

/**
 * Collects every connection id that rules refer to (for publish-time connection checks).
 *
 * @example
 * ```ts
 * conditionConnectionIds([{ field: 'modifiedBy', operator: 'isNotIntegrationAccount', connectionId: 'c1' }]); // ['c1']
 * ```
 */
export function conditionConnectionIds(conditions: readonly Condition[]): string[] {
  const out: string[] = [];
  const walk = (c: Condition): void => {
    if (isConditionGroup(c)) c.conditions.forEach(walk);
    else if (c.connectionId !== undefined) out.push(c.connectionId);
  };
  conditions.forEach(walk);
  return out;
}
