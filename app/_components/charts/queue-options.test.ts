import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../_i18n/locale';
import type { QueueOverviewData } from '../queue-overview/types';
import { queueStatus, STATUS_COLORS, waitStatus } from './palette';
import { buildHourlyOption, buildWaitByCityOption, MISSING, sortCitiesByWait, waitAxisMax } from './queue-options';

const zh = createTranslator('zh-CN');
const en = createTranslator('en');

type City = QueueOverviewData['byCity'][number];
const city = (code: string, name: string, avgWaitMin: number | null, extra: Partial<City> = {}): City => ({
  code,
  name,
  ticketsIssued: 100,
  queueLength: 5,
  avgWaitMin,
  maxWaitMin: avgWaitMin === null ? null : avgWaitMin * 2,
  satisfactionRate: 0.99,
  ...extra,
});

function sample(overrides: Partial<QueueOverviewData> = {}): QueueOverviewData {
  return {
    asOf: '2026-11-23T06:00:00.000Z',
    businessDate: '2026-11-23',
    isToday: true,
    dataAsOf: '2026-11-23T05:59:30.000Z',
    stale: false,
    scope: { code: '53', name: '云南省', level: 'province' },
    totals: { ticketsIssued: 1000, queueLength: 80, avgWaitMin: 14.2, maxWaitMin: 55, satisfactionRate: 0.987, ratings: 600 },
    byCity: [
      city('5301', '昆明市', 12.34),
      city('5303', '曲靖市', 31),
      city('5325', '红河哈尼族彝族自治州', null),
      city('5304', '玉溪市', 20),
      city('5329', '大理白族自治州', 25.06),
    ],
    byCounty: [],
    halls: [],
    hourly: [
      { hour: '2026-11-23T01:00:00.000Z', issued: 40, avgWaitMin: 8.26 },
      { hour: '2026-11-23T00:00:00.000Z', issued: 12, avgWaitMin: null },
      { hour: '2026-11-23T02:00:00.000Z', issued: 75, avgWaitMin: 33.3 },
    ],
    thresholds: { waitWarnMin: 20, waitAlarmMin: 30, queueLengthWarn: 15 },
    ...overrides,
  };
}

// Helpers to read the (union-typed) option without casting everywhere.
type Item = { value: unknown; name?: string; itemStyle?: { color?: string } };
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const seriesOf = (opt: ReturnType<typeof buildWaitByCityOption>) => asArray(opt.series) as Record<string, unknown>[];

describe('waitStatus', () => {
  const th = sample().thresholds;
  it('warns only above the threshold (DOMAIN.md §2.1: > 20 warning, > 30 alarm) and gives null no status', () => {
    expect(waitStatus(19.99, th)).toBe('ok');
    expect(waitStatus(20, th)).toBe('ok'); // exactly at the warning threshold: still ok
    expect(waitStatus(20.01, th)).toBe('warn');
    expect(waitStatus(29.9, th)).toBe('warn');
    expect(waitStatus(30, th)).toBe('warn'); // exactly at the alarm threshold: still warn
    expect(waitStatus(30.01, th)).toBe('alarm');
    expect(waitStatus(null, th)).toBe('none');
    expect(waitStatus(Number.NaN, th)).toBe('none');
  });
});

describe('queueStatus', () => {
  const th = sample().thresholds;
  it('warns only when the queue is longer than the threshold (DOMAIN.md §2.1: > 15) and gives null no status', () => {
    expect(queueStatus(0, th)).toBe('ok');
    expect(queueStatus(15, th)).toBe('ok'); // exactly at the threshold: still ok
    expect(queueStatus(16, th)).toBe('warn');
    expect(queueStatus(null, th)).toBe('none');
    expect(queueStatus(Number.NaN, th)).toBe('none');
  });
});

describe('sortCitiesByWait', () => {
  it('sorts cities with a wait longest first and keeps cities without one last, in input order', () => {
    const rows = sortCitiesByWait([
      city('a', '甲', null),
      city('b', '乙', 5),
      city('c', '丙', null),
      city('d', '丁', 40),
      city('e', '戊', 5.5),
    ]);
    expect(rows.map((r) => r.code)).toEqual(['d', 'e', 'b', 'a', 'c']);
  });

  it('does not mutate its input', () => {
    const input = [city('a', '甲', 1), city('b', '乙', 2)];
    sortCitiesByWait(input);
    expect(input.map((r) => r.code)).toEqual(['a', 'b']);
  });
});

describe('buildWaitByCityOption', () => {
  const opt = buildWaitByCityOption(sample(), zh);
  const bar = seriesOf(opt)[0] as { type: string; data: Item[]; markLine: { data: Record<string, unknown>[] } };
  const yAxis = opt.yAxis as { type: string; inverse: boolean; data: (string | { value: string })[] };

  it('puts cities on an inverted category axis, longest wait first, null last, with short names', () => {
    expect(yAxis.type).toBe('category');
    expect(yAxis.inverse).toBe(true);
    const names = yAxis.data.map((d) => (typeof d === 'string' ? d : d.value));
    expect(names).toEqual(['曲靖市', '大理州', '玉溪市', '昆明市', '红河州']);
    expect(bar.data.map((d) => d.name)).toEqual(['曲靖市', '大理白族自治州', '玉溪市', '昆明市', '红河哈尼族彝族自治州']);
  });

  it('draws one bar per city with the average rounded to 1 decimal, and no bar (not 0) for a city without data', () => {
    expect(bar.type).toBe('bar');
    expect(bar.data.map((d) => d.value)).toEqual([31, 25.1, 20, 12.3, MISSING]);
    expect(bar.data[4]?.value).not.toBe(0);
    expect(bar.data[4]?.itemStyle).toBeUndefined();
  });

  it('colours bars by threshold, a city exactly at the warning threshold staying ok', () => {
    expect(bar.data.map((d) => d.itemStyle?.color)).toEqual([
      STATUS_COLORS.alarm, // 曲靖 31 > 30
      STATUS_COLORS.warn, // 大理 25.06
      STATUS_COLORS.ok, // 玉溪 exactly 20
      STATUS_COLORS.ok, // 昆明 12.34
      undefined,
    ]);
  });

  it('colours a city exactly at the alarm threshold amber and one just above it red', () => {
    const o = buildWaitByCityOption(
      sample({ byCity: [city('5301', '昆明市', 30), city('5303', '曲靖市', 30.01), city('5304', '玉溪市', 20.01)] }),
      zh,
    );
    const b = seriesOf(o)[0] as typeof bar;
    expect(b.data.map((d) => [d.name, d.itemStyle?.color])).toEqual([
      ['曲靖市', STATUS_COLORS.alarm],
      ['昆明市', STATUS_COLORS.warn],
      ['玉溪市', STATUS_COLORS.warn],
    ]);
  });

  it('greys out the axis label of a city without data', () => {
    expect(yAxis.data[4]).toEqual({ value: '红河州', textStyle: { color: STATUS_COLORS.none } });
  });

  it('marks the warning and alarm thresholds on the value axis, labelled in the current language', () => {
    expect(bar.markLine.data.map((d) => d.xAxis)).toEqual([20, 30]);
    expect(bar.markLine.data.map((d) => d.name)).toEqual(['预警 20', '告警 30']);
    const enBar = seriesOf(buildWaitByCityOption(sample(), en))[0] as typeof bar;
    expect(enBar.markLine.data.map((d) => d.name)).toEqual(['Warn 20', 'Alarm 30']);
  });

  it('follows configured thresholds', () => {
    const o = buildWaitByCityOption(sample({ thresholds: { waitWarnMin: 10, waitAlarmMin: 15, queueLengthWarn: 15 } }), zh);
    const b = seriesOf(o)[0] as typeof bar;
    expect(b.data[3]?.itemStyle?.color).toBe(STATUS_COLORS.warn); // 昆明 12.3 > 10
    expect(b.markLine.data.map((d) => d.xAxis)).toEqual([10, 15]);
  });

  it('keeps the alarm line inside the value axis even when every city is below it', () => {
    const o = buildWaitByCityOption(sample({ byCity: [city('5301', '昆明市', 4)] }), zh);
    expect((o.xAxis as { max: number }).max).toBeGreaterThan(30);
    expect(waitAxisMax([4, null], sample().thresholds)).toBe(35);
    expect(waitAxisMax([52], sample().thresholds)).toBe(60);
  });

  it('shows a no-data notice only when no city has a wait', () => {
    expect(asArray(opt.graphic)).toHaveLength(0);
    const empty = buildWaitByCityOption(sample({ byCity: [city('5301', '昆明市', null)] }), zh);
    const g = asArray(empty.graphic) as { style: { text: string } }[];
    expect(g[0]?.style.text).toBe('暂无数据');
    expect((seriesOf(empty)[0] as typeof bar).data.map((d) => d.value)).toEqual([MISSING]);
  });

  it('tooltip names the city in full and shows — for missing figures', () => {
    const formatter = (opt.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter([{ dataIndex: 4 }]);
    expect(html).toContain('红河哈尼族彝族自治州');
    expect(html).toContain('— 分钟');
    expect(formatter([{ dataIndex: 0 }])).toContain('31.0 分钟');
  });

  it('escapes names in the tooltip HTML', () => {
    const o = buildWaitByCityOption(sample({ byCity: [city('x', '<img src=x onerror=alert(1)>', 3)] }), zh);
    const html = (o.tooltip as { formatter: (p: unknown) => string }).formatter([{ dataIndex: 0 }]);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });
});

describe('buildHourlyOption', () => {
  const opt = buildHourlyOption(sample(), zh);
  const series = asArray(opt.series) as { type: string; yAxisIndex: number; data: (number | Item)[]; connectNulls?: boolean }[];
  const xAxis = opt.xAxis as { type: string; data: string[] };

  it('lists today’s hours in time order, labelled in China time', () => {
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

  it('leaves a gap (not 0) for an hour without a called ticket and colours points by threshold', () => {
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
