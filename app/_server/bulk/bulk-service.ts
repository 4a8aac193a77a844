/**
 * Bulk jobs from the web app's side: start a load (checked: both connections in the workspace, a
 * supported direction, no other unfinished load into the same target), pause / resume / cancel it,
 * list them with their progress, roll one back (dry-run count first, then the confirmed count), and
 * a full re-sync of the workspace (a load for each active flow's object pair). Every change is
 * audited; the work itself runs in the worker (temporal/workflows/bulk-load.ts).
 */
import type { Client } from '@temporalio/client';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../../db/client';
import { auditLog, bulkJobCreatedRecords, bulkJobs, connections, flows, flowVersions, type BulkJobStatus } from '../../../db/schema';
import { BULK_OBJECTS, bulkLoadWorkflowId, bulkRollbackWorkflowId, isBulkObjectKey, type BulkJobInput, type BulkObjectKey } from '../../../domain/bulk/bulk-objects';
import { startWorkflow } from '../../../temporal/api/start-workflow';
import { isConnectorKind, isMysqlKind, isPostgresKind, isRestKind } from '../../../domain/connections/kinds';
import { specLabel, specProblems, type BulkSpec } from '../../../domain/bulk/bulk-spec';
import { loadOfFlow } from '../../../domain/bulk/flow-spec';
import { ConflictError, InvalidInputError, NotFoundError } from '../../../domain/platform/errors';

const START_DEADLINE_MS = 5000;
const UNFINISHED: BulkJobStatus[] = ['running', 'paused', 'rolling-back'];

export interface Actor {
  workspaceId: string;
  userId: string;
}

type Temporal = () => Promise<Client>;

export interface StartLoadInput {
  /** A built-in pair (bulk-objects.ts); ignored when `spec` is given. */
  object?: string;
  /** Any object pair of any two connections that hold records. */
  spec?: BulkSpec;
  sourceConnectionId: string;
  targetConnectionId: string;
}

type ConnectionKind = typeof connections.$inferSelect.kind;
/** Kinds whose records a load can read and write: REST APIs, PostgreSQL, MySQL and declared systems. */
const holdsRecords = (kind: ConnectionKind) => isRestKind(kind) || isPostgresKind(kind) || isMysqlKind(kind) || isConnectorKind(kind);

async function audit(db: Db, actor: Actor, action: string, jobId: string, details: Record<string, unknown>) {
  await db.insert(auditLog).values({ workspaceId: actor.workspaceId, actorUserId: actor.userId, action, targetType: 'bulk_job', targetId: jobId, details });
}

async function loadJob(db: Db, workspaceId: string, jobId: string) {
  const [job] = await db.select().from(bulkJobs).where(and(eq(bulkJobs.workspaceId, workspaceId), eq(bulkJobs.id, jobId)));
  if (!job) throw new NotFoundError('This bulk job');
  return job;
}

async function startJobWorkflow(temporal: Temporal, workflow: 'bulkLoadWorkflow' | 'bulkRollbackWorkflow', workflowId: string, input: BulkJobInput) {
  const client = await temporal();
  await client.connection.withDeadline(Date.now() + START_DEADLINE_MS, () =>
    // A resumed load starts again under its id. ALLOW_DUPLICATE: once the paused run has ended;
    // TERMINATE_EXISTING: the paused run may still be closing (its last slice has returned and the
    // checkpoint is in the job's row, so there is nothing left in it to lose).
    startWorkflow(client, workflow, {
      workflowId,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'TERMINATE_EXISTING',
      args: [input],
    }),
  );
}

/** Starts the job's workflow; if Temporal cannot be reached the job is marked failed with the reason. */
async function launch(db: Db, temporal: Temporal, jobId: string, workflow: 'bulkLoadWorkflow' | 'bulkRollbackWorkflow', workflowId: string) {
  try {
    await startJobWorkflow(temporal, workflow, workflowId, { jobId });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.update(bulkJobs).set({ status: 'failed', error: `Could not be started: ${message}`, finishedAt: sql`now()` }).where(eq(bulkJobs.id, jobId));
    throw new ConflictError(`The bulk job could not be started (${message}). Try again in a moment.`);
  }
}

/** Checks the pair and inserts the job (status running). */
async function createJob(db: Db, actor: Actor, input: StartLoadInput, reason: 'load' | 'resync') {
  const { spec } = input;
  if (spec) {
    const problems = specProblems(spec);
    if (problems.length > 0) throw new InvalidInputError(problems.join(' '));
  } else if (!input.object || !isBulkObjectKey(input.object)) throw new InvalidInputError(`object: choose one of ${Object.keys(BULK_OBJECTS).join(', ')}, or choose the objects and fields.`);
  const object = spec ? specLabel(spec) : input.object!;
  if (input.sourceConnectionId === input.targetConnectionId) throw new InvalidInputError('targetConnectionId: choose a different connection than the source.');
  const rows = await db
    .select({ id: connections.id, name: connections.name, kind: connections.kind, identity: connections.integrationIdentity })
    .from(connections)
    .where(and(eq(connections.workspaceId, actor.workspaceId), inArray(connections.id, [input.sourceConnectionId, input.targetConnectionId])));
  const source = rows.find((r) => r.id === input.sourceConnectionId);
  const target = rows.find((r) => r.id === input.targetConnectionId);
  if (!source) throw new InvalidInputError('sourceConnectionId: no such connection in this workspace.');
  if (!target) throw new InvalidInputError('targetConnectionId: no such connection in this workspace.');
  if (spec) {
    if (!holdsRecords(source.kind)) throw new InvalidInputError(`sourceConnectionId: “${source.name}” is a ${source.kind} connection; it has no records to load.`);
    if (!holdsRecords(target.kind)) throw new InvalidInputError(`targetConnectionId: “${target.name}” is a ${target.kind} connection; records cannot be written to it.`);
    // A declared system names its own id and modified-at fields; a table or REST API needs them to page in order.
    if (!isConnectorKind(source.kind) && (!spec.sourceIdField || !spec.sourceModifiedField)) {
      throw new InvalidInputError(`sourceModifiedField: choose the id and modified-at fields of ${spec.sourceObject} in “${source.name}” (they order the pages).`);
    }
  } else {
    if (!isRestKind(source.kind)) throw new InvalidInputError(`sourceConnectionId: “${source.name}” is a ${source.kind} connection; loads read from a REST API (such as the demo CRM).`);
    if (!isPostgresKind(target.kind)) throw new InvalidInputError(`targetConnectionId: “${target.name}” is a ${target.kind} connection; loads write into a PostgreSQL database (such as the demo helpdesk).`);
  }
  // Databases are stamped with the identity (loop prevention); declared systems record who wrote themselves.
  if ((isPostgresKind(target.kind) || isMysqlKind(target.kind)) && !target.identity.trim()) throw new InvalidInputError(`targetConnectionId: “${target.name}” has no integration identity; set one so the sync flows do not echo what the load writes.`);
  const [busy] = await db
    .select({ id: bulkJobs.id })
    .from(bulkJobs)
    .where(and(eq(bulkJobs.workspaceId, actor.workspaceId), eq(bulkJobs.targetConnectionId, target.id), eq(bulkJobs.object, object), inArray(bulkJobs.status, UNFINISHED)));
  if (busy) throw new ConflictError(`Another load of ${object} into “${target.name}” is not finished yet: wait for it, or cancel it.`);
  const id = crypto.randomUUID();
  const [job] = await db
    .insert(bulkJobs)
    .values({ id, workspaceId: actor.workspaceId, object, spec: spec ?? null, sourceConnectionId: source.id, targetConnectionId: target.id, reason, workflowId: bulkLoadWorkflowId(id), startedBy: actor.userId })
    .returning();
  await audit(db, actor, 'bulk.start', id, { object, reason, source: source.name, target: target.name });
  return job!;
}

export async function startLoad(db: Db, temporal: Temporal, actor: Actor, input: StartLoadInput) {
  const job = await createJob(db, actor, input, 'load');
  await launch(db, temporal, job.id, 'bulkLoadWorkflow', job.workflowId);
  return { jobId: job.id };
}

export async function pauseLoad(db: Db, actor: Actor, jobId: string) {
  const job = await loadJob(db, actor.workspaceId, jobId);
  if (job.status !== 'running') throw new ConflictError(`Only a running load can be paused; this one is ${job.status}.`);
  await db.update(bulkJobs).set({ control: 'pause' }).where(and(eq(bulkJobs.id, job.id), eq(bulkJobs.status, 'running')));
  await audit(db, actor, 'bulk.pause', job.id, { processed: job.processed });
  return { jobId, requested: 'pause' as const };
}

export async function resumeLoad(db: Db, temporal: Temporal, actor: Actor, jobId: string) {
  const job = await loadJob(db, actor.workspaceId, jobId);
  const [resumed] = await db
    .update(bulkJobs)
    .set({ status: 'running', control: null, updatedAt: sql`now()` })
    .where(and(eq(bulkJobs.id, job.id), eq(bulkJobs.status, 'paused')))
    .returning({ id: bulkJobs.id });
  if (!resumed) throw new ConflictError(`Only a paused load can be resumed; this one is ${job.status}.`);
  await audit(db, actor, 'bulk.resume', job.id, { processed: job.processed });
  await launch(db, temporal, job.id, 'bulkLoadWorkflow', job.workflowId);
  return { jobId };
}

export async function cancelLoad(db: Db, actor: Actor, jobId: string) {
  const job = await loadJob(db, actor.workspaceId, jobId);
  // A paused load has no workflow running: it is cancelled here. A running one stops after its current page.
  const [paused] = await db
    .update(bulkJobs)
    .set({ status: 'cancelled', control: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(bulkJobs.id, job.id), eq(bulkJobs.status, 'paused')))
    .returning({ id: bulkJobs.id });
  if (!paused) {
    const [running] = await db.update(bulkJobs).set({ control: 'cancel' }).where(and(eq(bulkJobs.id, job.id), eq(bulkJobs.status, 'running'))).returning({ id: bulkJobs.id });
    if (!running) throw new ConflictError(`This load has already finished (${job.status}); there is nothing to cancel.`);
  }
  await audit(db, actor, 'bulk.cancel', job.id, { processed: job.processed, wasPaused: Boolean(paused) });
  return { jobId };
}

/** Dry run of a roll-back: how many target records it would delete (those the job created). */
export async function rollbackPreview(db: Db, workspaceId: string, jobId: string) {
  const job = await loadJob(db, workspaceId, jobId);
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(bulkJobCreatedRecords).where(eq(bulkJobCreatedRecords.jobId, job.id));
  const [target] = await db.select({ name: connections.name }).from(connections).where(eq(connections.id, job.targetConnectionId));
  return { jobId, status: job.status, toDelete: row?.n ?? 0, targetName: target?.name ?? '(retired connection)', untouched: job.matched + job.updated };
}

export async function rollback(db: Db, temporal: Temporal, actor: Actor, input: { jobId: string; confirmCount: number }) {
  const preview = await rollbackPreview(db, actor.workspaceId, input.jobId);
  if (UNFINISHED.includes(preview.status)) throw new ConflictError(`This job is ${preview.status}: cancel it (or let it finish) before rolling it back.`);
  if (preview.status === 'rolled-back') throw new ConflictError('This job has already been rolled back.');
  if (preview.toDelete !== input.confirmCount) {
    throw new ConflictError(`The roll-back would now delete ${preview.toDelete} records, not the ${input.confirmCount} you confirmed: look at the count again.`);
  }
  await db.update(bulkJobs).set({ status: 'rolling-back', error: null, finishedAt: null, updatedAt: sql`now()` }).where(eq(bulkJobs.id, input.jobId));
  await audit(db, actor, 'bulk.rollback', input.jobId, { toDelete: preview.toDelete, target: preview.targetName });
  await launch(db, temporal, input.jobId, 'bulkRollbackWorkflow', bulkRollbackWorkflowId(input.jobId));
  return { jobId: input.jobId, toDelete: preview.toDelete };
}

type GraphNode = { type?: string; config?: Record<string, { kind?: string; value?: unknown } | undefined> };

/** The (source, target) connections of a flow: what it looks up or polls, and what it upserts into. */
function pairOf(graph: unknown): { sourceConnectionId: string; targetConnectionId: string } | null {
  const nodes = ((graph as { nodes?: GraphNode[] } | null)?.nodes ?? []) as GraphNode[];
  const literal = (node: GraphNode | undefined) => {
    const value = node?.config?.connectionId;
    return value?.kind === 'literal' && typeof value.value === 'string' && value.value ? value.value : null;
  };
  const source = literal(nodes.find((n) => n.type === 'sync.lookup-external-id')) ?? literal(nodes.find((n) => n.type === 'core.poll-trigger'));
  const target = literal(nodes.find((n) => n.type === 'sync.upsert-record'));
  return source && target && source !== target ? { sourceConnectionId: source, targetConnectionId: target } : null;
}

/**
 * Full re-sync: a load for the object pair of each active flow (its source and target connections),
 * once per pair: the built-in pair where it applies, else the flow's own objects and field map
 * (domain/bulk/flow-spec.ts). Flows whose pair a load cannot move are reported, not failed.
 */
export async function resyncWorkspace(db: Db, temporal: Temporal, actor: Actor) {
  const active = await db
    .select({ name: flows.name, graph: flowVersions.graph })
    .from(flows)
    .innerJoin(flowVersions, eq(flowVersions.id, flows.activeVersionId))
    .where(and(eq(flows.workspaceId, actor.workspaceId), eq(flows.status, 'active')));
  const started: { jobId: string; flow: string }[] = [];
  const skipped: { flow: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const flow of active) {
    const pair = pairOf(flow.graph);
    const derived = loadOfFlow(flow.graph);
    const candidates: StartLoadInput[] = [...(pair ? [{ object: 'contacts' satisfies BulkObjectKey, ...pair }] : []), ...('spec' in derived ? [derived] : [])];
    if (candidates.length === 0) {
      skipped.push({ flow: flow.name, reason: 'problem' in derived ? derived.problem : 'it does not read from one connection and write into another' });
      continue;
    }
    const key = `${candidates[0]!.sourceConnectionId}>${candidates[0]!.targetConnectionId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let reason = '';
    for (const input of candidates) {
      try {
        const job = await createJob(db, actor, input, 'resync');
        await launch(db, temporal, job.id, 'bulkLoadWorkflow', job.workflowId);
        started.push({ jobId: job.id, flow: flow.name });
        reason = '';
        break;
      } catch (error) {
        if (!(error instanceof InvalidInputError || error instanceof ConflictError)) throw error;
        reason = error.message;
        if (error instanceof ConflictError) break; // a load of this pair is already under way
      }
    }
    if (reason) skipped.push({ flow: flow.name, reason });
  }
  await audit(db, actor, 'bulk.resync', actor.workspaceId, { started: started.length, skipped: skipped.length });
  return { started, skipped };
}

/** The workspace's bulk jobs, newest first, with connection names and progress figures. */
export async function listJobs(db: Db, workspaceId: string, limit = 50) {
  const source = alias(connections, 'source');
  const target = alias(connections, 'target');
  const rows = await db
    .select({ job: bulkJobs, sourceName: source.name, targetName: target.name })
    .from(bulkJobs)
    .leftJoin(source, eq(source.id, bulkJobs.sourceConnectionId))
    .leftJoin(target, eq(target.id, bulkJobs.targetConnectionId))
    .where(eq(bulkJobs.workspaceId, workspaceId))
    .orderBy(desc(bulkJobs.startedAt))
    .limit(limit);
  return rows.map(({ job, sourceName, targetName }) => {
    const recordsPerSecond = job.activeMs > 0 ? (job.processed * 1000) / job.activeMs : null;
    const remaining = job.total === null ? null : Math.max(0, job.total - job.processed);
    return {
      id: job.id,
      object: job.object,
      reason: job.reason,
      status: job.status,
      control: job.control,
      sourceName: sourceName ?? '(retired connection)',
      targetName: targetName ?? '(retired connection)',
      total: job.total,
      processed: job.processed,
      created: job.created,
      updated: job.updated,
      matched: job.matched,
      skipped: job.skipped,
      matchBy: job.spec?.matchBy ?? (isBulkObjectKey(job.object) ? BULK_OBJECTS[job.object].naturalKey : 'natural key'),
      rolledBack: job.rolledBack,
      recordsPerSecond,
      etaSeconds: job.status === 'running' && remaining !== null && recordsPerSecond ? remaining / recordsPerSecond : null,
      error: job.error,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
    };
  });
}

/** What the start form offers: the built-in pairs with their connections, and every connection that holds records. */
export async function loadOptions(db: Db, workspaceId: string) {
  const rows = await db
    .select({ id: connections.id, name: connections.name, kind: connections.kind })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId))
    .orderBy(connections.name);
  return {
    objects: Object.entries(BULK_OBJECTS).map(([key, object]) => ({ key, label: object.label })),
    sources: rows.filter((r) => isRestKind(r.kind)),
    targets: rows.filter((r) => isPostgresKind(r.kind)),
    /** Any of these, for a load of objects chosen by hand (`spec`). */
    connections: rows.filter((r) => holdsRecords(r.kind)),
  };
}
