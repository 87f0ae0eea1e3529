// Bars per org unit (cities or counties) with a rate line on a percent axis: arrears and recovery by city,
// work orders near due / overdue with the on-time rate. Pure; see org-bars-options.test.ts.
import type { KpiPoint } from '@/server/kpi/query/result';
import type { PanelData } from '@/server/wall/types';
import { isNum, shortDivisionName } from '../../../_i18n/format';
import type { Locale, Translate } from '../../../_i18n/locale';
import { STATUS_COLORS, WALL } from '../../charts/palette';
import { MISSING, type QueueChartOption } from '../../charts/queue-options';
import type { ChartSizes } from './chart-scale';
import { noDataText } from './chart-common';
import { findSeries, formatFigureText, kpiName, pointsByOrg } from './kpi-data';

export interface OrgBarsSpec {
  /** Bar KPIs (stacked when more than one), with their colours. */
  bars: { kpi: string; color: string }[];
  /** Rate KPI drawn as a line on the right (percent) axis, points coloured by status. */
  rate: string;
  barAxis: string;
  rateAxis: string;
  /** Divisor of bar values for the axis (10 000 → 万元), with the axis unit. */
  barScale?: { divisor: number; unit: string };
  /** Sort orgs by the first bar KPI, largest first (default), or keep the data's order. */
  sort?: 'desc' | 'none';
}

export interface OrgRow {
  code: string;
  name: string;
  bars: (number | null)[];
  rate: KpiPoint | null;
}

export function orgRows(data: PanelData | undefined, spec: OrgBarsSpec): OrgRow[] {
  const bars = spec.bars.map((b) => pointsByOrg(findSeries(data, b.kpi)));
  const rate = pointsByOrg(findSeries(data, spec.rate));
  const codes = [...new Set([...bars.flatMap((m) => [...m.keys()]), ...rate.keys()])];
  const rows = codes.map((code) => ({
    code,
    name: bars.map((m) => m.get(code)?.orgName).find(Boolean) ?? rate.get(code)?.orgName ?? code,
    bars: bars.map((m) => m.get(code)?.value ?? null),
    rate: rate.get(code) ?? null,
  }));
  if (spec.sort !== 'none') {
    const key = (r: OrgRow) => r.bars.reduce<number>((s, v) => s + (isNum(v) ? v : 0), 0) + (r.bars.some(isNum) ? 0 : -Infinity);
    rows.sort((a, b) => key(b) - key(a) || a.code.localeCompare(b.code));
  }
  return rows;
}

const pct = (v: number) => Math.round(v * 10000) / 100;

export function buildOrgBarsOption(
  rows: readonly OrgRow[],
  spec: OrgBarsSpec,
  s: ChartSizes,
  locale: Locale,
  t: Translate,
): QueueChartOption {
  const div = spec.barScale?.divisor ?? 1;
  const scaled = (v: number | null) => (isNum(v) ? Math.round((v / div) * 100) / 100 : MISSING);
  const rateName = kpiName(spec.rate, locale);
  const hasAny = rows.some((r) => r.bars.some(isNum) || isNum(r.rate?.value));
  const many = rows.length > 12;
  return {
    animationDuration: 300,
    textStyle: { fontSize: s.text },
    grid: { left: s.px(12), right: s.px(12), top: s.px(64), bottom: s.px(8), containLabel: true },
    legend: {
      top: 0,
      left: 'center',
      itemWidth: s.px(22),
      itemHeight: s.px(12),
      itemGap: s.px(22),
      textStyle: { fontSize: s.legend, color: WALL.textMuted },
      data: [...spec.bars.map((b) => kpiName(b.kpi, locale)), rateName],
    },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true, textStyle: { fontSize: s.small } },
    xAxis: {
      type: 'category',
      data: rows.map((r) => shortDivisionName(r.name)),
      axisLabel: { fontSize: s.small, interval: 0, rotate: many ? 40 : 0, margin: s.px(10) },
    },
    yAxis: [
      {
        type: 'value',
        name: spec.barScale ? `${spec.barAxis}（${spec.barScale.unit}）` : spec.barAxis,
        min: 0,
        splitNumber: 4,
        minInterval: div === 1 ? 1 : undefined,
        nameTextStyle: { fontSize: s.small, align: 'left' },
        axisLabel: { fontSize: s.small },
      },
      {
        type: 'value',
        name: spec.rateAxis,
        max: 100,
        scale: true,
        splitNumber: 4,
        splitLine: { show: false },
        nameTextStyle: { fontSize: s.small, align: 'right' },
        axisLabel: { fontSize: s.small, formatter: '{value}%' },
      },
    ],
    series: [
      ...spec.bars.map((b, i) => ({
        type: 'bar' as const,
        name: kpiName(b.kpi, locale),
        yAxisIndex: 0,
        stack: spec.bars.length > 1 ? 'bars' : undefined,
        barMaxWidth: s.px(34),
        itemStyle: { color: b.color },
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? formatFigureText(b.kpi, v * div, locale, t) : '—') },
        data: rows.map((r) => scaled(r.bars[i] ?? null)),
      })),
      {
        type: 'line' as const,
        name: rateName,
        yAxisIndex: 1,
        symbol: 'circle',
        symbolSize: s.symbol * 1.2,
        connectNulls: false,
        lineStyle: { color: '#c9d4ff', width: s.line },
        itemStyle: { color: '#c9d4ff' },
        tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? `${v}%` : '—') },
        data: rows.map((r) =>
          r.rate && isNum(r.rate.value)
            ? { value: pct(r.rate.value), itemStyle: r.rate.status ? { color: STATUS_COLORS[r.rate.status] } : undefined }
            : { value: MISSING },
        ),
      },
    ],
    graphic: [noDataText(!hasAny, s, t)],
  };
}

export const ARREARS_SPEC: OrgBarsSpec = {
  bars: [{ kpi: 'arrears.amount', color: '#f5b21b' }],
  rate: 'arrears.recovery_rate',
  barAxis: '',
  rateAxis: '',
};

export const WORK_ORDER_SPEC: OrgBarsSpec = {
  bars: [
    { kpi: 'wo.overdue', color: STATUS_COLORS.alarm },
    { kpi: 'wo.near_due', color: STATUS_COLORS.warn },
  ],
  rate: 'wo.on_time',
  barAxis: '',
  rateAxis: '',
};
