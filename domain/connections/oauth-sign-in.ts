/**
 * "Connect": the OAuth2 authorization-code sign-in of a connection (RFC 6749 §4.1 with PKCE S256,
 * RFC 7636). `startSignIn` stores who is signing in to which connection of which workspace (found
 * later by the hash of a random `state`; the PKCE verifier encrypted) and returns the provider's
 * authorize URL. `completeSignIn` takes the callback's `state` and `code`, checks the sign-in is the
 * caller's own, unused and recent, exchanges the code at the connection's token endpoint and stores the
 * tokens encrypted (`oauth-grants.ts`), bound to that token endpoint and the connection's API base URL.
 * Nothing here returns a token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditLog, memberships, oauthSignIns } from '../../db/schema';
import { authorizationCodeAuthOf, clientOf, endpointsOf, GrantRevokedError, pkcePair, requestToken, signingValuesOf } from '../connectors/kit/oauth-client';
import { declarationOf, type ConnectorSettings } from '../connectors/kit/connector-settings';
import { ForbiddenError, InvalidInputError } from '../platform/errors';
import { HttpFailure } from './http-client';
import { isConnectorKind } from './kinds';
import { writeGrant } from './oauth-grants';
import { resolveConnection, type ResolvedConnection } from './resolve';
import { decryptSecret, encryptSecret, keyRingFromEnv } from './secret-box';

/** How long the provider's sign-in page may take before the callback is refused. */
const SIGN_IN_MINUTES = 15;

/** The callback path; its full URL must be registered as a redirect URL with the provider's OAuth app. */
export const OAUTH_CALLBACK_PATH = '/api/oauth/callback';

export function redirectUriFor(publicUrl: string): string {
  return new URL(OAUTH_CALLBACK_PATH, publicUrl).toString();
}

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

function signInParts(connection: ResolvedConnection) {
  const auth = isConnectorKind(connection.kind) ? authorizationCodeAuthOf(connection) : null;
  if (!auth) throw new InvalidInputError(`“${connection.name}” does not sign in with OAuth: Connect is only for systems whose sign-in method is OAuth.`, 'authMethod');
  const values = signingValuesOf(connection);
  return { auth, values, endpoints: endpointsOf(connection, auth, values), label: declarationOf(connection.settings as ConnectorSettings).label };
}

/** Starts a sign-in; the caller (an admin of the workspace) opens the returned URL in the browser. */
export async function startSignIn(db: Db, actor: { workspaceId: string; userId: string }, input: { connectionId: string; redirectUri: string }): Promise<{ authorizeUrl: string }> {
  const connection = await resolveConnection(db, { workspaceId: actor.workspaceId, connectionId: input.connectionId }).catch(() => {
    throw new InvalidInputError('That connection was not found in this workspace.', 'id');
  });
  const { auth, values, endpoints, label } = signInParts(connection);
  const client = clientOf(connection, auth, values);
  if (!client.id) throw new InvalidInputError(`params.${auth.clientIdParam}: enter the client id of your ${label} OAuth app, save, then Connect.`, `params.${auth.clientIdParam}`);
  if (!client.secret) throw new InvalidInputError(`secret: enter the client secret of your ${label} OAuth app, save, then Connect.`, 'secret');
  if (!endpoints.authorizeUrl) throw new InvalidInputError(`authorizeUrl: ${label} declares no sign-in page.`, 'authorizeUrl');

  const state = randomBytes(32).toString('base64url');
  const pkce = pkcePair();
  await db.delete(oauthSignIns).where(lt(oauthSignIns.expiresAt, new Date())); // expired attempts
  await db.insert(oauthSignIns).values({
    stateHash: hashState(state),
    workspaceId: actor.workspaceId,
    connectionId: connection.id,
    userId: actor.userId,
    verifierCiphertext: encryptSecret(pkce.verifier, keyRingFromEnv()),
    redirectUri: input.redirectUri,
    expiresAt: new Date(Date.now() + SIGN_IN_MINUTES * 60_000),
  });
  const url = new URL(endpoints.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', client.id);
  url.searchParams.set('redirect_uri', input.redirectUri);
  if (auth.scopes.length) url.searchParams.set('scope', auth.scopes.join(' '));
  url.searchParams.set('state', state);
  if (auth.pkce) {
    url.searchParams.set('code_challenge', pkce.challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return { authorizeUrl: url.toString() };
}

/** What the callback came back with (query parameters of the redirect). */
export interface CallbackInput {
  readonly state: string;
  readonly code?: string;
  readonly error?: string;
  readonly errorDescription?: string;
}

export interface SignInResult {
  readonly workspaceId: string;
  readonly connectionId: string;
  readonly connectionName: string;
}

/** Finishes a sign-in for the signed-in user `userId`; refusals are domain errors with the user's words. */
export async function completeSignIn(db: Db, userId: string, input: CallbackInput): Promise<SignInResult> {
  const [attempt] = input.state ? await db.delete(oauthSignIns).where(eq(oauthSignIns.stateHash, hashState(input.state))).returning() : [];
  if (!attempt || attempt.expiresAt.getTime() < Date.now()) throw new InvalidInputError('This sign-in has expired or was already used: click Connect again.', 'state');
  if (attempt.userId !== userId) throw new ForbiddenError('This sign-in was started by another user: click Connect yourself.');
  const [member] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, attempt.workspaceId), eq(memberships.userId, userId)));
  if (member?.role !== 'admin') throw new ForbiddenError('Only admins of the workspace connect its systems.');

  const connection = await resolveConnection(db, { workspaceId: attempt.workspaceId, connectionId: attempt.connectionId });
  const { auth, values, endpoints, label } = signInParts(connection);
  const scope = { workspaceId: attempt.workspaceId, connectionId: attempt.connectionId };
  if (input.error) {
    throw new InvalidInputError(`${label} did not sign “${connection.name}” in: ${input.error}${input.errorDescription ? ` (${input.errorDescription})` : ''}.`, 'code');
  }
  if (!input.code) throw new InvalidInputError(`${label} sent no authorization code back: click Connect again.`, 'code');

  const started = Date.now();
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: input.code, redirect_uri: attempt.redirectUri });
  if (auth.pkce) form.set('code_verifier', decryptSecret(attempt.verifierCiphertext, keyRingFromEnv()));
  const answer = await requestToken(connection, auth, { tokenUrl: endpoints.tokenUrl, values, form, connectorLabel: label }).catch((error: unknown) => {
    if (error instanceof GrantRevokedError || error instanceof HttpFailure) throw new InvalidInputError(`${label} refused to finish signing “${connection.name}” in: ${error.message}. Check the client id and secret, then click Connect again.`, 'code');
    throw error;
  });
  await db.transaction(async (tx) => {
    await writeGrant(tx, scope, {
      status: 'connected',
      tokens: {
        accessToken: answer.accessToken,
        refreshToken: answer.refreshToken ?? '',
        obtainedAt: started,
        expiresAt: started + answer.expiresIn * 1000,
        ...(answer.instanceUrl ? { instanceUrl: answer.instanceUrl } : {}),
      },
      tokenUrl: endpoints.tokenUrl,
      resourceBaseUrl: endpoints.resourceBaseUrl,
      connectedBy: userId,
    });
    await tx.insert(auditLog).values({
      workspaceId: attempt.workspaceId,
      actorUserId: userId,
      action: 'connection.signed-in',
      targetType: 'connection',
      targetId: connection.id,
      details: { name: connection.name, refreshToken: answer.refreshToken !== undefined },
    });
  });
  return { ...scope, connectionName: connection.name };
}
