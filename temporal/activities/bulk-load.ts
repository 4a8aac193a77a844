/**
 * The activities of bulk loads (temporal/workflows/bulk-load.ts). A load runs in slices: each
 * `loadSlice` reads source pages from the job's checkpoint on and, per page,
 *   1. looks up the external-id mappings of the page's source ids (one query),
 *   2. finds target records by mapped id, by the id a create would use, or by natural key (one query),
 *   3. writes creates and updates to the target in one batch, tagged with the integration identity,
 *   4. in ONE Syncline transaction: records what it created, saves the mappings both ways and
 *      advances the checkpoint (cursor + counts).
 * A crash between 3 and 4 leaves the target written but the checkpoint behind: the page is read
 * again and every record resolves to the same target record (mapping, deterministic create id or
 * natural key), so nothing is duplicated and the counts stay exact. The next page is fetched while
 * the current one is written, and a page's checkpoint commits while the next page is written.
 * Between pages the slice honours pause/cancel asked through `control`.
 * That is the built-in pair's fast path; a job with a spec (any object pair, domain/bulk/bulk-spec.ts)
 * does steps 1-3 through the record gateways instead (bulk/gateway-page.ts), with the same checkpoints.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { bulkJobCreatedRecords, bulkJobs, connections, externalIds, type BulkJobStatus } from '../../db/schema';
import { UserError } from '../../flows-engine/index';
import { isPostgresKind, isRestKind } from '../../domain/connections/kinds';
import { ConnectionMissingError, resolveConnection, type ResolvedConnection } from '../../domain/connections/resolve';
import { BULK_OBJECTS, isBulkObjectKey, type BulkJobInput, type BulkSide, type BulkSideFamily } from '../../domain/bulk/bulk-objects';
import type { PollTriggerConfig } from '../../domain/triggers/trigger-settings';
import { FIELD_MAPS } from './bulk/field-maps';
import { postgresTarget } from './bulk/postgres-target';
import type { BulkTarget, PageOutcome, TargetRow } from './bulk/target';
import { writePageThroughGateway } from './bulk/gateway-page';
import { specProblems, type BulkSpec } from '../../domain/bulk/bulk-spec';
import { createConnectors } from '../../domain/connectors/connectors';
import { sendWithConnection } from '../../domain/connectors/http-connector';
import { createExternalIdStore } from '../../domain/connectors/external-id-store';
import { fetchSourcePage, type SourcePage } from '../../domain/triggers/poll-sources';

/** Records per source request (the demo CRM's largest page). */
const PAGE_SIZE = 500;
/** Source pages written as one batch: fewer round trips per record to both databases. */
const PAGES_PER_BATCH = 2;
/** A slice returns to the workflow after this long, so history grows by a few events per half minute. */
const SLICE_MS = 30_000;
const ROLLBACK_BATCH = 1000;

export type SliceState = 'running' | 'paused' | 'cancelled' | 'completed' | 'rolled-back';

interface LoadContext {
  job: typeof bulkJobs.$inferSelect;
  source: ResolvedConnection;
  target: ResolvedConnection;
  sourceSide: BulkSide;
  targetSide: Pick<BulkSide, 'objectType'>;
  /** Steps 1-3 of a page (see writePage); `position` is the cursor the page was read from. */
  write(page: SourcePage, pendingOwners: ReadonlyMap<string, string>, position: string | null): Promise<PageOutcome>;
  /** Deletes target records (roll-back). */
  remove(ids: readonly string[]): Promise<void>;
}

/** The built-in pair's fast path (PostgreSQL target, unnest, deterministic create ids). */
interface CatalogWrite {
  writer: BulkTarget;
  naturalKey: string;
  identity: string;
  map: (record: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

function familyOf(connection: ResolvedConnection): BulkSideFamily {
  if (isRestKind(connection.kind)) return 'rest';
  if (isPostgresKind(connection.kind)) return 'postgres';
  throw new UserError(`Connection “${connection.name}” is a ${connection.kind} connection: records cannot be loaded from or into it.`, { field: 'connectionId' });
}

async function resolve(db: Db, workspaceId: string, connectionId: string, field: string): Promise<ResolvedConnection> {
  try {
    return await resolveConnection(db, { workspaceId, connectionId });
  } catch (error) {
    if (error instanceof ConnectionMissingError) throw new UserError(error.message, { field });
    throw error;
  }
}

/**
 * A job with a spec: any source object read the way poll triggers read it, written through the
 * record gateway of the target's kind (the same upsert flows use, matching by natural key).
 */
async function specContext(db: Db, job: typeof bulkJobs.$inferSelect, spec: BulkSpec): Promise<LoadContext> {
  const problems = specProblems(spec);
  if (problems.length > 0) throw new UserError(`Bulk job ${job.id}: ${problems.join(' ')}`, { field: 'spec' });
  const source = await resolve(db, job.workspaceId, job.sourceConnectionId, 'sourceConnectionId');
  const target = await resolve(db, job.workspaceId, job.targetConnectionId, 'targetConnectionId');
  const { records } = createConnectors(db, { workspaceId: job.workspaceId });
  return {
    job,
    source,
    target,
    sourceSide: { objectType: spec.sourceObject, idField: spec.sourceIdField, modifiedField: spec.sourceModifiedField },
    targetSide: { objectType: spec.targetObject },
    write: (page, _owners, position) => writePageThroughGateway(db, records, job, spec, page, position),
    remove: (ids) => records.deleteMany({ connectionId: target.id, objectType: spec.targetObject, externalIds: ids, mode: 'hard', idempotencyKey: `bulk-rollback:${job.id}` }),
  };
}

async function loadContext(db: Db, jobId: string): Promise<LoadContext> {
  const [job] = await db.select().from(bulkJobs).where(eq(bulkJobs.id, jobId));
  if (!job) throw new UserError(`Bulk job ${jobId} does not exist (was its workspace deleted?).`);
  if (job.spec) return specContext(db, job, job.spec);
  if (!isBulkObjectKey(job.object)) throw new UserError(`Bulk job ${jobId}: “${job.object}” is not an object a load can move.`, { field: 'object' });
  const object = BULK_OBJECTS[job.object];
  const source = await resolve(db, job.workspaceId, job.sourceConnectionId, 'sourceConnectionId');
  const target = await resolve(db, job.workspaceId, job.targetConnectionId, 'targetConnectionId');
  const from = familyOf(source);
  const to = familyOf(target);
  const map = FIELD_MAPS[`${job.object}:${from}->${to}`];
  if (!map) throw new UserError(`A load of ${job.object} from “${source.name}” (${source.kind}) into “${target.name}” (${target.kind}) is not supported.`, { field: 'targetConnectionId' });
  const [row] = await db.select({ identity: connections.integrationIdentity }).from(connections).where(eq(connections.id, target.id));
  const identity = row?.identity.trim();
  if (!identity) throw new UserError(`Connection “${target.name}” has no integration identity: the load would not be told apart from people's edits (loop prevention).`, { field: 'integrationIdentity' });
  const targetSide = object.sides[to];
  const writer = to === 'postgres' ? postgresTarget(target, { table: targetSide.objectType, naturalKey: object.naturalKey, identityColumn: 'updated_by' }) : unsupportedTarget(target);
  const catalog: CatalogWrite = { writer, naturalKey: object.naturalKey, identity, map };
  const ctx: LoadContext = {
    job,
    source,
    target,
    sourceSide: object.sides[from],
    targetSide,
    write: (page, owners) => writePage(db, ctx, catalog, page, owners),
    remove: (ids) => writer.remove(ids),
  };
  return ctx;
}

function unsupportedTarget(target: ResolvedConnection): never {
  throw new UserError(`Loading into “${target.name}” (${target.kind}) is not supported yet: load into a PostgreSQL connection.`, { field: 'targetConnectionId' });
}

/** The id a create uses: derived from the source record, so a page written twice creates it once. */
export function createIdFor(job: { workspaceId: string; sourceConnectionId: string; object: string }, sourceId: string): string {
  const hex = createHash('sha256').update(`${job.workspaceId}\n${job.sourceConnectionId}\n${job.object}\n${sourceId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Up to PAGES_PER_BATCH source pages from `cursor` on, as one page (its `next` is the last one's). */
async function readPage(ctx: LoadContext, cursor: string | null): Promise<SourcePage> {
  const config = { objectType: ctx.sourceSide.objectType, idField: ctx.sourceSide.idField, modifiedField: ctx.sourceSide.modifiedField } as PollTriggerConfig;
  const batch: SourcePage = { records: [], next: cursor };
  for (let n = 0; n < PAGES_PER_BATCH && (n === 0 || batch.next !== null); n++) {
    const page = await fetchSourcePage(ctx.source, config, null, batch.next, PAGE_SIZE);
    batch.records.push(...page.records);
    batch.next = page.next;
  }
  return batch;
}

/** `GET {objectType}/_count` -> { total } where the source API offers it (the demo CRM does); else unknown. */
async function sourceCount(ctx: LoadContext): Promise<number | null> {
  if (!isRestKind(ctx.source.kind)) return null;
  const response = await sendWithConnection(ctx.source, { method: 'GET', url: `${ctx.sourceSide.objectType}/_count` }).catch(() => null);
  const total = (response?.body as { total?: unknown } | null)?.total;
  return response && response.status === 200 && typeof total === 'number' ? total : null;
}

/**
 * Steps 1-3 of a page: resolve every source record to a target record and write them.
 * `pendingOwners`: target id -> source id of the previous page, whose mappings may not be committed yet.
 */
async function writePage(db: Db, ctx: LoadContext, catalog: CatalogWrite, page: SourcePage, pendingOwners: ReadonlyMap<string, string>): Promise<PageOutcome> {
  const { job } = ctx;
  const store = createExternalIdStore(db);
  const outcome: PageOutcome = { processed: page.records.length, created: 0, updated: 0, matched: 0, skipped: 0, createdRecords: [], mappings: [] };
  const sourceIds = page.records.map((r) => r.id);
  const mapped = await store.lookupMany({ workspaceId: job.workspaceId, objectType: ctx.sourceSide.objectType, connectionId: job.sourceConnectionId, externalIds: sourceIds });
  const items = page.records.map((r) => {
    const fields = catalog.map(r.record);
    const key = fields[catalog.naturalKey];
    return { sourceId: r.id, fields, key: typeof key === 'string' ? key : null, mappedId: mapped.get(r.id)?.recordKey, createId: createIdFor(job, r.id) };
  });
  const existing = await catalog.writer.findExisting(
    items.flatMap((i) => (i.mappedId ? [i.mappedId, i.createId] : [i.createId])),
    items.filter((i) => !i.mappedId).map((i) => i.key),
  );
  const byId = new Set(existing.map((e) => e.id));
  const byKey = new Map(existing.filter((e) => e.key !== null).map((e) => [e.key!, e.id]));
  // A target record found by natural key may already be mapped to ANOTHER source record: that is two
  // source records for one real one, which a load must not merge silently.
  const keyMatches = [...new Set(items.flatMap((i) => (!i.mappedId && !byId.has(i.createId) && i.key && byKey.has(i.key) ? [byKey.get(i.key)!] : [])))];
  const reverse = await store.lookupMany({ workspaceId: job.workspaceId, objectType: ctx.targetSide.objectType, connectionId: job.targetConnectionId, externalIds: keyMatches });

  const rows: TargetRow[] = [];
  const kinds = new Map<string, 'created' | 'updated' | 'matched'>();
  const sourceOf = new Map<string, string>();
  const keysTaken = new Set<string>();
  for (const item of items) {
    let id: string;
    let kind: 'created' | 'updated' | 'matched';
    if (item.mappedId) [id, kind] = [item.mappedId, 'updated'];
    else if (byId.has(item.createId)) [id, kind] = [item.createId, 'created']; // written by an attempt that crashed before its checkpoint
    else if (item.key && byKey.has(item.key)) {
      id = byKey.get(item.key)!;
      kind = 'matched';
      const owner = reverse.get(id)?.recordKey ?? pendingOwners.get(id);
      if (owner && owner !== item.sourceId) {
        outcome.skipped++;
        continue;
      }
    } else [id, kind] = [item.createId, 'created'];
    // One target record per page and one record per natural key: later duplicates are skipped.
    if (sourceOf.has(id) || (kind === 'created' && item.key && keysTaken.has(item.key))) {
      outcome.skipped++;
      continue;
    }
    if (item.key) keysTaken.add(item.key);
    sourceOf.set(id, item.sourceId);
    kinds.set(id, kind);
    rows.push({ id, fields: item.fields });
  }
  const { written, conflicting } = await catalog.writer.upsert(rows, catalog.identity);
  outcome.skipped += conflicting.length;
  for (const id of written) {
    const sourceId = sourceOf.get(id)!;
    const kind = kinds.get(id)!;
    outcome[kind]++;
    if (kind === 'created') outcome.createdRecords.push({ targetId: id, sourceId });
    outcome.mappings.push({ sourceId, targetId: id });
  }
  return outcome;
}

/** Step 4: created records, mappings both ways and the checkpoint, in one transaction. Returns the pending control. */
async function checkpoint(db: Db, ctx: LoadContext, page: SourcePage, outcome: PageOutcome, elapsedMs: number): Promise<'pause' | 'cancel' | null> {
  const { job } = ctx;
  return db.transaction(async (tx) => {
    if (outcome.createdRecords.length > 0) {
      await tx.execute(sql`
        insert into ${bulkJobCreatedRecords} (job_id, target_id, source_id)
        select ${job.id}::uuid, * from unnest(${sql.param(outcome.createdRecords.map((r) => r.targetId))}::text[], ${sql.param(outcome.createdRecords.map((r) => r.sourceId))}::text[])
        on conflict do nothing`);
    }
    await createExternalIdStore(tx as unknown as Db).saveMany(
      outcome.mappings.flatMap((m) => [
        { workspaceId: job.workspaceId, objectType: ctx.sourceSide.objectType, connectionId: job.sourceConnectionId, externalId: m.sourceId, recordKey: m.targetId },
        { workspaceId: job.workspaceId, objectType: ctx.targetSide.objectType, connectionId: job.targetConnectionId, externalId: m.targetId, recordKey: m.sourceId },
      ]),
    );
    const done = page.next === null;
    const [row] = await tx
      .update(bulkJobs)
      .set({
        cursor: page.next,
        processed: sql`${bulkJobs.processed} + ${outcome.processed}`,
        created: sql`${bulkJobs.created} + ${outcome.created}`,
        updated: sql`${bulkJobs.updated} + ${outcome.updated}`,
        matched: sql`${bulkJobs.matched} + ${outcome.matched}`,
        skipped: sql`${bulkJobs.skipped} + ${outcome.skipped}`,
        activeMs: sql`${bulkJobs.activeMs} + ${Math.round(elapsedMs)}`,
        updatedAt: sql`now()`,
        ...(done ? { status: 'completed' as const, finishedAt: sql`now()`, control: null } : {}),
      })
      .where(and(eq(bulkJobs.id, job.id), eq(bulkJobs.status, 'running')))
      .returning({ control: bulkJobs.control });
    if (!row) throw new UserError(`Bulk job ${job.id} stopped running while a page was written.`);
    return done ? null : row.control;
  });
}

/** Applies a pending pause/cancel: the job stops at its checkpoint. */
async function honour(db: Db, jobId: string, control: 'pause' | 'cancel'): Promise<SliceState> {
  const status: BulkJobStatus = control === 'pause' ? 'paused' : 'cancelled';
  await db
    .update(bulkJobs)
    .set({ status, control: null, updatedAt: sql`now()`, ...(status === 'cancelled' ? { finishedAt: sql`now()` } : {}) })
    .where(and(eq(bulkJobs.id, jobId), eq(bulkJobs.status, 'running')));
  return status;
}

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // outside an activity (unit use): nothing to report to
  }
}

function cancelledByTemporal(): boolean {
  try {
    return Context.current().cancellationSignal.aborted;
  } catch {
    return false;
  }
}

export function createBulkLoadActivities(db: Db) {
  return {
    /** Loads pages from the checkpoint on for up to SLICE_MS; returns where the job stands. */
    async loadSlice(input: BulkJobInput): Promise<{ state: SliceState }> {
      const ctx = await loadContext(db, input.jobId);
      const { job } = ctx;
      if (job.status !== 'running') return { state: job.status === 'paused' || job.status === 'cancelled' || job.status === 'completed' ? job.status : 'cancelled' };
      if (job.control) return { state: await honour(db, job.id, job.control) };
      if (job.total === null && job.processed === 0) {
        const total = await sourceCount(ctx);
        if (total !== null) await db.update(bulkJobs).set({ total }).where(eq(bulkJobs.id, job.id));
      }
      const deadline = Date.now() + SLICE_MS;
      let readFrom = job.cursor;
      let next: Promise<SourcePage> = readPage(ctx, readFrom);
      // The checkpoint of page N commits while page N+1 is resolved and written (pipelined); checkpoints
      // still commit in page order. A page written whose checkpoint never commits is simply read again.
      let pending: { checkpoint: Promise<'pause' | 'cancel' | null>; owners: Map<string, string> } | null = null;
      const settle = async (): Promise<SliceState | null> => {
        const control = pending ? await pending.checkpoint : null;
        return control ? honour(db, job.id, control) : null;
      };
      for (;;) {
        const started = Date.now();
        const position = readFrom;
        const page = await next;
        readFrom = page.next;
        // Read ahead: the next page travels while this one is written.
        next = page.next === null ? Promise.resolve({ records: [], next: null }) : readPage(ctx, page.next);
        next.catch(() => {}); // a failed read-ahead is thrown when awaited, not as an unhandled rejection
        const outcome = await ctx.write(page, pending?.owners ?? new Map(), position);
        const stopped = await settle();
        if (stopped) return { state: stopped };
        const checkpointed = checkpoint(db, ctx, page, outcome, Date.now() - started);
        checkpointed.catch(() => {}); // awaited by settle()
        pending = { checkpoint: checkpointed, owners: new Map(outcome.mappings.map((m) => [m.targetId, m.sourceId])) };
        heartbeat({ cursor: page.next });
        if (page.next === null) {
          await checkpointed;
          return { state: 'completed' };
        }
        if (cancelledByTemporal() || Date.now() > deadline) return { state: (await settle()) ?? 'running' };
      }
    },

    /** Marks a job finished when the workflow ends it (failure, or cancelled from Temporal). */
    async settleBulkJob(input: BulkJobInput & { status: 'failed' | 'cancelled'; error?: string }): Promise<void> {
      await db
        .update(bulkJobs)
        .set({ status: input.status, control: null, error: input.error ?? null, finishedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(bulkJobs.id, input.jobId), inArray(bulkJobs.status, ['running', 'paused', 'rolling-back'])));
    },

    /**
     * Deletes, batch by batch, the target records the job created (never those it matched or
     * updated), then their mappings both ways; done when none is left.
     */
    async rollbackSlice(input: BulkJobInput): Promise<{ state: SliceState }> {
      const ctx = await loadContext(db, input.jobId);
      const { job } = ctx;
      if (job.status !== 'rolling-back') return { state: job.status === 'rolled-back' ? 'rolled-back' : 'cancelled' };
      const deadline = Date.now() + SLICE_MS;
      for (;;) {
        const batch = await db
          .select({ targetId: bulkJobCreatedRecords.targetId, sourceId: bulkJobCreatedRecords.sourceId })
          .from(bulkJobCreatedRecords)
          .where(eq(bulkJobCreatedRecords.jobId, job.id))
          .limit(ROLLBACK_BATCH);
        if (batch.length === 0) {
          await db.update(bulkJobs).set({ status: 'rolled-back', finishedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(bulkJobs.id, job.id));
          return { state: 'rolled-back' };
        }
        const targetIds = batch.map((b) => b.targetId);
        // Target first: if this crashes, the rows are still listed and the retry deletes them (again).
        await ctx.remove(targetIds);
        await db.transaction(async (tx) => {
          const mapping = (objectType: string, connectionId: string, ids: string[]) =>
            and(eq(externalIds.workspaceId, job.workspaceId), eq(externalIds.objectType, objectType), eq(externalIds.connectionId, connectionId), sql`${externalIds.externalId} = any(${sql.param(ids)}::text[])`);
          await tx.delete(externalIds).where(mapping(ctx.targetSide.objectType, job.targetConnectionId, targetIds));
          await tx.delete(externalIds).where(mapping(ctx.sourceSide.objectType, job.sourceConnectionId, batch.map((b) => b.sourceId)));
          await tx.delete(bulkJobCreatedRecords).where(and(eq(bulkJobCreatedRecords.jobId, job.id), sql`${bulkJobCreatedRecords.targetId} = any(${sql.param(targetIds)}::text[])`));
          await tx.update(bulkJobs).set({ rolledBack: sql`${bulkJobs.rolledBack} + ${batch.length}`, updatedAt: sql`now()` }).where(eq(bulkJobs.id, job.id));
        });
        heartbeat({ rolledBack: batch.length });
        if (cancelledByTemporal() || Date.now() > deadline) return { state: 'running' };
      }
    },
  };
}
