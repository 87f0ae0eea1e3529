// Red/yellow/green ranking of the zone's cities (or counties) on one KPI: best first by the KPI's direction,
// each coloured by the status the KPI layer computed from its thresholds. Pure; see ranking.test.ts.
import type { KpiPoint } from '@/server/kpi/query/result';
import type { PanelData } from '@/server/wall/types';
import { isNum } from '../../../_i18n/format';
import { panelDay } from './business-day';
import { kpiDef, rankPoints } from './kpi-data';

export interface RankRow {
  rank: number | null;
  point: KpiPoint;
  /** Bar length 0–1. */
  bar: number;
}

export interface Ranking {
  kpi: string | null;
  rows: RankRow[];
  total: number;
  /** Only the bottom of the ranking is shown (more units than fit). */
  truncated: boolean;
  /**
   * The business date the ranking describes when it is not today (YYYY-MM-DD): a queue day figure at night,
   * when today has no ticket yet, is the last business day's (panelDay). Null for today.
   */
  previousDate: string | null;
}

/**
 * The ranking of the panel's (single) KPI. Units without a value come last without a rank. When more units
 * than `capacity` exist, the bottom `capacity` are shown (a duty wall looks for who needs help).
 * Bars: counts, minutes and money from 0 to the largest; rates spread between the lowest and the highest,
 * since 95 % and 99 % would otherwise look the same.
 */
export function buildRanking(data: PanelData | undefined, capacity: number): Ranking {
  const day = panelDay(data);
  const previousDate = day.previousDay ? (day.date ?? '') : null;
  const series = day.data?.kpi.flatMap((r) => r.kpis)[0] ?? null;
  if (!series) return { kpi: null, rows: [], total: 0, truncated: false, previousDate };
  const ranked = rankPoints(series.kpi, series.points);
  const values = ranked.map((p) => p.value).filter(isNum);
  const hi = values.length ? Math.max(...values) : 0;
  const lo = values.length ? Math.min(...values) : 0;
  const percent = kpiDef(series.kpi)?.unit === 'percent';
  const bar = (v: number | null) => {
    if (!isNum(v)) return 0;
    if (percent) return hi > lo ? 0.12 + (0.88 * (v - lo)) / (hi - lo) : 1;
    return hi > 0 ? Math.max(0, v) / hi : 0;
  };
  let rank = 0;
  const rows = ranked.map((p) => ({ rank: isNum(p.value) ? ++rank : null, point: p, bar: bar(p.value) }));
  const cap = Math.max(1, capacity);
  const truncated = rows.length > cap;
  return { kpi: series.kpi, rows: truncated ? rows.slice(rows.length - cap) : rows, total: rows.length, truncated, previousDate };
}

/** Columns and rows per column for `n` ranking rows in a box `height` px tall. */
export function rankingLayout(n: number, height: number | undefined, perRowPx = 50): { cols: number; perCol: number } {
  const fit = Math.max(4, Math.floor((height && height > 0 ? height : 600) / perRowPx) - 1);
  if (n <= fit) return { cols: 1, perCol: Math.max(n, 1) };
  return { cols: 2, perCol: Math.min(fit, Math.ceil(n / 2)) };
}
