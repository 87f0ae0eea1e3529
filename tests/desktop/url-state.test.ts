import { describe, expect, it } from 'vitest';
import { domainSpec } from '@/app/_components/desktop/domains';
import {
  bucketBounds,
  childLevel,
  defaultView,
  granularityFor,
  monthlyTime,
  parseView,
  toRaw,
  toggleFilter,
  viewHref,
  type RawView,
  type ViewState,
} from '@/app/_components/desktop/url-state';

// The dashboards keep their whole view in the URL: parsing must refuse what the server would (or should not
// see), serialising must leave defaults out, and the two must round-trip.

const calls = domainSpec('call');
const arrears = domainSpec('arrears');

describe('parseView', () => {
  it('gives the domain defaults for an empty URL', () => {
    expect(parseView({}, calls)).toEqual(defaultView(calls));
    expect(parseView({}, arrears).time).toEqual({ preset: 'last_month' });
  });

  it('reads unit, time, granularity, comparison, filters and the open table', () => {
    const raw: RawView = {
      org: '5301',
      t: 'custom',
      from: '2026-11-01',
      to: '2026-11-20',
      g: 'day',
      cmp: 'yoy,previous',
      f: 'category:complaint,category:inquiry',
      dk: 'call.loss_rate',
      dp: 'denominator',
      dorg: '530102',
      dt: '2026-11-03 08:00~2026-11-03 09:00',
      df: 'category:complaint',
      ds: 'ivr_at:desc',
      dpg: '3',
    };
    expect(parseView(raw, calls)).toEqual({
      org: '5301',
      time: { from: '2026-11-01', to: '2026-11-20' },
      granularity: 'day',
      compare: ['yoy', 'previous'],
      filters: { category: ['complaint', 'inquiry'] },
      detail: {
        kpi: 'call.loss_rate',
        part: 'denominator',
        org: '530102',
        time: { from: '2026-11-03 08:00', to: '2026-11-03 09:00' },
        filters: { category: ['complaint'] },
        sort: { column: 'ivr_at', dir: 'desc' },
        page: 3,
      },
    });
  });

  it('drops what the URL must not carry: bad codes, impossible dates, unknown dimensions, bad sorts', () => {
    const v = parseView(
      { org: '53x1', t: 'custom', from: '2026-02-30', to: '2026-03-01', f: 'constructor:x,category:,bank:ICBC', dk: 'x', ds: 'a;b:asc' },
      calls,
    );
    expect(v.org).toBeNull();
    expect(v.time).toEqual({ preset: 'today' });
    expect(v.filters).toEqual({});
    expect(v.detail).toBeNull();
    expect(parseView({ dk: 'call.inbound', ds: 'drop table:asc', dpg: '-2' }, calls).detail).toMatchObject({ sort: null, page: 1 });
  });

  it('orders a reversed custom range', () => {
    expect(parseView({ t: 'custom', from: '2026-11-20', to: '2026-11-01' }, calls).time).toEqual({ from: '2026-11-01', to: '2026-11-20' });
  });
});

describe('toRaw / viewHref', () => {
  const view: ViewState = {
    org: '530102',
    time: { preset: 'yesterday' },
    granularity: 'hour',
    compare: ['yoy'],
    filters: { category: ['fault_repair'] },
    detail: {
      kpi: 'call.inbound',
      part: 'numerator',
      org: null,
      time: null,
      filters: null,
      sort: { column: 'ivr_at', dir: 'asc' },
      page: 2,
    },
  };

  it('round-trips', () => {
    expect(parseView(toRaw(view, calls), calls)).toEqual(view);
  });

  it('leaves defaults out of the URL', () => {
    expect(viewHref('/calls', defaultView(calls), calls)).toBe('/calls');
    expect(viewHref('/arrears', { ...defaultView(arrears), time: { preset: 'today' } }, arrears)).toBe('/arrears?t=today');
  });

  it('writes a shareable link', () => {
    expect(viewHref('/calls', view, calls)).toBe(
      '/calls?org=530102&t=yesterday&g=hour&cmp=yoy&f=category%3Afault_repair&dk=call.inbound&ds=ivr_at%3Aasc&dpg=2',
    );
  });
});

describe('derived time', () => {
  it('picks a granularity the time allows', () => {
    expect(granularityFor({ time: { preset: 'today' }, granularity: 'month' })).toBe('hour');
    expect(granularityFor({ time: { preset: 'this_month' }, granularity: null })).toBe('day');
    expect(granularityFor({ time: { from: '2026-01-01', to: '2026-11-30' }, granularity: null })).toBe('month');
    expect(granularityFor({ time: { from: '2026-11-01', to: '2026-11-02' }, granularity: null })).toBe('hour');
  });

  it('gives bill-month KPIs their natural period', () => {
    expect(monthlyTime({ preset: 'today' }, '2026-12-06')).toEqual({ preset: 'this_month' });
    expect(monthlyTime({ preset: 'yesterday' }, '2026-12-01')).toEqual({ preset: 'last_month' });
    expect(monthlyTime({ preset: 'yesterday' }, '2026-12-06')).toEqual({ preset: 'this_month' });
    expect(monthlyTime({ from: '2026-01-15', to: '2026-02-03' }, '2026-12-06')).toEqual({ from: '2026-01-01', to: '2026-02-28' });
    expect(monthlyTime({ preset: 'last_month' }, '2026-12-06')).toEqual({ preset: 'last_month' });
  });

  it('turns a bucket into Beijing-time bounds for kpi.rows', () => {
    // 2026-11-03 08:00 Beijing = 00:00Z
    expect(bucketBounds('2026-11-03T00:00:00.000Z', 'hour')).toEqual({ from: '2026-11-03 08:00', to: '2026-11-03 09:00' });
    expect(bucketBounds('2026-11-03T15:00:00.000Z', 'hour')).toEqual({ from: '2026-11-03 23:00', to: '2026-11-04 00:00' });
    expect(bucketBounds('2026-11-02T16:00:00.000Z', 'day')).toEqual({ from: '2026-11-03', to: '2026-11-03' });
    expect(bucketBounds('2026-01-31T16:00:00.000Z', 'month')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });
});

describe('tree and filters', () => {
  it('knows the level below, down to the domain leaf', () => {
    expect(childLevel('53', 'county')).toBe('city');
    expect(childLevel('5301', 'county')).toBe('county');
    expect(childLevel('530102', 'county')).toBeNull();
    expect(childLevel('530102', 'hall')).toBe('hall');
    expect(childLevel('530102001', 'hall')).toBeNull();
  });

  it('toggles a cross-filter value', () => {
    const once = toggleFilter({}, 'category', 'complaint');
    expect(once).toEqual({ category: ['complaint'] });
    expect(toggleFilter(once, 'category', 'inquiry')).toEqual({ category: ['complaint', 'inquiry'] });
    expect(toggleFilter(once, 'category', 'complaint')).toEqual({});
  });
});
