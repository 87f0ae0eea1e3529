import { describe, expect, it } from 'vitest';
import { kpiQueryInput } from '../kpi/query/schema';
import { PANEL_TYPES, panelSchema, type PanelSpec } from './layout';
import { breakdownFor, kpiParam, orgForKpi, PANEL_CATALOG } from './panel-catalog';

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
});
