/**
 * Resolves a connection for an effect, scoped to the workspace of the run being executed. The
 * EffectDeps interfaces carry only a connection id, so the workspace is taken from the running
 * activity (its workflow id is `run-<runId>`, and the run row knows its workspace). Outside an
 * activity (unit tests, scripts) it falls back to the connection id alone.
 */
import { Context } from '@temporalio/activity';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections, runs } from '../../db/schema';
import { UserError } from '../../flows-engine/index';
import { ConnectionMissingError, resolveConnection, type ResolvedConnection } from '../connections/resolve';

const workspaceByWorkflow = new Map<string, string>();

async function currentWorkspaceId(db: Db): Promise<string | undefined> {
  let workflowId: string | undefined;
  try {
    workflowId = Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined; // not inside an activity
  }
  if (!workflowId) return undefined;
  const cached = workspaceByWorkflow.get(workflowId);
  if (cached) return cached;
  const [run] = await db.select({ workspaceId: runs.workspaceId }).from(runs).where(eq(runs.workflowId, workflowId)).limit(1);
  if (run) {
    if (workspaceByWorkflow.size > 10_000) workspaceByWorkflow.clear();
    workspaceByWorkflow.set(workflowId, run.workspaceId);
  }
  return run?.workspaceId;
}

/** The connection with its secret, or a UserError that says why not (never retried: retrying cannot fix it). */
export async function connectionForEffect(db: Db, connectionId: string): Promise<ResolvedConnection> {
  let workspaceId = await currentWorkspaceId(db);
  if (!workspaceId && /^[0-9a-f-]{36}$/i.test(connectionId)) {
    const [row] = await db.select({ workspaceId: connections.workspaceId }).from(connections).where(eq(connections.id, connectionId));
    workspaceId = row?.workspaceId;
  }
  try {
    return await resolveConnection(db, { workspaceId: workspaceId ?? '00000000-0000-0000-0000-000000000000', connectionId });
  } catch (error) {
    if (error instanceof ConnectionMissingError) throw new UserError(error.message, { field: 'connectionId' });
    throw error;
  }
}
