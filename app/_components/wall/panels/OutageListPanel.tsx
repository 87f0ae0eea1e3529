'use client';

import { useMemo, useRef } from 'react';
import { formatInt, formatPercent, shortDivisionName } from '../../../_i18n/format';
import { createTranslator } from '../../../_i18n/locale';
import { buildOutageList, type OutageRow } from './outage-list';
import styles from './panels.module.css';
import { rowsThatFit } from './queue-board';
import { cssVars, type PanelProps } from './types';
import { usePanelSize } from './usePanelSize';

const COLS = 'minmax(0, 1fr) 3.6em 5.4em 5.6em 5.6em';

/** outage_list: counties with outages in the period, customers affected and the notification rates. */
export function OutageListPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const ref = useRef<HTMLDivElement>(null);
  const size = usePanelSize(ref);
  const { rows, total } = useMemo(() => buildOutageList(data), [data]);
  const limit = rowsThatFit(size?.height, 56) - 1;
  const shown = rows.slice(0, Math.max(1, limit));
  const line = (r: OutageRow, cls = '') => (
    <div key={r.code} className={`${styles.row} ${cls}`} style={cssVars({ '--cols': COLS })} data-county={r.code}>
      <span>{shortDivisionName(r.name)}</span>
      <span className={styles.num}>{formatInt(r.events)}</span>
      <span className={styles.num}>{formatInt(r.affected)}</span>
      <span className={`${styles.num} ${styles.stat}`} data-status={r.notified?.status ?? 'none'}>
        {formatPercent(r.notified?.value)}
      </span>
      <span className={`${styles.num} ${styles.stat}`} data-status={r.timely?.status ?? 'none'}>
        {formatPercent(r.timely?.value)}
      </span>
    </div>
  );
  return (
    <div ref={ref} className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="outage_list">
      <div className={styles.fill}>
        <div className={styles.table} style={cssVars({ '--rows': Math.max(limit, 1) + 2 })}>
          <div className={`${styles.row} ${styles.head}`} style={cssVars({ '--cols': COLS })}>
            <span>{t('wallp.outage.county')}</span>
            <span className={styles.num}>{t('wallp.outage.events')}</span>
            <span className={styles.num}>{t('wallp.outage.affected')}</span>
            <span className={styles.num}>{t('wallp.outage.notified')}</span>
            <span className={styles.num}>{t('wallp.outage.timely')}</span>
          </div>
          {total ? line({ ...total, name: t('wallp.total') }, styles.total) : null}
          {shown.map((r) => line(r))}
          {rows.length === 0 ? <div className={`${styles.row} ${styles.muted}`}>{t('wallp.outage.empty')}</div> : null}
        </div>
        {rows.length > shown.length ? <div className={styles.note}>{t('wallp.outage.more', { n: rows.length - shown.length })}</div> : null}
      </div>
    </div>
  );
}
