/**
 * A test run "with real effects" from the editor: the same effects and connectors the worker uses,
 * scoped to the signed-in user's workspace (never the connection's). Server-side only: imported by
 * the `flows.testRun` procedure.
 */
import type { RunEffect } from '../../flows-engine/index';
import type { Db } from '../../db/client';
import { runNodeEffect } from '../../nodes/effects';
import { createEffectDeps } from './effect-deps';

export function realEffectRunner(db: Db, context: { workspaceId: string; runId: string }): RunEffect {
  const deps = createEffectDeps(db, { workspaceId: context.workspaceId });
  return (request) => runNodeEffect(request, { workspaceId: context.workspaceId, runId: context.runId, attempt: 1 }, deps);
}
