import { z } from 'zod';
import { RUN_OUTCOMES, RUN_STATUSES } from '../../../db/schema';
import { getTemporalClient } from '../../../temporal/api/client';
import { bulkRetry, countBulkRetry } from '../runs/bulk-retry';
import { searchRecordLineage } from '../runs/record-lineage';
import { cancelRun, retryRun, retryRunNow } from '../runs/run-actions';
import { getRun, listRuns, runFilterOptions, RUNS_PAGE_SIZE } from '../runs/run-queries';
import { router, viewerProcedure } from '../trpc/procedures';

const uuid = (what: string) => z.string().uuid({ error: `${what}: not an id.` });

const runFilterFields = {
  flowId: uuid('flowId').optional(),
  status: z.array(z.enum(RUN_STATUSES)).max(RUN_STATUSES.length).optional(),
  from: z.coerce.date({ error: 'from: not a date.' }).optional(),
  to: z.coerce.date({ error: 'to: not a date.' }).optional(),
  version: z.number().int().min(1).optional(),
  trigger: z.string().max(40).optional(),
  outcome: z.array(z.enum(RUN_OUTCOMES)).max(RUN_OUTCOMES.length).optional(),
  failedStep: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
};

export const runListInput = z
  .object({ ...runFilterFields, cursor: z.string().max(400).optional() })
  .default({});

/** The run list's filters, for actions on every run they match. */
const runFilterInput = z.object(runFilterFields).default({});

export const runsRouter = router({
  list: viewerProcedure.input(runListInput).query(({ ctx, input }) => listRuns(ctx.db, ctx.workspace.id, { ...input, limit: RUNS_PAGE_SIZE })),
  filterOptions: viewerProcedure
    .input(z.object({ flowId: uuid('flowId').optional() }).default({}))
    .query(({ ctx, input }) => runFilterOptions(ctx.db, ctx.workspace.id, input.flowId)),
  get: viewerProcedure.input(z.object({ runId: uuid('runId') })).query(({ ctx, input }) => getRun(ctx.db, ctx.workspace.id, input.runId)),
  /** A run waiting between attempts of a failing step: stop waiting and retry that step now. */
  retryNow: viewerProcedure
    .input(z.object({ runId: uuid('runId') }))
    .mutation(({ ctx, input }) => retryRunNow(ctx.db, getTemporalClient, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.runId)),
  cancel: viewerProcedure
    .input(z.object({ runId: uuid('runId') }))
    .mutation(({ ctx, input }) => cancelRun(ctx.db, getTemporalClient, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.runId)),
  retry: viewerProcedure
    .input(
      z.object({
        runId: uuid('runId'),
        from: z.enum(['start', 'failed-step']).default('start'),
        onVersion: z.enum(['original', 'latest']).default('original'),
        payload: z.json({ error: 'payload: expected a JSON value.' }).optional(),
      }),
    )
    .mutation(({ ctx, input }) => retryRun(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),
  /** Step one of a bulk retry: how many failed runs the filters match (and whether the cap applies). */
  bulkRetryCount: viewerProcedure.input(runFilterInput).query(({ ctx, input }) => countBulkRetry(ctx.db, ctx.workspace.id, input)),
  /** Step two: retries them, if the count is still the one confirmed. */
  bulkRetry: viewerProcedure
    .input(z.object({ filter: runFilterInput, confirmedCount: z.number().int().min(0), onVersion: z.enum(['original', 'latest']).default('original') }))
    .mutation(({ ctx, input }) => bulkRetry(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.filter, input.confirmedCount, input.onVersion)),
  /** Every run that read or wrote a record, by its id in any system. */
  lineage: viewerProcedure
    .input(z.object({ recordId: z.string().trim().min(1, { error: 'recordId: enter an id.' }).max(400) }))
    .query(({ ctx, input }) => searchRecordLineage(ctx.db, ctx.workspace.id, input.recordId)),
});
