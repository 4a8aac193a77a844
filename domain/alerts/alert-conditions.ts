/**
 * One query per rule: the flows (in the rule's scope) for which its condition holds right now, with
 * a one-line summary for the message. Each query reads only what its indexes give cheaply (latest
 * runs per flow through runs_flow_created_idx, pending events through the partial inbox index).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { AlertCondition, RunError } from '../../db/schema';

export interface RuleToCheck {
  workspaceId: string;
  flowId: string | null;
  condition: AlertCondition;
  threshold: number;
  windowMinutes: number;
  /** "No successful run in T" counts from here at the earliest, so a new rule does not fire at once. */
  updatedAt: Date;
}

export interface HoldingSubject {
  flowId: string;
  flowName: string;
  summary: string;
}

export async function subjectsWhereConditionHolds(db: Db, rule: RuleToCheck): Promise<HoldingSubject[]> {
  const inScope = sql`f.workspace_id = ${rule.workspaceId} and f.archived_at is null ${rule.flowId ? sql`and f.id = ${rule.flowId}` : sql``}`;
  return QUERIES[rule.condition](db, rule, inScope);
}

type ConditionQuery = (db: Db, rule: RuleToCheck, inScope: SQL) => Promise<HoldingSubject[]>;

const QUERIES: Record<AlertCondition, ConditionQuery> = {
  async run_failed(db, _rule, inScope) {
    const rows = await db.execute<{ flow_id: string; flow_name: string; error: RunError | null }>(sql`
      select f.id as flow_id, f.name as flow_name, last.error
      from flows f cross join lateral (
        select r.status, r.error from runs r
        where r.flow_id = f.id and r.status in ('succeeded', 'failed')
        order by r.created_at desc, r.id desc limit 1) last
      where ${inScope} and last.status = 'failed'`);
    return rows.map((r) => ({ flowId: r.flow_id, flowName: r.flow_name, summary: `The latest run failed${r.error ? `: ${r.error.message}` : '.'}` }));
  },

  async failure_count(db, rule, inScope) {
    const rows = await db.execute<{ flow_id: string; flow_name: string; n: number }>(sql`
      select f.id as flow_id, f.name as flow_name, count(*)::int as n
      from flows f join runs r on r.flow_id = f.id and r.status = 'failed' and r.finished_at > now() - make_interval(mins => ${rule.windowMinutes})
      where ${inScope}
      group by f.id, f.name having count(*) >= ${rule.threshold}`);
    return rows.map((r) => ({ flowId: r.flow_id, flowName: r.flow_name, summary: `${r.n} failed run${r.n === 1 ? '' : 's'} in the last ${minutes(rule.windowMinutes)}.` }));
  },

  async no_success(db, rule, inScope) {
    const rows = await db.execute<{ flow_id: string; flow_name: string; last_success: string | null }>(sql`
      select f.id as flow_id, f.name as flow_name, last.finished_at::text as last_success
      from flows f left join lateral (
        select r.finished_at from runs r where r.flow_id = f.id and r.status = 'succeeded'
        order by r.created_at desc, r.id desc limit 1) last on true
      where ${inScope} and f.status = 'active'
        and greatest(coalesce(last.finished_at, '-infinity'::timestamptz), ${rule.updatedAt.toISOString()}::timestamptz)
            < now() - make_interval(mins => ${rule.windowMinutes})`);
    return rows.map((r) => ({
      flowId: r.flow_id,
      flowName: r.flow_name,
      summary: `No successful run in the last ${minutes(rule.windowMinutes)}${r.last_success ? '' : ' (none so far)'}.`,
    }));
  },

  async backlog(db, rule, inScope) {
    const rows = await db.execute<{ flow_id: string; flow_name: string; n: number }>(sql`
      select f.id as flow_id, f.name as flow_name, count(*)::int as n
      from flows f join inbox_events e on e.flow_id = f.id and e.relayed_at is null
      where ${inScope}
      group by f.id, f.name having count(*) > ${rule.threshold}`);
    return rows.map((r) => ({ flowId: r.flow_id, flowName: r.flow_name, summary: `${r.n} events are waiting to start (more than ${rule.threshold}).` }));
  },
};

function minutes(n: number): string {
  if (n % 1440 === 0) return n === 1440 ? 'day' : `${n / 1440} days`;
  if (n % 60 === 0) return n === 60 ? 'hour' : `${n / 60} hours`;
  return n === 1 ? 'minute' : `${n} minutes`;
}
