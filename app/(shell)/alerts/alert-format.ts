import type { AlertCondition } from '../../../db/schema';

/** How each condition reads in the UI, and which of the two numbers it uses. */
export const CONDITIONS: Record<AlertCondition, { label: string; help: string; threshold?: string; window?: string }> = {
  run_failed: { label: 'A run failed', help: 'The latest run failed. Clears when a later run succeeds.' },
  failure_count: { label: 'N failures in M minutes', help: 'At least N runs failed within the last M minutes.', threshold: 'Failures (N)', window: 'Within (minutes, M)' },
  no_success: { label: 'No successful run in T', help: 'An active flow has had no successful run for T minutes.', window: 'For (minutes, T)' },
  backlog: { label: 'Backlog above B', help: 'More than B accepted events are waiting to start.', threshold: 'Waiting events (B)' },
};

export const CONDITION_ORDER = Object.keys(CONDITIONS) as AlertCondition[];

export function describeRule(rule: { condition: AlertCondition; threshold: number; windowMinutes: number }): string {
  switch (rule.condition) {
    case 'run_failed':
      return 'A run failed';
    case 'failure_count':
      return `${rule.threshold} failure${rule.threshold === 1 ? '' : 's'} in ${rule.windowMinutes} min`;
    case 'no_success':
      return `No successful run in ${rule.windowMinutes} min`;
    case 'backlog':
      return `More than ${rule.threshold} events waiting`;
  }
}

export function when(date: Date | string | null): string {
  return date ? new Date(date).toLocaleString() : '—';
}
