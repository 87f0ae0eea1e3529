import type { Metadata } from 'next';
import { serverCaller } from '../../_trpc/server';
import { loadRecord, recordPrincipal, segment } from '../../_components/records/detail/load';
import { OutageView } from '../../_components/records/detail/RecordViews';

export const metadata: Metadata = { title: '停电事件详情 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** 停电事件详情: an outage with its affected customers, notice attempts and notification deadline. */
export default async function OutagePage({ params }: { params: Promise<{ id: string }> }) {
  const id = segment((await params).id);
  const { user } = await recordPrincipal(`/outages/${encodeURIComponent(id)}`);
  const caller = await serverCaller();
  const initial = await loadRecord(() => caller.records.outage({ id }));
  return <OutageView id={id} initial={initial} user={user} />;
}
