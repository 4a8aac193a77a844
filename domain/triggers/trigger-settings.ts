/**
 * The one reader of a flow's trigger settings (webhook, schedule, poll). A trigger's settings are
 * fixed when a version is published, so only literal values are accepted: an expression, or a value
 * the node's schema refuses, is a `TriggerConfigError`, never a silent default. Publishing refuses
 * such a draft (`triggerSettingsIssues`), and a version that somehow holds one fails closed: the
 * intake refuses every delivery (it never falls back to "no signature check"), the schedule is not
 * set up, a tick fails with the reason.
 *
 * Used by the web app (publish, the intake, the flow's Temporal Schedule, samples) and by the worker's
 * tick activities.
 */
import type { z } from 'zod';
import { errorIssue, getAt, parsePath, type Issue } from '../../flows-engine/index';
import { pollTriggerNode } from '../../nodes/poll-trigger/definition';
import { scheduleTriggerNode } from '../../nodes/schedule-trigger/definition';
import { webhookTriggerNode } from '../../nodes/webhook-trigger/definition';

export type ScheduleTriggerConfig = z.infer<typeof scheduleTriggerNode.config>;
export type PollTriggerConfig = z.infer<typeof pollTriggerNode.config>;

export type TimedTrigger =
  | { kind: 'schedule'; nodeId: string; config: ScheduleTriggerConfig }
  | { kind: 'poll'; nodeId: string; config: PollTriggerConfig };

/** What the intake needs from a published version's webhook trigger. */
export interface WebhookSettings {
  hmac: { enabled: boolean; header: string };
  connectionId: string | null;
  /** Path in the body of an id that identifies the event (repeats are ignored). */
  idempotencyKeyPath: string | null;
  /** Path of the record key that orders runs (one at a time per value); null: unordered. */
  orderingKeyPath: string | null;
}

type StoredNode = { id?: string; type?: string; config?: Record<string, { kind?: string; value?: unknown } | undefined> };
type GraphLike = { nodes?: StoredNode[] } | null | undefined;

/** A trigger's settings cannot be read: the message says which setting and why, in the analyst's words. */
export class TriggerConfigError extends Error {
  constructor(
    message: string,
    readonly where: { nodeId?: string; field?: string } = {},
  ) {
    super(message);
  }
}

const TRIGGER_SCHEMAS = {
  [webhookTriggerNode.type]: webhookTriggerNode,
  [scheduleTriggerNode.type]: scheduleTriggerNode,
  [pollTriggerNode.type]: pollTriggerNode,
} as const;

function triggerNodes(graph: unknown): StoredNode[] {
  return ((graph as GraphLike)?.nodes ?? []).filter((node) => node.type !== undefined && node.type in TRIGGER_SCHEMAS);
}

/** The node's settings as fixed values; throws when one is an expression. */
function literalSettings(node: StoredNode): Record<string, unknown> {
  const definition = TRIGGER_SCHEMAS[node.type as keyof typeof TRIGGER_SCHEMAS];
  const literals: Record<string, unknown> = {};
  for (const [field, source] of Object.entries(node.config ?? {})) {
    if (!source) continue;
    if (source.kind !== 'literal') {
      throw new TriggerConfigError(`The ${definition.title} trigger's “${field}” must be a fixed value, not an expression: trigger settings are fixed when the flow is published.`, { ...(node.id ? { nodeId: node.id } : {}), field });
    }
    literals[field] = source.value;
  }
  return literals;
}

/** The node's settings parsed by its schema; throws when one is an expression or invalid. */
function readSettings(node: StoredNode): unknown {
  const definition = TRIGGER_SCHEMAS[node.type as keyof typeof TRIGGER_SCHEMAS];
  const parsed = definition.config.safeParse(literalSettings(node));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TriggerConfigError(
      `The ${definition.title} trigger's settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { ...(node.id ? { nodeId: node.id } : {}), ...(first?.path.length ? { field: first.path.map(String).join('.') } : {}) },
    );
  }
  return parsed.data;
}

/** The flow's schedule or poll trigger, or null when it starts some other way (webhook, manual). */
export function timedTriggerOf(graph: unknown): TimedTrigger | null {
  for (const node of triggerNodes(graph)) {
    if (!node.id || node.type === webhookTriggerNode.type) continue;
    const config = readSettings(node);
    return node.type === scheduleTriggerNode.type
      ? { kind: 'schedule', nodeId: node.id, config: config as ScheduleTriggerConfig }
      : { kind: 'poll', nodeId: node.id, config: config as PollTriggerConfig };
  }
  return null;
}

/** The version's webhook settings, or null when the version has no webhook trigger (then it has no live hook). */
export function webhookTriggerOf(graph: unknown): WebhookSettings | null {
  const node = triggerNodes(graph).find((n) => n.type === webhookTriggerNode.type);
  if (!node) return null;
  const config = readSettings(node) as z.infer<typeof webhookTriggerNode.config>;
  return {
    hmac: { enabled: config.hmac.enabled, header: config.hmac.header.toLowerCase() },
    connectionId: config.connectionId ?? null,
    idempotencyKeyPath: config.idempotencyKeyPath || null,
    orderingKeyPath: config.orderingKeyPath || null,
  };
}

/**
 * Publish-time check: every trigger's settings are fixed values (whether the values are valid is
 * `validateForPublish`'s check, like any node's).
 */
export function triggerSettingsIssues(graph: unknown): Issue[] {
  const issues: Issue[] = [];
  for (const node of triggerNodes(graph)) {
    try {
      literalSettings(node);
    } catch (error) {
      if (!(error instanceof TriggerConfigError)) throw error;
      issues.push(errorIssue('trigger-settings', error.message, error.where));
    }
  }
  return issues;
}

/** The ordering key of a delivery: the value at `path` of the body, or of its first item when it is a list. */
export function orderingKeyOf(payload: unknown, path: string | null): string | null {
  if (!path) return null;
  return eventIdAt(Array.isArray(payload) ? payload[0] : payload, path);
}

/** The event id at `path` in the body, as text, when there is one. */
export function eventIdAt(payload: unknown, path: string): string | null {
  const parsed = parsePath(path);
  if (!parsed.ok) return null;
  const value = getAt(payload, parsed.value);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
