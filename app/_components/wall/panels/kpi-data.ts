// Reading a panel's data (PanelData: the zone call's KPI results for this panel) and showing a KPI's figure
// the way its definition says (unit, direction). Pure: no React, no DOM; unit-tested in kpi-data.test.ts.
// Every figure comes from the data; a missing one is shown as "—" (NO_VALUE), never as 0.
import type { KpiDef } from '@/server/kpi/definitions/types';
import { KPI_BY_ID } from '@/server/kpi/definitions';
import type { KpiPoint, KpiSeries } from '@/server/kpi/query/result';
import type { PanelData } from '@/server/wall/types';
import { isNum, NO_VALUE } from '../../../_i18n/format';
import type { Locale, Translate } from '../../../_i18n/locale';
import { STATUS_COLORS } from '../../charts/palette';

export type PointStatus = 'ok' | 'warn' | 'alarm' | 'none';

/** The KPI's definition (name, unit, direction) or null for an id this build does not know. */
export function kpiDef(id: string): KpiDef | null {
  return KPI_BY_ID.get(id) ?? null;
}

export function kpiName(id: string, locale: Locale): string {
  const d = kpiDef(id);
  return d ? (locale === 'en' ? d.name.en : d.name.zh) : id;
}

export function kpiFormula(id: string, locale: Locale): string {
  const d = kpiDef(id);
  return d ? (locale === 'en' ? d.formula.en : d.formula.zh) : '';
}

/**
 * The series of a KPI in the panel's data. With `suffix` (":total", ":outage"…, see the panel catalog's
 * keys): from the result whose key ends with it. Without: from the first result that is not a ":total" one,
 * else from any result that has the KPI.
 */
export function findSeries(data: PanelData | undefined, kpi: string, suffix?: string): KpiSeries | null {
  if (!data) return null;
  const of = (pick: (key: string) => boolean) => {
    for (const r of data.kpi) {
      if (!pick(r.key ?? '')) continue;
      const s = r.kpis.find((x) => x?.kpi === kpi);
      if (s) return s;
    }
    return null;
  };
  if (suffix !== undefined) return of((k) => k.endsWith(suffix));
  return of((k) => !k.endsWith(':total')) ?? of(() => true);
}

/** The single point of a total series (by = 'total', granularity = 'total'), or null. */
export function totalPoint(s: KpiSeries | null | undefined): KpiPoint | null {
  return s?.points[0] ?? null;
}

export function pointStatus(p: Pick<KpiPoint, 'status'> | null | undefined): PointStatus {
  return p?.status ?? 'none';
}

export const statusColor = (s: PointStatus): string => STATUS_COLORS[s];

/** Points of a break-down series by org code (one per org for granularity 'total'). */
export function pointsByOrg(s: KpiSeries | null | undefined): Map<string, KpiPoint> {
  const m = new Map<string, KpiPoint>();
  for (const p of s?.points ?? []) if (!m.has(p.orgCode)) m.set(p.orgCode, p);
  return m;
}

// ---- formatting ----

const intFmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });
const fixed = (v: number, digits: number) =>
  new Intl.NumberFormat('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);

/** A figure split into its number and its unit, so the number can be set large and the unit small. */
export interface FigureParts {
  value: string;
  unit: string;
}

/** Money: 元 / 万元 / 亿元 in Chinese, ¥… / ¥…K / ¥…M / ¥…B in English. */
export function formatYuan(v: number | null | undefined, locale: Locale): FigureParts {
  if (!isNum(v)) return { value: NO_VALUE, unit: '' };
  const a = Math.abs(v);
  if (locale === 'en') {
    if (a >= 1e9) return { value: `¥${fixed(v / 1e9, 2)}`, unit: 'B' };
    if (a >= 1e6) return { value: `¥${fixed(v / 1e6, 2)}`, unit: 'M' };
    if (a >= 1e4) return { value: `¥${fixed(v / 1e3, 1)}`, unit: 'K' };
    return { value: `¥${intFmt.format(v)}`, unit: '' };
  }
  if (a >= 1e8) return { value: fixed(v / 1e8, 2), unit: '亿元' };
  if (a >= 1e4) return { value: fixed(v / 1e4, 1), unit: '万元' };
  return { value: intFmt.format(v), unit: '元' };
}

/** A KPI's value in its unit (percent KPIs are fractions 0–1 shown as %); "—" and no unit when missing. */
export function formatFigure(kpiId: string, v: number | null | undefined, locale: Locale, t: Translate): FigureParts {
  if (!isNum(v)) return { value: NO_VALUE, unit: '' };
  const unit = kpiDef(kpiId)?.unit ?? 'count';
  switch (unit) {
    case 'percent':
      return { value: fixed(v * 100, 1), unit: '%' };
    case 'minutes':
      return { value: fixed(v, 1), unit: t('wallp.unit.minutes') };
    case 'hours':
      return { value: fixed(v, 1), unit: t('wallp.unit.hours') };
    case 'seconds':
      return { value: fixed(v, 0), unit: t('wallp.unit.seconds') };
    case 'yuan':
      return formatYuan(v, locale);
    case 'count':
      return { value: intFmt.format(v), unit: '' };
  }
}

/** formatFigure as one string ("98.8%", "12.3 分钟", "—"). */
export function formatFigureText(kpiId: string, v: number | null | undefined, locale: Locale, t: Translate): string {
  const f = formatFigure(kpiId, v, locale, t);
  if (!f.unit) return f.value;
  return f.unit === '%' || /^[KMB]$/.test(f.unit) ? `${f.value}${f.unit}` : `${f.value} ${f.unit}`;
}

// ---- trend vs the previous period (环比) or last year (同比) ----

export interface Trend {
  /** Which way the figure moved. */
  dir: 'up' | 'down' | 'flat';
  /** Whether the move is good, bad or neither, by the KPI's direction. */
  tone: 'good' | 'bad' | 'neutral';
  /** "▲ 1.2 个百分点", "▼ 12.3%", "持平". */
  text: string;
}

/**
 * The move from `previous` to `value`: percentage points for percent KPIs, the relative change otherwise (the
 * absolute change from 0 for KPIs with a direction; none for volumes). null when either side is missing: no
 * comparison is made up.
 */
export function trendOf(
  kpiId: string,
  value: number | null | undefined,
  previous: number | null | undefined,
  locale: Locale,
  t: Translate,
): Trend | null {
  if (!isNum(value) || !isNum(previous)) return null;
  const def = kpiDef(kpiId);
  const delta = value - previous;
  const eps = def?.unit === 'percent' ? 0.0005 : 1e-9;
  if (Math.abs(delta) < eps) return { dir: 'flat', tone: 'neutral', text: t('wallp.trend.flat') };
  const dir = delta > 0 ? 'up' : 'down';
  const better = def?.direction === 'higher_better' ? delta > 0 : def?.direction === 'lower_better' ? delta < 0 : null;
  const tone = better === null ? 'neutral' : better ? 'good' : 'bad';
  const arrow = dir === 'up' ? '▲' : '▼';
  let amount: string;
  if (def?.unit === 'percent') amount = t('wallp.trend.pp', { v: fixed(Math.abs(delta) * 100, 1) });
  else if (previous !== 0) amount = `${fixed((Math.abs(delta) / Math.abs(previous)) * 100, 1)}%`;
  // A volume from 0 has no relative change, and a 0 there usually means no history yet: no comparison.
  else if (def?.direction === 'neutral' || !def) return null;
  else amount = formatFigureText(kpiId, Math.abs(delta), locale, t);
  return { dir, tone, text: `${arrow} ${amount}` };
}

export const TREND_COLORS: Record<Trend['tone'], string> = { good: STATUS_COLORS.ok, bad: STATUS_COLORS.alarm, neutral: '#9fb0c8' };

/**
 * Sorts points for a ranking: best first by the KPI's direction (higher-better: highest first; lower-better
 * and neutral: lowest first), ties by org code; points without a value last.
 */
export function rankPoints(kpiId: string, points: readonly KpiPoint[]): KpiPoint[] {
  const dir = kpiDef(kpiId)?.direction ?? 'neutral';
  const withValue = points.filter((p) => isNum(p.value));
  const without = points.filter((p) => !isNum(p.value));
  withValue.sort((a, b) => {
    const d = dir === 'higher_better' ? (b.value as number) - (a.value as number) : (a.value as number) - (b.value as number);
    return d || a.orgCode.localeCompare(b.orgCode);
  });
  return [...withValue, ...without];
}
