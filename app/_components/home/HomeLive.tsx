'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '@/app/_i18n/LocaleProvider';
import { homeBatch, homeHref, homeThresholds, homeView, wantsPreviousDay, type HomeThresholds, type KpiAnswer } from './home-batch';
import { HomeView } from './HomeView';

const REFRESH_MS = 15_000;
/** The day before (shown while today has no ticket) and the thresholds change rarely. */
const SLOW_REFRESH_MS = 60_000;

export interface HomeInitial {
  today: KpiAnswer | null;
  previous: KpiAnswer | null;
  thresholds: HomeThresholds | null;
}

/**
 * Keeps the home live: its one KPI batch through `kpi.query` every 15 s (the day before instead while today
 * has no ticket), the thresholds from `kpi.definitions` every minute. When a refresh fails the last good
 * figures stay on screen, marked stale, and the next refresh recovers by itself.
 */
export function HomeLive({
  org,
  initial,
  hallPlaces,
  embedded = false,
}: {
  org: string;
  initial: HomeInitial;
  hallPlaces: Record<string, [number, number]> | null;
  /** Inside the queue dashboard: no header of its own. */
  embedded?: boolean;
}) {
  const trpc = useTRPC();
  const t = useT();
  const router = useRouter();
  const today = useQuery({
    ...trpc.kpi.query.queryOptions({ queries: homeBatch(org, 'today') }),
    initialData: initial.today ?? undefined,
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: true,
  });
  const usePrevious = wantsPreviousDay(today.data);
  const previous = useQuery({
    ...trpc.kpi.query.queryOptions({ queries: homeBatch(org, 'yesterday') }),
    initialData: initial.previous ?? undefined,
    enabled: usePrevious,
    refetchInterval: SLOW_REFRESH_MS,
  });
  const defs = useQuery({ ...trpc.kpi.definitions.queryOptions(), refetchInterval: SLOW_REFRESH_MS });
  const thresholds = useMemo(
    () => (defs.data ? homeThresholds(defs.data) : (initial.thresholds ?? homeThresholds(null))),
    [defs.data, initial.thresholds],
  );

  const day = usePrevious && previous.data ? 'yesterday' : 'today';
  const answer = day === 'yesterday' ? previous.data : today.data;
  const failed = today.isError || (day === 'yesterday' && previous.isError);
  const view = useMemo(() => (answer ? homeView(org, day, answer, thresholds) : null), [org, day, answer, thresholds]);
  const onSelectOrg = useCallback((code: string) => router.push(homeHref(code)), [router]);

  if (!view) {
    return (
      <main style={{ padding: 48, fontSize: 20 }} data-testid="overview-unavailable">
        {today.isError ? t('error.unavailable') : t('common.loading')}
      </main>
    );
  }
  return <HomeView view={failed ? { ...view, stale: true } : view} hallPlaces={hallPlaces} onSelectOrg={onSelectOrg} embedded={embedded} />;
}
