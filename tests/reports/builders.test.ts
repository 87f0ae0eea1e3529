import { describe, expect, it } from 'vitest';
import type { KpiQueryResult } from '@/server/kpi/query/result';
import { buildDaily, type AlertRow } from '@/server/reports/daily';
import { buildMonthly } from '@/server/reports/monthly';
import { lastComplete, periodOf, previousPeriod, yearEarlier } from '@/server/reports/period';
import { dropEmptyComparison, rankByScore, rankUnits, ruleDomain, scoreOf, tierOfScore } from '@/server/reports/shared';
import type { KpiMeta, Status } from '@/server/reports/types';
import { buildWeekly } from '@/server/reports/weekly';

// The report builders as pure functions on hand-made KPI answers and alert rows: tiers, score, ranking
// order in each KPI's direction, ties, periods.

const meta = (
  id: string,
  direction: KpiMeta['direction'],
  unit: KpiMeta['unit'] = 'percent',
  thresholds: KpiMeta['thresholds'] = null,
): KpiMeta => ({
  id,
  domain: id.startsWith('call') ? 'call' : 'queue',
  name: { zh: id, en: id },
  formula: { zh: 'f', en: 'f' },
  unit,
  direction,
  digits: 4,
  thresholds,
});
const CONN = meta('call.connection_rate', 'higher_better', 'percent', { warn: 0.95, alarm: 0.9 });
const WAIT = meta('queue.avg_wait', 'lower_better', 'minutes', { warn: 20, alarm: 30 });
const TICKETS = meta('queue.tickets', 'neutral', 'count');
const KPIS = [TICKETS, WAIT, CONN];

type P = { org: string; name?: string; v: Record<string, [number | null, Status | null, number?]> };
/** A `kpi.query` answer: per org, per KPI [value, status, previous]. */
function answer(orgCode: string, by: string, points: P[]): KpiQueryResult {
  return {
    orgCode,
    by,
    granularity: 'total',
    kpis: KPIS.map((k) => ({
      kpi: k.id,
      granularity: 'total' as const,
      engine: 'raw' as const,
      grain: null,
      range: null,
      points: points
        .filter((p) => p.v[k.id])
        .map((p) => {
          const [value, status, previous] = p.v[k.id]!;
          return {
            orgCode: p.org,
            orgName: p.name ?? p.org,
            bucket: null,
            value,
            count: value === null ? 0 : 10,
            measures: {},
            compare: previous === undefined ? {} : { previous },
            status,
          };
        }),
    })),
  };
}

const rows = (vals: [string, number | null, Status | null][]) => vals.map(([code, value, status]) => ({ code, name: code, value, status }));

describe('ranking (红黄绿榜)', () => {
  it('ranks a higher-is-better KPI largest first, ties sharing a rank, units without a value last and unranked', () => {
    const r = rankUnits(
      CONN,
      rows([
        ['5303', 0.93, 'warn'],
        ['5301', 0.97, 'ok'],
        ['5302', 0.97, 'ok'],
        ['5304', null, null],
        ['5305', 0.85, 'alarm'],
      ]),
    );
    expect(r.map((x) => [x.code, x.rank, x.tier])).toEqual([
      ['5301', 1, 'green'],
      ['5302', 1, 'green'],
      ['5303', 3, 'yellow'],
      ['5305', 4, 'red'],
      ['5304', null, null],
    ]);
  });

  it('ranks a lower-is-better KPI smallest first', () => {
    const r = rankUnits(
      WAIT,
      rows([
        ['5301', 31, 'alarm'],
        ['5302', 4.5, 'ok'],
        ['5303', 22, 'warn'],
        ['5304', 4.5, 'ok'],
      ]),
    );
    expect(r.map((x) => [x.code, x.rank, x.tier])).toEqual([
      ['5302', 1, 'green'],
      ['5304', 1, 'green'],
      ['5303', 3, 'yellow'],
      ['5301', 4, 'red'],
    ]);
  });

  it('does not rank a volume', () => {
    expect(
      rankUnits(
        TICKETS,
        rows([
          ['5301', 5, null],
          ['5302', 9, null],
        ]),
      ).map((x) => x.rank),
    ).toEqual([null, null]);
  });
});

describe('assessment score', () => {
  it('scores ok 1, warning ½, alarm 0 over the KPIs with a status, and tiers by 90 / 70', () => {
    expect(scoreOf(['ok', 'ok', 'warn', 'alarm', null])).toEqual({ ok: 2, warn: 1, alarm: 1, assessed: 4, score: 62.5 });
    expect(scoreOf(['ok', 'ok', 'ok', 'warn'])).toMatchObject({ score: 87.5 });
    expect(scoreOf([null, undefined])).toMatchObject({ assessed: 0, score: null });
    expect([tierOfScore(90), tierOfScore(89.9), tierOfScore(70), tierOfScore(69.9), tierOfScore(null)]).toEqual([
      'green',
      'yellow',
      'yellow',
      'red',
      null,
    ]);
  });

  it('ranks by score, equal scores sharing a rank, unscored last', () => {
    const r = rankByScore([
      { code: '5303', score: 80 },
      { code: '5301', score: 100 },
      { code: '5304', score: null },
      { code: '5302', score: 80 },
      { code: '5305', score: 50 },
    ]);
    expect(r.map((x) => [x.code, x.rank])).toEqual([
      ['5301', 1],
      ['5302', 2],
      ['5303', 2],
      ['5305', 4],
      ['5304', null],
    ]);
  });
});

describe('periods', () => {
  it('knows days, Monday–Sunday weeks and months, and the last complete one', () => {
    expect(periodOf('weekly', '2026-12-06')).toEqual({ start: '2026-11-30', end: '2026-12-06' }); // a Sunday
    expect(periodOf('weekly', '2026-11-30')).toEqual({ start: '2026-11-30', end: '2026-12-06' }); // its Monday
    expect(periodOf('monthly', '2028-02-10')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(lastComplete('daily', '2027-01-01')).toEqual({ start: '2026-12-31', end: '2026-12-31' });
    expect(lastComplete('weekly', '2026-12-06')).toEqual({ start: '2026-11-23', end: '2026-11-29' });
    expect(lastComplete('monthly', '2026-03-01')).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(previousPeriod('monthly', { start: '2026-03-01', end: '2026-03-31' })).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(yearEarlier({ start: '2028-02-01', end: '2028-02-29' })).toEqual({ start: '2027-02-01', end: '2027-02-28' });
  });
});

const base = {
  orgCode: '53',
  orgName: '云南省',
  generatedAt: Date.UTC(2026, 10, 24, 0, 0),
  unitLevel: 'city' as const,
  units: [
    { code: '5301', name: '昆明市' },
    { code: '5303', name: '曲靖市' },
    { code: '5304', name: '玉溪市' },
  ],
  kpis: KPIS,
};

describe('daily digest', () => {
  const alert = (id: string, severity: AlertRow['severity'], orgCode: string, firedAt: number, ruleId = 'r-wait'): AlertRow => ({
    id,
    ruleId,
    severity,
    orgCode,
    orgName: orgCode,
    title: id,
    firedAt,
    phase: 'raised',
    state: 'firing',
    acknowledgedAt: null,
    closedAt: null,
    recoveredAt: null,
  });
  const T = Date.UTC(2026, 10, 23, 2);
  const c = buildDaily({
    ...base,
    kind: 'daily',
    period: { start: '2026-11-23', end: '2026-11-23' },
    previousPeriod: { start: '2026-11-22', end: '2026-11-22' },
    yoyPeriod: null,
    compare: { previous: true, yoy: false },
    nodeResult: answer('53', 'total', [
      { org: '53', v: { 'queue.avg_wait': [12.5, 'ok', 10], 'call.connection_rate': [0.91, 'warn', 0.96] } },
    ]),
    unitsResult: answer('53', 'city', [
      { org: '5301', name: '昆明市', v: { 'queue.avg_wait': [31, 'alarm', 20] } },
      { org: '5303', name: '曲靖市', v: { 'queue.avg_wait': [5, 'ok', 6] } },
    ]),
    alerts: [
      alert('b', 'red', '530102', T + 60_000),
      alert('a', 'red', '5301', T),
      alert('c', 'orange', '5303', T + 5, 'r-wo'),
      alert('d', 'yellow', '5303', T),
      alert('e', 'blue', '53', T, 'r-gone'),
    ],
    rules: new Map([
      ['r-wait', { name: '排队等待超时', spec: { kind: 'threshold', kpi: 'queue.avg_wait' } }],
      ['r-wo', { name: '工单超期', spec: { kind: 'time_limit', check: 'work_order_due' } }],
    ]),
    kpiDomain: (id) => (id.startsWith('queue') ? 'queue' : undefined),
    openAtEnd: [{ severity: 'red' }, { severity: 'yellow' }],
    supervision: { opened: 2, closed: 1, overdue: 0 },
  });

  it('counts the day’s alerts by severity, domain and unit, the node’s own under its code', () => {
    expect(c.alerts.total).toBe(5);
    expect(c.alerts.bySeverity).toEqual({ red: 2, orange: 1, yellow: 1, blue: 1 });
    const dom = Object.fromEntries(c.alerts.byDomain.map((d) => [d.domain, d.total]));
    expect(dom).toEqual({ queue: 3, call: 0, outage: 0, arrears: 0, work_order: 1, other: 1 });
    expect(c.alerts.byUnit.map((u) => [u.code, u.total, u.bySeverity.red])).toEqual([
      ['53', 1, 0],
      ['5301', 2, 2],
      ['5303', 2, 0],
      ['5304', 0, 0],
    ]);
    expect(c.alerts.openAtEnd).toEqual({ total: 2, bySeverity: { red: 1, orange: 0, yellow: 1, blue: 0 } });
  });

  it('lists the red and orange ones oldest first with rule name and times', () => {
    expect(c.alerts.major.map((m) => [m.id, m.ruleName, m.firedAt])).toEqual([
      ['a', '排队等待超时', new Date(T).toISOString()],
      ['c', '工单超期', new Date(T + 5).toISOString()],
      ['b', '排队等待超时', new Date(T + 60_000).toISOString()],
    ]);
    expect(c.alerts.majorTotal).toBe(3);
  });

  it('keeps the numbers and the day-on-day figure, every unit present even without data', () => {
    expect(c.node['queue.avg_wait']).toEqual({ value: 12.5, count: 10, status: 'ok', previous: 10 });
    expect(c.node['queue.tickets']).toEqual({ value: null, count: 0, status: null });
    expect(c.units.map((u) => [u.code, u.figures['queue.avg_wait']!.value])).toEqual([
      ['5301', 31],
      ['5303', 5],
      ['5304', null],
    ]);
    expect(c.kpis.map((k) => k.id)).toEqual(['queue.tickets', 'queue.avg_wait', 'call.connection_rate']);
  });
});

describe('weekly bulletin', () => {
  it('ranks judged KPIs only and lists the most frequent rules', () => {
    const w = buildWeekly({
      ...base,
      kind: 'weekly',
      period: { start: '2026-11-16', end: '2026-11-22' },
      previousPeriod: { start: '2026-11-09', end: '2026-11-15' },
      yoyPeriod: { start: '2025-11-16', end: '2025-11-22' },
      compare: { previous: true, yoy: true },
      nodeResult: answer('53', 'total', [{ org: '53', v: { 'queue.avg_wait': [12, 'ok', 11] } }]),
      unitsResult: answer('53', 'city', [
        { org: '5301', v: { 'queue.avg_wait': [25, 'warn'], 'call.connection_rate': [0.97, 'ok'] } },
        { org: '5303', v: { 'queue.avg_wait': [8, 'ok'], 'call.connection_rate': [0.85, 'alarm'] } },
      ]),
      alerts: [
        { ruleId: 'x', severity: 'red' },
        { ruleId: 'y', severity: 'blue' },
        { ruleId: 'y', severity: 'yellow' },
      ],
      ruleNames: new Map([
        ['x', '规则X'],
        ['y', '规则Y'],
      ]),
    });
    expect(w.rankings.map((r) => r.kpi)).toEqual(['queue.avg_wait', 'call.connection_rate']);
    expect(w.rankings[0]!.rows.map((r) => [r.code, r.rank, r.tier])).toEqual([
      ['5303', 1, 'green'],
      ['5301', 2, 'yellow'],
      ['5304', null, null],
    ]);
    expect(w.rankings[1]!.rows.map((r) => [r.code, r.tier])).toEqual([
      ['5301', 'green'],
      ['5303', 'red'],
      ['5304', null],
    ]);
    expect(w.alerts.topRules.map((r) => [r.name, r.total])).toEqual([
      ['规则Y', 2],
      ['规则X', 1],
    ]);
  });
});

describe('monthly assessment', () => {
  it('scores, ranks and tiers each unit, with last month’s and last year’s score', () => {
    const cur = answer('53', 'city', [
      { org: '5301', v: { 'queue.avg_wait': [10, 'ok'], 'call.connection_rate': [0.96, 'ok'] } },
      { org: '5303', v: { 'queue.avg_wait': [25, 'warn'], 'call.connection_rate': [0.85, 'alarm'] } },
      { org: '5304', v: { 'queue.avg_wait': [10, 'ok'], 'call.connection_rate': [0.96, 'ok'], 'queue.tickets': [5, null] } },
    ]);
    const prev = answer('53', 'city', [{ org: '5303', v: { 'queue.avg_wait': [22, 'warn'], 'call.connection_rate': [0.96, 'ok'] } }]);
    const node = answer('53', 'total', [{ org: '53', v: { 'queue.avg_wait': [11, 'ok'] } }]);
    const m = buildMonthly({
      ...base,
      kind: 'monthly',
      period: { start: '2026-10-01', end: '2026-10-31' },
      previousPeriod: { start: '2026-09-01', end: '2026-09-30' },
      yoyPeriod: { start: '2025-10-01', end: '2025-10-31' },
      compare: { previous: false, yoy: false },
      nodeResult: node,
      unitsResult: cur,
      previous: { nodeResult: answer('53', 'total', [{ org: '53', v: { 'queue.avg_wait': [9, 'ok'] } }]), unitsResult: prev },
      yoy: { nodeResult: answer('53', 'total', []), unitsResult: answer('53', 'city', []) },
    });
    expect(m.assessedKpis).toEqual(['queue.avg_wait', 'call.connection_rate']);
    expect(m.assessment.map((a) => [a.code, a.score, a.rank, a.tier, a.scorePrevious, a.scoreYoy])).toEqual([
      ['5301', 100, 1, 'green', null, null],
      ['5304', 100, 1, 'green', null, null],
      ['5303', 25, 3, 'red', 75, null],
    ]);
    expect(m.node['queue.avg_wait']).toMatchObject({ value: 11, previous: 9, yoy: null });
    expect(m.units.find((u) => u.code === '5303')!.figures['queue.avg_wait']).toMatchObject({ value: 25, previous: 22 });
    expect(m.scoring.formula.zh).toContain('0.5');
  });
});

describe('alert domains', () => {
  it('follows the rule’s KPI or the kind of check', () => {
    const d = (id: string) => (id.startsWith('wo.') ? ('work_order' as const) : undefined);
    expect(ruleDomain({ kind: 'threshold', kpi: 'wo.overdue' }, d)).toBe('work_order');
    expect(ruleDomain({ kind: 'record_event', event: 'dissatisfied_rating' }, d)).toBe('queue');
    expect(ruleDomain({ kind: 'time_limit', check: 'reconnection' }, d)).toBe('arrears');
    expect(ruleDomain(null, d)).toBe('other');
  });
});

describe('comparisons without data', () => {
  it('drops a comparison period that holds no data at all, keeps one with a real zero next to data', () => {
    const figs = {
      a: { value: 5, count: 5, status: null, yoy: 0, previous: 0 },
      b: { value: 0.9, count: 3, status: null, yoy: null, previous: 0.8 },
    };
    dropEmptyComparison(figs, 'yoy');
    dropEmptyComparison(figs, 'previous');
    expect([figs.a.yoy, figs.b.yoy, figs.a.previous, figs.b.previous]).toEqual([null, null, 0, 0.8]);
  });
});
