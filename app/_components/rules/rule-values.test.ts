import { describe, expect, it } from 'vitest';
import { fromDisplay, parseNumber, ruleValueScale, toDisplay } from './rule-values';

const unitOf = (kpi: string) => ({ 'call.loss_rate': 'percent', 'queue.avg_wait': 'minutes', 'wo.orders': 'count' })[kpi];

describe('percent ↔ fraction', () => {
  it('shows fractions as percent without binary noise and stores them back', () => {
    expect(toDisplay(0.07, 100)).toBe(7);
    expect(toDisplay(0.05, 100)).toBe(5);
    expect(fromDisplay(7, 100)).toBe(0.07);
    expect(fromDisplay(12.5, 100)).toBe(0.125);
    for (const v of [0.01, 0.05, 0.1, 0.2, 0.8, 0.333]) expect(fromDisplay(toDisplay(v, 100), 100)).toBe(v);
  });
  it('leaves non-percent units as typed', () => {
    expect(toDisplay(20, 1)).toBe(20);
    expect(fromDisplay(1.5, 1)).toBe(1.5);
  });
  it('parses typed numbers, refusing empty and garbage', () => {
    expect(parseNumber(' 5.5 ')).toBe(5.5);
    expect(parseNumber('')).toBeNull();
    expect(parseNumber('abc')).toBeNull();
    expect(parseNumber('Infinity')).toBeNull();
  });
});

describe('what a rule grades', () => {
  it('a threshold on a percent KPI is in percent, on a minutes KPI in minutes', () => {
    expect(ruleValueScale({ kind: 'threshold', kpi: 'call.loss_rate' }, unitOf)).toEqual({ unit: 'percent', scale: 100 });
    expect(ruleValueScale({ kind: 'threshold', kpi: 'queue.avg_wait' }, unitOf)).toEqual({ unit: 'minutes', scale: 1 });
  });
  it('change is a ratio, anomaly standard deviations, whatever the KPI', () => {
    expect(ruleValueScale({ kind: 'change', kpi: 'call.loss_rate' }, unitOf)).toEqual({ unit: 'ratio', scale: 1 });
    expect(ruleValueScale({ kind: 'anomaly', kpi: 'call.loss_rate' }, unitOf)).toEqual({ unit: 'sigma', scale: 1 });
  });
  it('compare: relative change in percent; a difference of rates in percentage points', () => {
    expect(ruleValueScale({ kind: 'compare', kpi: 'wo.orders', mode: 'relative' }, unitOf)).toEqual({ unit: 'percent', scale: 100 });
    expect(ruleValueScale({ kind: 'compare', kpi: 'call.loss_rate', mode: 'difference' }, unitOf)).toEqual({ unit: 'pp', scale: 100 });
    expect(ruleValueScale({ kind: 'compare', kpi: 'wo.orders', mode: 'difference' }, unitOf)).toEqual({ unit: 'count', scale: 1 });
  });
  it('time limits and record events by their check / event', () => {
    expect(ruleValueScale({ kind: 'time_limit', check: 'work_order_due' }, unitOf).unit).toBe('percent');
    expect(ruleValueScale({ kind: 'time_limit', check: 'outage_notice' }, unitOf).unit).toBe('hours');
    expect(ruleValueScale({ kind: 'record_event', event: 'sms_batch_failed' }, unitOf).scale).toBe(100);
    expect(ruleValueScale({ kind: 'record_event', event: 'dissatisfied_rating' }, unitOf).unit).toBe('count');
  });
});
