/**
 * The schedule or poll trigger of a published flow graph, with its configuration parsed (literal
 * values only: a trigger's settings are fixed when the version is published). Used by the web app
 * (to create the flow's Temporal Schedule) and by the worker's tick activities.
 */
import type { z } from 'zod';
import { pollTriggerNode } from '../../nodes/poll-trigger/definition';
import { scheduleTriggerNode } from '../../nodes/schedule-trigger/definition';

export type ScheduleTriggerConfig = z.infer<typeof scheduleTriggerNode.config>;
export type PollTriggerConfig = z.infer<typeof pollTriggerNode.config>;

export type TimedTrigger =
  | { kind: 'schedule'; nodeId: string; config: ScheduleTriggerConfig }
  | { kind: 'poll'; nodeId: string; config: PollTriggerConfig };

type GraphLike = { nodes?: { id?: string; type?: string; config?: Record<string, { kind?: string; value?: unknown } | undefined> }[] } | null | undefined;

export class TriggerConfigError extends Error {}

/** The flow's schedule or poll trigger, or null when it starts some other way (webhook, manual). */
export function timedTriggerOf(graph: unknown): TimedTrigger | null {
  const nodes = (graph as GraphLike)?.nodes ?? [];
  for (const node of nodes) {
    const kind = node.type === scheduleTriggerNode.type ? 'schedule' : node.type === pollTriggerNode.type ? 'poll' : null;
    if (!kind || !node.id) continue;
    const literals: Record<string, unknown> = {};
    for (const [field, source] of Object.entries(node.config ?? {})) {
      if (!source) continue;
      if (source.kind !== 'literal') throw new TriggerConfigError(`The trigger's “${field}” must be a fixed value, not an expression.`);
      literals[field] = source.value;
    }
    const schema = kind === 'schedule' ? scheduleTriggerNode.config : pollTriggerNode.config;
    const parsed = schema.safeParse(literals);
    if (!parsed.success) throw new TriggerConfigError(`The trigger's settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return kind === 'schedule'
      ? { kind, nodeId: node.id, config: parsed.data as ScheduleTriggerConfig }
      : { kind, nodeId: node.id, config: parsed.data as PollTriggerConfig };
  }
  return null;
}
