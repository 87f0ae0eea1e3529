'use client';

import type { ComponentType } from 'react';
import type { PanelType } from '@/server/wall/layout';
import { KPI_BY_ID } from '@/server/kpi/definitions';
import { formatClock, isNum } from '../../_i18n/format';
import { PANEL_COMPONENTS as PANELS } from './panels';
import type { PanelProps } from './panels/types';
import styles from './wall.module.css';

// Panel components by type. The panel components (./panels/**) register here; a type without one is shown by
// the fallback below: the panel's KPI figures as plain numbers (and alerts / freshness as plain lists), so a
// wall never shows an empty frame while a panel is being written.

export const PANEL_COMPONENTS: Partial<Record<PanelType, ComponentType<PanelProps>>> = PANELS;

export function panelComponent(type: PanelType): ComponentType<PanelProps> {
  return PANEL_COMPONENTS[type] ?? FallbackPanel;
}

const MAX_ROWS = 14;

function formatValue(kpi: string, v: number | null): string {
  if (!isNum(v)) return '—';
  const def = KPI_BY_ID.get(kpi);
  if (def?.unit === 'percent') return `${(v * 100).toFixed(1)}%`;
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('zh-CN') : String(Math.round(v * 10) / 10);
}

/** The placeholder of any panel type: figures as numbers, alerts and sources as lines. */
export function FallbackPanel({ panel, data, locale }: PanelProps) {
  const rows: { label: string; value: string }[] = [];
  for (const r of data?.kpi ?? []) {
    for (const s of r.kpis) {
      const def = KPI_BY_ID.get(s.kpi);
      const name = def ? (locale === 'en' ? def.name.en : def.name.zh) : s.kpi;
      for (const p of s.points.slice(0, 6)) {
        const where = r.by === 'total' ? '' : ` · ${p.orgName}`;
        const when = p.bucket ? ` · ${formatClock(p.bucket).slice(0, 5)}` : '';
        rows.push({ label: `${name}${where}${when}`, value: formatValue(s.kpi, p.value) });
      }
    }
  }
  for (const a of data?.alerts ?? []) rows.push({ label: locale === 'en' ? a.titleEn : a.title, value: a.severity });
  if (data?.alertCounts && !data.alerts) {
    for (const [sev, n] of Object.entries(data.alertCounts)) rows.push({ label: sev, value: String(n) });
  }
  for (const f of data?.freshness ?? []) rows.push({ label: f.source, value: f.lagSeconds === null ? '—' : `${f.lagSeconds} s` });
  return (
    <div className={styles.fallback} data-testid={`panel-${panel.id}`} data-panel-type={panel.type} data-fallback="true">
      {rows.length === 0 ? (
        <div className={styles.fallbackEmpty}>—</div>
      ) : (
        <dl className={styles.fallbackList}>
          {rows.slice(0, MAX_ROWS).map((row, i) => (
            <div key={i} className={styles.fallbackRow}>
              <dt>{row.label}</dt>
              <dd>{row.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
