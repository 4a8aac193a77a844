import { createCallerFactory, router } from '../trpc/procedures';
import { alertsRouter } from './alerts';
import { auditRouter } from './audit';
import { bulkRouter } from './bulk';
import { connectionsRouter } from './connections';
import { connectionSchemaRouter } from './connection-schema';
import { dashboardRouter } from './dashboard';
import { demoRouter } from './demo';
import { flowsRouter } from './flows';
import { mappingsRouter } from './mappings';
import { retentionRouter } from './retention';
import { privacyRouter } from './privacy';
import { runsRouter } from './runs';
import { membersRouter } from './members';
import { invitationsRouter } from './invitations';
import { setupRouter } from './setup';
import { triggersRouter } from './triggers';
import { workspacesRouter } from './workspaces';

export const appRouter = router({
  setup: setupRouter,
  dashboard: dashboardRouter,
  workspaces: workspacesRouter,
  members: membersRouter,
  invitations: invitationsRouter,
  flows: flowsRouter,
  connections: connectionsRouter,
  connectionSchema: connectionSchemaRouter,
  mappings: mappingsRouter,
  audit: auditRouter,
  demo: demoRouter,
  runs: runsRouter,
  triggers: triggersRouter,
  alerts: alertsRouter,
  retention: retentionRouter,
  privacy: privacyRouter,
  bulk: bulkRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
