import { getDb } from '../../../../db/client';
import { completeSignIn } from '../../../../domain/connections/oauth-sign-in';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../../../domain/platform/errors';
import { errorMessage, logger } from '../../../../domain/platform/logger';
import { getAuth } from '../../../_server/auth';
import { publicUrl } from '../../../_server/public-url';
import { WORKSPACE_COOKIE } from '../../../_server/trpc/context';

export const dynamic = 'force-dynamic';

/**
 * Where an OAuth provider sends the browser back after "Connect" (register `<app URL>/api/oauth/callback`
 * as the OAuth app's redirect URL). The sign-in it finishes is named by `state` only: workspace,
 * connection and user were stored when it started (domain/connections/oauth-sign-in.ts). The tokens
 * stay on the server; the browser lands on the Connections page with the outcome.
 */
export async function GET(request: Request) {
  const query = new URL(request.url).searchParams;
  const back = new URL('/connections', publicUrl());
  const session = await getAuth().api.getSession({ headers: request.headers });
  if (!session) return Response.redirect(new URL('/sign-in', publicUrl()), 303);
  try {
    const result = await completeSignIn(getDb(), session.user.id, {
      state: query.get('state') ?? '',
      ...(query.get('code') ? { code: query.get('code')! } : {}),
      ...(query.get('error') ? { error: query.get('error')! } : {}),
      ...(query.get('error_description') ? { errorDescription: query.get('error_description')! } : {}),
    });
    back.searchParams.set('connected', result.connectionId);
    return new Response(null, {
      status: 303,
      headers: {
        location: back.toString(),
        // The page opens on the workspace the sign-in was for.
        'set-cookie': `${WORKSPACE_COOKIE}=${encodeURIComponent(result.workspaceId)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000`,
      },
    });
  } catch (error) {
    const known = error instanceof InvalidInputError || error instanceof ForbiddenError || error instanceof NotFoundError;
    if (!known) logger.error({ err: errorMessage(error) }, 'oauth callback failed');
    back.searchParams.set('signInError', known ? error.message : 'The sign-in could not be finished. Click Connect again; if it keeps failing, see the server log.');
    return Response.redirect(back.toString(), 303);
  }
}
