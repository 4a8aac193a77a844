/** The bell: in-app alert notifications of a workspace, with read state per user. */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { alertNotificationReads, alertNotifications } from '../../db/schema';

export async function listNotifications(db: Db, workspaceId: string, userId: string, limit = 20) {
  const readByMe = sql<boolean>`exists (select 1 from ${alertNotificationReads} r where r.notification_id = ${alertNotifications.id} and r.user_id = ${userId})`;
  const [items, [count]] = await Promise.all([
    db
      .select({
        id: alertNotifications.id,
        event: alertNotifications.event,
        title: alertNotifications.title,
        body: alertNotifications.body,
        flowId: alertNotifications.flowId,
        createdAt: alertNotifications.createdAt,
        read: readByMe,
      })
      .from(alertNotifications)
      .where(eq(alertNotifications.workspaceId, workspaceId))
      .orderBy(desc(alertNotifications.createdAt), desc(alertNotifications.id))
      .limit(limit),
    db
      .select({ unread: sql<number>`count(*)::int` })
      .from(alertNotifications)
      .where(and(eq(alertNotifications.workspaceId, workspaceId), sql`not ${readByMe}`)),
  ]);
  return { items, unread: count?.unread ?? 0 };
}

/** Marks the given notifications (or all of the workspace's) read for this user. */
export async function markNotificationsRead(db: Db, workspaceId: string, userId: string, ids: string[] | 'all'): Promise<{ marked: number }> {
  const mine = await db
    .select({ id: alertNotifications.id })
    .from(alertNotifications)
    .where(and(eq(alertNotifications.workspaceId, workspaceId), ids === 'all' ? undefined : inArray(alertNotifications.id, ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])));
  if (mine.length === 0) return { marked: 0 };
  const inserted = await db
    .insert(alertNotificationReads)
    .values(mine.map(({ id }) => ({ notificationId: id, userId })))
    .onConflictDoNothing()
    .returning({ id: alertNotificationReads.notificationId });
  return { marked: inserted.length };
}
