/**
 * The one place that writes to the inbox. Every trigger event (a webhook delivery, a schedule tick, a
 * poll page, a hard-delete check, an operator's retry) is an `inbox_events` row; the relay turns rows
 * into runs. A repeat of an event (same flow and dedupe key) is ignored, so a sender's retry, a retried
 * activity or a second worker never makes a second run.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { inboxEvents } from '../../db/schema';
import { INBOX_CHANNEL } from './channels';

/** Where an inbox event came from (the relay and the run list show it). */
export const InboxSource = { webhook: 'webhook', schedule: 'schedule', poll: 'poll', retry: 'retry' } as const;
/** @see {@link InboxSource} */
export type InboxSource = (typeof InboxSource)[keyof typeof InboxSource];

export interface InboxEventInput {
  /** Given for retries (the retry's run id); otherwise generated. */
  readonly id?: string;
  readonly workspaceId: string;
  readonly flowId: string;
  /** Unique per flow: a second event with the same key is a repeat and is ignored. */
  readonly dedupeKey: string;
  /** Events of one key run one at a time, in arrival order; null or absent: unordered. */
  readonly orderingKey?: string | null;
  readonly source: InboxSource;
  /** The trigger payload (JSON). */
  readonly payload: unknown;
  readonly receivedAt?: Date;
}

/** Something that runs SQL: the database or a transaction on it. */
type Executor = Pick<Db, 'execute'>;

/**
 * Inserts events in one statement and returns the ids of those that were new (repeats are left out).
 * With `wake`, the relay is notified in the same statement (delivered on commit); events of a paused
 * flow are written without waking it: the relay's periodic pass finds them once the flow is resumed.
 *
 * @example
 * const [id] = await enqueueInboxEvents(db, [{ workspaceId, flowId, dedupeKey: `key:${k}`, source: 'webhook', payload }], { wake: true });
 */
export async function enqueueInboxEvents(db: Executor, events: readonly InboxEventInput[], options: { wake: boolean }): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map(
    (e): SQL => sql`(${e.id ?? sql.raw('default')}, ${e.workspaceId}, ${e.flowId}, ${e.dedupeKey}, ${e.orderingKey ?? null}, ${e.source},
      ${JSON.stringify(e.payload ?? null)}::jsonb, ${e.receivedAt ? e.receivedAt.toISOString() : sql.raw('default')})`,
  );
  const insert = sql`
    insert into ${inboxEvents} (id, workspace_id, flow_id, dedupe_key, ordering_key, source, payload, received_at)
    values ${sql.join(rows, sql`, `)}
    on conflict (flow_id, dedupe_key) do nothing
    returning id`;
  const inserted = await db.execute<{ id: string }>(options.wake ? sql`with ins as (${insert}) select id, pg_notify(${INBOX_CHANNEL}, '') from ins` : insert);
  return inserted.map((row) => row.id);
}

/** Wakes the relay (on commit): something it waits for changed, e.g. a run of an ordering key finished. */
export async function wakeRelay(db: Executor): Promise<void> {
  await db.execute(sql`select pg_notify(${INBOX_CHANNEL}, '')`);
}
