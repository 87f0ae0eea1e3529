import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../_i18n/locale';
import { homeThresholds, type AreaRow, type HomeView, type HourRow } from '../home/home-batch';
import type { PointStatus } from '../wall/panels/kpi-data';
import { STATUS_COLORS } from './palette';
import { buildAreaWaitOption, buildHourlyOption, MISSING, sortAreasByWait, waitAxisMax } from './queue-options';

const zh = createTranslator('zh-CN');
const en = createTranslator('en');

// The thresholds as kpi.definitions gives them with the default parameters.
const thresholds = homeThresholds([
  { id: 'queue.avg_wait', thresholds: { warn: 20, alarm: 30 } },
  { id: 'queue.length', thresholds: { warn: 15 } },
]);

const area = (code: string, name: string, avgWait: number | null, status: PointStatus, extra: Partial<AreaRow> = {}): AreaRow => ({
  code,
  name,
  avgWait,
  status,
  maxWait: avgWait === null ? null : avgWait * 2,
  queue: 5,
  tickets: 100,
  satisfaction: 0.99,
  ...extra,
});
const hour = (hourIso: string, tickets: number | null, avgWait: number | null, status: PointStatus): HourRow => ({
  hour: hourIso,
  tickets,
  avgWait,
  status,
});

type View = Pick<HomeView, 'areas' | 'hourly' | 'thresholds'>;
function sample(over: Partial<View> = {}): View {
  return {
    // Statuses are the KPI layer's: the option never judges a value itself.
    areas: [
      area('5301', '昆明市', 12.34, 'ok'),
      area('5303', '曲靖市', 31, 'alarm'),
      area('5325', '红河哈尼族彝族自治州', null, 'none'),
      area('5304', '玉溪市', 20, 'ok'),
      area('5329', '大理白族自治州', 25.06, 'warn'),
    ],
    hourly: [
      hour('2026-11-23T01:00:00.000Z', 40, 8.26, 'ok'),
      hour('2026-11-23T00:00:00.000Z', 12, null, 'none'),
      hour('2026-11-23T02:00:00.000Z', 75, 33.3, 'alarm'),
    ],
    thresholds,
    ...over,
  };
}

// Helpers to read the (union-typed) option without casting everywhere.
type Item = { value: unknown; name?: string; itemStyle?: { color?: string } };
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const seriesOf = (opt: ReturnType<typeof buildAreaWaitOption>) => asArray(opt.series) as Record<string, unknown>[];

describe('sortAreasByWait', () => {
  it('sorts units with a wait longest first and keeps units without one last, in input order', () => {
    const rows = sortAreasByWait([
      area('a', '甲', null, 'none'),
      area('b', '乙', 5, 'ok'),
      area('c', '丙', null, 'none'),
      area('d', '丁', 40, 'alarm'),
      area('e', '戊', 5.5, 'ok'),
    ]);
    expect(rows.map((r) => r.code)).toEqual(['d', 'e', 'b', 'a', 'c']);
  });

  it('does not mutate its input', () => {
    const input = [area('a', '甲', 1, 'ok'), area('b', '乙', 2, 'ok')];
    sortAreasByWait(input);
    expect(input.map((r) => r.code)).toEqual(['a', 'b']);
  });
});

describe('buildAreaWaitOption', () => {
  const opt = buildAreaWaitOption(sample(), zh);
  const bar = seriesOf(opt)[0] as { type: string; data: Item[]; markLine: { data: Record<string, unknown>[] } };
  const yAxis = opt.yAxis as { type: string; inverse: boolean; data: (string | { value: string })[] };

  it('puts units on an inverted category axis, longest wait first, null last, with short names', () => {
    expect(yAxis.type).toBe('category');
    expect(yAxis.inverse).toBe(true);
    const names = yAxis.data.map((d) => (typeof d === 'string' ? d : d.value));
    expect(names).toEqual(['曲靖市', '大理州', '玉溪市', '昆明市', '红河州']);
    expect(bar.data.map((d) => d.name)).toEqual(['曲靖市', '大理白族自治州', '玉溪市', '昆明市', '红河哈尼族彝族自治州']);
  });

  it('draws one bar per unit with the average rounded to 1 decimal, and no bar (not 0) for a unit without data', () => {
    expect(bar.type).toBe('bar');
    expect(bar.data.map((d) => d.value)).toEqual([31, 25.1, 20, 12.3, MISSING]);
    expect(bar.data[4]?.itemStyle).toBeUndefined();
  });

  it('colours each bar by the status the KPI layer gave its point, whatever the value', () => {
    expect(bar.data.map((d) => d.itemStyle?.color)).toEqual([
      STATUS_COLORS.alarm,
      STATUS_COLORS.warn,
      STATUS_COLORS.ok,
      STATUS_COLORS.ok,
      undefined,
    ]);
    // A point the KPI layer marked warn stays warn here, even below the line drawn: no second judgement.
    const o = buildAreaWaitOption(sample({ areas: [area('5301', '昆明市', 3, 'warn')] }), zh);
    expect((seriesOf(o)[0] as typeof bar).data[0]?.itemStyle?.color).toBe(STATUS_COLORS.warn);
  });

  it('greys out the axis label of a unit without data', () => {
    expect(yAxis.data[4]).toEqual({ value: '红河州', textStyle: { color: STATUS_COLORS.none } });
  });

  it('marks the thresholds kpi.definitions gives on the value axis, labelled in the current language', () => {
    expect(bar.markLine.data.map((d) => d.xAxis)).toEqual([20, 30]);
    expect(bar.markLine.data.map((d) => d.name)).toEqual(['预警 20', '告警 30']);
    const enBar = seriesOf(buildAreaWaitOption(sample(), en))[0] as typeof bar;
    expect(enBar.markLine.data.map((d) => d.name)).toEqual(['Warn 20', 'Alarm 30']);
    const moved = homeThresholds([{ id: 'queue.avg_wait', thresholds: { warn: 10, alarm: 15 } }]);
    const b = seriesOf(buildAreaWaitOption(sample({ thresholds: moved }), zh))[0] as typeof bar;
    expect(b.markLine.data.map((d) => d.xAxis)).toEqual([10, 15]);
  });

  it('draws no threshold line when the definitions give none (never a local default)', () => {
    const b = seriesOf(buildAreaWaitOption(sample({ thresholds: homeThresholds(null) }), zh))[0] as { markLine?: unknown };
    expect(b.markLine).toBeUndefined();
  });

  it('keeps the alarm line inside the value axis even when every unit is below it', () => {
    const o = buildAreaWaitOption(sample({ areas: [area('5301', '昆明市', 4, 'ok')] }), zh);
    expect((o.xAxis as { max: number }).max).toBeGreaterThan(30);
    expect(waitAxisMax([4, null], thresholds.wait)).toBe(35);
    expect(waitAxisMax([52], thresholds.wait)).toBe(60);
  });

  it('shows a no-data notice only when no unit has a wait', () => {
    expect(asArray(opt.graphic)).toHaveLength(0);
    const empty = buildAreaWaitOption(sample({ areas: [area('5301', '昆明市', null, 'none')] }), zh);
    const g = asArray(empty.graphic) as { style: { text: string } }[];
    expect(g[0]?.style.text).toBe('暂无数据');
    expect((seriesOf(empty)[0] as typeof bar).data.map((d) => d.value)).toEqual([MISSING]);
  });

  it('tooltip names the unit in full and shows — for missing figures', () => {
    const formatter = (opt.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter([{ dataIndex: 4 }]);
    expect(html).toContain('红河哈尼族彝族自治州');
    expect(html).toContain('— 分钟');
    expect(formatter([{ dataIndex: 0 }])).toContain('31.0 分钟');
  });

  it('escapes names in the tooltip HTML', () => {
    const o = buildAreaWaitOption(sample({ areas: [area('x', '<img src=x onerror=alert(1)>', 3, 'ok')] }), zh);
    const html = (o.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 0 }]);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });
});

describe('buildHourlyOption', () => {
  const opt = buildHourlyOption(sample(), zh);
  const series = asArray(opt.series) as { type: string; yAxisIndex: number; data: (number | Item)[]; connectNulls?: boolean }[];
  const xAxis = opt.xAxis as { type: string; data: string[] };

  it('lists the hours in time order, labelled in China time', () => {
    expect(xAxis.type).toBe('category');
    // 00:00Z = 08时 Beijing
    expect(xAxis.data).toEqual(['08时', '09时', '10时']);
    expect((buildHourlyOption(sample(), en).xAxis as { data: string[] }).data).toEqual(['08:00', '09:00', '10:00']);
  });

  it('has issued bars on the first axis and the average wait line on the second', () => {
    expect(series.map((s) => [s.type, s.yAxisIndex])).toEqual([
      ['bar', 0],
      ['line', 1],
    ]);
    expect(series[0]?.data).toEqual([12, 40, 75]);
    expect(asArray(opt.yAxis)).toHaveLength(2);
  });

  it('leaves a gap (not 0) for an hour without a called ticket and colours points by their status', () => {
    const line = series[1] as { data: Item[]; connectNulls: boolean };
    expect(line.data.map((d) => d.value)).toEqual([MISSING, 8.3, 33.3]);
    expect(line.connectNulls).toBe(false);
    expect(line.data.map((d) => d.itemStyle?.color)).toEqual([undefined, STATUS_COLORS.ok, STATUS_COLORS.alarm]);
  });

  it('shows a no-data notice without hours', () => {
    const empty = buildHourlyOption(sample({ hourly: [] }), zh);
    expect(asArray(empty.graphic)).toHaveLength(1);
    expect((empty.xAxis as { data: string[] }).data).toEqual([]);
    expect((asArray(empty.series)[1] as { markLine?: unknown }).markLine).toBeUndefined();
    expect((series[1] as unknown as { markLine?: unknown }).markLine).toBeDefined();
  });
});
