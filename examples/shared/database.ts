/**
 * Database plumbing shared by the demo systems: create a database when missing (from any URL on the
 * cluster: CREATE DATABASE runs from whichever database you are connected to), and apply an idempotent
 * schema under an advisory lock so two processes starting at once do not race on CREATE ... IF NOT EXISTS.
 */
import postgres from 'postgres';

export type Sql = postgres.Sql;

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** CREATE DATABASE `name` unless it exists, connected through `clusterUrl` (any database). True if created. */
export async function ensureDatabase(clusterUrl: string, name: string): Promise<boolean> {
  const sql = postgres(clusterUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (rows.length > 0) return false;
    try {
      await sql.unsafe(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      // Another process created it between our check and our CREATE: fine.
      if ((err as { code?: string }).code === '42P04') return false;
      throw err;
    }
    return true;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Makes sure the database in `url` exists, creating it through the same cluster when it does not. */
export async function ensureDatabaseOf(url: string): Promise<void> {
  const name = databaseName(url);
  // Connect to the maintenance database: the target may not exist yet.
  await ensureDatabase(withDatabase(url, 'postgres'), name);
}

export function connect(url: string, max = 5): Sql {
  return postgres(url, { max, onnotice: () => {}, connect_timeout: 10, idle_timeout: 30 });
}

/** Runs `ddl` (plain SQL, idempotent) in one transaction holding a per-database advisory lock. */
export async function applySchema(sql: Sql, lockKey: number, ddl: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${lockKey})`;
    await tx.unsafe(ddl);
  });
}
