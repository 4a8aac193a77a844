import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '../../../_server/routers';
import { createHttpContext } from '../../../_server/trpc/http-context';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createHttpContext(req, resHeaders),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
