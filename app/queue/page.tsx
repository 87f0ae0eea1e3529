import type { Metadata } from 'next';
import { homeHallPlaces } from '@/server/desktop/home';
import { getRuntime } from '@/server/runtime';
import { serverCaller } from '../_trpc/server';
import { Dashboard } from '../_components/desktop/Dashboard';
import { effectiveOrg } from '../_components/desktop/org';
import { dashboardUser, type SearchParams } from '../_components/desktop/page-user';
import { homeBatch, homeOrg, homeThresholds, wantsPreviousDay } from '../_components/home/home-batch';
import { HomeLive } from '../_components/home/HomeLive';

export const metadata: Metadata = { title: '营业厅排队 · 营销智能监控指挥中心' };

export const dynamic = 'force-dynamic';

/**
 * The queue dashboard: the generic dashboard (any unit down to a hall, time, filters, ranking, records) and,
 * while the time is today, the live map of halls, wait by unit, hours and longest-waiting halls (the former
 * desktop home) for the same unit, first painted with real figures.
 */
export default async function QueuePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const { scope, canReveal, today } = await dashboardUser('/queue', params);
  const asked = typeof params.org === 'string' ? homeOrg(params.org) : null;
  const org = effectiveOrg(asked, scope);
  const caller = await serverCaller();
  const [todayAnswer, defs, hallPlaces] = await Promise.all([
    caller.kpi.query({ queries: homeBatch(org, 'today') }).catch(() => null),
    caller.kpi.definitions().catch(() => null),
    getRuntime()
      .then((rt) => homeHallPlaces(rt.ch, org))
      .catch(() => null),
  ]);
  const previous = wantsPreviousDay(todayAnswer)
    ? await caller.kpi.query({ queries: homeBatch(org, 'yesterday') }).catch(() => null)
    : null;
  return (
    <Dashboard
      domain="queue"
      scope={scope}
      canReveal={canReveal}
      today={today}
      live={
        <HomeLive
          key={org}
          org={org}
          embedded
          initial={{ today: todayAnswer, previous, thresholds: defs ? homeThresholds(defs) : null }}
          hallPlaces={hallPlaces}
        />
      }
    />
  );
}
