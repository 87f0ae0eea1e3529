import { describe, expect, it } from 'vitest';
import { parseLocal } from '@/core/time';
import { bucketStarts, parseBound, previousRange, resolvePreset, yoyRange, type Calendar } from '@/server/kpi/query/time';

const TZ = 'Asia/Shanghai';
const cal: Calendar = { tz: TZ, resetHour: 0 };
const at = (s: string, c: Calendar = cal) => parseLocal(s, c.tz)!;
const NOW = at('2026-11-23 14:20:00');

describe('business calendar ranges', () => {
  it('resolves presets to local business days and months', () => {
    expect(resolvePreset('today', NOW, cal)).toEqual({ from: at('2026-11-23 00:00:00'), to: at('2026-11-24 00:00:00') });
    expect(resolvePreset('last_7d', NOW, cal)).toEqual({ from: at('2026-11-17 00:00:00'), to: at('2026-11-24 00:00:00') });
    expect(resolvePreset('last_month', NOW, cal)).toEqual({ from: at('2026-10-01 00:00:00'), to: at('2026-11-01 00:00:00') });
    expect(resolvePreset('last_13_months', NOW, cal)).toEqual({ from: at('2025-11-01 00:00:00'), to: at('2026-12-01 00:00:00') });
    expect(resolvePreset('last_24h', NOW, cal)).toEqual({ from: at('2026-11-22 15:00:00'), to: at('2026-11-23 15:00:00') });
  });

  it('starts the business day at the configured reset hour', () => {
    const shifted: Calendar = { tz: TZ, resetHour: 6 };
    // 05:00 still belongs to the previous business day.
    expect(resolvePreset('today', at('2026-11-23 05:00:00'), shifted)).toEqual({
      from: at('2026-11-22 06:00:00'),
      to: at('2026-11-23 06:00:00'),
    });
    expect(parseBound('2026-11-23', shifted, false)).toBe(at('2026-11-23 06:00:00'));
    expect(parseBound('2026-11-23', shifted, true)).toBe(at('2026-11-24 06:00:00'));
  });

  it('compares a running period with the same stretch before and a year ago', () => {
    const today = resolvePreset('today', NOW, cal);
    // Today up to the current hour against yesterday up to the same hour.
    expect(previousRange(today, NOW)).toEqual({ from: at('2026-11-22 00:00:00'), to: at('2026-11-22 15:00:00') });
    expect(yoyRange(today, NOW, cal)).toEqual({ from: at('2025-11-23 00:00:00'), to: at('2025-11-23 15:00:00') });
    const feb29 = { from: at('2028-02-29 00:00:00'), to: at('2028-03-01 00:00:00') };
    expect(yoyRange(feb29, at('2028-03-05 00:00:00'), cal).from).toBe(at('2027-02-28 00:00:00'));
  });

  it('lists bucket starts per granularity', () => {
    const week = resolvePreset('last_7d', NOW, cal);
    expect(bucketStarts(week, 'day', cal)).toHaveLength(7);
    expect(bucketStarts(week, 'hour', cal)).toHaveLength(7 * 24);
    expect(bucketStarts(resolvePreset('last_13_months', NOW, cal), 'month', cal)).toHaveLength(13);
    expect(bucketStarts(week, 'total', cal)).toEqual([week.from]);
  });

  it('rejects impossible dates', () => {
    expect(parseBound('2026-02-30', cal, false)).toBeNull();
    expect(parseBound('2026-13-01', cal, true)).toBeNull();
  });
});
