import { describe, expect, it } from 'vitest';
import { beijingDayStart, beijingLocalToEpoch, currentShiftEnd, epochToBeijingLocal, formatBeijing, shiftStart } from './shift';

// 2026-12-05 in Beijing (UTC+8).
const bj = (hhmm: string, day = '05') => Date.parse(`2026-12-${day}T${hhmm}:00+08:00`);

describe('shift end (08:00 / 16:00 / 24:00 Beijing)', () => {
  it('before 08:00 ends at 08:00', () => expect(currentShiftEnd(bj('03:15'))).toBe(bj('08:00')));
  it('at exactly 08:00 the day shift has begun: ends 16:00', () => expect(currentShiftEnd(bj('08:00'))).toBe(bj('16:00')));
  it('in the afternoon ends 16:00', () => expect(currentShiftEnd(bj('15:59'))).toBe(bj('16:00')));
  it('in the evening ends at midnight', () => expect(currentShiftEnd(bj('23:30'))).toBe(bj('00:00', '06')));
  it('just after midnight ends 08:00 that day', () => expect(currentShiftEnd(bj('00:00', '06'))).toBe(bj('08:00', '06')));
  it('does not depend on UTC date: 20:00 UTC is 04:00 Beijing next day', () =>
    expect(currentShiftEnd(Date.parse('2026-12-05T20:00:00Z'))).toBe(bj('08:00', '06')));
  it('shift start is 8 h before its end', () => expect(shiftStart(bj('16:00'))).toBe(bj('08:00')));
});

describe('Beijing clock', () => {
  it('day start is 00:00 Beijing (16:00 UTC the day before)', () => {
    expect(new Date(beijingDayStart(bj('10:00'))).toISOString()).toBe('2026-12-04T16:00:00.000Z');
  });
  it('formats in Beijing time whatever the zone', () => {
    expect(formatBeijing('2026-12-05T17:05:00Z')).toBe('12-06 01:05');
    expect(formatBeijing('2026-12-05T17:05:00Z', { short: true })).toBe('01:05');
    expect(formatBeijing(null)).toBe('—');
    expect(formatBeijing('nonsense')).toBe('—');
  });
  it('reads and writes datetime-local values as Beijing time', () => {
    expect(beijingLocalToEpoch('2026-12-05T08:00')).toBe(bj('08:00'));
    expect(beijingLocalToEpoch('2026-13-05T08:00')).toBeNull();
    expect(beijingLocalToEpoch('')).toBeNull();
    expect(epochToBeijingLocal(bj('16:30'))).toBe('2026-12-05T16:30');
  });
});
