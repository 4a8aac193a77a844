import { z } from 'zod';
import { RUN_STATUSES } from '../../../db/schema';
import { getTemporalClient } from '../../../temporal/client';
import { cancelRun, retryRun } from '../runs/run-actions';
import { getRun, listRuns, runFilterOptions, RUNS_PAGE_SIZE } from '../runs/run-queries';
import { router, viewerProcedure } from '../trpc/procedures';

const uuid = (what: string) => z.string().uuid({ error: `${what}: not an id.` });

export const runListInput = z
  .object({
    flowId: uuid('flowId').optional(),
    status: z.array(z.enum(RUN_STATUSES)).max(RUN_STATUSES.length).optional(),
    from: z.coerce.date({ error: 'from: not a date.' }).optional(),
    to: z.coerce.date({ error: 'to: not a date.' }).optional(),
    version: z.number().int().min(1).optional(),
    trigger: z.string().max(40).optional(),
    q: z.string().max(200).optional(),
    cursor: z.string().max(400).optional(),
  })
  .default({});

export const runsRouter = router({
  list: viewerProcedure.input(runListInput).query(({ ctx, input }) => listRuns(ctx.db, ctx.workspace.id, { ...input, limit: RUNS_PAGE_SIZE })),
  filterOptions: viewerProcedure.query(({ ctx }) => runFilterOptions(ctx.db, ctx.workspace.id)),
  get: viewerProcedure.input(z.object({ runId: uuid('runId') })).query(({ ctx, input }) => getRun(ctx.db, ctx.workspace.id, input.runId)),
  cancel: viewerProcedure
    .input(z.object({ runId: uuid('runId') }))
    .mutation(({ ctx, input }) => cancelRun(ctx.db, getTemporalClient, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.runId)),
  retry: viewerProcedure
    .input(
      z.object({
        runId: uuid('runId'),
        from: z.literal('start').default('start'),
        onVersion: z.enum(['original', 'latest']).default('original'),
        payload: z.unknown().optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      retryRun(ctx.db, getTemporalClient, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input),
    ),
});
