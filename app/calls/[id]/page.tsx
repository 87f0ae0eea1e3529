import type { Metadata } from 'next';
import { serverCaller } from '../../_trpc/server';
import { loadRecord, recordPrincipal, segment } from '../../_components/records/detail/load';
import { CallView } from '../../_components/records/detail/RecordViews';

export const metadata: Metadata = { title: '话单详情 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** 话单详情: one 95598 call, IVR → queue → ringing → talk → wrap-up. */
export default async function CallPage({ params }: { params: Promise<{ id: string }> }) {
  const id = segment((await params).id);
  const { user } = await recordPrincipal(`/calls/${encodeURIComponent(id)}`);
  const caller = await serverCaller();
  const initial = await loadRecord(() => caller.records.callRecord({ id }));
  return <CallView id={id} initial={initial} user={user} />;
}
