/**
 * Deciding, per record, which system's value wins for the fields both systems may edit. Pure: the
 * effect reads the target record, this decides, the effect writes what the decision keeps.
 *
 * - `newest-wins`: the side whose record changed last wins, compared by the source item's
 *   modified-at and the target record's. Two clocks are never in perfect agreement, so changes
 *   closer together than `skewMs` are treated as simultaneous and the fixed priority decides.
 * - `source-wins` / `target-wins`: a fixed priority; the target wins by keeping its non-empty value.
 */
import { z } from 'zod';

export const conflictPolicyConfig = z
  .object({
    fields: z.array(z.string().min(1)).default([]).meta({ label: 'Fields both systems edit', widget: 'list', picker: 'target-field', help: 'Target fields, as in "Fields to write".' }),
    policy: z.enum(['newest-wins', 'source-wins', 'target-wins']).default('newest-wins').meta({ label: 'Who wins' }),
    sourceModifiedPath: z.string().min(1).default('modifiedAt').meta({ label: 'Source modified-at field (in the item)', picker: 'input-field' }),
    targetModifiedField: z.string().min(1).default('modifiedAt').meta({ label: 'Target modified-at field', picker: 'target-field' }),
    skewMs: z.number().int().min(0).max(3_600_000).default(5000).meta({ label: 'Clock-skew window (ms)' }),
    withinSkew: z.enum(['source', 'target']).default('target').meta({ label: 'Within the window, priority to' }),
  })
  .meta({ label: 'Conflicts', help: 'Decide who wins for fields both systems edit (two-way sync)' });

export type ConflictPolicy = z.infer<typeof conflictPolicyConfig>;

/** What the run detail shows for a record whose shared fields differed on both sides. */
export interface ConflictDecision {
  readonly fields: readonly string[];
  readonly winner: 'source' | 'target';
  readonly reason: string;
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

function instant(value: unknown): number | null {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The decision for one record, or null when there is nothing to decide (no shared field differs).
 * `fields` are the values about to be written; `target` is the target record as it is now.
 */
export function decideConflict(
  policy: ConflictPolicy,
  input: { fields: Readonly<Record<string, unknown>>; sourceModifiedAt: unknown; target: Readonly<Record<string, unknown>> },
): ConflictDecision | null {
  const differing = policy.fields.filter((f) => f in input.fields && !isEmpty(input.target[f]) && input.target[f] !== input.fields[f]);
  if (differing.length === 0) return null;
  if (policy.policy === 'source-wins') return { fields: differing, winner: 'source', reason: 'fixed priority: the system this flow reads from wins' };
  if (policy.policy === 'target-wins') return { fields: differing, winner: 'target', reason: 'fixed priority: the system this flow writes to wins' };
  const source = instant(input.sourceModifiedAt);
  const target = instant(input.target[policy.targetModifiedField]);
  const fallback = policy.withinSkew;
  if (source === null || target === null) {
    const missing = source === null ? `the item has no timestamp at "${policy.sourceModifiedPath}"` : `the target record has no timestamp in "${policy.targetModifiedField}"`;
    return { fields: differing, winner: fallback, reason: `${missing}: fixed priority to the ${fallback}` };
  }
  const gap = Math.abs(source - target);
  if (gap <= policy.skewMs) {
    return { fields: differing, winner: fallback, reason: `changed ${gap} ms apart, within the ${policy.skewMs} ms clock-skew window: fixed priority to the ${fallback}` };
  }
  const winner = source > target ? 'source' : 'target';
  return {
    fields: differing,
    winner,
    reason: `newest change wins: source changed ${new Date(source).toISOString()}, target ${new Date(target).toISOString()}`,
  };
}

/** Short, for the canvas card: `email: newest wins ±5 s` (the card's tooltip and inspector say the rest). */
export function describeConflictPolicy(policy: Partial<ConflictPolicy> | undefined): string | null {
  if (!policy?.fields?.length) return null;
  const fields = policy.fields.join(', ');
  if (policy.policy === 'source-wins') return `${fields}: source wins`;
  if (policy.policy === 'target-wins') return `${fields}: target wins`;
  return `${fields}: newest wins ±${(policy.skewMs ?? 5000) / 1000} s`;
}
