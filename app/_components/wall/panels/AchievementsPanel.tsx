'use client';

import { useMemo, useRef } from 'react';
import { createTranslator } from '../../../_i18n/locale';
import { periodLabel, buildAchievements } from './achievements';
import { TREND_COLORS } from './kpi-data';
import { tileGrid } from './kpi-tiles';
import styles from './panels.module.css';
import { cssVars, type PanelProps } from './types';
import { usePanelSize } from './usePanelSize';

/** achievements: the visitor zone's service figures of the year so far, large, with the change on last year. */
export function AchievementsPanel({ panel, data, locale }: PanelProps) {
  const t = useMemo(() => createTranslator(locale), [locale]);
  const ref = useRef<HTMLDivElement>(null);
  const size = usePanelSize(ref);
  const items = useMemo(() => buildAchievements(data, locale, t), [data, locale, t]);
  const { cols, rows } = tileGrid(items.length, size ? (size.width / Math.max(1, size.height)) * 0.75 : 16 / 9);
  return (
    <div ref={ref} className={styles.panel} data-testid={`panel-${panel.id}`} data-panel-type="achievements">
      <div className={styles.ach} style={cssVars({ '--cols': cols, '--rows': rows })}>
        {items.map((a) => (
          <div key={a.kpi} className={styles.achItem} data-kpi={a.kpi}>
            <div className={styles.achValue}>
              {a.value}
              {a.unit ? <span className={styles.achUnit}>{a.unit}</span> : null}
            </div>
            <div className={styles.achLabel}>{a.label}</div>
            <div className={styles.achSub}>
              {periodLabel(panel.params.time, t)} · {t('wallp.trend.yoy')}{' '}
              {a.yoy ? <span style={{ color: TREND_COLORS[a.yoy.tone] }}>{a.yoy.text}</span> : '—'}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
