import { homeHallPlaces } from '@/server/desktop/home';
import { getRuntime } from '@/server/runtime';
import { serverCaller } from './_trpc/server';
import { homeBatch, homeOrg, homeThresholds, wantsPreviousDay } from './_components/home/home-batch';
import { HomeLive } from './_components/home/HomeLive';

export const dynamic = 'force-dynamic';

/**
 * The desktop home: the queue figures of one org node (`?org=5301`; the province by default), one KPI batch
 * through `kpi.query` like a wall zone. The first paint carries real figures; the page then refreshes itself.
 */
export default async function HomePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const org = homeOrg((await searchParams).org);
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
