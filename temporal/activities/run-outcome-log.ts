/**
 * What the outside world should hear about a run, told by the run-record writes themselves (from the
 * rows they return, so no extra read per run): a structured log line when it starts and when it
 * finishes (runId, workspaceId, flowId, status, counts), and a NOTIFY on the alerts channel when it
 * failed, so alert rules are evaluated at once instead of at the next interval.
 */
import { sql } from 'drizzle-orm';
import { ALERTS_CHANNEL } from '../../domain/inbox/channels';
import { logger } from '../../domain/platform/logger';
import type { Db } from '../../db/client';
import type { RunRecordListener } from './run-records';

const log = logger.child({ component: 'runs' });

export function runOutcomeLog(db: Db): RunRecordListener {
  return {
    started(run) {
      log.info(run, 'run started');
    },
    async finished({ error, ...run }) {
      if (run.status === 'failed') {
        log.warn({ ...run, error: error?.message, nodeId: error?.nodeId }, 'run failed');
        await db.execute(sql`select pg_notify(${ALERTS_CHANNEL}, ${run.workspaceId})`);
      } else {
        log.info(run, 'run finished');
      }
    },
  };
}
