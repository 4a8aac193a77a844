/**
 * The activities of schedule and poll ticks. They only ever INSERT inbox events (source `schedule`
 * or `poll`, with a deterministic dedupe key, so a retried activity never makes a second event);
 * the relay turns them into runs of active flows. A poll writes each page's event in the same
 * transaction that advances the trigger's cursor: a page is never lost nor recorded twice.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { externalIds, flows, flowVersions, inboxDedupeKeys, inboxEvents, pollCursors } from '../../db/schema';
import { UserError } from '../../flows-engine/index';
import { ConnectionMissingError, resolveConnection } from '../../domain/connections/resolve';
import { enqueueInboxEvents } from '../../domain/inbox/enqueue';
import { timedTriggerOf, TriggerConfigError, type PollTriggerConfig } from '../../domain/triggers/trigger-settings';
import { microsToIso, readPollCursor, type PollCursor } from '../../domain/triggers/poll-cursor';
import { fetchSourceKeys, fetchSourcePage, pollConfigFor, type ChangedRecord } from '../../domain/triggers/poll-sources';
import type { ResolvedConnection } from '../../domain/connections/resolve';

/** Pages one tick reads at most; the next tick continues from the cursor. */
export const MAX_PAGES_PER_TICK = 50;
/** Source requests at most for one page (the lookback overlap can hold many records already seen). */
const MAX_SOURCE_REQUESTS_PER_PAGE = 100;
/** Records inside the lookback window checked per page for late writes. */
const MAX_LATE_CANDIDATES = 1000;
/** Ids per request of the full key scan (hard-delete detection). */
const KEY_SCAN_PAGE = 500;

export type PollOutcome = { events: number; records: number; morePending: boolean; skipped?: string };

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // not inside an activity (tests call the functions directly)
  }
}

async function liveFlow(db: Db, workspaceId: string, flowId: string) {
  const [flow] = await db
    .select({ status: flows.status, graph: flowVersions.graph })
    .from(flows)
    .leftJoin(flowVersions, eq(flowVersions.id, flows.activeVersionId))
    .where(and(eq(flows.id, flowId), eq(flows.workspaceId, workspaceId), isNull(flows.archivedAt)));
  // A draft (deactivated) flow takes no events; a paused one does: they run when it is resumed.
  if (!flow || flow.status === 'draft' || !flow.graph) return null;
  return flow;
}

function isAfter(record: ChangedRecord, cursor: PollCursor): boolean {
  if (cursor.micros === null) return true;
  if (record.micros !== cursor.micros) return record.micros > cursor.micros;
  return !cursor.ids.includes(record.id);
}

function sameCursor(a: PollCursor, b: PollCursor): boolean {
  return a.micros === b.micros && a.ids.length === b.ids.length && a.ids.every((id) => b.ids.includes(id));
}

export function createTriggerActivities(db: Db) {
  async function pollConfig(workspaceId: string, flowId: string, nodeId: string): Promise<PollTriggerConfig | null> {
    const flow = await liveFlow(db, workspaceId, flowId);
    if (!flow) return null;
    let trigger;
    try {
      trigger = timedTriggerOf(flow.graph);
    } catch (error) {
      if (error instanceof TriggerConfigError) throw new UserError(error.message, { nodeId });
      throw error;
    }
    if (!trigger || trigger.kind !== 'poll' || trigger.nodeId !== nodeId) return null; // the live version no longer polls here
    return trigger.config;
  }

  /**
   * The records of the lookback window that no earlier page of this trigger carried (matched by id
   * and modified-at in the inbox): writes committed late with a modified-at before the cursor.
   */
  async function notYetRecorded(flowId: string, config: PollTriggerConfig, candidates: ChangedRecord[], sinceIso: string): Promise<ChangedRecord[]> {
    const probes = candidates.map((r) => ({ [config.idField]: r.record[config.idField], [config.modifiedField]: r.record[config.modifiedField] }));
    const rows = await db.execute<{ ord: string }>(sql`
      select c.ord from jsonb_array_elements(${JSON.stringify(probes)}::jsonb) with ordinality as c(value, ord)
      where not exists (
        select 1 from ${inboxEvents} e
        where e.flow_id = ${flowId} and e.source = 'poll'
          and e.received_at >= ${sinceIso}::text::timestamptz - interval '1 day'
          and e.payload @> jsonb_build_array(c.value))`);
    return rows.map((row) => candidates[Number(row.ord) - 1]!);
  }

  /**
   * Hard-delete detection against the register of records: the mappings saved for this connection
   * and object type (not yet marked deleted) whose id the source no longer has. The register is
   * read BEFORE the key scan, so a record created (and mapped) during the scan is never taken for
   * deleted. The missing ones become ONE inbox event, items `{ <idField>: id, _deleted: true,
   * _recordKey }`, and are marked deleted in the same transaction: each deletion is emitted once.
   */
  async function detectHardDeletes(input: { workspaceId: string; flowId: string; nodeId: string }, config: PollTriggerConfig, connection: ResolvedConnection) {
    const registered = await db
      .select({ externalId: externalIds.externalId, recordKey: externalIds.recordKey })
      .from(externalIds)
      .where(
        and(
          eq(externalIds.workspaceId, input.workspaceId),
          eq(externalIds.objectType, config.objectType),
          eq(externalIds.connectionId, config.connectionId),
          isNull(externalIds.deletedAt),
        ),
      );
    if (registered.length === 0) return 0;
    const present = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await fetchSourceKeys(connection, config, cursor, KEY_SCAN_PAGE);
      for (const id of page.ids) present.add(id);
      cursor = page.next;
      heartbeat({ keyScan: present.size });
    } while (cursor);
    const missing = registered.filter((r) => !present.has(r.externalId)).sort((a, b) => a.externalId.localeCompare(b.externalId));
    if (missing.length === 0) return 0;
    const ids = missing.map((m) => m.externalId);
    const payload = missing.map((m) => ({ [config.idField]: m.externalId, _deleted: true, _recordKey: m.recordKey }));
    const dedupeKey = `poll-deleted:${input.nodeId}:${createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 32)}`;
    return db.transaction(async (tx) => {
      const marked = await tx
        .update(externalIds)
        .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
        .where(
          and(
            eq(externalIds.workspaceId, input.workspaceId),
            eq(externalIds.objectType, config.objectType),
            eq(externalIds.connectionId, config.connectionId),
            sql`${externalIds.externalId} = any(${sql.param(ids)}::text[])`,
            isNull(externalIds.deletedAt),
          ),
        )
        .returning({ id: externalIds.id });
      // A concurrent poll marked them first: its event carries them.
      if (marked.length !== ids.length) {
        tx.rollback();
      }
      await enqueueInboxEvents(tx, [{ workspaceId: input.workspaceId, flowId: input.flowId, dedupeKey, orderingKey: `poll:${input.nodeId}`, source: 'poll', payload }], { wake: true });
      return missing.length;
    }).catch((error: unknown) => {
      if ((error as Error)?.name === 'TransactionRollbackError') return 0;
      throw error;
    });
  }

  return {
    /**
     * Records one tick of a schedule trigger; true when this call inserted it (false: a retry, a tick
     * folded into the one already waiting, or the flow is a draft). While the flow is paused its ticks
     * fold into ONE pending event (moved to the latest tick, counting the ticks it stands for), so
     * resuming makes one run, not one per tick missed.
     */
    async recordScheduleTick(input: { workspaceId: string; flowId: string; nodeId: string; scheduledAt: string }): Promise<boolean> {
      const flow = await liveFlow(db, input.workspaceId, input.flowId);
      if (!flow) return false;
      const scheduledAt = new Date(input.scheduledAt).toISOString();
      const dedupeKey = `schedule:${scheduledAt}`;
      if (flow.status === 'paused') {
        // `relayed_at is null` is re-checked after waiting for a relay that holds the row, so a tick
        // racing a resume either folds in before the run starts or becomes an event of its own.
        // The folded event now answers for this tick's key too (inbox_dedupe_keys), so a retried tick adds nothing.
        const folded = await db.execute<{ id: string }>(sql`
          with folded as (
          update ${inboxEvents}
          set dedupe_key = 'schedule:' || greatest(payload->>'scheduledAt', ${scheduledAt}::text),
              payload = jsonb_build_object(
                'scheduledAt', greatest(payload->>'scheduledAt', ${scheduledAt}::text),
                'missedTicks', coalesce((payload->>'missedTicks')::int, 1) + 1)
          where id = (
            select id from ${inboxEvents}
            where flow_id = ${input.flowId} and source = 'schedule' and relayed_at is null and dedupe_key <> ${dedupeKey}
            order by seq desc limit 1
            for update)
          returning id, flow_id, dedupe_key, workspace_id, received_at
          ), keyed as (
            insert into ${inboxDedupeKeys} (flow_id, dedupe_key, workspace_id, event_id, received_at)
            select flow_id, dedupe_key, workspace_id, id, received_at from folded
            on conflict (flow_id, dedupe_key) do nothing
          )
          select id from folded`);
        if (folded.length > 0) return false;
      }
      const inserted = await enqueueInboxEvents(db, [{ workspaceId: input.workspaceId, flowId: input.flowId, dedupeKey, source: 'schedule', payload: { scheduledAt } }], { wake: true });
      return inserted.length > 0;
    },

    /**
     * Reads the records changed since the trigger's cursor (minus the lookback), page by page: each
     * page of new records becomes ONE inbox event and advances the cursor, in one transaction.
     * Records at or before the cursor position are skipped (same instant: by the ids seen at it),
     * except late writes: records inside the lookback window that no earlier page carried.
     * The pages of one trigger share an ordering key, so their runs execute one at a time in the
     * order read: a record's later state is never applied before an earlier one.
     * With `detectHardDeletes`, once the changes are read (nothing more pending), a full key scan
     * finds the records that vanished (see detectHardDeletes): one more event, same ordering key.
     */
    async pollOnce(input: { workspaceId: string; flowId: string; nodeId: string; maxPages?: number }): Promise<PollOutcome> {
      const config = await pollConfig(input.workspaceId, input.flowId, input.nodeId);
      if (!config) return { events: 0, records: 0, morePending: false, skipped: 'the flow is not live with this poll trigger' };
      let connection;
      try {
        connection = await resolveConnection(db, { workspaceId: input.workspaceId, connectionId: config.connectionId });
      } catch (error) {
        if (error instanceof ConnectionMissingError) throw new UserError(error.message, { nodeId: input.nodeId, field: 'connectionId' });
        throw error;
      }
      const effective = pollConfigFor(connection, config); // a declared connector names its own id and modified-at fields
      const outcome = await readChanges(input, effective, connection);
      if (effective.detectHardDeletes && !outcome.morePending) {
        const deleted = await detectHardDeletes(input, effective, connection);
        if (deleted > 0) {
          outcome.events += 1;
          outcome.records += deleted;
        }
      }
      return outcome;
    },
  };

  async function readChanges(input: { workspaceId: string; flowId: string; nodeId: string; maxPages?: number }, config: PollTriggerConfig, connection: ResolvedConnection): Promise<PollOutcome> {
    const outcome: PollOutcome = { events: 0, records: 0, morePending: false };
    const maxPages = input.maxPages ?? MAX_PAGES_PER_TICK;
    for (let page = 0; page < maxPages; page++) {
      const cursor = await readPollCursor(db, input.flowId, input.nodeId);
      const since = cursor.micros === null ? null : microsToIso(cursor.micros - BigInt(config.lookbackMs) * 1000n);
      const fresh: ChangedRecord[] = [];
      const late: ChangedRecord[] = [];
      let sourceCursor: string | null = null;
      let exhausted = false;
      for (let request = 0; request < MAX_SOURCE_REQUESTS_PER_PAGE && fresh.length < config.pageSize; request++) {
        const result = await fetchSourcePage(connection, config, since, sourceCursor, config.pageSize);
        for (const record of result.records) {
          if (isAfter(record, cursor)) {
            if (fresh.length < config.pageSize) fresh.push(record);
          } else if (cursor.micros !== null && record.micros < cursor.micros && late.length < MAX_LATE_CANDIDATES) {
            late.push(record); // inside the lookback: a late write unless an earlier page already carried it
          }
        }
        sourceCursor = result.next;
        if (!sourceCursor) {
          exhausted = true;
          break;
        }
        heartbeat({ page, request });
      }
      const lateUnseen = late.length > 0 ? await notYetRecorded(input.flowId, config, late, since!) : [];
      const records = [...lateUnseen, ...fresh];
      if (records.length === 0) {
        outcome.morePending = !exhausted; // only records already seen within the request budget
        return outcome;
      }
      const first = records[0]!;
      const last = records.reduce((a, b) => (b.micros > a.micros || (b.micros === a.micros && b.id > a.id) ? b : a));
      const lastIso = microsToIso(last.micros);
      // Late writes alone never move the cursor back; fresh records move it to the last one read.
      const newest = fresh.length > 0 ? fresh.reduce((a, b) => (b.micros > a.micros || (b.micros === a.micros && b.id > a.id) ? b : a)) : null;
      const cursorIso = newest ? microsToIso(newest.micros) : cursor.modifiedAt!;
      const idsAtCursor = newest
        ? [...new Set([...(cursor.micros === newest.micros ? cursor.ids : []), ...fresh.filter((r) => r.micros === newest.micros).map((r) => r.id)])]
        : cursor.ids;
      const dedupeKey = `poll:${input.nodeId}:${first.id}@${microsToIso(first.micros)}..${last.id}@${lastIso}`;
      const written = await db.transaction(async (tx) => {
        // Optimistic: if another poll moved the cursor since we read it, this page is not ours to write.
        await tx.insert(pollCursors).values({ workspaceId: input.workspaceId, flowId: input.flowId, nodeId: input.nodeId }).onConflictDoNothing();
        const current = await readPollCursor(tx as unknown as Db, input.flowId, input.nodeId, { lock: true });
        if (!sameCursor(current, cursor)) return false;
        await enqueueInboxEvents(
          tx,
          [{ workspaceId: input.workspaceId, flowId: input.flowId, dedupeKey, orderingKey: `poll:${input.nodeId}`, source: 'poll', payload: records.map((r) => r.record) }],
          { wake: true },
        );
        await tx
          .update(pollCursors)
          .set({ modifiedAt: sql`${cursorIso}::text::timestamptz`, idsAtModifiedAt: idsAtCursor, updatedAt: new Date() })
          .where(and(eq(pollCursors.flowId, input.flowId), eq(pollCursors.nodeId, input.nodeId)));
        return true;
      });
      if (written) {
        outcome.events += 1;
        outcome.records += records.length;
      }
      heartbeat({ page, records: outcome.records });
      if (exhausted && fresh.length < config.pageSize) return outcome;
    }
    outcome.morePending = true;
    return outcome;
  }
}
