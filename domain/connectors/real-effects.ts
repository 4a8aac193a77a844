/**
 * SERVER ONLY. The one place the web app reaches worker-side effects: a test run "with real
 * effects" from the editor. The lint rule keeps effects out of app/ so they never reach a client
 * bundle; this file is imported only by the `flows.testRun` procedure (server-side tRPC), as
 * nodes/effects.ts documents ("and by server-side test runs").
 */
import 'server-only';
import type { RunEffect } from '../../flows-engine/index';
import type { Db } from '../../db/client';
// eslint-disable-next-line no-restricted-imports -- server-side test runs only (see above)
import { runNodeEffect } from '../../nodes/effects';
// eslint-disable-next-line no-restricted-imports -- the worker's EffectDeps over PostgreSQL, reused for test runs
import { createEffectDeps } from './effect-deps';

export function realEffectRunner(db: Db, context: { workspaceId: string; runId: string }): RunEffect {
  const deps = createEffectDeps(db);
  return (request) => runNodeEffect(request, { workspaceId: context.workspaceId, runId: context.runId, attempt: 1 }, deps);
}
