import { getDashboard } from '../dashboard/dashboard-service';
import { router, viewerProcedure } from '../trpc/procedures';

export const dashboardRouter = router({
  get: viewerProcedure.query(({ ctx }) => getDashboard(ctx.db, ctx.workspace.id)),
});
