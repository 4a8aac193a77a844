import type { Db } from '../../db/client';
import type { EffectDeps } from '../../nodes/effect-deps';
import { createBulkLoadActivities } from './bulk-load';
import { createEffectDeps } from '../../domain/connectors/effect-deps';
import { createItemBatchActivities } from './item-batch-activities';
import { createNodeEffectActivities } from './node-effect';
import { createRunRecords } from './run-records';
import { runOutcomeLog } from './run-outcome-log';
import { createTriggerActivities } from './triggers';

export interface ActivityDeps {
  db: Db;
  /** The effects' dependencies for one run's workspace. Defaults to the real ones on `db`; tests may inject fakes. */
  effects?: (scope: { workspaceId: string }) => EffectDeps;
}

/**
 * All activities of the worker, built from their dependencies so tests can hand
 * in a test database. Workflows type their proxies from `ReturnType` of this.
 */
export function createActivities(deps: ActivityDeps) {
  const records = createRunRecords(deps.db, runOutcomeLog(deps.db));
  return {
    ...records,
    ...createTriggerActivities(deps.db),
    ...createItemBatchActivities(deps.db),
    ...createBulkLoadActivities(deps.db),
    ...createNodeEffectActivities(deps.effects ?? ((scope) => createEffectDeps(deps.db, scope)), deps.db, records.claimRuns),
  };
}

export type Activities = ReturnType<typeof createActivities>;
