'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTRPC } from '@/app/_trpc/client';
import { useT } from '../../_i18n/LocaleProvider';
import { formatClock } from '../../_i18n/format';
import { PageShell } from '../nav/PageShell';
import type { SpecShape } from '../rules/rule-values';
import { AlertCard } from './AlertCard';
import { AlertFilters, type StateFilter } from './AlertFilters';
import { groupBySituation, orderAlerts } from './alert-list';
import styles from './alerts.module.css';
import type { Severity } from './severity';
import { SeverityCounts } from './SeverityCounts';
import { SituationGroup } from './SituationGroup';
import type { CityOption } from './types';

export const ALERTS_REFRESH_MS = 5_000;
const PAGE = 100;

/** 预警中心: the alert list, live, with counts per severity, filters and situations grouped. */
export function AlertCenter({ cities }: { cities: CityOption[] }) {
  const t = useT();
  const trpc = useTRPC();
  const [state, setState] = useState<StateFilter>('firing');
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [orgCode, setOrgCode] = useState('');
  const [limit, setLimit] = useState(PAGE);

  const live = {
    refetchInterval: ALERTS_REFRESH_MS,
    refetchIntervalInBackground: true,
    placeholderData: <T,>(prev: T | undefined) => prev,
  };
  const list = useQuery({
    ...trpc.alerts.list.queryOptions({
      ...(state === 'all' ? {} : { state }),
      ...(severities.length ? { severities } : {}),
      ...(orgCode ? { orgCode } : {}),
      limit,
    }),
    ...live,
  });
  // The counts at the top: every firing alert of the unit, whatever severity or state is being listed.
  const counts = useQuery({ ...trpc.alerts.list.queryOptions({ state: 'firing', ...(orgCode ? { orgCode } : {}), limit: 1 }), ...live });
  const rules = useQuery({ ...trpc.rules.list.queryOptions(), staleTime: 60_000 });
  const defs = useQuery({ ...trpc.kpi.definitions.queryOptions(), staleTime: Infinity });

  const unitOf = useMemo(() => {
    const m = new Map((defs.data ?? []).map((d) => [d.id, d.unit]));
    return (kpi: string) => m.get(kpi);
  }, [defs.data]);
  const specOf = useMemo(() => {
    const m = new Map((rules.data ?? []).map((r) => [r.id, r.spec as unknown as SpecShape]));
    return (ruleId: string) => m.get(ruleId);
  }, [rules.data]);
  const entries = useMemo(() => groupBySituation(orderAlerts(list.data?.items ?? [])), [list.data]);
  const now = list.dataUpdatedAt || 0;
  // While a new filter loads, the previous list stays (placeholder); the time shown is of the last answer.
  const updatedAt = Math.max(list.dataUpdatedAt, counts.dataUpdatedAt);
  const toggleSeverity = (s: Severity) => setSeverities((cur) => (cur.length === 1 && cur[0] === s ? [] : [s]));
  const filtered = state !== 'firing' || severities.length > 0 || orgCode !== '';

  return (
    <PageShell
      title={t('alerts.title')}
      testId="alert-center"
      aside={
        <span className={styles.refreshNote} data-testid="alerts-updated">
          {list.isError ? (
            <span className={styles.errorText}>{t('alerts.error')}</span>
          ) : (
            t('alerts.refresh', {
              s: ALERTS_REFRESH_MS / 1000,
              time: updatedAt ? formatClock(new Date(updatedAt).toISOString()) : '—',
            })
          )}
        </span>
      }
    >
      <SeverityCounts counts={counts.data?.firingBySeverity ?? null} selected={severities} onToggle={toggleSeverity} />
      <AlertFilters
        state={state}
        onState={setState}
        severities={severities}
        onSeverities={setSeverities}
        orgCode={orgCode}
        onOrg={setOrgCode}
        cities={cities}
      />
      <div className={styles.list} data-testid="alert-list" aria-busy={list.isFetching || list.isPlaceholderData}>
        {!list.data ? (
          <p className={styles.empty}>{list.isError ? t('alerts.error') : t('common.loading')}</p>
        ) : entries.length === 0 ? (
          <div className={styles.empty} data-testid="alerts-empty">
            <p className={styles.emptyTitle}>{filtered ? t('alerts.emptyFiltered') : t('alerts.empty')}</p>
            <p>{t('alerts.emptyHint', { s: ALERTS_REFRESH_MS / 1000 })}</p>
          </div>
        ) : (
          entries.map((e) =>
            e.type === 'single' ? (
              <AlertCard key={e.key} alert={e.alert} spec={specOf(e.alert.ruleId)} unitOf={unitOf} now={now} />
            ) : (
              <SituationGroup key={e.key} entry={e} specOf={specOf} unitOf={unitOf} now={now} />
            ),
          )
        )}
      </div>
      {list.data && list.data.total > list.data.items.length ? (
        <div className={styles.more}>
          <span>{t('alerts.showing', { shown: list.data.items.length, total: list.data.total })}</span>
          <button
            type="button"
            className={styles.linkButton}
            onClick={() => setLimit((l) => Math.min(500, l + PAGE))}
            disabled={limit >= 500}
            data-testid="alerts-load-more"
          >
            {t('alerts.loadMore')}
          </button>
        </div>
      ) : null}
    </PageShell>
  );
}
