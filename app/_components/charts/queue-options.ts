// ECharts options for the queue overview. Pure functions of the data and a translator: no React, no DOM, no
// echarts runtime (type imports only), so they are unit-tested in Node (queue-options.test.ts).
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
import type { QueueOverviewData } from '../queue-overview/types';
import { STATUS_COLORS, WALL, waitStatus, type Thresholds } from './palette';

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

type CityRow = QueueOverviewData['byCity'][number];

/** Cities with an average wait, longest first (ties by name), then cities without one in their input order. */
export function sortCitiesByWait(byCity: readonly CityRow[]): CityRow[] {
  const withWait = byCity.filter((c) => isNum(c.avgWaitMin));
  const without = byCity.filter((c) => !isNum(c.avgWaitMin));
  withWait.sort((a, b) => (b.avgWaitMin as number) - (a.avgWaitMin as number) || a.name.localeCompare(b.name, 'zh-CN'));
  return [...withWait, ...without];
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** Axis maximum that always leaves room for the alarm markLine and the value labels. */
export function waitAxisMax(values: readonly (number | null)[], th: Thresholds): number {
  const top = Math.max(th.waitAlarmMin, ...values.filter(isNum));
  return Math.ceil((top * 1.12) / 5) * 5;
}

function thresholdMarkLine(th: Thresholds, t: Translate, axis: 'xAxis' | 'yAxis'): MarkLineComponentOption {
  const line = (value: number, status: 'warn' | 'alarm', label: string) => ({
    [axis]: value,
    name: label,
    lineStyle: { color: STATUS_COLORS[status], type: 'dashed' as const, width: 2 },
    label: { formatter: label, color: STATUS_COLORS[status], fontSize: WALL.fontSizeSmall },
  });
  return {
    silent: true,
    symbol: ['none', 'none'],
    animation: false,
    // Vertical lines (city bars): label at the top, clear of the axis labels. Horizontal lines (hourly wait
    // axis): label at the right end, beside the wait axis they belong to (not the ticket-count axis).
    label: { position: axis === 'xAxis' ? 'start' : 'insideEndTop' },
    data: [
      line(th.waitWarnMin, 'warn', t('chart.markLine.warn', { v: th.waitWarnMin })),
      line(th.waitAlarmMin, 'alarm', t('chart.markLine.alarm', { v: th.waitAlarmMin })),
    ],
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
 * Horizontal bars of each city's average wait today, longest on top, coloured ok/warn/alarm, with dashed
 * markLines at the warning and alarm thresholds. Cities without a called ticket keep their row (muted name)
 * but get no bar.
 */
export function buildWaitByCityOption(data: QueueOverviewData, t: Translate): QueueChartOption {
  const th = data.thresholds;
  const rows = sortCitiesByWait(data.byCity);
  const hasAny = rows.some((r) => isNum(r.avgWaitMin));
  const minutes = t('unit.minutes');

  const barData = rows.map((r) =>
    isNum(r.avgWaitMin)
      ? { value: round1(r.avgWaitMin), name: r.name, itemStyle: { color: STATUS_COLORS[waitStatus(r.avgWaitMin, th)] } }
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
          tooltipRow(t('chart.tooltip.avgWait'), `${formatMinutes(r.avgWaitMin)} ${minutes}`, STATUS_COLORS[waitStatus(r.avgWaitMin, th)]),
          tooltipRow(t('chart.tooltip.maxWait'), `${formatMinutes(r.maxWaitMin)} ${minutes}`),
          tooltipRow(t('chart.tooltip.queue'), formatInt(r.queueLength)),
          tooltipRow(t('chart.tooltip.tickets'), formatInt(r.ticketsIssued)),
          tooltipRow(t('chart.tooltip.satisfaction'), formatPercent(r.satisfactionRate)),
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
        rows.map((r) => r.avgWaitMin),
        th,
      ),
      splitNumber: 4,
    },
    yAxis: {
      type: 'category',
      inverse: true,
      axisLabel: { fontSize: 15, color: WALL.text, margin: 10 },
      data: rows.map((r) =>
        isNum(r.avgWaitMin) ? shortDivisionName(r.name) : { value: shortDivisionName(r.name), textStyle: { color: STATUS_COLORS.none } },
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
        markLine: thresholdMarkLine(th, t, 'xAxis'),
      },
    ],
    graphic: hasAny ? [] : [noDataGraphic(t)],
  };
}

/**
 * Today's hours: bars of tickets issued (left axis) and a line of the average wait (right axis, minutes; a
 * missing hour is a gap, not 0) with the wait thresholds marked on the wait axis.
 */
export function buildHourlyOption(data: QueueOverviewData, t: Translate): QueueChartOption {
  const th = data.thresholds;
  const hours = [...data.hourly].sort((a, b) => Date.parse(a.hour) - Date.parse(b.hour));
  const hasAny = hours.length > 0;
  const minutes = t('unit.minutes');
  const waits = hours.map((h) => h.avgWaitMin);

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
          tooltipRow(t('chart.series.issued'), formatInt(h.issued), WALL.accent),
          tooltipRow(t('chart.series.avgWait'), `${formatMinutes(h.avgWaitMin)} ${minutes}`, STATUS_COLORS[waitStatus(h.avgWaitMin, th)]),
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
        max: waitAxisMax(waits, th),
        splitNumber: 4,
        splitLine: { show: false },
      },
    ],
    series: [
      {
        type: 'bar',
        name: t('chart.series.issued'),
        yAxisIndex: 0,
        data: hours.map((h) => h.issued),
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
          isNum(h.avgWaitMin)
            ? { value: round1(h.avgWaitMin), itemStyle: { color: STATUS_COLORS[waitStatus(h.avgWaitMin, th)] } }
            : { value: MISSING },
        ),
        // Without any hour there is nothing to compare: no threshold lines across the "no data" notice.
        ...(hasAny ? { markLine: thresholdMarkLine(th, t, 'yAxis') } : {}),
      },
    ],
    graphic: hasAny ? [] : [noDataGraphic(t)],
  };
}
