import { serverCaller } from './_trpc/server';
import { QueueOverviewLive } from './_components/queue-overview/QueueOverviewLive';

export const dynamic = 'force-dynamic';

export default async function HomePage() {
  // First paint carries real figures; the client then refreshes through tRPC.
  const caller = await serverCaller();
  const initial = await caller.kpi.queueOverview({ orgCode: '53' }).catch(() => null);
  return <QueueOverviewLive initial={initial} />;
}
