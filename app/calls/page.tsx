import type { Metadata } from 'next';
import { Dashboard } from '../_components/desktop/Dashboard';
import { dashboardUser, type SearchParams } from '../_components/desktop/page-user';

export const metadata: Metadata = { title: '95598话务 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

/** The call dashboard: any unit of the user's scope, time, filters and drill-down all in the URL. */
export default async function CallsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { scope, canReveal, today } = await dashboardUser('/calls', await searchParams);
  return <Dashboard domain="call" scope={scope} canReveal={canReveal} today={today} />;
}
