import type { KpiPoint } from '@/server/kpi/query/result';
import type { Locale, Translate } from '../../../_i18n/locale';
import { formatFigureText, kpiName } from './kpi-data';
import styles from './panels.module.css';

/** A one-line summary of the zone's totals: "欠费金额 1.2 亿元 · 电费回收率 98.1%", each coloured by status. */
export function TotalsLine({
  items,
  locale,
  t,
}: {
  items: { kpi: string; point: KpiPoint | null; suffix?: string }[];
  locale: Locale;
  t: Translate;
}) {
  return (
    <div className={styles.summary}>
      {items.map(({ kpi, point, suffix }, i) => (
        <span key={kpi}>
          {i > 0 ? <span className={styles.muted}> · </span> : null}
          <span className={styles.muted}>
            {kpiName(kpi, locale)}
            {suffix ?? ''}{' '}
          </span>
          <b className={styles.stat} data-status={point?.status ?? 'none'}>
            {formatFigureText(kpi, point?.value, locale, t)}
          </b>
        </span>
      ))}
    </div>
  );
}
