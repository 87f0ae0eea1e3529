import { describe, expect, it } from 'vitest';
import { buildRanking, rankingLayout } from './ranking';
import { panelData, point, result, series } from './test-data';

const data = (kpi: string, values: [string, number | null][]) =>
  panelData([
    result(
      'rank',
      [
        series(
          kpi,
          values.map(([c, v]) => point(c, v, { status: v === null ? null : v > 0.05 ? 'alarm' : 'ok' })),
        ),
      ],
      { by: 'city' },
    ),
  ]);

describe('buildRanking', () => {
  it('ranks lower-better KPIs lowest first, units without a value last and unranked', () => {
    const r = buildRanking(
      data('call.loss_rate', [
        ['5301', 0.03],
        ['5303', null],
        ['5304', 0.08],
        ['5305', 0.01],
      ]),
      10,
    );
    expect(r.kpi).toBe('call.loss_rate');
    expect(r.rows.map((x) => [x.point.orgCode, x.rank])).toEqual([
      ['5305', 1],
      ['5301', 2],
      ['5304', 3],
      ['5303', null],
    ]);
    // rates spread between the lowest and highest
    expect(r.rows[0]!.bar).toBeCloseTo(0.12);
    expect(r.rows[2]!.bar).toBe(1);
    expect(r.rows[3]!.bar).toBe(0);
  });
  it('shows the bottom of the ranking when more units than fit', () => {
    const r = buildRanking(
      data(
        'queue.avg_wait',
        Array.from({ length: 20 }, (_, i) => [`c${i}`, i] as [string, number]),
      ),
      5,
    );
    expect(r).toMatchObject({ total: 20, truncated: true });
    expect(r.rows.map((x) => x.rank)).toEqual([16, 17, 18, 19, 20]);
    expect(r.rows[4]!.bar).toBe(1);
  });
  it('is empty without data', () => {
    expect(buildRanking(undefined, 10)).toEqual({ kpi: null, previousDate: null, rows: [], total: 0, truncated: false });
  });
});

describe('rankingLayout', () => {
  it('uses one column while the units fit, else two', () => {
    expect(rankingLayout(16, 1000)).toEqual({ cols: 1, perCol: 16 });
    expect(rankingLayout(129, 1000)).toEqual({ cols: 2, perCol: 19 });
  });
});
