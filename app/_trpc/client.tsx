'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/trpc/root';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // Screens run all day: on a failed refresh keep showing the last good data (marked stale).
        retry: 1,
        refetchOnWindowFocus: false,
      },
    },
  });
}

let browserClient: QueryClient | undefined;
const getQueryClient = () => (typeof window === 'undefined' ? makeQueryClient() : (browserClient ??= makeQueryClient()));

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // One batched HTTP request per refresh, however many procedures a screen asks for.
      // Below the server's bounds (TRPC_MAX_BATCH calls, MAX_URL_BYTES): a bigger batch is split, not refused.
      links: [httpBatchLink({ url: '/api/trpc', transformer: superjson, maxItems: 20, maxURLLength: 6000 })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
