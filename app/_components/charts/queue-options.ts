// ECharts options for the desktop home (`/`). Pure functions of the page's figures (home-batch.ts: values and
// the statuses the KPI layer returned with them) and a translator: no React, no DOM, no echarts runtime (type
// imports only), so they are unit-tested in Node (queue-options.test.ts). A bar's or a point's colour is its
// point's status; the dashed lines are the thresholds `kpi.definitions` gives, never a local table.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GraphicComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { escapeHtml, formatHourOfDay, formatInt, formatMinutes, formatPercent, isNum, shortDivisionName } from '../../_i18n/format';
import type { Translate } from '../../_i18n/locale';
import type { AreaRow, Band, HomeView } from '../home/home-batch';
import { STATUS_COLORS, WALL } from './palette';

export type QueueChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
  | GraphicComponentOption
>;

/** The hourly wait line: neutral, so that only its points carry the ok/warn/alarm colours. */
const WAIT_LINE = '#c9d4ff';

/** ECharts' marker for a missing value: the point gets no bar / no line vertex (it is not drawn as 0). */
export const MISSING = '-';

/** Units with an average wait, longest first (ties by name), then units without one in their input order. */
export function sortAreasByWait(rows: readonly AreaRow[]): AreaRow[] {
  const withWait = rows.filter((c) => isNum(c.avgWait));
  const without = rows.filter((c) => !isNum(c.avgWait));
  withWait.sort((a, b) => b.avgWait! - a.avgWait! || a.name.localeCompare(b.name, 'zh-CN'));
  return [...withWait, ...without];
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Axis maximum that always leaves room for the alarm (or warning) line and the value labels. */
export function waitAxisMax(values: readonly (number | null)[], band: Band): number {
  const top = Math.max(band.alarm ?? band.warn ?? 0, ...values.filter(isNum), 1);
  return Math.ceil((top * 1.12) / 5) * 5;
}

/** Dashed lines at the wait thresholds the definitions give; none when they give none. */
function thresholdMarkLine(band: Band, t: Translate, axis: 'xAxis' | 'yAxis'): MarkLineComponentOption | undefined {
  const line = (value: number, status: 'warn' | 'alarm', label: string) => ({
    [axis]: value,
    name: label,
    lineStyle: { color: STATUS_COLORS[status], type: 'dashed' as const, width: 2 },
    label: { formatter: label, color: STATUS_COLORS[status], fontSize: WALL.fontSizeSmall },
  });
  const data = [
    ...(isNum(band.warn) ? [line(band.warn, 'warn', t('chart.markLine.warn', { v: band.warn }))] : []),
    ...(isNum(band.alarm) ? [line(band.alarm, 'alarm', t('chart.markLine.alarm', { v: band.alarm }))] : []),
  ];
  if (!data.length) return undefined;
  return {
    silent: true,
    symbol: ['none', 'none'],
    animation: false,
    // Vertical lines (unit bars): label at the top, clear of the axis labels. Horizontal lines (hourly wait
    // axis): label at the right end, beside the wait axis they belong to (not the ticket-count axis).
    label: { position: axis === 'xAxis' ? 'start' : 'insideEndTop' },
    data,
  };
}

function noDataGraphic(t: Translate): GraphicComponentOption {
  return {
    type: 'text',
    left: 'center',
    top: 'middle',
    silent: true,
    style: { text: t('chart.noData'), fill: WALL.textMuted, fontSize: 20, fontFamily: WALL.fontFamily },
  };
}

interface AxisTooltipParam {
  dataIndex: number;
}
const firstIndex = (params: unknown): number => {
  const list = (Array.isArray(params) ? params : [params]) as AxisTooltipParam[];
  return list[0]?.dataIndex ?? -1;
};

function tooltipRow(label: string, value: string, color?: string): string {
  const dot = color
    ? `<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:${color};margin-right:6px"></span>`
    : '';
  return `<div style="display:flex;justify-content:space-between;gap:24px">${dot ? `<span>${dot}${label}</span>` : `<span>${label}</span>`}<b>${value}</b></div>`;
}

/**
 * Horizontal bars of each unit's average wait (the cities of the province, the counties of a city, the halls
 * of a county), longest on top, each coloured by the status the KPI layer gave its point, with dashed lines at
 * the warning and alarm thresholds. Units without a called ticket keep their row (muted name) but get no bar.
 */
export function buildAreaWaitOption(view: Pick<HomeView, 'areas' | 'thresholds'>, t: Translate): QueueChartOption {
  const band = view.thresholds.wait;
  const rows = sortAreasByWait(view.areas);
  const hasAny = rows.some((r) => isNum(r.avgWait));
  const minutes = t('unit.minutes');
  const markLine = hasAny ? thresholdMarkLine(band, t, 'xAxis') : undefined;

  const barData = rows.map((r) =>
    isNum(r.avgWait)
      ? { value: round1(r.avgWait), name: r.name, itemStyle: { color: STATUS_COLORS[r.status] } }
      : { value: MISSING, name: r.name },
  );

  return {
    animationDuration: 400,
    grid: { left: 8, right: 56, top: 30, bottom: 28 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      formatter: (params: unknown) => {
        const r = rows[firstIndex(params)];
        if (!r) return '';
        return [
          `<div style="font-weight:600;margin-bottom:4px">${escapeHtml(r.name)}</div>`,
          tooltipRow(t('chart.tooltip.avgWait'), `${formatMinutes(r.avgWait)} ${minutes}`, STATUS_COLORS[r.status]),
          tooltipRow(t('chart.tooltip.maxWait'), `${formatMinutes(r.maxWait)} ${minutes}`),
          tooltipRow(t('chart.tooltip.queue'), formatInt(r.queue)),
          tooltipRow(t('chart.tooltip.tickets'), formatInt(r.tickets)),
          tooltipRow(t('chart.tooltip.satisfaction'), formatPercent(r.satisfaction)),
        ].join('');
      },
    },
    xAxis: {
      type: 'value',
      name: minutes,
      nameLocation: 'end',
      nameGap: 8,
      min: 0,
      max: waitAxisMax(
        rows.map((r) => r.avgWait),
        band,
      ),
      splitNumber: 4,
    },
    yAxis: {
      type: 'category',
      inverse: true,
      axisLabel: { fontSize: rows.length > 20 ? 12 : 15, color: WALL.text, margin: 10, interval: 0, width: 120, overflow: 'truncate' },
      data: rows.map((r) =>
        isNum(r.avgWait) ? shortDivisionName(r.name) : { value: shortDivisionName(r.name), textStyle: { color: STATUS_COLORS.none } },
      ),
    },
    series: [
      {
        type: 'bar',
        name: t('chart.series.avgWait'),
        data: barData,
        barMaxWidth: 22,
        label: {
          show: true,
          position: 'right',
          color: WALL.text,
          fontSize: WALL.fontSizeSmall,
          formatter: (p: { value?: unknown }) => (typeof p.value === 'number' ? formatMinutes(p.value) : ''),
        },
        ...(markLine ? { markLine } : {}),
      },
    ],
    graphic: hasAny ? [] : [noDataGraphic(t)],
  };
}

/**
 * The day's hours: bars of tickets issued (left axis) and a line of the average wait (right axis, minutes; a
 * missing hour is a gap, not 0), each point coloured by its status, with the wait thresholds on the wait axis.
 */
export function buildHourlyOption(view: Pick<HomeView, 'hourly' | 'thresholds'>, t: Translate): QueueChartOption {
  const band = view.thresholds.wait;
  const hours = [...view.hourly].sort((a, b) => Date.parse(a.hour) - Date.parse(b.hour));
  const hasAny = hours.length > 0;
  const minutes = t('unit.minutes');
  const waits = hours.map((h) => h.avgWait);
  // Without any hour there is nothing to compare: no threshold lines across the "no data" notice.
  const markLine = hasAny ? thresholdMarkLine(band, t, 'yAxis') : undefined;

  return {
    animationDuration: 400,
    grid: { left: 8, right: 8, top: 48, bottom: 8 },
    legend: { top: 0, left: 'center', data: [t('chart.series.issued'), t('chart.series.avgWait')] },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      confine: true,
      formatter: (params: unknown) => {
        const h = hours[firstIndex(params)];
        if (!h) return '';
        return [
          `<div style="font-weight:600;margin-bottom:4px">${t('chart.hourLabel', { h: formatHourOfDay(h.hour) })}</div>`,
          tooltipRow(t('chart.series.issued'), formatInt(h.tickets), WALL.accent),
          tooltipRow(t('chart.series.avgWait'), `${formatMinutes(h.avgWait)} ${minutes}`, STATUS_COLORS[h.status]),
        ].join('');
      },
    },
    xAxis: {
      type: 'category',
      data: hours.map((h) => t('chart.hourLabel', { h: formatHourOfDay(h.hour) })),
      axisLabel: { hideOverlap: true },
    },
    yAxis: [
      { type: 'value', name: t('chart.axis.tickets'), minInterval: 1, min: 0, splitNumber: 4 },
      {
        type: 'value',
        name: t('chart.axis.minutes'),
        min: 0,
        max: waitAxisMax(waits, band),
        splitNumber: 4,
        splitLine: { show: false },
      },
    ],
    series: [
      {
        type: 'bar',
        name: t('chart.series.issued'),
        yAxisIndex: 0,
        data: hours.map((h) => (isNum(h.tickets) ? h.tickets : MISSING)),
        itemStyle: { color: WALL.accent, opacity: 0.85 },
        barMaxWidth: 28,
      },
      {
        type: 'line',
        name: t('chart.series.avgWait'),
        yAxisIndex: 1,
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 8,
        lineStyle: { color: WAIT_LINE, width: 3 },
        itemStyle: { color: WAIT_LINE },
        data: hours.map((h) =>
          isNum(h.avgWait) ? { value: round1(h.avgWait), itemStyle: { color: STATUS_COLORS[h.status] } } : { value: MISSING },
        ),
        ...(markLine ? { markLine } : {}),
      },
    ],
    graphic: hasAny ? [] : [noDataGraphic(t)],
  };
}
