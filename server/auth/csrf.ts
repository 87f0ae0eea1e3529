import type { Env } from '@/core/env';

// Cross-site request forgery: a cookie rides along on a request another site makes the browser send, so a
// state-changing request authenticated by cookie must come from our own pages. Browsers send Origin on every
// POST; we accept our own host, AUTH_URL and AUTH_TRUSTED_ORIGINS. Bearer-token requests carry no ambient
// credential and pass. (better-auth applies the same check to its own endpoints.)

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why the request is refused as cross-site, or null when it may proceed. */
export function crossSiteRefusal(req: Request, env: Pick<Env, 'AUTH_URL' | 'AUTH_TRUSTED_ORIGINS'>): string | null {
  if (SAFE_METHODS.has(req.method)) return null;
  if (req.headers.get('authorization')) return null;
  const origin = req.headers.get('origin');
  if (!origin) {
    const site = req.headers.get('sec-fetch-site');
    return site === 'same-origin' || site === 'none' ? null : 'missing Origin header';
  }
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'malformed Origin header';
  }
  if (host === req.headers.get('host')) return null;
  const allowed = [env.AUTH_URL, ...(env.AUTH_TRUSTED_ORIGINS ?? '').split(',')]
    .map((s) => s?.trim())
    .filter((s): s is string => !!s)
    .map((s) => {
      try {
        return new URL(s).host;
      } catch {
        return null;
      }
    });
  return allowed.includes(host) ? null : `origin ${origin} not allowed`;
}
