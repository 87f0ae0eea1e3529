import { describe, expect, it } from 'vitest';
import { buildBarsOption, buildTrendOption, trendLabels } from './dashboard-options';
import { STATUS_COLORS } from './palette';

const words = { previous: '环比', yoy: '同比' };

describe('buildTrendOption', () => {
  const series = [
    {
      name: '呼入总量',
      scale: 1,
      unitLabel: '',
      points: [
        { x: '2026-12-06T00:00:00.000Z', value: 10, count: 10, status: null, previous: 8 },
        { x: '2026-12-06T01:00:00.000Z', value: null, count: 0, status: null, previous: 9 },
      ],
    },
    {
      name: '呼损率',
      scale: 100,
      unitLabel: '%',
      points: [
        { x: '2026-12-06T00:00:00.000Z', value: 0.0512, count: 3, status: 'warn' as const },
        { x: '2026-12-06T01:00:00.000Z', value: 0.12, count: 6, status: 'alarm' as const },
      ],
    },
  ];
  const option = buildTrendOption(series, 'hour', words);
  const lines = option.series as { name: string; yAxisIndex: number; data: unknown[] }[];

  it('draws each KPI on its own axis, rates in %, missing values as gaps', () => {
    expect(lines.map((l) => l.name)).toEqual(['呼入总量', '呼入总量 · 环比', '呼损率 (%)']);
    expect(lines[2]!.yAxisIndex).toBe(1);
    expect((lines[0]!.data[1] as { value: unknown }).value).toBe('-');
    expect((lines[2]!.data[0] as { value: number }).value).toBe(5.12);
  });

  it('colours points by status and keeps their record counts', () => {
    const p = lines[2]!.data[1] as { itemStyle: { color: string }; count: number };
    expect(p.itemStyle.color).toBe(STATUS_COLORS.alarm);
    expect(p.count).toBe(6);
  });

  it('labels buckets in Beijing time', () => {
    expect((option.xAxis as { data: string[] }).data).toEqual(['08:00', '09:00']);
    expect(trendLabels(['2026-12-05T15:00:00.000Z', '2026-12-05T16:00:00.000Z'], 'hour')).toEqual(['12-05 23:00', '12-06 00:00']);
    expect(trendLabels(['2026-11-30T16:00:00.000Z'], 'month')).toEqual(['2026-12']);
  });
});

describe('buildBarsOption', () => {
  it('one bar per category, coloured by status or accent', () => {
    const option = buildBarsOption(
      [
        { x: '咨询', value: 12, count: 12, status: null },
        { x: '投诉', value: 0.2, count: 4, status: 'alarm' },
      ],
      1,
      ['12', '20.0%'],
    );
    expect((option.yAxis as { data: string[] }).data).toEqual(['咨询', '投诉']);
    const data = (option.series as { data: { value: number; count: number; itemStyle: { color: string } }[] }[])[0]!.data;
    expect(data.map((d) => d.count)).toEqual([12, 4]);
    expect(data[1]!.itemStyle.color).toBe(STATUS_COLORS.alarm);
    expect(data[0]!.itemStyle.color).not.toBe(STATUS_COLORS.alarm);
    expect((data[1] as unknown as { label: { formatter: string } }).label.formatter).toBe('20.0%');
  });
});
