/**
 * Wraps the run-record activities with what the outside world should hear about a run: a structured
 * log line when it starts and when it finishes (runId, workspaceId, flowId, status, counts), and a
 * NOTIFY on the alerts channel when it failed, so alert rules are evaluated at once instead of at
 * the next interval.
 */
import { eq, sql } from 'drizzle-orm';
import { ALERTS_CHANNEL } from '../../app/_server/alerts/alert-loop';
import { logger } from '../../app/_server/logger';
import type { Db } from '../../db/client';
import { runs } from '../../db/schema';
import type { createRunRecords } from './run-records';

const log = logger.child({ component: 'runs' });

type RunRecords = ReturnType<typeof createRunRecords>;

export function withRunOutcomeLog(db: Db, records: RunRecords): RunRecords {
  return {
    async markRunRunning(runId) {
      const status = await records.markRunRunning(runId);
      if (log.isLevelEnabled('info')) {
        const run = await runSummary(db, runId);
        log.info({ runId, workspaceId: run?.workspaceId, flowId: run?.flowId, version: run?.version, trigger: run?.trigger, status }, 'run started');
      }
      return status;
    },
    async completeRun(completed) {
      await records.completeRun(completed);
      const run = await runSummary(db, completed.runId);
      const fields = {
        runId: completed.runId,
        workspaceId: run?.workspaceId,
        flowId: run?.flowId,
        status: completed.result.status,
        itemsIn: completed.itemsIn,
        itemsOut: completed.itemsOut,
        durationMs: run?.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : undefined,
      };
      if (completed.result.status === 'failed') {
        log.warn({ ...fields, error: completed.result.error?.message, nodeId: completed.result.error?.nodeId }, 'run failed');
        await db.execute(sql`select pg_notify(${ALERTS_CHANNEL}, ${run?.workspaceId ?? ''})`);
      } else {
        log.info(fields, 'run finished');
      }
    },
  };
}

async function runSummary(db: Db, runId: string) {
  const [run] = await db
    .select({ workspaceId: runs.workspaceId, flowId: runs.flowId, version: runs.version, trigger: runs.trigger, startedAt: runs.startedAt, finishedAt: runs.finishedAt })
    .from(runs)
    .where(eq(runs.id, runId));
  return run;
}
