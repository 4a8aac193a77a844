import { z } from 'zod';
import { FlowItemDataSchema, RetentionSchema, getFlowItemData, getRetention, setFlowItemData, setRetention } from '../../../domain/retention/retention-settings';
import { adminProcedure, analystProcedure, router, viewerProcedure } from '../trpc/procedures';

/** How long run data is kept (admins decide) and which flows keep no item data at all (analysts decide, per flow). */
export const retentionRouter = router({
  get: viewerProcedure.query(({ ctx }) => getRetention(ctx.db, ctx.workspace.id)),
  set: adminProcedure.input(RetentionSchema).mutation(({ ctx, input }) => setRetention(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),
  flowItemData: viewerProcedure
    .input(z.object({ flowId: z.uuid({ error: 'flowId: not a flow id.' }) }))
    .query(({ ctx, input }) => getFlowItemData(ctx.db, ctx.workspace.id, input.flowId)),
  setFlowItemData: analystProcedure
    .input(FlowItemDataSchema)
    .mutation(({ ctx, input }) => setFlowItemData(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),
});
