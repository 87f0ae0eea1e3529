import type { Metadata } from 'next';
import { Dashboard } from '../_components/desktop/Dashboard';
import { dashboardUser, type SearchParams } from '../_components/desktop/page-user';

export const metadata: Metadata = { title: '工单 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

/** The work_order dashboard: any unit of the user's scope, time, filters and drill-down all in the URL. */
export default async function WorkOrdersPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { scope, canReveal, today } = await dashboardUser('/work-orders', await searchParams);
  return <Dashboard domain="work_order" scope={scope} canReveal={canReveal} today={today} />;
}
