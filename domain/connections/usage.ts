/** Which flows (draft or any published version) reference a connection, and the identities loader. */
import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections, flows, flowVersions } from '../../db/schema';

/**
 * Flows whose draft or any published version mentions the connection id. Connection ids are
 * UUIDs, so a text search of the stored graph cannot match anything else by accident, and it
 * stays right whichever node or field holds the reference.
 */
export async function flowsUsingConnection(db: Db, workspaceId: string, connectionId: string): Promise<{ id: string; name: string }[]> {
  const needle = `%"${connectionId}"%`;
  return db
    .select({ id: flows.id, name: flows.name })
    .from(flows)
    .where(
      and(
        eq(flows.workspaceId, workspaceId),
        or(
          sql`${flows.draft}::text like ${needle}`,
          sql`exists (select 1 from ${flowVersions} where ${flowVersions.flowId} = ${flows.id} and ${flowVersions.graph}::text like ${needle})`,
        ),
      ),
    )
    .orderBy(asc(flows.name));
}

/**
 * The workspace's integration identities by connection id, for loop prevention (Continue If "not
 * changed by the integration account"). Connections without an identity are left out.
 *
 * @example
 * integrationIdentities: await loadIntegrationIdentities(db, event.workspaceId), // temporal/relay/relay.ts
 */
export async function loadIntegrationIdentities(db: Db, workspaceId: string): Promise<Record<string, string>> {
  const rows = await db
    .select({ id: connections.id, identity: connections.integrationIdentity })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId));
  return Object.fromEntries(rows.filter((r) => r.identity !== '').map((r) => [r.id, r.identity]));
}

/** `{id, name, kind}` of every connection, for publish validation. */
export async function connectionInfos(db: Db, workspaceId: string): Promise<{ id: string; name: string; kind: string }[]> {
  return db
    .select({ id: connections.id, name: connections.name, kind: connections.kind })
    .from(connections)
    .where(eq(connections.workspaceId, workspaceId));
}
