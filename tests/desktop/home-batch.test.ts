import { describe, expect, it } from 'vitest';
import {
  HOME_KEYS,
  homeBatch,
  homeHref,
  homeOrg,
  homeThresholds,
  homeView,
  topLongestWaitHalls,
  wantsPreviousDay,
  type KpiAnswer,
} from '@/app/_components/home/home-batch';
import { point, result, series } from '@/app/_components/wall/panels/test-data';
import { en, zhCN } from '@/app/_i18n/dictionaries';
import { dayWord, formatAge, formatClock, formatMinutes, formatPercent, shortDivisionName } from '@/app/_i18n/format';
import { createTranslator, resolveLocale } from '@/app/_i18n/locale';
import { kpiBatchInput } from '@/server/kpi/query/schema';

// The home's pure step: the one batch it asks kpi.query for, and the figures it derives from the answer —
// values and statuses exactly as the KPI layer returned them, thresholds as kpi.definitions gives them.

const thresholds = homeThresholds([
  { id: 'queue.avg_wait', thresholds: { warn: 20, alarm: 30 } },
  { id: 'queue.longest_wait_now', thresholds: { warn: 20, alarm: 30 } },
  { id: 'queue.length', thresholds: { warn: 15 } },
  { id: 'queue.satisfaction', thresholds: { warn: 0.95, alarm: 0.9, target: 0.99 } },
]);

const day = { from: '2026-11-22T16:00:00.000Z', to: '2026-11-23T16:00:00.000Z' };
const hourAt = (h: number) => new Date(Date.parse(day.from) + h * 3_600_000).toISOString();

/** An answer shaped as kpi.query returns it for homeBatch('53'). */
function provinceAnswer(over: { tickets?: number; dayBefore?: number; stale?: boolean } = {}): KpiAnswer {
  const tickets = over.tickets ?? 78_216;
  return {
    asOf: '2026-11-23T06:00:00.000Z',
    freshness: [{ family: 'queue', dataAsOf: '2026-11-23T05:59:30.000Z', stale: over.stale ?? false }],
    results: [
      result(HOME_KEYS.total, [
        // The comparison period of 'today' ends at this hour yesterday: it says nothing about the whole day.
        series('queue.tickets', [point('53', tickets, { compare: { previous: 0 } })], { range: day }),
        series('queue.length', [point('53', 120, { status: 'warn' })]),
        series('queue.avg_wait', [point('53', 21.4, { status: 'warn' })]),
        series('queue.max_wait', [point('53', 64.8, { status: 'alarm' })]),
        series('queue.satisfaction', [point('53', 0.982, { status: 'ok', measures: { satisfied: 58_300, rated: 59_365 } })]),
      ]),
      result(
        HOME_KEYS.hourly,
        [
          series(
            'queue.tickets',
            Array.from({ length: 24 }, (_, h) => point('53', h >= 8 && h <= 17 ? 100 + h : 0, { bucket: hourAt(h) })),
            { granularity: 'hour' },
          ),
          series(
            'queue.avg_wait',
            Array.from({ length: 24 }, (_, h) =>
              point('53', h >= 8 && h <= 17 ? h : null, { bucket: hourAt(h), status: h >= 8 && h <= 17 ? (h > 15 ? 'warn' : 'ok') : null }),
            ),
            { granularity: 'hour' },
          ),
        ],
        { granularity: 'hour' },
      ),
      result(
        HOME_KEYS.areas,
        [
          series('queue.avg_wait', [
            point('5301', 25.1, { orgName: '昆明市', status: 'warn' }),
            point('5303', null, { orgName: '曲靖市' }),
          ]),
          series('queue.max_wait', [point('5301', 50, { orgName: '昆明市' }), point('5303', null, { orgName: '曲靖市' })]),
          series('queue.length', [point('5301', 80, { orgName: '昆明市' }), point('5303', 0, { orgName: '曲靖市' })]),
          series('queue.tickets', [point('5301', 9000, { orgName: '昆明市' }), point('5303', 0, { orgName: '曲靖市' })]),
          series('queue.satisfaction', [point('5301', 0.97, { orgName: '昆明市' }), point('5303', null, { orgName: '曲靖市' })]),
        ],
        { by: 'city' },
      ),
      result(
        HOME_KEYS.counties,
        [
          series('queue.avg_wait', [point('530102', 31, { status: 'alarm' }), point('530103', 12, { status: 'ok' })]),
          series('queue.length', [point('530102', 40), point('530103', 9)]),
          series('queue.tickets', [point('530102', 800), point('530103', 500)]),
        ],
        { by: 'county' },
      ),
      result(HOME_KEYS.dayBefore, [series('queue.tickets', [point('53', over.dayBefore ?? 70_000)])]),
      result(
        HOME_KEYS.halls,
        [
          series('queue.length', [
            point('530102001', 16, { orgName: '五华营业厅', status: 'warn' }),
            point('530102002', 3, { orgName: '五华城东营业厅', status: 'ok' }),
            point('530103001', 0, { orgName: '盘龙营业厅', status: 'ok' }),
          ]),
          series('queue.longest_wait_now', [
            point('530102001', 12, { orgName: '五华营业厅', status: 'ok' }),
            point('530102002', 31, { orgName: '五华城东营业厅', status: 'alarm' }),
            point('530103001', null, { orgName: '盘龙营业厅' }),
          ]),
        ],
        { by: 'hall' },
      ),
    ],
  };
}

describe('homeOrg', () => {
  it('takes the province, a city, a county or a hall under a known county from ?org=, else the province', () => {
    expect(homeOrg(undefined)).toBe('53');
    expect(homeOrg('53')).toBe('53');
    expect(homeOrg('5301')).toBe('5301');
    expect(homeOrg(['530102', '5303'])).toBe('530102');
    expect(homeOrg('530102001')).toBe('530102001');
    for (const bad of ['44', '5399', '539999', '999999001', 'yunnan', "53' OR 1=1", '']) expect(homeOrg(bad), bad).toBe('53');
    expect(homeHref('53')).toBe('/queue');
    expect(homeHref('5301')).toBe('/queue?org=5301');
  });
});

describe('homeBatch', () => {
  it('is one batch the KPI layer accepts, every query for the node and the day', () => {
    for (const org of ['53', '5301', '530102', '530102001'])
      for (const d of ['today', 'yesterday'] as const) {
        const batch = homeBatch(org, d);
        expect(kpiBatchInput.safeParse({ queries: batch }).success, `${org} ${d}`).toBe(true);
        for (const q of batch) {
          expect(q.orgCode).toBe(org);
          expect(q.time).toEqual({ preset: q.key === HOME_KEYS.dayBefore ? 'yesterday' : d });
        }
      }
  });

  it('breaks down one level below the node (the wall’s rule), the map’s counties only for the province', () => {
    const shape = (org: string) => homeBatch(org).map((q) => [q.key, q.by ?? 'total', q.granularity ?? 'total']);
    expect(shape('53')).toEqual([
      [HOME_KEYS.total, 'total', 'total'],
      [HOME_KEYS.hourly, 'total', 'hour'],
      [HOME_KEYS.areas, 'city', 'total'],
      [HOME_KEYS.counties, 'county', 'total'],
      [HOME_KEYS.halls, 'hall', 'total'],
      [HOME_KEYS.dayBefore, 'total', 'total'],
    ]);
    expect(homeBatch('53', 'yesterday').map((q) => q.key)).not.toContain(HOME_KEYS.dayBefore);
    expect(shape('5301').map((s) => s.slice(0, 2))).toEqual([
      [HOME_KEYS.total, 'total'],
      [HOME_KEYS.hourly, 'total'],
      [HOME_KEYS.areas, 'county'],
      [HOME_KEYS.halls, 'hall'],
      [HOME_KEYS.dayBefore, 'total'],
    ]);
    expect(shape('530102').map((s) => s.slice(0, 2))).toEqual([
      [HOME_KEYS.total, 'total'],
      [HOME_KEYS.hourly, 'total'],
      [HOME_KEYS.areas, 'hall'],
      [HOME_KEYS.halls, 'hall'],
      [HOME_KEYS.dayBefore, 'total'],
    ]);
    // A hall has nothing below it: its own figures only.
    expect(shape('530102001').map((s) => s.slice(0, 2))).toEqual([
      [HOME_KEYS.total, 'total'],
      [HOME_KEYS.hourly, 'total'],
      [HOME_KEYS.halls, 'total'],
      [HOME_KEYS.dayBefore, 'total'],
    ]);
  });

  it('asks the tiles the KPIs the wall’s queue tiles show', () => {
    const total = homeBatch('53')[0]!;
    expect(total.kpis).toEqual(expect.arrayContaining(['queue.tickets', 'queue.length', 'queue.avg_wait', 'queue.satisfaction']));
  });
});

describe('homeThresholds', () => {
  it('reads the numbers kpi.definitions gives; none when it gives none (never a local default)', () => {
    expect(thresholds.wait).toEqual({ warn: 20, alarm: 30, target: null });
    expect(thresholds.queueLength).toEqual({ warn: 15, alarm: null, target: null });
    expect(thresholds.satisfaction).toEqual({ warn: 0.95, alarm: 0.9, target: 0.99 });
    expect(homeThresholds(null).wait).toEqual({ warn: null, alarm: null, target: null });
    expect(homeThresholds([{ id: 'queue.avg_wait', thresholds: null }]).wait.warn).toBeNull();
  });
});

describe('homeView', () => {
  const view = homeView('53', 'today', provinceAnswer(), thresholds);

  it('takes every tile’s value and status from the KPI layer’s point; a volume is neutral', () => {
    expect(view.tiles).toEqual({
      tickets: { value: 78_216, status: 'info' },
      queue: { value: 120, status: 'warn' },
      avgWait: { value: 21.4, status: 'warn' },
      maxWait: { value: 64.8, status: 'alarm' },
      // 98.2% is below the 99% target but above the 95% warning: ok, as the wall and the alert rules say.
      satisfaction: { value: 0.982, status: 'ok' },
      ratings: 59_365,
    });
  });

  it('names the node and its business day; data time and staleness are the KPI layer’s freshness', () => {
    expect(view.org).toEqual({ code: '53', name: '云南省', level: 'province' });
    expect(view.parents).toEqual([]);
    expect(view.businessDate).toBe('2026-11-23');
    expect(view.isToday).toBe(true);
    expect([view.asOf, view.dataAsOf, view.stale]).toEqual(['2026-11-23T06:00:00.000Z', '2026-11-23T05:59:30.000Z', false]);
    expect(homeView('53', 'today', provinceAnswer({ stale: true }), thresholds).stale).toBe(true);
    const county = homeView('530102', 'yesterday', provinceAnswer(), thresholds);
    expect(county.org).toEqual({ code: '530102', name: '五华区', level: 'county' });
    expect(county.parents).toEqual([
      { code: '53', name: '云南省' },
      { code: '5301', name: '昆明市' },
    ]);
    expect(county.isToday).toBe(false);
  });

  it('reads the break-down, the map’s counties and the halls with the points’ statuses', () => {
    expect(view.areaLevel).toBe('city');
    expect(view.areas).toEqual([
      { code: '5301', name: '昆明市', avgWait: 25.1, status: 'warn', maxWait: 50, queue: 80, tickets: 9000, satisfaction: 0.97 },
      { code: '5303', name: '曲靖市', avgWait: null, status: 'none', maxWait: null, queue: 0, tickets: 0, satisfaction: null },
    ]);
    expect(view.counties.map((c) => [c.code, c.avgWait, c.status])).toEqual([
      ['530102', 31, 'alarm'],
      ['530103', 12, 'ok'],
    ]);
    expect(view.halls.map((h) => [h.code, h.queueStatus, h.waitStatus, h.status, h.countyName, h.cityName])).toEqual([
      ['530102001', 'warn', 'ok', 'warn', '五华区', '昆明市'],
      ['530102002', 'ok', 'alarm', 'alarm', '五华区', '昆明市'],
      ['530103001', 'ok', 'none', 'ok', '盘龙区', '昆明市'],
    ]);
    expect(view.hallsOverQueue).toBe(1);
  });

  it('keeps the hours the halls worked, each point with its own status', () => {
    expect(view.hourly.map((h) => new Date(h.hour).getUTCHours())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // 08–17 Beijing
    expect(view.hourly[0]).toEqual({ hour: hourAt(8), tickets: 108, avgWait: 8, status: 'ok' });
    expect(view.hourly.at(-1)).toMatchObject({ avgWait: 17, status: 'warn' });
  });

  it('uses the node’s own total as its county on the map for a county, nothing below a hall', () => {
    const county = homeView('530102', 'today', provinceAnswer(), thresholds);
    expect(county.counties).toEqual([{ code: '530102', avgWait: 21.4, status: 'warn', queue: 120, tickets: 78_216 }]);
    expect(homeView('530102001', 'today', provinceAnswer(), thresholds).areaLevel).toBeNull();
  });

  it('gives a tile no status before any figure exists', () => {
    const empty = homeView('53', 'today', { asOf: '2026-11-23T06:00:00.000Z', freshness: [], results: [] }, thresholds);
    expect(empty.tiles.tickets).toEqual({ value: null, status: 'none' });
    expect(empty.tiles.avgWait).toEqual({ value: null, status: 'none' });
    expect([empty.dataAsOf, empty.halls, empty.hourly]).toEqual([null, [], []]);
  });
});

describe('wantsPreviousDay', () => {
  it('is true only when today has no ticket while the whole day before had some', () => {
    expect(wantsPreviousDay(provinceAnswer({ tickets: 0, dayBefore: 70_000 }))).toBe(true);
    expect(wantsPreviousDay(provinceAnswer({ tickets: 5, dayBefore: 70_000 }))).toBe(false);
    expect(wantsPreviousDay(provinceAnswer({ tickets: 0, dayBefore: 0 }))).toBe(false);
    expect(wantsPreviousDay(null)).toBe(false);
  });
});

describe('topLongestWaitHalls', () => {
  it('keeps the longest waits now, longest first, longer queue breaking ties, without halls lacking a wait', () => {
    const rows = topLongestWaitHalls(homeView('53', 'today', provinceAnswer(), thresholds).halls, 10);
    expect(rows.map((r) => [r.code, r.longestWait])).toEqual([
      ['530102002', 31],
      ['530102001', 12],
    ]);
  });
});

describe('formatting', () => {
  it('renders missing values as —, never 0', () => {
    expect(formatMinutes(null)).toBe('—');
    expect(formatPercent(null)).toBe('—');
    expect(formatClock(null)).toBe('—');
    expect(formatMinutes(0)).toBe('0.0');
    expect(formatPercent(0.98765)).toBe('98.8%');
  });

  it('shows clock times in China Standard Time and ages in both languages', () => {
    expect(formatClock('2026-11-23T05:59:07.000Z')).toBe('13:59:07');
    expect(formatAge(42_000, createTranslator('zh-CN'))).toBe('42 秒');
    expect(formatAge((2 * 60 + 5) * 60_000, createTranslator('en'))).toBe('2 h 5 min');
  });

  it('names the business day: today, or the date when the figures are not today’s', () => {
    const zh = createTranslator('zh-CN');
    expect(dayWord(zh, '2026-11-22', true)).toBe('今日');
    expect(dayWord(zh, '2026-11-22', false)).toBe('11月22日');
    expect(dayWord(createTranslator('en'), '2026-11-22', false)).toBe('on 22 Nov');
    expect(zh('kpi.tickets.label', { day: dayWord(zh, '2026-11-22', false) })).toBe('11月22日取号量');
  });

  it('shortens autonomous prefecture and county names', () => {
    expect(shortDivisionName('红河哈尼族彝族自治州')).toBe('红河州');
    expect(shortDivisionName('双江拉祜族佤族布朗族傣族自治县')).toBe('双江县');
    expect(shortDivisionName('昆明市')).toBe('昆明市');
  });
});

describe('i18n', () => {
  it('has the same keys in both dictionaries and no empty English text where Chinese has one', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [k, v] of Object.entries(zhCN)) if (v) expect(en[k as keyof typeof en], k).not.toBe('');
  });

  it('falls back to Chinese and fills placeholders', () => {
    expect(resolveLocale('fr')).toBe('zh-CN');
    expect(resolveLocale('en-US')).toBe('en');
    expect(createTranslator('zh-CN')('overview.dataAsOf', { time: '13:59:07' })).toBe('数据截至 13:59:07');
  });

  it('words the thresholds the definitions give as the KPI layer compares them (strict)', () => {
    const zh = createTranslator('zh-CN');
    expect(zh('map.legend.ok', { warn: 20 })).toBe('≤ 20 分钟');
    expect(zh('map.legend.warn', { warn: 20, alarm: 30 })).toBe('> 20 至 30 分钟');
    expect(zh('kpi.wait.threshold', { warn: 20, alarm: 30 })).toBe('阈值：> 20 分钟预警，> 30 分钟告警。');
    expect(zh('kpi.satisfaction.threshold', { warn: 95, alarm: 90 })).toBe('阈值：< 95% 预警，< 90% 告警。');
    expect(createTranslator('en')('kpi.satisfaction.threshold', { warn: 95, alarm: 90 })).toBe('Thresholds: warning < 95%, alarm < 90%.');
  });
});
