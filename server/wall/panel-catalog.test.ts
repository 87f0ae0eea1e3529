import { describe, expect, it } from 'vitest';
import { kpiQueryInput } from '../kpi/query/schema';
import { PANEL_TYPES, panelSchema, type PanelSpec } from './layout';
import { DEMO_LAYOUTS } from './demo-layouts';
import { breakdownFor, kpiParam, orgForKpi, PANEL_CATALOG, tilePeriod } from './panel-catalog';

const panel = (type: PanelSpec['type'], params: Record<string, unknown> = {}): PanelSpec => panelSchema.parse({ id: 'p', type, params });

describe('panel catalog', () => {
  it('has an entry for every panel type', () => {
    for (const type of PANEL_TYPES) expect(PANEL_CATALOG[type], type).toBeDefined();
  });

  it('asks only valid KPI queries, for a province, city, county and hall zone alike', () => {
    for (const orgCode of ['53', '5301', '530102', '530102001'])
      for (const type of PANEL_TYPES) {
        const needs = PANEL_CATALOG[type]!.needs(panel(type), { orgCode });
        for (const q of needs.kpi) {
          const parsed = kpiQueryInput.safeParse(q);
          expect(parsed.success, `${type} @${orgCode}: ${JSON.stringify(q)}`).toBe(true);
          // A break-down always lies below the query's org (the engine refuses anything else).
          if (q.by !== 'total')
            expect(['city', 'county', 'hall'].indexOf(q.by) + 1).toBeGreaterThan([2, 4, 6, 9].indexOf(q.orgCode.length));
        }
        for (const q of needs.kpi) if (q.kpis.some((k) => k.startsWith('call.agents_'))) expect(q.orgCode).toBe('53');
      }
  });

  it('falls back to defaults for settings it does not know, so a typo cannot break the zone', () => {
    const needs = PANEL_CATALOG.kpi_tiles!.needs(panel('kpi_tiles', { kpis: ['no.such', 'call.loss_rate'], time: 'someday' }), {
      orgCode: '53',
    });
    expect(needs.kpi[0]!.kpis).toEqual(['call.loss_rate']);
    expect(needs.kpi[0]!.time).toEqual({ preset: 'today' });
    expect(kpiParam('bogus', ['queue.tickets'])).toEqual(['queue.tickets']);
    const r = PANEL_CATALOG.ranking!.needs(panel('ranking', { kpi: 'queue.avg_wait', by: 'hall' }), { orgCode: '53' });
    expect(r.kpi[0]).toMatchObject({ kpis: ['queue.avg_wait'], by: 'city' });
  });

  it('keeps the visitor-safe panels aggregate: never a hall, never below city for arrears', () => {
    const safe = PANEL_TYPES.filter((t) => PANEL_CATALOG[t]!.visitorSafe);
    expect(safe.sort()).toEqual(['achievements', 'arrears_by_city', 'call_trend', 'kpi_tiles', 'outage_map', 'ranking'].sort());
    const rank = PANEL_CATALOG.ranking!.needs(panel('ranking', { by: 'hall' }), { orgCode: '530102' });
    expect(rank.kpi.every((q) => q.by !== 'hall')).toBe(true);
    for (const orgCode of ['53', '5301', '530102']) {
      const arrears = PANEL_CATALOG.arrears_by_city!.needs(panel('arrears_by_city', { by: 'county' }), { orgCode });
      expect(arrears.kpi.every((q) => q.by === 'total' || q.by === 'city')).toBe(true);
    }
    for (const t of safe) expect(PANEL_CATALOG[t]!.needs(panel(t), { orgCode: '53' }).alerts).toBeUndefined();
  });

  it('asks the alerts and freshness panels for alerts and sources, not KPIs', () => {
    expect(PANEL_CATALOG.alert_list!.needs(panel('alert_list', { limit: 7 }), { orgCode: '53' })).toEqual({
      kpi: [],
      alerts: { limit: 7 },
    });
    expect(PANEL_CATALOG.alert_banner!.needs(panel('alert_banner'), { orgCode: '53' }).alerts).toBeDefined();
    expect(PANEL_CATALOG.freshness!.needs(panel('freshness'), { orgCode: '53' })).toEqual({ kpi: [], freshness: true });
  });

  it('filters the call trend by a known call category only', () => {
    const f = (category: unknown) => PANEL_CATALOG.call_trend!.needs(panel('call_trend', { category }), { orgCode: '53' }).kpi[0]!.filters;
    expect(f('fault_repair')).toEqual({ category: ['fault_repair'] });
    expect(f('nonsense')).toEqual({});
  });
});

describe('breakdownFor / orgForKpi', () => {
  it('breaks down below the zone org, falling back to the level just below', () => {
    expect(breakdownFor('53', 'city')).toBe('city');
    expect(breakdownFor('5301', 'city')).toBe('county');
    expect(breakdownFor('530102', 'county', 'county')).toBeNull();
    expect(breakdownFor('530102', 'hall')).toBe('hall');
  });
  it('asks province-wide KPIs of the province and county-level KPIs of a hall zone’s county', () => {
    expect(orgForKpi('call.agents_ready', '5301')).toBe('53');
    expect(orgForKpi('call.inbound', '530102001')).toBe('530102');
    expect(orgForKpi('queue.length', '530102001')).toBe('530102001');
  });

  it('asks a queue day ranking or board for the last business day too, with the ticket questions that choose', () => {
    const r = PANEL_CATALOG.ranking!.needs(panel('ranking', { kpi: 'queue.avg_wait', by: 'city' }), { orgCode: '53' });
    expect(r.kpi.map((x) => [x.key, x.kpis, x.by, x.time])).toEqual([
      ['p', ['queue.avg_wait'], 'city', { preset: 'today' }],
      ['p~yesterday', ['queue.avg_wait'], 'city', { preset: 'yesterday' }],
      ['p:day-tickets', ['queue.tickets'], 'total', { preset: 'today' }],
      ['p:day-before', ['queue.tickets'], 'total', { preset: 'yesterday' }],
    ]);
    // A live KPI, a call KPI or a chosen period: nothing more to ask.
    for (const params of [{ kpi: 'queue.length' }, { kpi: 'call.loss_rate' }, { kpi: 'queue.avg_wait', time: 'last_7d' }])
      expect(PANEL_CATALOG.ranking!.needs(panel('ranking', params), { orgCode: '53' }).kpi).toHaveLength(1);
    const b = PANEL_CATALOG.queue_board!.needs(panel('queue_board'), { orgCode: '5301' });
    expect(b.kpi.map((x) => [x.key, x.kpis, x.by])).toEqual([
      ['p', ['queue.length', 'queue.longest_wait_now', 'queue.avg_wait'], 'hall'],
      ['p~yesterday', ['queue.avg_wait'], 'hall'],
      ['p:day-tickets', ['queue.tickets'], 'total'],
      ['p:day-before', ['queue.tickets'], 'total'],
    ]);
  });

  it('asks a billing KPI tile for its natural period, not today (no export has today yet)', () => {
    expect(tilePeriod('arrears.recovery_rate', 'today')).toEqual({ preset: 'this_year', compare: 'yoy' });
    expect(tilePeriod('arrears.reconnect_in_limit', 'today')).toEqual({
      preset: 'this_month',
      compare: 'previous',
      fallback: 'last_month',
    });
    expect(tilePeriod('arrears.amount', 'today')).toEqual({ preset: 'today', compare: 'previous' });
    expect(tilePeriod('call.loss_rate', 'today')).toEqual({ preset: 'today', compare: 'previous' });
    expect(tilePeriod('arrears.recovery_rate', 'last_month')).toEqual({ preset: 'last_month', compare: 'previous' });
    // The demo wall's 欠费指标 (indicator zone): no billing KPI is asked for today.
    const zone = DEMO_LAYOUTS[0]!.zones!.find((z) => z.id === 'indicator')!;
    const spec = panelSchema.parse(zone.panels!.find((x) => x.id === 'kpi-arrears'));
    const asked = PANEL_CATALOG.kpi_tiles!.needs(spec, { orgCode: '53' }).kpi;
    for (const kpi of ['arrears.recovery_rate', 'arrears.reconnect_in_limit']) {
      const own = asked.filter((x) => x.kpis.includes(kpi));
      expect(own.length, kpi).toBeGreaterThan(0);
      for (const x of own) expect(x.time, kpi).not.toEqual({ preset: 'today' });
    }
    expect(asked.find((x) => x.kpis.includes('arrears.recovery_rate'))).toMatchObject({ key: 'kpi-arrears~this_year', compare: ['yoy'] });
  });
});
