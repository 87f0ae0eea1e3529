import type { Metadata } from 'next';
import { serverCaller } from '../../../_trpc/server';
import { loadRecord, recordPrincipal, segment } from '../../../_components/records/detail/load';
import { CustomerView } from '../../../_components/records/detail/RecordViews';

export const metadata: Metadata = { title: '客户详情 · 营销智能监控指挥中心' };
export const dynamic = 'force-dynamic';

/**
 * 客户详情: bills, payments, dunning, disconnections and balance of one customer. `id` is a customer id or
 * `bill:<bill id>` (from a masked row); personal data stays masked unless the role may and `?reveal=1` asks.
 */
export default async function CustomerPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ref = segment((await params).id);
  const reveal = (await searchParams).reveal === '1';
  const { user } = await recordPrincipal(`/arrears/customers/${encodeURIComponent(ref)}${reveal ? '?reveal=1' : ''}`);
  const caller = await serverCaller();
  const initial = await loadRecord(() => caller.records.customer({ ref, reveal }));
  return <CustomerView refId={ref} reveal={reveal} initial={initial} user={user} />;
}
