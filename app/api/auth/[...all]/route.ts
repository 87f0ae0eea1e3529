import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/**
 * /api/auth/* — sign-in, sign-out, session and single sign-on endpoints of better-auth (server/auth/better-auth.ts),
 * with its rate limits and origin check. The instance lives in the runtime, shared by every bundle.
 */
async function handler(req: Request): Promise<Response> {
  const rt = await getRuntime();
  return rt.auth.auth.handler(req);
}

export { handler as GET, handler as POST };
