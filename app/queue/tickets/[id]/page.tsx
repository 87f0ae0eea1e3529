import type { Metadata } from 'next';
import { serverCaller } from '../../../_trpc/server';
import { loadRecord, recordPrincipal, segment } from '../../../_components/records/detail/load';
import { TicketView } from '../../../_components/records/detail/RecordViews';

export const metadata: Metadata = { title: '排队号票详情 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/** 排队号票详情: one hall queue ticket, taken → called → served → rated against the thresholds. */
export default async function TicketPage({ params }: { params: Promise<{ id: string }> }) {
  const id = segment((await params).id);
  const { user } = await recordPrincipal(`/queue/tickets/${encodeURIComponent(id)}`);
  const caller = await serverCaller();
  const initial = await loadRecord(() => caller.records.ticket({ id }));
  return <TicketView id={id} initial={initial} user={user} />;
}
