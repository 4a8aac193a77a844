import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { errorMessage, logger } from '../../../../domain/platform/logger';
import { appRouter } from '../../../_server/routers';
import { createHttpContext } from '../../../_server/trpc/http-context';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createHttpContext(req, resHeaders),
    onError({ error, path, ctx }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        logger.error({ component: 'trpc', path, workspaceId: ctx?.requestedWorkspaceId ?? undefined, error: errorMessage(error.cause ?? error) }, `tRPC ${path ?? '?'} failed`);
      }
    },
  });
}

export { handler as GET, handler as POST };
