/**
 * Loads a connection with its secret decrypted, for the code that talks to the system (the worker's
 * activities, "Test connection", health checks). Only ever called server-side; the result must never
 * be returned to a client, logged, or passed into workflow history.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections, type ConnectionKindValue } from '../../db/schema';
import { parseSettings, type ConnectionSettings } from './kinds';
import { grantStoreFor, type GrantStore } from './oauth-grants';
import { decryptSecret, keyRingFromEnv, type KeyRing } from './secret-box';

export interface ResolvedConnection {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly kind: ConnectionKindValue;
  readonly settings: ConnectionSettings;
  readonly secret: string | null;
  readonly allowPrivateNetwork: boolean;
  /** Who the integration writes as (loop prevention), or '' when none is set. */
  readonly integrationIdentity: string;
  /** Changes whenever the secret does: part of cache keys (OAuth2 tokens, database pools). */
  readonly secretVersion: string;
  /** The connection's OAuth2 grant ("Connect"), read and refreshed under a lock by the signing code. */
  readonly grants: GrantStore;
}

export class ConnectionMissingError extends Error {}

export async function resolveConnection(
  db: Db,
  query: { workspaceId: string; connectionId: string },
  ring: KeyRing = keyRingFromEnv(),
): Promise<ResolvedConnection> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(query.connectionId);
  const [row] = isUuid
    ? await db
        .select()
        .from(connections)
        .where(and(eq(connections.id, query.connectionId), eq(connections.workspaceId, query.workspaceId)))
    : [];
  if (!row) throw new ConnectionMissingError(`Connection ${query.connectionId} not found: it does not exist in this workspace (was it retired?).`);
  const settings = parseSettings(row.kind, row.config);
  if (!settings.ok) throw new ConnectionMissingError(`Connection "${row.name}" has invalid settings: ${settings.message}`);
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    name: row.name,
    kind: row.kind,
    settings: settings.value,
    secret: row.secretCiphertext ? decryptSecret(row.secretCiphertext, ring) : null,
    allowPrivateNetwork: row.allowPrivateNetwork,
    integrationIdentity: row.integrationIdentity,
    secretVersion: `${row.id}:${row.secretUpdatedAt?.getTime() ?? 0}:${row.updatedAt.getTime()}`,
    grants: grantStoreFor(db, { workspaceId: row.workspaceId, connectionId: row.id }, ring),
  };
}
