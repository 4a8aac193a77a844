import { createCallerFactory, router } from '../trpc/procedures';
import { flowsRouter } from './flows';
import { membersRouter } from './members';
import { setupRouter } from './setup';
import { workspacesRouter } from './workspaces';

export const appRouter = router({
  setup: setupRouter,
  workspaces: workspacesRouter,
  members: membersRouter,
  flows: flowsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
