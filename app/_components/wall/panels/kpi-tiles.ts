// Headline KPI tiles: one tile per KPI of the panel (params.kpis, in that order), with the threshold status
// the KPI layer computed and the move against the previous period. A tile shows its KPI's period (the panel
// catalog's tilePeriod: a billing KPI's own month or year to date, a queue day figure's last business day at
// night) and names it when it is not the panel's. Pure; see kpi-tiles.test.ts.
import type { KpiPoint, KpiSeries } from '@/server/kpi/query/result';
import type { Preset } from '@/server/kpi/query/time';
import type { PanelSpec } from '@/server/wall/layout';
import { followsBusinessDay, KPI_TILES_DEFAULT, kpiParam, presetParam, tilePeriod } from '@/server/wall/panel-catalog';
import type { PanelData } from '@/server/wall/types';
import { DISPLAY_TIME_ZONE, isNum } from '../../../_i18n/format';
import type { Locale, MessageKey, Translate } from '../../../_i18n/locale';
import { lastDayLabel, panelDay } from './business-day';
import { formatFigure, kpiFormula, kpiName, pointStatus, totalPoint, trendOf, type PointStatus, type Trend } from './kpi-data';

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
  /** 环比 or 同比 (a year to date is compared with last year's). */
  compareLabel: string;
  /** The period the figure describes when it is not the panel's ("年初至今", "本月", "11月", "上一营业日 12月3日"), else null. */
  period: string | null;
  formula: string;
}

const monthFmt = new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE, month: '2-digit' });
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The KPI's series asked for `preset` (the key the panel catalog's tileQueries gave it): the panel's own
 * period is keyed `panelId` / `panelId@org`, another period `…~preset`.
 */
function tileSeries(data: PanelData | undefined, kpi: string, preset: Preset | null): KpiSeries | null {
  for (const r of data?.kpi ?? []) {
    const key = r.key ?? '';
    const tail = /~([a-z_0-9]+)$/.exec(key)?.[1] ?? null;
    if (tail !== preset) continue;
    const s = r.kpis.find((x) => x?.kpi === kpi);
    if (s) return s;
  }
  return null;
}

/** "本月" / "年初至今" / "11月" for a period other than the panel's. */
function periodName(preset: Preset, s: KpiSeries | null, t: Translate): string {
  if (preset === 'this_month' || preset === 'this_year') return t(`wallp.period.${preset}` as MessageKey);
  const m = s?.range ? Number(monthFmt.format(new Date(s.range.from))) : NaN;
  if (preset === 'last_month' && Number.isFinite(m)) return t('wallp.period.month', { m, mon: MONTHS_EN[m - 1] ?? '' });
  return preset;
}

export function buildTiles(panel: PanelSpec, data: PanelData | undefined, locale: Locale, t: Translate): Tile[] {
  const preset = presetParam(panel.params.time, 'today');
  // Queue day figures: the last business day's while today has no ticket yet (the desktop home's rule).
  const day = panelDay(data);
  return kpiParam(panel.params.kpis, KPI_TILES_DEFAULT).map((kpi) => {
    const period = tilePeriod(kpi, preset);
    const own = period.preset === preset && !period.fallback;
    let shown: Preset = period.preset;
    let s = tileSeries(day.data, kpi, own ? null : period.preset);
    let p: KpiPoint | null = totalPoint(s);
    // Early in a month, before its first export: the month before.
    if (period.fallback && !isNum(p?.value)) {
      const fs = tileSeries(day.data, kpi, period.fallback);
      if (isNum(totalPoint(fs)?.value)) {
        s = fs;
        p = totalPoint(fs);
        shown = period.fallback;
      }
    }
    const base = period.compare === 'yoy' ? p?.compare.yoy : p?.compare.previous;
    const f = formatFigure(kpi, p?.value, locale, t);
    const prev = formatFigure(kpi, base, locale, t);
    const lastDay = day.previousDay && preset === 'today' && followsBusinessDay(kpi);
    return {
      kpi,
      label: kpiName(kpi, locale),
      value: f.value,
      unit: f.unit,
      status: pointStatus(p),
      trend: p ? trendOf(kpi, p.value, base, locale, t) : null,
      previous: prev.unit && prev.unit !== '%' ? `${prev.value} ${prev.unit}` : `${prev.value}${prev.unit}`,
      compared: p !== null && base !== undefined,
      compareLabel: t(period.compare === 'yoy' ? 'wallp.trend.yoy' : 'wallp.trend.previous'),
      period: lastDay ? lastDayLabel(day.date, t) : shown !== preset ? periodName(shown, s, t) : null,
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
