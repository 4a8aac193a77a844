import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { memberships, type Role } from '../../../db/schema';
import { toTrpcError } from './error-codes';
import type { WorkspaceScope } from './context';
import { t } from './init';

const ROLE_RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2 };

/** Maps domain errors (NotFoundError, ForbiddenError, ...) to tRPC codes for every procedure. */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTrpcError(result.error);
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapDomainErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/**
 * The one place that enforces workspace scoping and roles. A procedure built
 * from `workspaceProcedure('analyst')` only runs for members of the requested
 * workspace whose role is analyst or admin, and gets `ctx.workspace` to scope
 * every query with.
 */
export function workspaceProcedure(minimumRole: Role) {
  return authedProcedure.meta({ minimumRole }).use(async ({ ctx, next }) => {
    const workspace = await resolveWorkspace(ctx.db, ctx.user.id, ctx.requestedWorkspaceId);
    if (!workspace) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this workspace.' });
    }
    if (ROLE_RANK[workspace.role] < ROLE_RANK[minimumRole]) {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `This needs the ${minimumRole} role; you are ${workspace.role === 'admin' ? 'an' : 'a'} ${workspace.role} in this workspace.`,
      });
    }
    return next({ ctx: { ...ctx, workspace } });
  });
}

async function resolveWorkspace(
  db: Db,
  userId: string,
  requested: string | null,
): Promise<WorkspaceScope | null> {
  if (requested && !isUuid(requested)) return null;
  const byUser = eq(memberships.userId, userId);
  const rows = await db
    .select({ id: memberships.workspaceId, role: memberships.role })
    .from(memberships)
    .where(requested ? and(byUser, eq(memberships.workspaceId, requested)) : byUser)
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  return rows[0] ?? null;
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export const viewerProcedure = workspaceProcedure('viewer');
export const analystProcedure = workspaceProcedure('analyst');
export const adminProcedure = workspaceProcedure('admin');
