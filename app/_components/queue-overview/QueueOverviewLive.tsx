'use client';

import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '@/app/_i18n/LocaleProvider';
import { QueueOverviewView } from './QueueOverviewView';
import type { QueueOverviewData } from './types';

const REFRESH_MS = 15_000;

/**
 * Keeps the overview live. When a refresh fails (server or ClickHouse unreachable) the last good figures
 * stay on screen, flagged stale, and the next refresh recovers by itself.
 */
export function QueueOverviewLive({ initial }: { initial: QueueOverviewData | null }) {
  const trpc = useTRPC();
  const t = useT();
  const q = useQuery({
    ...trpc.kpi.queueOverview.queryOptions({ orgCode: '53' }),
    initialData: initial ?? undefined,
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: true,
  });
  if (!q.data) {
    return (
      <main style={{ padding: 48, fontSize: 20 }} data-testid="overview-unavailable">
        {q.isError ? t('error.unavailable') : t('common.loading')}
      </main>
    );
  }
  const data = q.isError ? { ...q.data, stale: true } : q.data;
  return <QueueOverviewView data={data} />;
}
