import 'server-only';
import { getDb } from '../../../db/client';
import { getAuth } from '../auth';
import { WORKSPACE_COOKIE, WORKSPACE_HEADER, type Context } from './context';

/** Builds the tRPC context of one HTTP request from its session cookie and workspace choice. */
export async function createHttpContext(req: Request, resHeaders: Headers): Promise<Context> {
  const session = await getAuth().api.getSession({ headers: req.headers });
  return {
    db: getDb(),
    user: session ? { id: session.user.id, email: session.user.email, name: session.user.name } : null,
    requestedWorkspaceId: req.headers.get(WORKSPACE_HEADER) ?? readCookie(req.headers.get('cookie'), WORKSPACE_COOKIE),
    rememberWorkspace(workspaceId) {
      resHeaders.append(
        'set-cookie',
        `${WORKSPACE_COOKIE}=${encodeURIComponent(workspaceId)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`,
      );
    },
  };
}

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}
