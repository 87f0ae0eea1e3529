import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../_i18n/locale';
import { STATUS_COLORS } from '../../charts/palette';
import { MISSING } from '../../charts/queue-options';
import { buildCallTrendOption, callHours } from './call-trend-options';
import { optionText } from './chart-common';
import { chartScale, chartSizes } from './chart-scale';
import { panelData, point, result, series } from './test-data';

const zh = createTranslator('zh-CN');
const H = (h: number) => new Date(Date.UTC(2026, 10, 29, 16 + h)).toISOString(); // 00:00 Beijing + h
const hourly = (kpi: string, values: (number | null)[], over: (i: number) => object = () => ({})) =>
  series(
    kpi,
    values.map((v, i) => point('53', v, { bucket: H(i), ...over(i) })),
    { granularity: 'hour' },
  );

const data = panelData([
  result(
    'calls',
    [
      hourly('call.inbound', [120, 80, 0, 300, 0, 0], (i) => ({ compare: { previous: [100, 90, 10, 250, 400, 500][i] } })),
      hourly('call.manual', [60, 40, 0, 150, 0, 0]),
      hourly('call.loss_rate', [0.02, 0.12, null, 0.04, null, null], (i) => ({ status: i === 1 ? 'alarm' : 'ok' })),
      hourly('call.service_level', [0.85, 0.6, null, 0.81, null, null]),
    ],
    { granularity: 'hour' },
  ),
]);

type S = { type: string; name: string; yAxisIndex: number; data: unknown[] };
describe('callHours', () => {
  it('keeps the hours up to the last one with calls (later hours have not happened), zero hours before it stay', () => {
    const hours = callHours(data);
    expect(hours).toHaveLength(4);
    expect(hours[2]).toMatchObject({ inbound: 0, lossRate: { value: null } });
    expect(hours[0]!.inboundYesterday).toBe(100);
  });
  it('is empty without data', () => {
    expect(callHours(undefined)).toEqual([]);
  });
});

describe('buildCallTrendOption', () => {
  const opt = buildCallTrendOption(callHours(data), chartSizes(1), 'zh-CN', zh);
  const s = opt.series as S[];
  it('draws volumes as bars on the left axis and rates as % lines on the right', () => {
    expect(s.map((x) => [x.type, x.yAxisIndex])).toEqual([
      ['bar', 0],
      ['bar', 0],
      ['line', 0],
      ['line', 1],
      ['line', 1],
    ]);
    expect(s[0]!.data).toEqual([120, 80, 0, 300]);
    expect((s[3]!.data[0] as { value: number }).value).toBe(2);
    expect((opt.xAxis as { data: string[] }).data[0]).toBe('00时');
  });
  it('colours each rate point by its status and leaves a missing rate as a gap', () => {
    expect((s[3]!.data[1] as { itemStyle: { color: string } }).itemStyle.color).toBe(STATUS_COLORS.alarm);
    expect((s[3]!.data[2] as { value: unknown }).value).toBe(MISSING);
  });
  it('hides the no-data notice when there are calls, shows it otherwise (same element id, merge-safe)', () => {
    const g = (o: typeof opt) => (o.graphic as { id: string; invisible: boolean }[])[0]!;
    expect(g(opt)).toMatchObject({ id: 'no-data', invisible: true });
    expect(g(buildCallTrendOption([], chartSizes(1), 'zh-CN', zh))).toMatchObject({ id: 'no-data', invisible: false });
  });
});

describe('chartScale', () => {
  it('scales type with the panel box and clamps it', () => {
    expect(chartScale({ width: 640, height: 400 })).toBe(1);
    expect(chartScale({ width: 1920, height: 1000 })).toBeCloseTo(2.5, 2);
    expect(chartScale({ width: 100, height: 100 })).toBe(0.75);
    expect(chartScale(null)).toBe(1);
    expect(chartSizes(2).text).toBe(36);
  });
});

describe('optionText', () => {
  it('collects the characters a chart draws as text', () => {
    const text = optionText(buildCallTrendOption(callHours(data), chartSizes(1), 'zh-CN', zh));
    for (const ch of '呼损率服务水平话务量00时') expect(text).toContain(ch);
    expect(new Set(text).size).toBe(text.length);
  });
});
