import { describe, expect, it } from 'vitest';
import { auditSearchInput, beijingLocalToIso, detailText, EMPTY_AUDIT_FILTERS, formatBeijing } from './audit-filters';

describe('beijingLocalToIso', () => {
  it('reads a datetime-local value as Beijing time', () => {
    expect(beijingLocalToIso('2026-03-01T08:30')).toBe('2026-03-01T00:30:00.000Z');
    expect(beijingLocalToIso('2026-03-01T06:00:15')).toBe('2026-02-28T22:00:15.000Z');
  });
  it('refuses malformed and rolled-over dates', () => {
    expect(beijingLocalToIso('')).toBeNull();
    expect(beijingLocalToIso('2026-03-01')).toBeNull();
    expect(beijingLocalToIso('2026-02-30T10:00')).toBeNull();
    expect(beijingLocalToIso('2026-13-01T10:00')).toBeNull();
  });
});

describe('auditSearchInput', () => {
  it('leaves blanks out and trims text', () => {
    expect(auditSearchInput(EMPTY_AUDIT_FILTERS)).toEqual({ ok: true, input: { limit: 50 } });
    expect(auditSearchInput({ ...EMPTY_AUDIT_FILTERS, actor: '  admin ', action: 'user.', target: ' ', text: ' 昆明 ' }, 20)).toEqual({
      ok: true,
      input: { limit: 20, actor: 'admin', action: 'user.', text: '昆明' },
    });
  });
  it('converts the time range to UTC', () => {
    const r = auditSearchInput({ ...EMPTY_AUDIT_FILTERS, from: '2026-03-01T00:00', to: '2026-03-02T00:00' });
    expect(r).toEqual({ ok: true, input: { limit: 50, from: '2026-02-28T16:00:00.000Z', to: '2026-03-01T16:00:00.000Z' } });
  });
  it('reports a bad time or an empty range', () => {
    expect(auditSearchInput({ ...EMPTY_AUDIT_FILTERS, from: 'yesterday' })).toEqual({ ok: false, problem: 'from' });
    expect(auditSearchInput({ ...EMPTY_AUDIT_FILTERS, to: '2026-02-31T00:00' })).toEqual({ ok: false, problem: 'to' });
    expect(auditSearchInput({ ...EMPTY_AUDIT_FILTERS, from: '2026-03-02T00:00', to: '2026-03-01T00:00' })).toEqual({
      ok: false,
      problem: 'range',
    });
    expect(auditSearchInput({ ...EMPTY_AUDIT_FILTERS, from: '2026-03-01T00:00', to: '2026-03-01T00:00' })).toEqual({
      ok: false,
      problem: 'range',
    });
  });
});

describe('formatBeijing', () => {
  it('shows UTC instants in Beijing time', () => {
    expect(formatBeijing('2026-02-28T16:00:00.000Z')).toBe('2026-03-01 00:00:00');
    expect(formatBeijing('2026-03-01T07:05:09Z')).toBe('2026-03-01 15:05:09');
  });
  it('shows a dash for nothing', () => {
    expect(formatBeijing(null)).toBe('—');
    expect(formatBeijing('not a time')).toBe('—');
  });
});

describe('detailText', () => {
  it('flattens an object to key: value pairs', () => {
    expect(detailText({ role: 'viewer', orgCode: '5301', changed: { from: 1, to: 2 } })).toBe(
      'role: viewer · orgCode: 5301 · changed: {"from":1,"to":2}',
    );
  });
  it('handles no detail and other JSON', () => {
    expect(detailText(null)).toBe('');
    expect(detailText(undefined)).toBe('');
    expect(detailText([1, 2])).toBe('[1,2]');
    expect(detailText('x')).toBe('x');
  });
});
