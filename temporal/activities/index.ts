import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { EffectDeps } from '../../nodes/effect-deps';
import { createBulkLoadActivities } from './bulk-load';
import { createEffectDeps } from '../../domain/connectors/effect-deps';
import { createItemBatchActivities } from './item-batch-activities';
import { createNodeEffectActivity } from './node-effect';
import { createRunRecords } from './run-records';
import { runOutcomeLog } from './run-outcome-log';
import { createTriggerActivities } from './triggers';

export interface ActivityDeps {
  db: Db;
  /** Defaults to the real implementations on `db`; tests may inject fakes. */
  effects?: EffectDeps;
}

/**
 * All activities of the worker, built from their dependencies so tests can hand
 * in a test database. Workflows type their proxies from `ReturnType` of this.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createRunRecords(deps.db, runOutcomeLog(deps.db)),
    ...createTriggerActivities(deps.db),
    ...createItemBatchActivities(deps.db),
    ...createBulkLoadActivities(deps.db),
    runNodeEffect: createNodeEffectActivity(deps.effects ?? createEffectDeps(deps.db), deps.db),

    /** Smoke activity: proves the worker reaches PostgreSQL. */
    async databaseTime(): Promise<string> {
      const rows = await deps.db.execute<{ now: string }>(sql`select now()::text as now`);
      const row = rows[0];
      if (!row) throw new Error('select now() returned no row');
      return row.now;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
