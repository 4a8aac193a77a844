import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, flows, flowVersions } from '../../../db/schema';
import { emptyFlow, getFlowRow, newWebhookToken, publishFlow, saveDraft, setFlowStatus } from '../flows/flow-service';
import { analystProcedure, router, viewerProcedure } from '../trpc/procedures';

const FlowIdSchema = z.object({ flowId: z.uuid('That is not a flow id.') });
const FlowNameSchema = z.string().trim().min(1, 'Give the flow a name.').max(120, 'Keep the name under 120 characters.');

export const flowsRouter = router({
  list: viewerProcedure.query(({ ctx }) =>
    ctx.db
      .select({ id: flows.id, name: flows.name, status: flows.status, updatedAt: flows.updatedAt })
      .from(flows)
      .where(and(eq(flows.workspaceId, ctx.workspace.id), isNull(flows.archivedAt)))
      .orderBy(desc(flows.updatedAt)),
  ),

  get: viewerProcedure.input(FlowIdSchema).query(async ({ ctx, input }) => {
    const flow = await getFlowRow(ctx.db, ctx.workspace.id, input.flowId);
    const versions = await ctx.db
      .select({ id: flowVersions.id, version: flowVersions.version, note: flowVersions.note, publishedAt: flowVersions.publishedAt })
      .from(flowVersions)
      .where(eq(flowVersions.flowId, flow.id))
      .orderBy(asc(flowVersions.version));
    const { webhookToken, ...rest } = flow;
    // Only analysts and admins may see the webhook's secret path.
    return { ...rest, webhookPath: ctx.workspace.role === 'viewer' ? null : `/api/hooks/${webhookToken}`, versions };
  }),

  create: analystProcedure.input(z.object({ name: FlowNameSchema })).mutation(async ({ ctx, input }) => {
    return ctx.db.transaction(async (tx) => {
      const id = crypto.randomUUID();
      await tx.insert(flows).values({
        id,
        workspaceId: ctx.workspace.id,
        name: input.name,
        draft: emptyFlow(id, input.name),
        webhookToken: newWebhookToken(),
        createdBy: ctx.user.id,
        updatedBy: ctx.user.id,
      });
      await tx.insert(auditLog).values({
        workspaceId: ctx.workspace.id,
        actorUserId: ctx.user.id,
        action: 'flow.created',
        targetType: 'flow',
        targetId: id,
        details: { name: input.name },
      });
      return { id };
    });
  }),

  saveDraft: analystProcedure
    .input(FlowIdSchema.extend({ draft: z.unknown(), baseRevision: z.number().int().min(1) }))
    .mutation(({ ctx, input }) => saveDraft(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),

  publish: analystProcedure
    .input(FlowIdSchema.extend({ note: z.string().max(500).default('') }))
    .mutation(({ ctx, input }) => publishFlow(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),

  setStatus: analystProcedure
    .input(FlowIdSchema.extend({ status: z.enum(['active', 'paused', 'draft']) }))
    .mutation(({ ctx, input }) => setFlowStatus(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),
});
