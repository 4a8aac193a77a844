import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getDb } from '../../db/client';
import { memberships, workspaces, type Role } from '../../db/schema';
import { getAuth } from './auth';
import { WORKSPACE_COOKIE } from './trpc/context';

export interface ShellSession {
  user: { id: string; name: string; email: string };
  workspaces: { id: string; name: string; role: Role }[];
  current: { id: string; name: string; role: Role };
}

/** For server components: the signed-in user (or a redirect to sign-in). */
export async function requireUser() {
  const session = await getAuth().api.getSession({ headers: await headers() });
  if (!session) redirect('/sign-in');
  return { id: session.user.id, name: session.user.name, email: session.user.email };
}

/** For pages inside the app shell: the user, their workspaces and the current one (or onboarding). */
export async function requireWorkspace(): Promise<ShellSession> {
  const user = await requireUser();
  const rows = await getDb()
    .select({ id: workspaces.id, name: workspaces.name, role: memberships.role })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(memberships.createdAt));
  if (rows.length === 0) redirect('/onboarding');
  const chosen = (await cookies()).get(WORKSPACE_COOKIE)?.value;
  const current = rows.find((w) => w.id === chosen) ?? rows[0]!;
  return { user, workspaces: rows, current };
}
