// Headline KPI tiles: one tile per KPI of the panel (params.kpis, in that order), with the threshold status
// the KPI layer computed and the move against the previous period. Pure; see kpi-tiles.test.ts.
import type { PanelSpec } from '@/server/wall/layout';
import { KPI_TILES_DEFAULT, kpiParam } from '@/server/wall/panel-catalog';
import type { PanelData } from '@/server/wall/types';
import type { Locale, Translate } from '../../../_i18n/locale';
import { findSeries, formatFigure, kpiFormula, kpiName, pointStatus, totalPoint, trendOf, type PointStatus, type Trend } from './kpi-data';

export interface Tile {
  kpi: string;
  label: string;
  value: string;
  unit: string;
  status: PointStatus;
  trend: Trend | null;
  /** The previous period's figure, formatted ("—" when missing). */
  previous: string;
  /** Whether the KPI has a previous period at all (snapshots such as open orders or the arrears book do not). */
  compared: boolean;
  formula: string;
}

export function buildTiles(panel: PanelSpec, data: PanelData | undefined, locale: Locale, t: Translate): Tile[] {
  return kpiParam(panel.params.kpis, KPI_TILES_DEFAULT).map((kpi) => {
    const p = totalPoint(findSeries(data, kpi));
    const f = formatFigure(kpi, p?.value, locale, t);
    const prev = formatFigure(kpi, p?.compare.previous, locale, t);
    return {
      kpi,
      label: kpiName(kpi, locale),
      value: f.value,
      unit: f.unit,
      status: pointStatus(p),
      trend: p ? trendOf(kpi, p.value, p.compare.previous, locale, t) : null,
      previous: prev.unit && prev.unit !== '%' ? `${prev.value} ${prev.unit}` : `${prev.value}${prev.unit}`,
      compared: p !== null && p.compare.previous !== undefined,
      formula: kpiFormula(kpi, locale),
    };
  });
}

/**
 * Columns × rows for `n` tiles in a box of the given aspect (width / height): the grid whose tiles come
 * closest to a 1.6:1 landscape tile, every tile used (no more than one short row).
 */
export function tileGrid(n: number, aspect: number): { cols: number; rows: number } {
  if (n <= 0) return { cols: 1, rows: 1 };
  const target = 1.6;
  let best = { cols: n, rows: 1, score: Infinity };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    if (cols * rows - n >= cols) continue;
    const tileAspect = (aspect * rows) / cols;
    const score = Math.abs(Math.log(tileAspect / target));
    if (score < best.score) best = { cols, rows, score };
  }
  return { cols: best.cols, rows: best.rows };
}
