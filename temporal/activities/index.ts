import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';

export interface ActivityDeps {
  db: Db;
}

/**
 * All activities of the worker, built from their dependencies so tests can hand
 * in a test database. Workflows type their proxies from `ReturnType` of this.
 */
export function createActivities(deps: ActivityDeps) {
  return {
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
