import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog, memberships, workspaces } from '../../../db/schema';
import { NotFoundError } from '../../../domain/platform/errors';
import { authedProcedure, router, viewerProcedure } from '../trpc/procedures';
import { createDefaultAlertRules } from '../../../domain/alerts/default-rules';

export const WorkspaceNameSchema = z.string().trim().min(1, 'Give the workspace a name.').max(80, 'Keep the name under 80 characters.');

export const workspacesRouter = router({
  /** The caller's workspaces with their role in each, oldest first. */
  mine: authedProcedure.query(async ({ ctx }) => {
    return ctx.db
      .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
      .from(memberships)
      .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
      .where(eq(memberships.userId, ctx.user.id))
      .orderBy(asc(memberships.createdAt));
  }),

  current: viewerProcedure.query(async ({ ctx }) => {
    const [row] = await ctx.db
      .select({ id: workspaces.id, name: workspaces.name })
      .from(workspaces)
      .where(eq(workspaces.id, ctx.workspace.id));
    if (!row) throw new NotFoundError('The workspace');
    return { ...row, role: ctx.workspace.role };
  }),

  /** Any signed-in user may create a workspace; they become its admin. */
  create: authedProcedure.input(z.object({ name: WorkspaceNameSchema })).mutation(async ({ ctx, input }) => {
    const workspace = await ctx.db.transaction(async (tx) => {
      const [created] = await tx.insert(workspaces).values({ name: input.name }).returning();
      if (!created) throw new Error('workspace insert returned no row');
      await tx.insert(memberships).values({ workspaceId: created.id, userId: ctx.user.id, role: 'admin' });
      await createDefaultAlertRules(tx, { workspaceId: created.id, userId: ctx.user.id });
      await tx.insert(auditLog).values({
        workspaceId: created.id,
        actorUserId: ctx.user.id,
        action: 'workspace.created',
        targetType: 'workspace',
        targetId: created.id,
        details: { name: created.name },
      });
      return created;
    });
    ctx.rememberWorkspace(workspace.id);
    return { id: workspace.id, name: workspace.name, role: 'admin' as const };
  }),

  switch: authedProcedure.input(z.object({ workspaceId: z.uuid() })).mutation(async ({ ctx, input }) => {
    const [membership] = await ctx.db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, ctx.user.id), eq(memberships.workspaceId, input.workspaceId)));
    if (!membership) throw new NotFoundError('That workspace');
    ctx.rememberWorkspace(input.workspaceId);
    return { id: input.workspaceId, role: membership.role };
  }),
});
