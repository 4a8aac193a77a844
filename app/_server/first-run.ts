import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb } from '../../db/client';
import { users } from '../../db/schema';

/** True until the first account exists: sign-up then presents itself as the first-run setup. */
export async function isFirstRun(): Promise<boolean> {
  const [row] = await getDb().select({ count: sql<number>`count(*)::int` }).from(users);
  return (row?.count ?? 0) === 0;
}
