import type { Metadata } from 'next';
import { Dashboard } from '../_components/desktop/Dashboard';
import { dashboardUser, type SearchParams } from '../_components/desktop/page-user';

export const metadata: Metadata = { title: '电费回收与欠费 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

/** The arrears dashboard: any unit of the user's scope, time, filters and drill-down all in the URL. */
export default async function ArrearsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { scope, canReveal, today } = await dashboardUser('/arrears', await searchParams);
  return <Dashboard domain="arrears" scope={scope} canReveal={canReveal} today={today} />;
}
