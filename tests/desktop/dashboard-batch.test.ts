import { describe, expect, it } from 'vitest';
import {
  breakdownBars,
  chunk,
  dashboardQueries,
  headlineFigures,
  kpiAtLevel,
  overviewFigures,
  overviewQueries,
  rankingRows,
  trendSeries,
  type Answer,
  type BatchContext,
  type DefLite,
} from '@/app/_components/desktop/batch';
import { DOMAINS, domainSpec } from '@/app/_components/desktop/domains';
import { defaultView } from '@/app/_components/desktop/url-state';
import type { KpiPoint } from '@/server/kpi/query/result';
import { describeKpi, KPIS } from '@/server/kpi/definitions';
import { PARAM_DEFAULTS } from '@/server/kpi/params';
import { kpiBatchInput } from '@/server/kpi/query/schema';

// The dashboards' batches are built from the real KPI catalogue: every query must pass the server's schema,
// batches stay within its limit, bill-month figures get their natural period and filters go only where the
// family knows them.

const DEFS: Map<string, DefLite> = new Map(KPIS.map((k) => [k.id, { ...describeKpi(k, PARAM_DEFAULTS), thresholds: null }]));

const ctxOf = (domain: Parameters<typeof domainSpec>[0], org: string, patch: Partial<BatchContext['view']> = {}): BatchContext => {
  const spec = domainSpec(domain);
  return { spec, defs: DEFS, view: { ...defaultView(spec), ...patch }, org, today: '2026-12-06' };
};

const point = (orgCode: string, value: number | null, status: KpiPoint['status'], count = 1, bucket: string | null = null): KpiPoint => ({
  orgCode,
  orgName: orgCode,
  bucket,
  value,
  count,
  measures: {},
  compare: {},
  status,
});

describe('dashboardQueries', () => {
  it('every domain at every level asks what the server schema accepts, in batches of at most 50', () => {
    for (const spec of DOMAINS) {
      for (const org of ['53', '5301', '530102']) {
        const queries = dashboardQueries(
          ctxOf(spec.id, org, { compare: ['previous', 'yoy'], time: { from: '2026-11-01', to: '2026-11-30' } }),
        );
        expect(queries.length).toBeGreaterThan(0);
        for (const batch of chunk(queries)) {
          expect(batch.length).toBeLessThanOrEqual(50);
          expect(() => kpiBatchInput.parse({ queries: batch })).not.toThrow();
        }
        // every spec KPI exists in the catalogue
        for (const id of [...spec.headline, ...spec.trend, ...spec.ranking, ...spec.overview]) expect(DEFS.has(id)).toBe(true);
      }
    }
  });

  it('asks bill-month KPIs for their month and everything else for the page time', () => {
    const qs = dashboardQueries(ctxOf('arrears', '53', { time: { preset: 'today' } }));
    const bill = qs.find((q) => q.key === 'headline|bill')!;
    expect(bill.time).toEqual({ preset: 'this_month' });
    expect(bill.kpis).toContain('arrears.recovery_rate');
    const payment = qs.find((q) => q.key === 'headline|payment')!;
    expect(payment.time).toEqual({ preset: 'today' });
  });

  it('sends a filter only to the families that know it', () => {
    const qs = dashboardQueries(ctxOf('arrears', '53', { filters: { class: ['industrial'] } }));
    const bill = qs.find((q) => q.key === 'headline|bill~class')!;
    const payment = qs.find((q) => q.key === 'headline|payment~class')!;
    expect(bill.filters).toEqual({ class: ['industrial'] });
    expect(payment.filters).toEqual({ class: ['industrial'] });
  });

  it('asks the KPIs of a family that take different filters apart: an age bucket narrows the arrears book only', () => {
    const qs = dashboardQueries(ctxOf('arrears', '53', { filters: { age: ['d31_90'], class: ['industrial'] } }));
    const book = qs.find((q) => q.key === 'headline|bill~age,class')!;
    const billing = qs.find((q) => q.key === 'headline|bill~class')!;
    expect(book.filters).toEqual({ age: ['d31_90'], class: ['industrial'] });
    expect(book.kpis).toEqual(expect.arrayContaining(['arrears.amount', 'arrears.customers']));
    expect(billing.filters).toEqual({ class: ['industrial'] });
    expect(billing.kpis).toEqual(expect.arrayContaining(['arrears.recovery_rate', 'arrears.billed']));
    expect(billing.kpis).not.toContain('arrears.amount');
    // Every query still passes the server's input schema.
    for (const q of qs) expect(() => kpiBatchInput.parse({ queries: [q] })).not.toThrow();
  });

  it('ranks one level down and stops at the domain leaf', () => {
    const by = (domain: Parameters<typeof domainSpec>[0], org: string) =>
      dashboardQueries(ctxOf(domain, org)).find((q) => q.key!.startsWith('ranking|'))?.by ?? null;
    expect(by('call', '53')).toBe('city');
    expect(by('call', '5301')).toBe('county');
    expect(by('call', '530102')).toBeNull();
    expect(by('queue', '530102')).toBe('hall');
  });

  it('asks one break-down query per dimension value', () => {
    const qs = dashboardQueries(ctxOf('call', '5301')).filter((q) => q.key!.startsWith('breakdown|'));
    expect(qs.map((q) => q.filters)).toEqual(
      ['inquiry', 'fault_repair', 'arrears_reconnection', 'complaint', 'opinion'].map((v) => ({ category: [v] })),
    );
  });

  it('leaves out KPIs a level does not have', () => {
    expect(kpiAtLevel(DEFS.get('call.agents_ready'), '53')).toBe(true);
    expect(kpiAtLevel(DEFS.get('call.agents_ready'), '5301')).toBe(false);
    expect(kpiAtLevel(DEFS.get('call.inbound'), '530102001')).toBe(false);
  });
});

describe('reading the answers', () => {
  const ctx = ctxOf('call', '53');
  const answers: Answer[] = [
    {
      asOf: '2026-12-06T02:30:00.000Z',
      freshness: [],
      results: [
        {
          key: 'headline|call',
          orgCode: '53',
          by: 'total',
          granularity: 'total',
          kpis: [
            {
              kpi: 'call.loss_rate',
              granularity: 'total',
              engine: 'rollup',
              grain: 'hour',
              range: null,
              points: [point('53', 0.04, 'ok', 17)],
            },
          ],
        },
        {
          key: 'ranking|call',
          orgCode: '53',
          by: 'city',
          granularity: 'total',
          kpis: [
            {
              kpi: 'call.loss_rate',
              granularity: 'total',
              engine: 'rollup',
              grain: 'hour',
              range: null,
              points: [
                point('5301', 0.02, 'ok'),
                point('5303', 0.12, 'alarm'),
                point('5304', 0.06, 'warn'),
                point('5305', null, null),
                point('5306', 0.07, 'warn'),
              ],
            },
          ],
        },
        {
          key: 'trend|call',
          orgCode: '53',
          by: 'total',
          granularity: 'hour',
          kpis: [
            {
              kpi: 'call.inbound',
              granularity: 'hour',
              engine: 'rollup',
              grain: 'hour',
              range: null,
              points: [point('53', 5, null, 5, '2026-12-06T01:00:00.000Z'), point('53', 0, null, 0, '2026-12-06T03:00:00.000Z')],
            },
          ],
        },
        {
          key: 'breakdown|call|category=complaint',
          orgCode: '53',
          by: 'total',
          granularity: 'total',
          kpis: [
            { kpi: 'call.inbound', granularity: 'total', engine: 'rollup', grain: 'hour', range: null, points: [point('53', 9, null, 9)] },
          ],
        },
      ],
    },
  ];

  it('puts each figure on its tile, with its record count', () => {
    const loss = headlineFigures(ctx, answers).find((f) => f.kpi === 'call.loss_rate')!;
    expect(loss.point?.count).toBe(17);
    expect(headlineFigures(ctx, answers).find((f) => f.kpi === 'call.inbound')!.point).toBeNull();
  });

  it('ranks red, then yellow (worse value first), then green, then units without a figure', () => {
    expect(rankingRows(ctx, answers).map((r) => r.orgCode)).toEqual(['5303', '5306', '5304', '5301', '5305']);
  });

  it('drops trend buckets after the figures were computed', () => {
    expect(trendSeries(ctx, answers)[0]!.points.map((p) => p.count)).toEqual([5]);
  });

  it('reads a break-down bar per value, missing ones empty', () => {
    const bars = breakdownBars(ctx, answers, 'call.inbound', 'category');
    expect(bars.find((b) => b.value === 'complaint')!.point?.count).toBe(9);
    expect(bars.find((b) => b.value === 'inquiry')!.point).toBeNull();
  });

  it('keys the overview per domain and reads each back', () => {
    const ctxs = DOMAINS.map((spec) => ({ ...ctxOf(spec.id, '5301'), spec }));
    const qs = overviewQueries(ctxs);
    expect(new Set(qs.map((q) => q.key!.split(':')[0]))).toEqual(new Set(DOMAINS.map((d) => d.id)));
    const callCtx = ctxs.find((c) => c.spec.id === 'call')!;
    const keyed: Answer[] = [{ ...answers[0]!, results: answers[0]!.results.map((r) => ({ ...r, key: `call:${r.key}` })) }];
    expect(overviewFigures(callCtx, keyed).find((f) => f.kpi === 'call.loss_rate')!.point?.count).toBe(17);
  });
});
