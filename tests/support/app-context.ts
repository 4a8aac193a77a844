import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client';
import { memberships, users, workspaces, type Role } from '../../db/schema';
import { createCaller } from '../../app/_server/routers';
import type { Context } from '../../app/_server/trpc/context';

/** A user row inserted directly (sign-up itself is covered by the end-to-end tests). */
export async function insertUser(db: Db, name: string): Promise<{ id: string; email: string; name: string }> {
  const user = { id: randomUUID(), name, email: `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 6)}@example.test` };
  await db.insert(users).values(user);
  return user;
}

export async function insertWorkspace(db: Db, name: string, members: { userId: string; role: Role }[]): Promise<string> {
  const [workspace] = await db.insert(workspaces).values({ name }).returning();
  if (!workspace) throw new Error('no workspace');
  if (members.length) await db.insert(memberships).values(members.map((m) => ({ ...m, workspaceId: workspace.id })));
  return workspace.id;
}

/** A tRPC caller acting as `user` in `workspaceId`, exactly as the HTTP handler would build it. */
export function callerFor(db: Db, user: { id: string; email: string; name: string } | null, workspaceId: string | null = null) {
  const context: Context = { db, user, requestedWorkspaceId: workspaceId, rememberWorkspace: () => {} };
  return createCaller(context);
}
