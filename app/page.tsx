import { forbidden, redirect } from 'next/navigation';
import { hasPermission, requireSignIn } from './_auth/server';
import { Overview } from './_components/desktop/Overview';
import { beijingToday, pageTarget, type SearchParams } from './_components/desktop/page-user';

export const dynamic = 'force-dynamic';

/**
 * The desktop home: the cross-domain overview (queue, calls, outages, arrears, work orders) of the chosen unit
 * and time, each figure leading into its domain's dashboard. The queue's map and hours are on /queue.
 */
export default async function HomePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const me = await requireSignIn(pageTarget('/', await searchParams));
  // A paired wall screen that lands here belongs on its wall.
  if (me.kind === 'display' && me.layoutId) redirect(`/wall/${me.layoutId}${me.zoneId ? `/${me.zoneId}` : ''}`);
  if (!hasPermission(me, 'kpi.read')) forbidden();
  return <Overview scope={me.orgCode} today={beijingToday(Date.now())} />;
}
