/**
 * Resolves a connection for an effect, in the workspace the caller names. The workspace is always
 * passed in (from the run being executed, or from the signed-in user of a test run): it is never
 * guessed from the connection id, so a flow that names another workspace's connection gets
 * "connection not found" and never that workspace's credentials.
 */
import type { Db } from '../../db/client';
import { UserError } from '../../flows-engine/index';
import { ConnectionMissingError, resolveConnection, type ResolvedConnection } from '../connections/resolve';

/** The connection with its secret, or a UserError that says why not (never retried: retrying cannot fix it). */
export async function connectionForEffect(db: Db, query: { workspaceId: string; connectionId: string }): Promise<ResolvedConnection> {
  try {
    return await resolveConnection(db, query);
  } catch (error) {
    if (error instanceof ConnectionMissingError) throw new UserError(error.message, { field: 'connectionId' });
    throw error;
  }
}
