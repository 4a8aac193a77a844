import { z } from 'zod';
import { listRejectedDeliveries } from '../../../domain/inbox/rejected-deliveries';
import { getPollCursor, resetPollCursor } from '../flows/poll-cursor';
import { sampleCaptureStatus, startSampleCapture, stopSampleCapture } from '../flows/sample-capture';
import { adminProcedure, analystProcedure, router, viewerProcedure } from '../trpc/procedures';

const FlowIdSchema = z.object({ flowId: z.uuid('That is not a flow id.') });

export const triggersRouter = router({
  /** Where the flow's poll trigger stands: the last modified-at read and how many ids were seen at it. */
  pollCursor: viewerProcedure.input(FlowIdSchema).query(({ ctx, input }) => getPollCursor(ctx.db, ctx.workspace.id, input.flowId)),

  /** Webhook deliveries the intake refused for this flow, newest first: reason, status and time (never the body). */
  rejectedDeliveries: viewerProcedure
    .input(FlowIdSchema)
    .query(({ ctx, input }) => listRejectedDeliveries(ctx.db, { workspaceId: ctx.workspace.id, flowId: input.flowId })),

  /** "Capture a live sample": the next delivery to the flow's webhook URL becomes the editor's sample. */
  captureSample: analystProcedure.input(FlowIdSchema).mutation(({ ctx, input }) => startSampleCapture(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.flowId)),
  /** Where the capture stands; a captured sample is handed over once. */
  captureStatus: analystProcedure.input(FlowIdSchema).query(({ ctx, input }) => sampleCaptureStatus(ctx.db, ctx.workspace.id, input.flowId)),
  cancelCapture: analystProcedure.input(FlowIdSchema).mutation(({ ctx, input }) => stopSampleCapture(ctx.db, ctx.workspace.id, input.flowId)),

  /** Reset (since: null) or back-date the poll cursor: the next poll re-reads everything modified since then. */
  resetPollCursor: adminProcedure
    .input(FlowIdSchema.extend({ since: z.iso.datetime({ offset: true, error: 'since: an ISO date and time.' }).nullable() }))
    .mutation(({ ctx, input }) => resetPollCursor(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),
});
