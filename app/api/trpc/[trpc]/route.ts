import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { env } from '@/core/env';
import { crossSiteRefusal } from '@/server/auth/csrf';
import { createContext } from '@/server/trpc/context';
import { REQUEST_ID_HEADER } from '@/server/trpc/errors';
import { appRouter } from '@/server/trpc/root';

export const dynamic = 'force-dynamic';

/** Failures that are the server's, not the caller's: logged with their cause. */
const LOGGED: ReadonlySet<string> = new Set(['INTERNAL_SERVER_ERROR', 'TOO_MANY_REQUESTS', 'GATEWAY_TIMEOUT', 'SERVICE_UNAVAILABLE']);

const handler = (req: Request) => {
  const refusal = crossSiteRefusal(req, env());
  if (refusal) {
    return Response.json(
      { error: { message: `跨站请求被拒绝 (cross-site request refused: ${refusal})`, code: 'FORBIDDEN' } },
      { status: 403 },
    );
  }
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    // A batch past TRPC_MAX_BATCH calls is refused (400) before any of them runs: 800 calls in one URL
    // answered 63 MB. The client (app/_trpc/client.tsx) keeps its batches below it.
    maxBatchSize: env().TRPC_MAX_BATCH,
    createContext: () => createContext({ headers: req.headers }),
    // The detail stays here, under the request id the client also gets (header and message).
    onError({ path, error }) {
      if (!LOGGED.has(error.code)) return;
      const detail = error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : error.message;
      console.error(`[trpc] ${req.headers.get(REQUEST_ID_HEADER) ?? '-'} ${path ?? '?'} ${error.code}: ${detail}`);
    },
  });
};

export { handler as GET, handler as POST };
