import { and, asc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../db/client';
import { auditLog, memberships, ROLES, users } from '../../../db/schema';
import { inviteMember, listWorkspaceInvitations, revokeInvitation } from '../members/invitations';
import { ConflictError, NotFoundError } from '../../../domain/platform/errors';
import { adminProcedure, router, viewerProcedure } from '../trpc/procedures';

const RoleSchema = z.enum(ROLES);

export const InviteMemberSchema = z.object({
  email: z.email('Enter a valid email address.').transform((e) => e.toLowerCase()),
  role: RoleSchema,
});

export const membersRouter = router({
  list: viewerProcedure.query(({ ctx }) =>
    ctx.db
      .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, since: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.workspaceId, ctx.workspace.id))
      .orderBy(asc(memberships.createdAt)),
  ),

  /**
   * Invites an e-mail address with a role. The answer is the same whether the address has an account
   * or not; the invitee becomes a member only by accepting (in the app once signed in with that
   * address, or through the link returned here, shown to the admin once).
   */
  invite: adminProcedure
    .input(InviteMemberSchema)
    .mutation(({ ctx, input }) => inviteMember(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input)),

  /** Open invitations of this workspace. */
  invitations: adminProcedure.query(({ ctx }) => listWorkspaceInvitations(ctx.db, ctx.workspace.id)),

  revokeInvitation: adminProcedure
    .input(z.object({ invitationId: z.uuid('That is not an invitation id.') }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, { workspaceId: ctx.workspace.id, userId: ctx.user.id }, input.invitationId)),

  changeRole: adminProcedure
    .input(z.object({ userId: z.string().min(1), role: RoleSchema }))
    .mutation(async ({ ctx, input }) => {
      await ctx.db.transaction(async (tx) => {
        if (input.role !== 'admin') await assertAnotherAdmin(tx, ctx.workspace.id, input.userId);
        const updated = await tx
          .update(memberships)
          .set({ role: input.role })
          .where(and(eq(memberships.workspaceId, ctx.workspace.id), eq(memberships.userId, input.userId)))
          .returning();
        if (updated.length === 0) throw new NotFoundError('That member');
        await tx.insert(auditLog).values({
          workspaceId: ctx.workspace.id,
          actorUserId: ctx.user.id,
          action: 'member.role-changed',
          targetType: 'user',
          targetId: input.userId,
          details: { role: input.role },
        });
      });
      return { userId: input.userId, role: input.role };
    }),

  remove: adminProcedure.input(z.object({ userId: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    await ctx.db.transaction(async (tx) => {
      await assertAnotherAdmin(tx, ctx.workspace.id, input.userId);
      const deleted = await tx
        .delete(memberships)
        .where(and(eq(memberships.workspaceId, ctx.workspace.id), eq(memberships.userId, input.userId)))
        .returning();
      if (deleted.length === 0) throw new NotFoundError('That member');
      await tx.insert(auditLog).values({
        workspaceId: ctx.workspace.id,
        actorUserId: ctx.user.id,
        action: 'member.removed',
        targetType: 'user',
        targetId: input.userId,
        details: {},
      });
    });
    return { userId: input.userId };
  }),
});

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** A workspace must always keep at least one admin, or nobody could manage it. */
async function assertAnotherAdmin(tx: Tx, workspaceId: string, userId: string): Promise<void> {
  const others = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.role, 'admin'), ne(memberships.userId, userId)))
    .limit(1)
    .for('update');
  if (others.length === 0) throw new ConflictError('A workspace needs at least one admin: make someone else admin first.');
}
