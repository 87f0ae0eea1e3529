import { describe, expect, it } from 'vitest';
import { panelSchema } from '@/server/wall/layout';
import { createTranslator } from '../../../_i18n/locale';
import { panelDay } from './business-day';
import { buildTiles } from './kpi-tiles';
import { buildQueueBoard } from './queue-board';
import { buildRanking } from './ranking';
import { panelData, point, result, series } from './test-data';

const zh = createTranslator('zh-CN');
const en = createTranslator('en');
// The business day 2026-12-04 (Beijing) starts at 2026-12-03T16:00Z.
const YESTERDAY = { from: '2026-12-03T16:00:00.000Z', to: '2026-12-04T16:00:00.000Z' };
const TODAY = { from: '2026-12-04T16:00:00.000Z', to: '2026-12-05T16:00:00.000Z' };

/** The two ticket questions of a panel (the panel catalog's DAY_KEYS). */
const tickets = (id: string, today: number, before: number) => [
  result(`${id}:day-tickets`, [series('queue.tickets', [point('53', today)], { range: TODAY })]),
  result(`${id}:day-before`, [series('queue.tickets', [point('53', before)], { range: YESTERDAY })]),
];

const cities = (values: [string, number | null][], status: 'ok' | 'warn' | null = null) =>
  values.map(([c, v]) => point(c, v, { orgName: `${c}市`, status: v === null ? null : status }));

// 02:30 Beijing time: the halls are closed, today's average wait has no figure in any city.
const rankAtNight = (before: number) =>
  panelData([
    result(
      'rank',
      [
        series(
          'queue.avg_wait',
          cities([
            ['5301', null],
            ['5303', null],
            ['5304', null],
          ]),
          { range: TODAY },
        ),
      ],
      { by: 'city' },
    ),
    result(
      'rank~yesterday',
      [
        series(
          'queue.avg_wait',
          cities(
            [
              ['5301', 12.5],
              ['5303', 8],
              ['5304', 21],
            ],
            'ok',
          ),
          { range: YESTERDAY },
        ),
      ],
      {
        by: 'city',
      },
    ),
    ...tickets('rank', 0, before),
  ]);

describe('the last business day on the wall (the desktop home rule)', () => {
  it('ranks the cities on the last business day when today has no ticket yet, naming that day', () => {
    const r = buildRanking(rankAtNight(52_000), 16);
    expect(r.previousDate).toBe('2026-12-04');
    expect(r.rows.map((x) => [x.point.orgCode, x.point.value, x.rank])).toEqual([
      ['5303', 8, 1],
      ['5301', 12.5, 2],
      ['5304', 21, 3],
    ]);
    expect(r.rows.every((x) => x.bar > 0)).toBe(true);
  });

  it('keeps today once today has tickets, and when the day before had none either', () => {
    const day = panelData([
      result('rank', [series('queue.avg_wait', cities([['5301', 3]], 'ok'), { range: TODAY })], { by: 'city' }),
      result('rank~yesterday', [series('queue.avg_wait', cities([['5301', 12.5]], 'ok'), { range: YESTERDAY })], { by: 'city' }),
      ...tickets('rank', 120, 52_000),
    ]);
    expect(buildRanking(day, 16)).toMatchObject({ previousDate: null, rows: [{ point: { value: 3 } }] });
    const closedTwice = buildRanking(rankAtNight(0), 16);
    expect(closedTwice.previousDate).toBeNull();
    expect(closedTwice.rows.every((x) => x.point.value === null)).toBe(true);
  });

  it('shows the halls’ average wait of the last business day while the queue now stays live', () => {
    const hall = (code: string) => ({ orgCode: code, orgName: `${code}厅` });
    const data = panelData([
      result(
        'queue',
        [
          series('queue.length', [point('530102001', 0, { ...hall('530102001'), status: 'ok' })]),
          series('queue.longest_wait_now', [point('530102001', null, hall('530102001'))]),
          series('queue.avg_wait', [point('530102001', null, hall('530102001'))], { range: TODAY }),
        ],
        { by: 'hall' },
      ),
      result('queue~yesterday', [series('queue.avg_wait', [point('530102001', 14.2, { ...hall('530102001'), status: 'ok' })])], {
        by: 'hall',
      }),
      ...tickets('queue', 0, 52_000),
    ]);
    const day = panelDay(data);
    expect(day).toMatchObject({ previousDay: true, date: '2026-12-04' });
    expect(buildQueueBoard(day.data).rows).toEqual([
      expect.objectContaining({ code: '530102001', queue: 0, longestWait: null, avgWait: 14.2, avgStatus: 'ok' }),
    ]);
  });

  it('labels a queue tile with the last business day, and leaves a live or a call tile alone', () => {
    const panel = panelSchema.parse({ id: 'kq', type: 'kpi_tiles', params: { kpis: ['queue.tickets', 'queue.length', 'call.inbound'] } });
    const data = panelData([
      result('kq', [
        series('queue.tickets', [point('53', 0, { compare: { previous: 0 } })]),
        series('queue.length', [point('53', 0)]),
        series('call.inbound', [point('53', 310, { compare: { previous: 290 } })]),
      ]),
      result('kq~yesterday', [series('queue.tickets', [point('53', 52_000, { compare: { previous: 50_000 } })], { range: YESTERDAY })]),
      ...tickets('kq', 0, 52_000),
    ]);
    const tiles = buildTiles(panel, data, 'zh-CN', zh);
    expect(tiles.map((x) => [x.kpi, x.value, x.period])).toEqual([
      ['queue.tickets', '52,000', '上一营业日 12月4日'],
      ['queue.length', '0', null],
      ['call.inbound', '310', null],
    ]);
    expect(buildTiles(panel, data, 'en', en)[0]!.period).toBe('Last business day · 4 Dec');
  });
});

describe('a KPI tile asks for its natural period and names it', () => {
  const panel = panelSchema.parse({
    id: 'ka',
    type: 'kpi_tiles',
    params: { kpis: ['arrears.amount', 'arrears.recovery_rate', 'arrears.customers', 'arrears.reconnect_in_limit'] },
  });
  const book = result('ka', [series('arrears.amount', [point('53', 2.5e7)]), series('arrears.customers', [point('53', 3100)])]);
  const ytd = result('ka~this_year', [
    series('arrears.recovery_rate', [point('53', 0.991, { status: 'ok', compare: { yoy: 0.987 } })], {
      range: { from: '2025-12-31T16:00:00.000Z', to: '2026-12-31T16:00:00.000Z' },
    }),
  ]);

  it('shows the recovery rate year to date (compared with last year) and reconnection this month', () => {
    const data = panelData([
      book,
      ytd,
      result('ka~this_month', [series('arrears.reconnect_in_limit', [point('53', 0.97, { status: 'warn', compare: { previous: 0.99 } })])]),
      result('ka~last_month', [series('arrears.reconnect_in_limit', [point('53', 0.99)])]),
    ]);
    const tiles = buildTiles(panel, data, 'zh-CN', zh);
    const by = Object.fromEntries(tiles.map((x) => [x.kpi, x]));
    expect(by['arrears.recovery_rate']).toMatchObject({
      value: '99.1',
      unit: '%',
      period: '年初至今',
      compareLabel: '同比',
      compared: true,
    });
    expect(by['arrears.recovery_rate']!.trend).toMatchObject({ dir: 'up', tone: 'good' });
    expect(by['arrears.reconnect_in_limit']).toMatchObject({ value: '97.0', period: '本月', compareLabel: '环比', status: 'warn' });
    expect(by['arrears.amount']).toMatchObject({ period: null, compared: false });
  });

  it('falls back to last month, named, before this month’s first export', () => {
    const data = panelData([
      book,
      ytd,
      result('ka~this_month', [series('arrears.reconnect_in_limit', [point('53', null)])]),
      result('ka~last_month', [
        series('arrears.reconnect_in_limit', [point('53', 0.99, { status: 'ok', compare: { previous: 0.98 } })], {
          range: { from: '2026-10-31T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' },
        }),
      ]),
    ]);
    const tile = buildTiles(panel, data, 'zh-CN', zh).find((x) => x.kpi === 'arrears.reconnect_in_limit')!;
    expect(tile).toMatchObject({ value: '99.0', period: '11月', status: 'ok' });
    expect(buildTiles(panel, data, 'en', en).find((x) => x.kpi === 'arrears.reconnect_in_limit')!.period).toBe('Nov');
  });
});
