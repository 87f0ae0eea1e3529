import { forbidden, redirect } from 'next/navigation';
import type { Permission } from '@/server/auth/roles';
import { serverCaller } from '../_trpc/server';

// Pages ask who is signed in through the same procedure a browser would (auth.me), so a page and the API
// can never disagree about a session. The proxy (proxy.ts) has already sent cookie-less visitors to sign in;
// this catches expired or revoked sessions.

export type Me = Awaited<ReturnType<Awaited<ReturnType<typeof serverCaller>>['auth']['me']>>;

export async function currentUser(): Promise<Me | null> {
  const caller = await serverCaller();
  try {
    return await caller.auth.me();
  } catch (err) {
    if (trpcCode(err) === 'UNAUTHORIZED') return null;
    throw err;
  }
}

/** The signed-in principal, or a redirect to the sign-in page that comes back to `next`. */
export async function requireSignIn(next: string): Promise<Me> {
  const me = await currentUser();
  if (!me) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  return me;
}

export const hasPermission = (me: Pick<Me, 'permissions'>, p: Permission) => me.permissions.includes(p);

/** The signed-in principal with `permission`; a 403 page (app/forbidden.tsx) for anyone else. */
export async function requirePermission(next: string, permission: Permission, opts: { people?: boolean } = {}): Promise<Me> {
  const me = await requireSignIn(next);
  if (!hasPermission(me, permission) || (opts.people && me.kind === 'display')) forbidden();
  return me;
}

/**
 * A tRPC error's code by shape, not `instanceof`: the error may come from the other bundled copy of
 * @trpc/server (Next bundles the route handlers apart from the custom server).
 */
export function trpcCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}
