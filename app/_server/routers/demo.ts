import { seedDemoWorkspace } from '../demo/seed-demo-workspace';
import { authedProcedure, router } from '../trpc/procedures';

export const demoRouter = router({
  /**
   * Creates (once per user) the demo workspace with the demo systems connected and the sample flows,
   * and switches to it. `{ workspaceId: null }` when the demo systems are not running with this app.
   */
  ensureWorkspace: authedProcedure.mutation(async ({ ctx }) => {
    const demo = await seedDemoWorkspace(ctx.db, { userId: ctx.user.id });
    if (!demo) return { workspaceId: null, warnings: [] as string[] };
    ctx.rememberWorkspace(demo.workspaceId);
    return { workspaceId: demo.workspaceId, name: demo.name, created: demo.created, warnings: demo.warnings };
  }),
});
