import { ConflictError } from '../../../domain/platform/errors';
import { demoEnvFrom, seedDemoWorkspace } from '../demo/seed-demo-workspace';
import { authedProcedure, router } from '../trpc/procedures';

export const demoRouter = router({
  /**
   * At sign-up: creates the installation's demo workspace if there is none yet (one per installation,
   * see seed-demo-workspace.ts), or finds the user's own, and switches to it. `{ workspaceId: null }`
   * when the demo systems are not running with this app, or another user's demo already exists.
   */
  ensureWorkspace: authedProcedure.mutation(async ({ ctx }) => {
    const demo = await seedDemoWorkspace(ctx.db, { userId: ctx.user.id });
    if (!demo) return { workspaceId: null, warnings: [] as string[] };
    ctx.rememberWorkspace(demo.workspaceId);
    return { workspaceId: demo.workspaceId, name: demo.name, created: demo.created, warnings: demo.warnings };
  }),
  /** The explicit "Create a demo workspace" button: a demo of the user's own (its flows paused if another demo is live). */
  createWorkspace: authedProcedure.mutation(async ({ ctx }) => {
    const demo = await seedDemoWorkspace(ctx.db, { userId: ctx.user.id, explicit: true });
    if (!demo) throw new ConflictError('The demo systems are not running with this installation (SYNCLINE_DEMO is off).');
    ctx.rememberWorkspace(demo.workspaceId);
    return { workspaceId: demo.workspaceId, name: demo.name, created: demo.created, warnings: demo.warnings };
  }),
  /** Whether the demo systems run with this installation (the button shows only then). */
  available: authedProcedure.query(() => ({ available: demoEnvFrom() !== null })),
});
