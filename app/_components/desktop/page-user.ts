import { hasPermission, requirePermission } from '../../_auth/server';

export type SearchParams = Record<string, string | string[] | undefined>;

/** Today's business date in Beijing time ('YYYY-MM-DD'). */
export function beijingToday(now: number): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The sign-in target: the page with its view (the whole view lives in the URL). */
export function pageTarget(path: string, params: SearchParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string') q.set(k, v);
    else if (Array.isArray(v) && typeof v[0] === 'string') q.set(k, v[0]);
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** A dashboard page's viewer: signed in with kpi.read (else sign-in / 403); their scope and reveal right. */
export async function dashboardUser(path: string, params: SearchParams) {
  const me = await requirePermission(pageTarget(path, params), 'kpi.read');
  return { me, scope: me.orgCode, canReveal: hasPermission(me, 'pii.reveal'), today: beijingToday(Date.now()) };
}
