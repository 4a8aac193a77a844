/**
 * The workspace's connections as the flow features need them: names for export, ids for import,
 * integration identities for test runs (loop-guard conditions). Never secrets.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { connections } from '../../../db/schema';

export async function workspaceConnections(db: Db, workspaceId: string) {
  const rows = await db
    .select({ id: connections.id, name: connections.name, kind: connections.kind, integrationIdentity: connections.integrationIdentity })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId));
  return {
    nameById: Object.fromEntries(rows.map((r) => [r.id, r.name])),
    idByName: Object.fromEntries(rows.map((r) => [r.name, r.id])),
    identities: Object.fromEntries(rows.filter((r) => r.integrationIdentity).map((r) => [r.id, r.integrationIdentity])),
  };
}
