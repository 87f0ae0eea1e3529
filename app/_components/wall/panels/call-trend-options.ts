// 95598 call trend: today's calls by hour (bars: inbound and manual, with yesterday's inbound as a dashed
// line) and the call-loss rate and service level (lines on a percent axis), each rate point coloured by its
// threshold status. Pure: no React, no echarts runtime; see call-trend-options.test.ts.
import type { KpiPoint } from '@/server/kpi/query/result';
import type { PanelData } from '@/server/wall/types';
import { formatHourOfDay, formatInt, isNum } from '../../../_i18n/format';
import type { Locale, Translate } from '../../../_i18n/locale';
import { MISSING, type QueueChartOption } from '../../charts/queue-options';
import { STATUS_COLORS, WALL } from '../../charts/palette';
import type { ChartSizes } from './chart-scale';
import { noDataText } from './chart-common';
import { findSeries, kpiName } from './kpi-data';

export interface CallHour {
  bucket: string;
  inbound: number | null;
  manual: number | null;
  inboundYesterday: number | null;
  lossRate: KpiPoint | null;
  serviceLevel: KpiPoint | null;
}

/**
 * Today's hours up to the last one with any call (the hours after it have not happened yet: they are left
 * out rather than drawn as 0), each with its figures, joined on the bucket start.
 */
export function callHours(data: PanelData | undefined): CallHour[] {
  const of = (kpi: string) => new Map((findSeries(data, kpi)?.points ?? []).filter((p) => p.bucket).map((p) => [p.bucket!, p]));
  const inbound = of('call.inbound');
  const manual = of('call.manual');
  const loss = of('call.loss_rate');
  const sl = of('call.service_level');
  const buckets = [...new Set([...inbound.keys(), ...manual.keys(), ...loss.keys(), ...sl.keys()])].sort(
    (a, b) => Date.parse(a) - Date.parse(b),
  );
  const hours = buckets.map((b) => ({
    bucket: b,
    inbound: inbound.get(b)?.value ?? null,
    manual: manual.get(b)?.value ?? null,
    inboundYesterday: inbound.get(b)?.compare.previous ?? null,
    lossRate: loss.get(b) ?? null,
    serviceLevel: sl.get(b) ?? null,
  }));
  let last = hours.length - 1;
  while (last >= 0 && !(hours[last]!.inbound! > 0) && !isNum(hours[last]!.lossRate?.value) && !isNum(hours[last]!.serviceLevel?.value))
    last--;
  return hours.slice(0, last + 1);
}

const pct = (v: number) => Math.round(v * 10000) / 100;

function ratePoint(p: KpiPoint | null) {
  if (!p || !isNum(p.value)) return { value: MISSING };
  return { value: pct(p.value), itemStyle: p.status ? { color: STATUS_COLORS[p.status] } : undefined };
}

const percentTip = (v: unknown) => (typeof v === 'number' ? `${v}%` : '—');

const LOSS_LINE = '#ff8a8c';
const SL_LINE = '#7ee2b8';
const YESTERDAY_LINE = '#8da2c0';

export function buildCallTrendOption(hours: readonly CallHour[], s: ChartSizes, locale: Locale, t: Translate): QueueChartOption {
  const names = {
    inbound: kpiName('call.inbound', locale),
    manual: kpiName('call.manual', locale),
    yesterday: t('wallp.call.yesterday'),
    loss: kpiName('call.loss_rate', locale),
    sl: kpiName('call.service_level', locale),
  };
  const hasAny = hours.some((h) => isNum(h.inbound) && h.inbound > 0);
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
      data: [names.inbound, names.manual, names.yesterday, names.loss, names.sl],
    },
    tooltip: {
      trigger: 'axis',
      confine: true,
      textStyle: { fontSize: s.small },
      valueFormatter: (v: unknown) => (typeof v === 'number' ? String(v) : '—'),
    },
    xAxis: {
      type: 'category',
      data: hours.map((h) => t('wallp.hour', { h: formatHourOfDay(h.bucket) })),
      axisLabel: { fontSize: s.small, hideOverlap: true, margin: s.px(10) },
    },
    yAxis: [
      {
        type: 'value',
        name: t('wallp.call.axisCalls'),
        min: 0,
        minInterval: 1,
        splitNumber: 4,
        nameTextStyle: { fontSize: s.small, align: 'left' },
        axisLabel: { fontSize: s.small, formatter: (v: number) => formatInt(v) },
      },
      {
        type: 'value',
        name: t('wallp.call.axisRate'),
        min: 0,
        max: 100,
        interval: 25,
        splitLine: { show: false },
        nameTextStyle: { fontSize: s.small, align: 'right' },
        axisLabel: { fontSize: s.small, formatter: '{value}%' },
      },
    ],
    series: [
      {
        type: 'bar',
        name: names.inbound,
        yAxisIndex: 0,
        barGap: '10%',
        barMaxWidth: s.px(26),
        itemStyle: { color: WALL.accent, opacity: 0.9 },
        data: hours.map((h) => (isNum(h.inbound) ? h.inbound : MISSING)),
      },
      {
        type: 'bar',
        name: names.manual,
        yAxisIndex: 0,
        barMaxWidth: s.px(26),
        itemStyle: { color: WALL.accent2, opacity: 0.9 },
        data: hours.map((h) => (isNum(h.manual) ? h.manual : MISSING)),
      },
      {
        type: 'line',
        name: names.yesterday,
        yAxisIndex: 0,
        symbol: 'none',
        connectNulls: false,
        lineStyle: { color: YESTERDAY_LINE, width: Math.max(1, s.line - 1), type: 'dashed' },
        itemStyle: { color: YESTERDAY_LINE },
        data: hours.map((h) => (isNum(h.inboundYesterday) ? h.inboundYesterday : MISSING)),
      },
      {
        type: 'line',
        name: names.loss,
        yAxisIndex: 1,
        symbol: 'circle',
        symbolSize: s.symbol,
        connectNulls: false,
        lineStyle: { color: LOSS_LINE, width: s.line },
        itemStyle: { color: LOSS_LINE },
        tooltip: { valueFormatter: percentTip },
        data: hours.map((h) => ratePoint(h.lossRate)),
      },
      {
        type: 'line',
        name: names.sl,
        yAxisIndex: 1,
        symbol: 'circle',
        symbolSize: s.symbol,
        connectNulls: false,
        lineStyle: { color: SL_LINE, width: s.line },
        itemStyle: { color: SL_LINE },
        tooltip: { valueFormatter: percentTip },
        data: hours.map((h) => ratePoint(h.serviceLevel)),
      },
    ],
    graphic: [noDataText(!hasAny, s, t)],
  };
}
