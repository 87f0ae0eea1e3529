// ECharts options of the domain dashboards (/queue, /calls, /outages, /arrears, /work-orders): the trend
// line and the bar charts (break-down by a dimension). Pure functions of the figures, unit-tested in Node
// (dashboard-options.test.ts). A bar's or point's colour is the status the KPI layer returned with it; every
// data item carries its record count so a click can open the records behind exactly that figure.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { bucketLabel } from '../desktop/figures';
import { STATUS_COLORS, WALL, type Status } from './palette';

export type DashboardChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption
>;

export interface ChartPoint {
  /** Bucket start (ISO, Z) for a trend, the category label for a bar. */
  x: string;
  value: number | null;
  count: number;
  status: 'ok' | 'warn' | 'alarm' | null;
  previous?: number | null;
  yoy?: number | null;
}

export interface TrendInput {
  name: string;
  /** Multiplier for display (100 for rates shown in %). */
  scale: number;
  unitLabel: string;
  points: ChartPoint[];
}

const LINE_COLORS = ['#3ab8ff', '#c9d4ff'];
const round = (v: number) => Math.round(v * 100) / 100;
const scaled = (v: number | null | undefined, s: number) => (typeof v === 'number' && Number.isFinite(v) ? round(v * s) : '-');
const statusColor = (s: ChartPoint['status'], fallback: string) => (s ? STATUS_COLORS[s as Status] : fallback);

/** Axis labels of a trend: hours as HH:mm (with the date when the range spans days), days MM-DD, months YYYY-MM. */
export function trendLabels(xs: readonly string[], g: 'hour' | 'day' | 'month'): string[] {
  if (g !== 'hour') return xs.map((x) => bucketLabel(x, g));
  const days = new Set(xs.map((x) => bucketLabel(x, 'day')));
  return xs.map((x) => (days.size > 1 ? `${bucketLabel(x, 'day')} ${bucketLabel(x, 'hour')}` : bucketLabel(x, 'hour')));
}

/**
 * The trend: one line per KPI (at most two, left and right axis) over the first series' buckets; comparison
 * lines (上期 / 同期) dashed when the points carry them.
 */
export function buildTrendOption(
  series: readonly TrendInput[],
  g: 'hour' | 'day' | 'month',
  words: { previous: string; yoy: string },
): DashboardChartOption {
  const xs = series[0]?.points.map((p) => p.x) ?? [];
  const lines: LineSeriesOption[] = [];
  series.slice(0, 2).forEach((s, i) => {
    const color = LINE_COLORS[i]!;
    lines.push({
      type: 'line',
      name: `${s.name}${s.unitLabel ? ` (${s.unitLabel})` : ''}`,
      yAxisIndex: i,
      smooth: false,
      symbolSize: 8,
      lineStyle: { color, width: 2 },
      itemStyle: { color },
      data: s.points.map((p) => ({ value: scaled(p.value, s.scale), itemStyle: { color: statusColor(p.status, color) }, count: p.count })),
    });
    for (const [key, word] of [
      ['previous', words.previous],
      ['yoy', words.yoy],
    ] as const) {
      if (!s.points.some((p) => p[key] !== undefined && p[key] !== null)) continue;
      lines.push({
        type: 'line',
        name: `${s.name} · ${word}`,
        yAxisIndex: i,
        symbol: 'none',
        lineStyle: { color, width: 1, type: key === 'previous' ? 'dashed' : 'dotted', opacity: 0.7 },
        itemStyle: { color },
        data: s.points.map((p) => scaled(p[key], s.scale)),
        silent: true,
      });
    }
  });
  return {
    backgroundColor: WALL.background,
    grid: { left: 56, right: 56, top: 48, bottom: 36 },
    legend: { top: 4, textStyle: { color: WALL.text, fontSize: 13 } },
    tooltip: { trigger: 'axis', backgroundColor: WALL.tooltipBg, borderColor: WALL.tooltipBorder, textStyle: { color: WALL.text } },
    xAxis: { type: 'category', data: trendLabels(xs, g), axisLabel: { color: WALL.textMuted, fontSize: 12 } },
    yAxis: series.slice(0, 2).map((s, i) => ({
      type: 'value' as const,
      name: s.unitLabel,
      position: i === 0 ? ('left' as const) : ('right' as const),
      axisLabel: { color: WALL.textMuted, fontSize: 12 },
      splitLine: { show: i === 0, lineStyle: { color: WALL.splitLine } },
    })),
    series: lines,
  };
}

/** Horizontal bars, one per category, coloured by status (accent when the KPI has no thresholds), labelled with valueText. */
export function buildBarsOption(bars: readonly ChartPoint[], scale: number, valueText?: readonly string[]): DashboardChartOption {
  return {
    backgroundColor: WALL.background,
    grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', backgroundColor: WALL.tooltipBg, borderColor: WALL.tooltipBorder, textStyle: { color: WALL.text } },
    xAxis: { type: 'value', axisLabel: { color: WALL.textMuted, fontSize: 12 }, splitLine: { lineStyle: { color: WALL.splitLine } } },
    yAxis: { type: 'category', inverse: true, data: bars.map((b) => b.x), axisLabel: { color: WALL.text, fontSize: 13 } },
    series: [
      {
        type: 'bar',
        barMaxWidth: 22,
        label: { show: true, position: 'right', color: WALL.text, fontSize: 12 },
        // Each bar's label is the figure as the page writes it (unit, 万元), else the plotted value.
        data: bars.map((b, i) => ({
          value: scaled(b.value, scale),
          count: b.count,
          itemStyle: { color: statusColor(b.status, WALL.accent) },
          ...(valueText?.[i] !== undefined ? { label: { formatter: valueText[i] } } : {}),
        })),
      },
    ],
  };
}
