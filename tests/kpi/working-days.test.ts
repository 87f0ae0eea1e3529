import { describe, expect, it } from 'vitest';
import { formatLocal, parseLocal } from '@/core/time';
import { addWorkingDays, isWorkingDay, MAKEUP_WORKDAYS } from '@/core/working-days';
import { PARAM_DEFAULTS } from '@/server/kpi/params';

// The holiday calendar knows the State Council's make-up working days (调休, DOMAIN.md §2.5): a weekend day
// worked in exchange for a holiday is a working day, and time limits in working days count it.

const TZ = 'Asia/Shanghai';
const at = (s: string) => parseLocal(s, TZ)!;

describe('make-up working days (调休)', () => {
  it('a make-up Saturday is a working day; an ordinary Saturday and a holiday are not', () => {
    expect(isWorkingDay(at('2026-10-10 09:00:00'), TZ)).toBe(true); // Saturday, worked for National Day
    expect(isWorkingDay(at('2026-10-17 09:00:00'), TZ)).toBe(false); // an ordinary Saturday
    expect(isWorkingDay(at('2026-10-05 09:00:00'), TZ)).toBe(false); // National Day holiday (a Monday)
    expect(isWorkingDay(at('2026-09-20 09:00:00'), TZ)).toBe(true); // Sunday, worked for National Day
    // Without the make-up list (a deployment's own calendar that has none) the Saturday is a weekend again.
    expect(isWorkingDay(at('2026-10-10 09:00:00'), TZ, undefined, new Set())).toBe(false);
  });

  it('a limit in working days counts the make-up day', () => {
    // Friday 9 October 15:00 + 1 working day: Saturday 10 October is worked, so 15:00 that day.
    expect(formatLocal(addWorkingDays(at('2026-10-09 15:00:00'), 1, TZ), TZ)).toBe('2026-10-10 15:00:00.000');
    // An order created on the make-up Saturday starts counting at once: + 1 → Monday 12 October.
    expect(formatLocal(addWorkingDays(at('2026-10-10 11:00:00'), 1, TZ), TZ)).toBe('2026-10-12 11:00:00.000');
    // Friday 16 October + 1: the next Saturday is an ordinary one, Monday 19 October.
    expect(formatLocal(addWorkingDays(at('2026-10-16 15:00:00'), 1, TZ), TZ)).toBe('2026-10-19 15:00:00.000');
  });

  it('the administrator’s calendar parameter starts from the same make-up days', () => {
    expect(MAKEUP_WORKDAYS.size).toBeGreaterThan(0);
    expect(PARAM_DEFAULTS['calendar.makeupWorkdays']).toEqual([...MAKEUP_WORKDAYS].sort());
    for (const d of MAKEUP_WORKDAYS) {
      // Every make-up day is a Saturday or a Sunday (otherwise it would be a working day anyway).
      const weekday = new Date(`${d}T12:00:00Z`).getUTCDay();
      expect([0, 6], d).toContain(weekday);
    }
  });
});
