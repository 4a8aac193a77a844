import { and, asc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../../db/client';
import { auditLog, memberships, ROLES, users } from '../../../db/schema';
import { getAuth } from '../auth';
import { ConflictError, NotFoundError } from '../../../domain/platform/errors';
import { adminProcedure, router, viewerProcedure } from '../trpc/procedures';

const RoleSchema = z.enum(ROLES);

export const AddMemberSchema = z.object({
  email: z.email('Enter a valid email address.').transform((e) => e.toLowerCase()),
  name: z.string().trim().min(1, 'Enter the person’s name.').max(120),
  role: RoleSchema,
  /** Needed only when the person has no Syncline account yet; they can change it after signing in. */
  initialPassword: z.string().min(8, 'The initial password needs at least 8 characters.').max(128).optional(),
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

  /** Adds an existing user, or creates the account (admin-created users) and adds it. */
  add: adminProcedure.input(AddMemberSchema).mutation(async ({ ctx, input }) => {
    let [user] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (!user) {
      if (!input.initialPassword) {
        throw new ConflictError(`${input.email} has no Syncline account yet: set an initial password to create one.`);
      }
      user = await createPasswordUser(input.email, input.name, input.initialPassword);
    }
    const userId = user.id;
    await ctx.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(memberships)
        .values({ workspaceId: ctx.workspace.id, userId, role: input.role })
        .onConflictDoNothing()
        .returning();
      if (inserted.length === 0) throw new ConflictError(`${input.email} is already a member of this workspace.`);
      await tx.insert(auditLog).values({
        workspaceId: ctx.workspace.id,
        actorUserId: ctx.user.id,
        action: 'member.added',
        targetType: 'user',
        targetId: userId,
        details: { email: input.email, role: input.role },
      });
    });
    return { userId, role: input.role };
  }),

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

/** Creates an email + password account through better-auth's own adapter and hashing. */
async function createPasswordUser(email: string, name: string, password: string): Promise<{ id: string }> {
  const context = await getAuth().$context;
  const user = await context.internalAdapter.createUser({ email, name, emailVerified: false }, { method: 'email-password' });
  await context.internalAdapter.linkAccount({
    userId: user.id,
    providerId: 'credential',
    accountId: user.id,
    password: await context.password.hash(password),
  });
  return { id: user.id };
}
