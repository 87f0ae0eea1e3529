'use client';

import { useEffect, useState } from 'react';
import { useT } from '../../_i18n/LocaleProvider';
import { formatAge } from '../../_i18n/format';
import styles from './home.module.css';

export interface StaleBadgeProps {
  /** When the figures were computed (server clock). */
  asOf: string;
  /** Newest loaded source change (server clock); null = nothing loaded yet. */
  dataAsOf: string | null;
}

/**
 * "数据延迟 12 分钟" badge. The age starts at asOf − dataAsOf (both server times, so the server render and the
 * first client render agree) and then keeps growing with the time elapsed in the browser since these figures
 * arrived, so a wall whose feed stopped shows an ever larger age; the browser's clock skew does not matter.
 */
export function StaleBadge({ asOf, dataAsOf }: StaleBadgeProps) {
  const t = useT();
  const [clock, setClock] = useState<{ asOf: string; since: number; now: number } | null>(null);

  useEffect(() => {
    const since = Date.now();
    setClock({ asOf, since, now: since });
    const id = window.setInterval(() => setClock((c) => (c ? { ...c, now: Date.now() } : c)), 1000);
    return () => window.clearInterval(id);
  }, [asOf]);

  const base = dataAsOf ? Date.parse(asOf) - Date.parse(dataAsOf) : NaN;
  const elapsed = clock && clock.asOf === asOf ? clock.now - clock.since : 0;
  const age = Number.isFinite(base) ? formatAge(base + elapsed, t) : null;
  const text = age ? t('stale.badge', { age }) : t('stale.badgeNoData');

  return (
    <span
      className={styles.stale}
      data-testid="stale-badge"
      role="status"
      title={age ? t('stale.title', { age }) : t('overview.noSourceData')}
    >
      <span className={styles.staleDot} aria-hidden="true" />
      {text}
    </span>
  );
}
