/**
 * The one place that writes to the inbox. Every trigger event (a webhook delivery, a schedule tick, a
 * poll page, a hard-delete check, an operator's retry) is an `inbox_events` row; the relay turns rows
 * into runs. A repeat of an event (same flow and dedupe key) is ignored, so a sender's retry, a retried
 * activity or a second worker never makes a second run.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { flows, inboxDedupeKeys, inboxEvents } from '../../db/schema';
import { ARRIVED_EVENTS_PREFIX, INBOX_CHANNEL } from './channels';

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
  /**
   * Store the event only if its flow is still as the caller saw it (the webhook intake, which may decide
   * on a remembered look-up): the same hook token, not archived, the same status and published version.
   * Checked in the same statement; an event whose flow changed is neither stored nor claims its key.
   */
  readonly ifFlowStill?: FlowAsSeen;
}

/** A flow as a webhook delivery saw it; see {@link InboxEventInput.ifFlowStill}. */
export interface FlowAsSeen {
  readonly webhookToken: string;
  readonly status: string;
  readonly versionId: string | null;
}

/**
 * The condition of {@link InboxEventInput.ifFlowStill} on a row `alias` with the columns flow_id,
 * seen_token, seen_status and seen_version (true when nothing was seen).
 */
export function flowStillAsSeen(alias: string): SQL {
  const row = sql.raw(alias);
  return sql`(${row}.seen_token is null or exists (
    select 1 from ${flows} f
    where f.id = ${row}.flow_id and f.webhook_token = ${row}.seen_token and f.archived_at is null
      and f.status::text = ${row}.seen_status and f.active_version_id is not distinct from ${row}.seen_version))`;
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
  // One fixed statement whatever the number of events: each column is one array parameter, so the SQL
  // text does not depend on the batch's size (a pool opened with prepareRepeats prepares it once). Ids
  // and times are chosen here (not by column defaults) so the key row and its event agree. (Times go as
  // text: drizzle passes timestamptz[] parameters to postgres.js unserialised.)
  const column = (value: (e: InboxEventInput) => string | null) => sql.param(events.map(value));
  // The key is claimed first (inbox_dedupe_keys is where (flow, dedupe key) is unique: the inbox is
  // partitioned by time); only the events whose key was new are stored. A repeat within the batch loses
  // to its first twin.
  const stored = sql`
    with input as materialized (
      select ord, coalesce(id, gen_random_uuid()) as id, workspace_id, flow_id, dedupe_key, ordering_key, source, payload,
             coalesce(received_at, now()) as received_at, seen_token, seen_status, seen_version
      from unnest(
        ${column((e) => e.id ?? null)}::uuid[], ${column((e) => e.workspaceId)}::uuid[], ${column((e) => e.flowId)}::uuid[],
        ${column((e) => e.dedupeKey)}::text[], ${column((e) => e.orderingKey ?? null)}::text[], ${column((e) => e.source)}::text[],
        ${column((e) => JSON.stringify(e.payload ?? null))}::jsonb[], ${column((e) => (e.receivedAt ? e.receivedAt.toISOString() : null))}::text[]::timestamptz[],
        ${column((e) => e.ifFlowStill?.webhookToken ?? null)}::text[], ${column((e) => e.ifFlowStill?.status ?? null)}::text[],
        ${column((e) => e.ifFlowStill?.versionId ?? null)}::uuid[]
      ) with ordinality as v(id, workspace_id, flow_id, dedupe_key, ordering_key, source, payload, received_at, seen_token, seen_status, seen_version, ord)
    ), checked as materialized (
      select * from input i where ${flowStillAsSeen('i')}
    ), claimed as (
      insert into ${inboxDedupeKeys} (flow_id, dedupe_key, workspace_id, event_id, received_at)
      select flow_id, dedupe_key, workspace_id, id, received_at from checked order by ord
      on conflict (flow_id, dedupe_key) do nothing
      returning event_id
    ), stored as (
      insert into ${inboxEvents} (id, workspace_id, flow_id, dedupe_key, ordering_key, source, payload, received_at)
      select i.id, i.workspace_id, i.flow_id, i.dedupe_key, i.ordering_key, i.source, i.payload, i.received_at
      from checked i join claimed c on c.event_id = i.id
      order by i.ord
      returning id, flow_id
    )`;
  // One NOTIFY per flow (PostgreSQL delivers a transaction's identical notifications once), saying how many came.
  const wakeUp = sql`pg_notify(${INBOX_CHANNEL}, ${ARRIVED_EVENTS_PREFIX} || flow_id || ':' || count(*) over (partition by flow_id))`;
  const inserted = await db.execute<{ id: string }>(options.wake ? sql`${stored} select id, ${wakeUp} from stored` : sql`${stored} select id from stored`);
  return inserted.map((row) => row.id);
}

/** Wakes the relay (on commit): something it waits for changed, e.g. a run of an ordering key finished. */
export async function wakeRelay(db: Executor): Promise<void> {
  await db.execute(sql`select pg_notify(${INBOX_CHANNEL}, '')`);
}
