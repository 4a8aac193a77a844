/** The audit log for admins: who did what to which connection, mapping or member, newest first. */
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { auditLog, users } from '../../../db/schema';

export async function listAudit(db: Db, workspaceId: string, query: { targetType?: string; before?: Date; limit: number }) {
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      details: auditLog.details,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(
      and(
        eq(auditLog.workspaceId, workspaceId),
        query.targetType ? eq(auditLog.targetType, query.targetType) : undefined,
        query.before ? lt(auditLog.at, query.before) : undefined,
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(query.limit + 1);
  return { entries: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
}
