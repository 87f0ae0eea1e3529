import { homeHallPlaces } from '@/server/desktop/home';
import { getRuntime } from '@/server/runtime';
import { forbidden, redirect } from 'next/navigation';
import { hasPermission, requireSignIn } from './_auth/server';
import { serverCaller } from './_trpc/server';
import { homeBatch, homeOrg, homeThresholds, wantsPreviousDay } from './_components/home/home-batch';
import { HomeLive } from './_components/home/HomeLive';

export const dynamic = 'force-dynamic';

/**
 * The desktop home: the queue figures of one org node (`?org=5301`; the province by default), one KPI batch
 * through `kpi.query` like a wall zone. The first paint carries real figures; the page then refreshes itself.
 */
export default async function HomePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const param = (await searchParams).org;
  const me = await requireSignIn(param ? `/?org=${String(param)}` : '/');
  // A paired wall screen that lands here belongs on its wall.
  if (me.kind === 'display' && me.layoutId) redirect(`/wall/${me.layoutId}${me.zoneId ? `/${me.zoneId}` : ''}`);
  if (!hasPermission(me, 'kpi.read')) forbidden();
  // The principal's own node unless they asked for one inside it.
  const asked = homeOrg(param);
  const org = param && asked.startsWith(me.orgCode) ? asked : me.orgCode;
  const caller = await serverCaller();
  const [today, defs, hallPlaces] = await Promise.all([
    caller.kpi.query({ queries: homeBatch(org, 'today') }).catch(() => null),
    caller.kpi.definitions().catch(() => null),
    getRuntime()
      .then((rt) => homeHallPlaces(rt.ch, org))
      .catch(() => null),
  ]);
  const previous = wantsPreviousDay(today) ? await caller.kpi.query({ queries: homeBatch(org, 'yesterday') }).catch(() => null) : null;
  return (
    <HomeLive key={org} org={org} initial={{ today, previous, thresholds: defs ? homeThresholds(defs) : null }} hallPlaces={hallPlaces} />
  );
}
