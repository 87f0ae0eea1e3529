import type { Principal } from '../auth/principal';
import type { OrgScope } from '../auth/scope';
import { getRuntime, type Runtime } from '../runtime';

/** The principal a procedure runs as (server/auth/principal.ts). */
export type SessionUser = Principal;

export interface Context {
  rt: Runtime;
  /** Who is asking; null when nobody signed in (public procedures only). */
  user: SessionUser | null;
  /** Set by the sign-in middleware from `user`: the one org scope every procedure applies. */
  scope?: OrgScope;
  /** Why `user` is null when a token was presented but is not valid. */
  authFailure?: 'invalid-token';
  headers: Headers;
  /** The clock every procedure reads "now" from, so tests can pin a business day. */
  now: () => number;
}

export async function createContext(opts: { headers: Headers }): Promise<Context> {
  const rt = await getRuntime();
  const now = Date.now;
  const r = await rt.auth.resolve(opts.headers, now());
  return {
    rt,
    user: r.principal,
    ...(r.principal === null && r.reason === 'invalid-token' ? { authFailure: 'invalid-token' as const } : {}),
    headers: opts.headers,
    now,
  };
}
