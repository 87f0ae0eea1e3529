import type { Metadata } from 'next';
import { Dashboard } from '../_components/desktop/Dashboard';
import { dashboardUser, type SearchParams } from '../_components/desktop/page-user';

export const metadata: Metadata = { title: '停电通知 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

/** The outage dashboard: any unit of the user's scope, time, filters and drill-down all in the URL. */
export default async function OutagesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { scope, canReveal, today } = await dashboardUser('/outages', await searchParams);
  return <Dashboard domain="outage" scope={scope} canReveal={canReveal} today={today} />;
}
