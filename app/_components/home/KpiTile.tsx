'use client';

import { useT } from '../../_i18n/LocaleProvider';
import { NO_VALUE } from '../../_i18n/format';
import type { TileStatus } from './home-batch';
import { InfoTip } from './InfoTip';
import styles from './home.module.css';

export interface KpiTileProps {
  testId: string;
  label: string;
  /** Formatted value; NO_VALUE ("—") when the figure does not exist. */
  value: string;
  unit?: string;
  status: TileStatus;
  /** The formula, shown in the info popover and the tile's title. */
  formula: string;
  /** Threshold / target sentence appended to the formula. */
  thresholdNote?: string;
  sub?: string;
}

export function KpiTile({ testId, label, value, unit, status, formula, thresholdNote, sub }: KpiTileProps) {
  const t = useT();
  const explain = thresholdNote ? `${formula}\n${thresholdNote}` : formula;
  const missing = value === NO_VALUE;
  const statusText = status === 'info' ? '' : t(`status.${status}`);
  return (
    <section className={styles.kpi} data-status={status} data-testid={testId} title={`${label}\n${explain}`} aria-label={label}>
      <header className={styles.kpiHead}>
        <h2 className={styles.kpiLabel}>{label}</h2>
        <InfoTip text={explain} label={`${label} · ${t('info.howComputed')}`} />
      </header>
      <div className={styles.kpiValueRow}>
        <span className={styles.kpiValue} data-testid={`${testId}-value`} data-missing={missing || undefined}>
          {value}
        </span>
        {unit && !missing ? <span className={styles.kpiUnit}>{unit}</span> : null}
        {statusText ? (
          <span className={styles.kpiStatus} data-status={status}>
            {statusText}
          </span>
        ) : null}
      </div>
      {sub ? <div className={styles.kpiSub}>{sub}</div> : null}
    </section>
  );
}
