/**
 * `npm run migrate`: the release step of a multi-machine layout (docs/scaling.md). Applies the committed
 * migrations to DATABASE_URL before new web instances and workers start (they do not migrate themselves).
 * A PostgreSQL advisory lock makes two deploys that run it at once apply each migration once.
 */
import postgres from 'postgres';
import { migrateDatabase } from '../db/migrate';
import { EnvError, parseEnv } from '../domain/platform/env';

/** An arbitrary constant shared by every `npm run migrate`: "syncline migrate". */
const LOCK_ID = 0x5359_4e43;

async function main(): Promise<void> {
  const url = parseEnv(process.env).DATABASE_URL;
  if (!url) throw new EnvError('DATABASE_URL must be set for `npm run migrate`.');
  const lock = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await lock`select pg_advisory_lock(${LOCK_ID})`;
    const started = Date.now();
    await migrateDatabase(url);
    process.stdout.write(`migrations applied in ${Date.now() - started} ms\n`);
  } finally {
    await lock.end({ timeout: 5 });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error && err.name === 'EnvError' ? err.message : String(err)}\n`);
  process.exit(1);
});
