/**
 * Presentation of node types in the editor (icons, group names, one-line config summaries). Kept
 * here, not in nodes/: the node definitions stay free of UI.
 */
import {
  ArrowRightLeft,
  Clock,
  Eraser,
  Filter,
  GitBranch,
  Globe,
  Hand,
  KeyRound,
  RefreshCw,
  Save,
  Search,
  ShieldCheck,
  Timer,
  Trash2,
  UploadCloud,
  Webhook,
  type LucideIcon,
} from 'lucide-react';
import type { FlowNode, NodeGroup, ValueSource } from '../../../flows-engine/index';
import { describeCondition } from './condition-logic';
import { describeConflictPolicy } from '../../../nodes/upsert-record/conflict-policy';

export const NODE_ICONS: Record<string, LucideIcon> = {
  'core.manual-trigger': Hand,
  'core.webhook-trigger': Webhook,
  'core.schedule-trigger': Clock,
  'core.poll-trigger': RefreshCw,
  'core.filter': Filter,
  'core.continue-if': ShieldCheck,
  'core.branch': GitBranch,
  'core.transform': ArrowRightLeft,
  'sync.lookup-external-id': Search,
  'sync.save-external-id': Save,
  'sync.upsert-record': UploadCloud,
  'sync.delete-record': Trash2,
  'sync.anonymise-record': Eraser,
  'http.request': Globe,
  'core.delay': Timer,
};
export const FALLBACK_ICON = KeyRound;

export const GROUP_LABELS: Record<NodeGroup, string> = { trigger: 'Triggers', logic: 'Logic', sync: 'Sync', action: 'Actions' };

/** Accent colour of a group (icon tile), as Tailwind classes. */
export const GROUP_ACCENTS: Record<NodeGroup, string> = {
  trigger: 'bg-amber-100 text-amber-700',
  logic: 'bg-sky-100 text-sky-700',
  sync: 'bg-emerald-100 text-emerald-700',
  action: 'bg-violet-100 text-violet-700',
};

function literal(source: ValueSource | undefined): unknown {
  return source?.kind === 'literal' ? source.value : undefined;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line that says what a configured node does, or what it still needs. */
export function summariseConfig(node: FlowNode): string {
  const c = node.config ?? {};
  const exprCount = Object.values(c).filter((v) => v.kind === 'expr').length;
  const conditions = literal(c.conditions);
  if (Array.isArray(conditions)) {
    if (conditions.length === 0) return 'No conditions yet';
    const first = describeCondition(conditions[0]);
    return conditions.length === 1 ? first : `${first} ${literal(c.match) === 'any' ? 'or' : 'and'} ${conditions.length - 1} more`;
  }
  const mappings = literal(c.mappings);
  if (Array.isArray(mappings)) return mappings.length ? `Sets ${plural(mappings.length, 'field')}` : 'No fields mapped yet';
  const fields = literal(c.fields);
  const objectType = literal(c.objectType);
  if (Array.isArray(fields)) {
    const conflict = describeConflictPolicy(literal(c.conflict) as Parameters<typeof describeConflictPolicy>[0]);
    // The conflict policy first: the card's one line is short.
    if (conflict) return `${conflict} · ${plural(fields.length, 'field')}`;
    return `${typeof objectType === 'string' && objectType ? objectType : 'record'}: writes ${plural(fields.length, 'field')}`;
  }
  if (typeof objectType === 'string' && objectType) return `Object: ${objectType}`;
  const url = literal(c.url);
  if (typeof url === 'string' && url) return `${String(literal(c.method) ?? 'GET')} ${url}`;
  const cron = literal(c.cron);
  if (typeof cron === 'string' && cron) return `Cron ${cron}`;
  if (node.type === 'core.webhook-trigger') return 'Starts on each POST to the flow URL';
  if (node.type === 'core.manual-trigger') return 'Starts when you press Run';
  return exprCount > 0 ? plural(exprCount, 'expression') : 'Not configured yet';
}
