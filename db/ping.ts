import { sql } from 'drizzle-orm';
import type { Db } from './client';

/** Resolves once the database answers a trivial query; rejects with its error, or after `withinMs` without an answer. */
export async function pingDatabase(db: Db, withinMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${withinMs} ms`)), withinMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
