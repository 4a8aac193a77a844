import { z } from 'zod';
import { getTemporalClient } from '../../../temporal/api/client';
import { cancelLoad, listJobs, loadOptions, pauseLoad, resumeLoad, resyncWorkspace, rollback, rollbackPreview, startLoad } from '../bulk/bulk-service';
import { analystProcedure, router, viewerProcedure } from '../trpc/procedures';

const uuid = (what: string) => z.uuid({ error: `${what}: not an id.` });
const name = (what: string) => z.string().trim().max(200, `${what}: too long.`);
/** Any object pair: checked further (mapped fields, match-by) by domain/bulk/bulk-spec.ts. */
const BulkSpecInput = z.object({
  sourceObject: name('sourceObject'),
  sourceIdField: name('sourceIdField'),
  sourceModifiedField: name('sourceModifiedField'),
  targetObject: name('targetObject'),
  fields: z.array(z.object({ target: name('fields.target'), source: name('fields.source') })).max(500, 'fields: at most 500.'),
  matchBy: name('matchBy'),
});
const JobId = z.object({ jobId: uuid('jobId') });

export const bulkRouter = router({
  options: viewerProcedure.query(({ ctx }) => loadOptions(ctx.db, ctx.workspace.id)),
  list: viewerProcedure.query(({ ctx }) => listJobs(ctx.db, ctx.workspace.id)),
  start: analystProcedure
    .input(
      z.object({
        object: z.string().min(1, 'object: choose what to load.').max(100).optional(),
        spec: BulkSpecInput.optional(),
        sourceConnectionId: uuid('sourceConnectionId'),
        targetConnectionId: uuid('targetConnectionId'),
      }),
    )
    .mutation(({ ctx, input }) => startLoad(ctx.db, getTemporalClient, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),
  pause: analystProcedure.input(JobId).mutation(({ ctx, input }) => pauseLoad(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.jobId)),
  resume: analystProcedure.input(JobId).mutation(({ ctx, input }) => resumeLoad(ctx.db, getTemporalClient, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.jobId)),
  cancel: analystProcedure.input(JobId).mutation(({ ctx, input }) => cancelLoad(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.jobId)),
  rollbackPreview: viewerProcedure.input(JobId).query(({ ctx, input }) => rollbackPreview(ctx.db, ctx.workspace.id, input.jobId)),
  rollback: analystProcedure
    .input(JobId.extend({ confirmCount: z.number().int().min(0, 'confirmCount: the number of records the preview showed.') }))
    .mutation(({ ctx, input }) => rollback(ctx.db, getTemporalClient, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),
  resync: analystProcedure.mutation(({ ctx }) => resyncWorkspace(ctx.db, getTemporalClient, { workspaceId: ctx.workspace.id, userId: ctx.user.id })),
});
