/**
 * The time partitions of run history (`runs` by `created_at`, `run_steps` by `run_created_at`,
 * `inbox_events` by `received_at`, the same bounds for all; see
 * db/migrations/0014_partition_run_history.sql): created ahead of time, and dropped whole once every
 * workspace's run retention has passed them. Called by the worker's retention job
 * (temporal/jobs/retention-loop.ts) before the row clean-up.
 *
 *   await ensureHistoryPartitions(db, { interval: 'day' });   // partitions up to two days ahead
 *   await dropExpiredHistoryPartitions(db);                    // the names of the partitions dropped
 *
 * Each table also has a DEFAULT partition: an insert never fails for want of a partition. A range whose
 * rows already went there (e.g. runs recorded with an old or far-future `created_at`) gets no partition of
 * its own; its rows stay in the default partition, where the row clean-up deletes them.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { logger } from '../platform/logger';

/** The length of a new partition. Existing partitions keep theirs (the migration made monthly ones). */
export type PartitionInterval = 'day' | 'week' | 'month';
export const PARTITION_INTERVALS: readonly PartitionInterval[] = ['day', 'week', 'month'];

/** Parents before children: created in this order, dropped in the reverse (the steps reference runs). */
const HISTORY_TABLES = [
  { table: 'runs', key: 'created_at' },
  { table: 'run_steps', key: 'run_created_at' },
  { table: 'inbox_events', key: 'received_at' },
] as const;
type HistoryTable = (typeof HISTORY_TABLES)[number]['table'];

const log = logger.child({ component: 'history-partitions' });

/** Waiting longer than this for a lock means queries are busy: give up, the next pass tries again. */
const LOCK_TIMEOUT = '5s';

export interface HistoryPartition {
  name: string;
  from: Date;
  to: Date;
}

/** The range partitions of a table (not its DEFAULT one), oldest first. */
export async function listHistoryPartitions(db: Pick<Db, 'execute'>, table: HistoryTable): Promise<HistoryPartition[]> {
  const rows = await db.execute<{ name: string; from_ms: number; to_ms: number }>(sql`
    select name, extract(epoch from bounds[1]::timestamptz)::float8 * 1000 as from_ms, extract(epoch from bounds[2]::timestamptz)::float8 * 1000 as to_ms
    from (
      select c.relname as name, regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') as bounds
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = ${table}::regclass
    ) p
    where bounds is not null
    order by 2`);
  return rows.map((r) => ({ name: r.name, from: new Date(Number(r.from_ms)), to: new Date(Number(r.to_ms)) }));
}

/**
 * Makes every history table's partitions reach `ahead` intervals past `now`, each new one starting where
 * the last one ends (so they never overlap, whatever the interval was before). One transaction under an
 * advisory lock: several workers may call it at once. Returns the names of the partitions created.
 */
export async function ensureHistoryPartitions(
  db: Db,
  options: { interval?: PartitionInterval; ahead?: number; now?: Date } = {},
): Promise<string[]> {
  const interval = options.interval ?? 'day';
  const ahead = options.ahead ?? 2;
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('timezone', 'UTC', true), set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('syncline.history-partitions'))`);
    const step = sql.raw(`interval '1 ${interval}'`);
    const [{ horizon } = { horizon: '' }] = await tx.execute<{ horizon: string }>(sql`select (${now.toISOString()}::timestamptz + ${ahead} * ${step})::text as horizon`);
    const created: string[] = [];
    for (const { table } of HISTORY_TABLES) {
      const existing = await listHistoryPartitions(tx, table);
      const last = existing[existing.length - 1];
      let start = last
        ? last.to.toISOString()
        : ((await tx.execute<{ at: string }>(sql`select date_trunc(${interval}, ${now.toISOString()}::timestamptz)::text as at`))[0]!.at);
      for (;;) {
        const [next] = await tx.execute<{ end: string; name: string; due: boolean }>(sql`
          select (s + ${step})::text as end, ${table} || '_p' || to_char(s, 'YYYYMMDD') as name, s < ${horizon}::timestamptz as due
          from (select ${start}::timestamptz as s) x`);
        if (!next!.due) break;
        const from = sql.raw(`'${start}'::timestamptz`); // values PostgreSQL itself printed; DDL takes no parameters
        const to = sql.raw(`'${next!.end}'::timestamptz`);
        if (await anyInDefault(tx as unknown as Db, from, to)) {
          log.warn({ table, from: start, to: next!.end }, 'rows for this range are in the default partition: no partition of its own');
        } else {
          // LIKE + ATTACH rather than CREATE … PARTITION OF: attaching locks the parent less strongly.
          await tx.execute(sql`create table ${sql.identifier(next!.name)} (like ${sql.identifier(table)} including defaults)`);
          await tx.execute(sql`alter table ${sql.identifier(table)} attach partition ${sql.identifier(next!.name)} for values from (${from}) to (${to})`);
          created.push(next!.name);
        }
        start = next!.end;
      }
    }
    if (created.length > 0) log.info({ partitions: created }, 'history partitions created');
    return created;
  });
}

/**
 * Whether any history table's DEFAULT partition holds rows in [from, to). Asked for all tables at once so
 * they skip the same ranges and keep the same bounds (a run's partition is dropped with its steps').
 */
async function anyInDefault(db: Db, from: SQL, to: SQL): Promise<boolean> {
  for (const { table, key } of HISTORY_TABLES) {
    const [row] = await db.execute(
      sql`select 1 from ${sql.identifier(`${table}_default`)} where ${sql.identifier(key)} >= ${from} and ${sql.identifier(key)} < ${to} limit 1`,
    );
    if (row) return true;
  }
  return false;
}

/**
 * Drops the history partitions that lie wholly before the longest run retention of any workspace (so
 * every workspace's retention permits it): a run partition unless one of its runs is still queued or
 * running, with its steps (dropped first) and the record lineage of its runs (deleted before: it has no
 * foreign key); an inbox partition unless one of its events is still waiting for the relay. Each
 * partition in its own short transaction, DETACH then DROP (a partition of a referenced table can only be
 * dropped detached; detaching checks that no step still points at it). Then the inbox dedupe keys of the
 * same age go (trimExpiredDedupeKeys). Returns the names of the partitions dropped.
 */
export async function dropExpiredHistoryPartitions(db: Db, options: { now?: Date; batchSize?: number } = {}): Promise<string[]> {
  const now = options.now ?? new Date();
  const [longest] = await db.execute<{ days: number | null }>(sql`select max(run_retention_days) as days from workspaces`);
  if (longest?.days == null) return [];
  const cutoff = new Date(now.getTime() - longest.days * 86_400_000);
  const stepPartitions = await listHistoryPartitions(db, 'run_steps');
  const dropped: string[] = [];

  const dropWhole = (partition: HistoryPartition, keep: SQL, before: (tx: Db) => Promise<HistoryPartition[]>) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`);
      const [kept] = await tx.execute(sql`select 1 from ${sql.identifier(partition.name)} where ${keep} limit 1`);
      if (kept) return [];
      const children = await before(tx as unknown as Db);
      for (const { name } of [...children, partition]) {
        const parent = name.slice(0, name.lastIndexOf('_p')); // <table>_pYYYYMMDD
        await tx.execute(sql`alter table ${sql.identifier(parent)} detach partition ${sql.identifier(name)}`);
        await tx.execute(sql`drop table ${sql.identifier(name)}`);
      }
      return [...children, partition].map((p) => p.name);
    });

  for (const partition of (await listHistoryPartitions(db, 'runs')).filter((p) => p.to <= cutoff)) {
    const done = await dropWhole(partition, sql`status in ('queued', 'running')`, async (tx) => {
      await tx.execute(sql`delete from record_lineage where run_id in (select id from ${sql.identifier(partition.name)})`);
      return stepPartitions.filter((s) => s.from.getTime() === partition.from.getTime() && s.to.getTime() === partition.to.getTime());
    });
    dropped.push(...done);
  }
  for (const partition of (await listHistoryPartitions(db, 'inbox_events')).filter((p) => p.to <= cutoff)) {
    dropped.push(...(await dropWhole(partition, sql`relayed_at is null`, async () => [])));
  }
  await trimExpiredDedupeKeys(db, cutoff, options.batchSize ?? 10_000);
  if (dropped.length > 0) log.info({ partitions: dropped, olderThan: cutoff.toISOString() }, 'history partitions dropped');
  return dropped;
}

/**
 * Inbox dedupe keys older than the longest retention go, in batches (their events are past every
 * workspace's retention, dropped with their partition or deleted by the row clean-up), except the keys of
 * events still waiting for the relay: those are few, and a repeat of them must still be recognised.
 */
async function trimExpiredDedupeKeys(db: Db, cutoff: Date, batchSize: number): Promise<void> {
  const before = cutoff.toISOString();
  for (;;) {
    const deleted = await db.execute(sql`
      delete from inbox_dedupe_keys where ctid = any(array(
        select ctid from inbox_dedupe_keys
        where received_at < ${before}::timestamptz
          and event_id not in (select id from inbox_events where relayed_at is null and received_at < ${before}::timestamptz)
        limit ${batchSize}))
      returning 1`);
    if (deleted.length < batchSize) return;
  }
}
