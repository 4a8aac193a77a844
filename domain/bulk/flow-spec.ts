/**
 * The bulk load a full re-sync runs for a live flow that is not the built-in pair: a flow that polls
 * one object and upserts the records, as they come, into an object of another connection. Its poll
 * trigger names the source object (and id / modified-at fields), its upsert step the target object,
 * the field map and the natural key. A flow that reshapes records first (a transform, a branch, an
 * HTTP step) or filters them cannot be replayed as a load: the reason says so, in words.
 */
import type { BulkSpec } from '../../db/schema';
import { specProblems } from './bulk-spec';

type Setting = { kind?: string; value?: unknown } | undefined;
type GraphNode = { type?: string; config?: Record<string, Setting> };

/** Steps that leave the polled record's fields as they are (loop prevention, mappings). */
const PASS_THROUGH = new Set(['core.poll-trigger', 'core.continue-if', 'sync.lookup-external-id', 'sync.save-external-id', 'sync.upsert-record']);
const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const literal = (node: GraphNode, key: string): unknown => {
  const setting = node.config?.[key];
  return setting?.kind === 'literal' ? setting.value : undefined;
};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export type FlowLoad = { spec: BulkSpec; sourceConnectionId: string; targetConnectionId: string } | { problem: string };

export function loadOfFlow(graph: unknown): FlowLoad {
  const nodes = ((graph as { nodes?: GraphNode[] } | null)?.nodes ?? []) as GraphNode[];
  const polls = nodes.filter((n) => n.type === 'core.poll-trigger');
  const upserts = nodes.filter((n) => n.type === 'sync.upsert-record');
  if (polls.length !== 1 || upserts.length !== 1) return { problem: 'it does not poll one object and write it into one other object' };
  const other = nodes.find((n) => !PASS_THROUGH.has(n.type ?? ''));
  if (other) return { problem: `its ${other.type ?? 'unknown'} step changes or filters the records, which a load cannot repeat` };
  const [poll, upsert] = [polls[0]!, upserts[0]!];
  const fields = (Array.isArray(literal(upsert, 'fields')) ? (literal(upsert, 'fields') as { target?: unknown; sourcePath?: unknown }[]) : []).map((f) => ({ target: text(f.target), source: text(f.sourcePath) }));
  const naturalKey = (literal(upsert, 'matchBy') as { naturalKey?: { target?: unknown; sourcePath?: unknown } } | undefined)?.naturalKey;
  if (fields.some((f) => !PLAIN_FIELD.test(f.source))) return { problem: 'its upsert step writes values that are not plain fields of the polled record' };
  if (!naturalKey) return { problem: 'its upsert step matches no natural key (e.g. email), so a load could duplicate records' };
  const mapped = fields.find((f) => f.target === text(naturalKey.target));
  if (!mapped || mapped.source !== text(naturalKey.sourcePath)) return { problem: 'its upsert step matches on a field it does not write from the same source field' };
  const spec: BulkSpec = {
    sourceObject: text(literal(poll, 'objectType')),
    sourceIdField: text(literal(poll, 'idField')) || 'id',
    sourceModifiedField: text(literal(poll, 'modifiedField')) || 'modifiedAt',
    targetObject: text(literal(upsert, 'objectType')),
    fields,
    matchBy: text(naturalKey.target),
  };
  const sourceConnectionId = text(literal(poll, 'connectionId'));
  const targetConnectionId = text(literal(upsert, 'connectionId'));
  const problems = specProblems(spec);
  if (!sourceConnectionId || !targetConnectionId || problems.length > 0) return { problem: `its trigger or upsert step is incomplete (${problems.join(' ') || 'no connection'})` };
  return { spec, sourceConnectionId, targetConnectionId };
}
