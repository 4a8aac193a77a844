'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import superjson from 'superjson';
import type { AppRouter } from '../../_server/routers';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong.';
}

/** Query client + tRPC client for the whole app. Every failed call surfaces as a toast. */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 10_000, retry: 1 } },
        // One toast per distinct message: a query asked again while its failure lasts (the schema pickers)
        // refreshes its toast instead of stacking a new one every few seconds.
        queryCache: new QueryCache({ onError: (error) => void toast.error(errorMessage(error), { id: errorMessage(error) }) }),
        // A mutation with `meta: { silent: true }` shows its own error (e.g. the editor's save state).
        mutationCache: new MutationCache({
          onError: (error, _variables, _context, mutation) => {
            if (!mutation.meta?.silent) toast.error(errorMessage(error));
          },
        }),
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: '/api/trpc', transformer: superjson })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
