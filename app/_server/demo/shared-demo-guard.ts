/**
 * One demo per installation, by hand too. The demo CRM and helpdesk are shared by every demo
 * workspace: while one demo workspace syncs them, a second workspace's flow that reads or writes
 * them must not go live, or every change would be processed (and written) twice. The sign-up seed
 * leaves such a workspace's sample flows paused (seed-demo-workspace.ts); this refuses activating
 * them by hand as well. flow-service's setFlowStatus asks here, so the editor, the demo banner and
 * the API are refused alike; the editor and the banner show the reason instead of the button.
 */
import { and, eq, inArray, ne, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { connections, flows } from '../../../db/schema';

export const SHARED_DEMO_REFUSAL =
  'This flow uses the shared demo CRM and helpdesk, and another demo workspace already syncs them: activating it here would process every change twice. Pause the sample flows of that demo workspace first (or build your own flow against your own systems).';

/** Whether some demo workspace (one connected to the demo CRM), other than `exceptWorkspaceId`, has an active flow. */
export async function activeDemoElsewhere(db: Db, exceptWorkspaceId?: string): Promise<boolean> {
  const conditions: SQL[] = [eq(flows.status, 'active')];
  if (exceptWorkspaceId) conditions.push(ne(flows.workspaceId, exceptWorkspaceId));
  const [row] = await db
    .select({ id: flows.id })
    .from(flows)
    .innerJoin(connections, and(eq(connections.workspaceId, flows.workspaceId), eq(connections.kind, 'demo-crm')))
    .where(and(...conditions))
    .limit(1);
  return Boolean(row);
}

/**
 * Why a flow graph of this workspace may not go live now ({@link SHARED_DEMO_REFUSAL}), or null.
 * A graph "uses the demo systems" when it names one of the workspace's demo connections (connection
 * ids are UUIDs, so a text search of the graph cannot match anything else).
 *
 * @example
 * ```ts
 * const refusal = await sharedDemoRefusal(db, actor.workspaceId, graph);
 * if (refusal) throw new ConflictError(refusal);
 * ```
 */
export async function sharedDemoRefusal(db: Db, workspaceId: string, graph: unknown): Promise<string | null> {
  if (!graph) return null;
  const demoConnections = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.workspaceId, workspaceId), inArray(connections.kind, ['demo-crm', 'demo-helpdesk'])));
  if (demoConnections.length === 0) return null;
  const text = JSON.stringify(graph);
  if (!demoConnections.some((c) => text.includes(`"${c.id}"`))) return null;
  return (await activeDemoElsewhere(db, workspaceId)) ? SHARED_DEMO_REFUSAL : null;
}
