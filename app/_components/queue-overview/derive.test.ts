import { describe, expect, it } from 'vitest';
import { createTranslator, resolveLocale } from '../../_i18n/locale';
import { dayWord, formatAge, formatClock, formatMinutes, formatPercent, shortDivisionName } from '../../_i18n/format';
import { en, zhCN } from '../../_i18n/dictionaries';
import { hallsOverQueueWarn, kpiStatuses, topLongestWaitHalls } from './derive';
import type { QueueOverviewData } from './types';

const base: QueueOverviewData = {
  asOf: '2026-11-23T06:00:00.000Z',
  businessDate: '2026-11-23',
  isToday: true,
  dataAsOf: '2026-11-23T05:59:00.000Z',
  stale: false,
  scope: { code: '53', name: '云南省', level: 'province' },
  totals: { ticketsIssued: 10, queueLength: 30, avgWaitMin: 21, maxWaitMin: 40, satisfactionRate: 0.995, ratings: 200 },
  byCity: [{ code: '5301', name: '昆明市', ticketsIssued: 10, queueLength: 30, avgWaitMin: 21, maxWaitMin: 40, satisfactionRate: 0.995 }],
  byCounty: [{ code: '530102', name: '五华区', cityCode: '5301', ticketsIssued: 10, queueLength: 30, avgWaitMin: 21 }],
  halls: Array.from({ length: 14 }, (_, i) => ({
    code: `h${String(i).padStart(2, '0')}`,
    name: `营业厅${i}`,
    countyCode: i === 13 ? '999999' : '530102',
    lon: 102.7,
    lat: 25,
    queueLength: i,
    longestWaitMin: i === 0 ? null : i % 5 === 0 ? 30 : i * 2,
  })),
  hourly: [],
  thresholds: { waitWarnMin: 20, waitAlarmMin: 30, queueLengthWarn: 12 },
};

describe('topLongestWaitHalls', () => {
  const rows = topLongestWaitHalls(base, 10);
  it('keeps the 10 longest waits, longest first, longer queue breaking ties, without halls lacking a wait', () => {
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.longestWaitMin)).toEqual([30, 30, 26, 24, 22, 18, 16, 14, 12, 8]);
    expect(rows.slice(0, 2).map((r) => r.code)).toEqual(['h10', 'h05']);
    expect(rows.some((r) => r.code === 'h00')).toBe(false);
  });

  it('names county and city, null when the county is unknown', () => {
    // h10 waits exactly the alarm threshold (30): warn, not alarm
    expect(rows[0]).toMatchObject({ countyName: '五华区', cityName: '昆明市', waitStatus: 'warn' });
    const unknown = rows.find((r) => r.code === 'h13');
    expect(unknown).toMatchObject({ countyName: null, cityName: null, queueStatus: 'warn' });
  });

  it('rates each row strictly above the thresholds: the threshold value itself is the lower level', () => {
    const byCode = new Map(rows.map((r) => [r.code, r]));
    expect(byCode.get('h12')).toMatchObject({ queueLength: 12, queueStatus: 'ok', longestWaitMin: 24, waitStatus: 'warn' });
    expect(byCode.get('h13')).toMatchObject({ queueLength: 13, queueStatus: 'warn' });
    expect(byCode.get('h09')).toMatchObject({ longestWaitMin: 18, waitStatus: 'ok' });
    const th = { ...base.thresholds, waitWarnMin: 22, waitAlarmMin: 26 };
    const moved = new Map(topLongestWaitHalls({ ...base, thresholds: th }, 10).map((r) => [r.code, r]));
    expect(moved.get('h11')?.waitStatus).toBe('ok'); // exactly 22
    expect(moved.get('h12')?.waitStatus).toBe('warn'); // 24
    expect(moved.get('h13')?.waitStatus).toBe('warn'); // exactly 26
    expect(moved.get('h10')?.waitStatus).toBe('alarm'); // 30
  });
});

describe('kpiStatuses', () => {
  it('warns on queue when any hall is above the per-hall threshold (province scope)', () => {
    expect(hallsOverQueueWarn(base)).toBe(1); // queue 13 > 12; the hall at exactly 12 does not count
    expect(kpiStatuses(base).queue).toBe('warn');
    const atThreshold = { ...base, thresholds: { ...base.thresholds, queueLengthWarn: 13 } }; // longest queue is exactly 13
    expect(hallsOverQueueWarn(atThreshold)).toBe(0);
    expect(kpiStatuses(atThreshold).queue).toBe('ok');
    expect(kpiStatuses({ ...base, thresholds: { ...base.thresholds, queueLengthWarn: 50 } }).queue).toBe('ok');
  });

  it('compares the total itself at hall scope', () => {
    const hall = { ...base, scope: { code: 'h1', name: '营业厅', level: 'hall' as const }, totals: { ...base.totals, queueLength: 5 } };
    expect(kpiStatuses(hall).queue).toBe('ok');
    expect(kpiStatuses({ ...hall, totals: { ...hall.totals, queueLength: 12 } }).queue).toBe('ok'); // exactly the threshold
    expect(kpiStatuses({ ...hall, totals: { ...hall.totals, queueLength: 13 } }).queue).toBe('warn');
  });

  it('colours wait and satisfaction, and gives no status to missing figures', () => {
    expect(kpiStatuses(base)).toMatchObject({ tickets: 'info', wait: 'warn', satisfaction: 'ok' });
    expect(kpiStatuses({ ...base, totals: { ...base.totals, avgWaitMin: 20 } }).wait).toBe('ok'); // exactly the warning threshold
    expect(kpiStatuses({ ...base, totals: { ...base.totals, avgWaitMin: 30 } }).wait).toBe('warn'); // exactly the alarm threshold
    expect(kpiStatuses({ ...base, totals: { ...base.totals, avgWaitMin: 30.01 } }).wait).toBe('alarm');
    const none = { ...base, totals: { ...base.totals, avgWaitMin: null, satisfactionRate: null, ratings: 0 } };
    expect(kpiStatuses(none)).toMatchObject({ wait: 'none', satisfaction: 'none' });
    expect(kpiStatuses({ ...base, totals: { ...base.totals, satisfactionRate: 0.95 } }).satisfaction).toBe('warn');
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

  it('shows clock times in China Standard Time', () => {
    expect(formatClock('2026-11-23T05:59:07.000Z')).toBe('13:59:07');
  });

  it('formats ages in both languages', () => {
    const zh = createTranslator('zh-CN');
    const e = createTranslator('en');
    expect(formatAge(42_000, zh)).toBe('42 秒');
    expect(formatAge(12 * 60_000 + 5_000, zh)).toBe('12 分钟');
    expect(formatAge((2 * 60 + 5) * 60_000, e)).toBe('2 h 5 min');
    expect(formatAge(27 * 3_600_000, zh)).toBe('1 天 3 小时');
  });

  it('names the business day: today, or the date when the figures are not today’s', () => {
    const zh = createTranslator('zh-CN');
    const e = createTranslator('en');
    expect(dayWord(zh, '2026-11-22', true)).toBe('今日');
    expect(dayWord(zh, undefined, undefined)).toBe('今日');
    expect(dayWord(zh, '2026-11-22', false)).toBe('11月22日');
    expect(dayWord(e, '2026-11-22', false)).toBe('on 22 Nov');
    expect(zh('kpi.tickets.label', { day: dayWord(zh, '2026-11-22', false) })).toBe('11月22日取号量');
  });

  it('shortens autonomous prefecture and county names', () => {
    expect(shortDivisionName('红河哈尼族彝族自治州')).toBe('红河州');
    expect(shortDivisionName('德宏傣族景颇族自治州')).toBe('德宏州');
    expect(shortDivisionName('怒江傈僳族自治州')).toBe('怒江州');
    expect(shortDivisionName('双江拉祜族佤族布朗族傣族自治县')).toBe('双江县');
    expect(shortDivisionName('昆明市')).toBe('昆明市');
  });
});

describe('i18n', () => {
  it('has the same keys in both dictionaries and no empty English text where Chinese has one', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const [k, v] of Object.entries(zhCN)) if (v) expect(en[k as keyof typeof en], k).not.toBe('');
  });

  it('falls back to Chinese for unknown cookie values and fills placeholders', () => {
    expect(resolveLocale(undefined)).toBe('zh-CN');
    expect(resolveLocale('fr')).toBe('zh-CN');
    expect(resolveLocale('en-US')).toBe('en');
    expect(createTranslator('zh-CN')('overview.dataAsOf', { time: '13:59:07' })).toBe('数据截至 13:59:07');
  });

  it('words the queue thresholds as strict comparisons, like DOMAIN.md §2.1', () => {
    const zh = createTranslator('zh-CN');
    const e = createTranslator('en');
    expect(zh('map.legend.ok', { warn: 20 })).toBe('≤ 20 分钟');
    expect(zh('map.legend.warn', { warn: 20, alarm: 30 })).toBe('> 20 至 30 分钟');
    expect(zh('map.legend.alarm', { alarm: 30 })).toBe('> 30 分钟');
    expect(zh('kpi.queue.threshold', { warn: 15 })).toBe('预警阈值：单个营业厅排队 > 15 人。');
    expect(zh('kpi.wait.threshold', { warn: 20, alarm: 30 })).toBe('阈值：> 20 分钟预警，> 30 分钟告警。');
    expect(e('map.legend.alarm', { alarm: 30 })).toBe('> 30 min');
    expect(e('kpi.queue.threshold', { warn: 15 })).toBe('Warning threshold: > 15 people waiting in one hall.');
    for (const dict of [zhCN, en])
      for (const [k, v] of Object.entries(dict)) if (k !== 'kpi.satisfaction.threshold') expect(v, k).not.toContain('≥');
  });
});

describe('before the first load', () => {
  it('gives every tile no status instead of ok', () => {
    const empty = { ...base, dataAsOf: null, halls: [], totals: { ...base.totals, ticketsIssued: 0, queueLength: 0 } };
    expect(kpiStatuses(empty)).toEqual({ tickets: 'none', queue: 'none', wait: 'none', satisfaction: 'none' });
  });
});
