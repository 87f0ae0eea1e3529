'use client';

import { useMemo, useRef } from 'react';
import { shortDivisionName } from '../../../_i18n/format';
import { createTranslator } from '../../../_i18n/locale';
import { formatFigureText, kpiName } from './kpi-data';
import styles from './panels.module.css';
import { lastDayLabel } from './business-day';
import { buildRanking, rankingLayout } from './ranking';
import { cssVars, type PanelProps } from './types';
import { usePanelSize } from './usePanelSize';

/** ranking: cities (or counties) ranked on one KPI, red / yellow / green by the KPI's thresholds. */
export function RankingPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const ref = useRef<HTMLDivElement>(null);
  const size = usePanelSize(ref);
  const units = data?.kpi[0]?.kpis[0]?.points.length ?? 0;
  const { cols, perCol } = rankingLayout(units, size ? size.height * 0.9 : undefined);
  const ranking = useMemo(() => buildRanking(data, cols * perCol), [data, cols, perCol]);
  if (!ranking.kpi) {
    return (
      <div ref={ref} className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="ranking">
        <div className={styles.empty}>{t('wallp.noData')}</div>
      </div>
    );
  }
  const kpi = ranking.kpi;
  return (
    <div ref={ref} className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="ranking">
      <div className={styles.fill}>
        <div className={styles.note}>
          {t('wallp.ranking.by', { kpi: kpiName(kpi, locale), n: ranking.total })}
          {ranking.truncated ? ` · ${t('wallp.ranking.worst', { n: ranking.rows.length, total: ranking.total })}` : ''}
          {ranking.previousDate !== null ? (
            <b className={styles.period} data-testid="period">
              {' · '}
              {lastDayLabel(ranking.previousDate, t)}
            </b>
          ) : null}
        </div>
        <div className={styles.rankGrid} style={cssVars({ '--cols': cols, '--rows': perCol })}>
          {ranking.rows.map((r) => (
            <div key={r.point.orgCode} className={styles.rankRow} data-status={r.point.status ?? 'none'} data-org={r.point.orgCode}>
              <span className={styles.rankNo}>{r.rank ?? '—'}</span>
              <span className={styles.rankName}>{shortDivisionName(r.point.orgName)}</span>
              <span className={styles.rankBar}>
                <span style={{ width: `${Math.round(r.bar * 100)}%` }} />
              </span>
              <span className={styles.rankValue}>{formatFigureText(kpi, r.point.value, locale, t)}</span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
