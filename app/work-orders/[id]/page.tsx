import type { Metadata } from 'next';
import { serverCaller } from '../../_trpc/server';
import { loadRecord, recordPrincipal, segment } from '../../_components/records/detail/load';
import { WorkOrderView } from '../../_components/records/detail/RecordViews';

export const metadata: Metadata = { title: '工单详情 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** 工单详情: one work order (转办工单) with its steps against their limits, alerts, supervision and notes. */
export default async function WorkOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const id = segment((await params).id);
  const { user } = await recordPrincipal(`/work-orders/${encodeURIComponent(id)}`);
  const caller = await serverCaller();
  const initial = await loadRecord(() => caller.records.workOrder({ id }));
  return <WorkOrderView id={id} initial={initial} user={user} />;
}
