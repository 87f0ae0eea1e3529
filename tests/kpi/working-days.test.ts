import { describe, expect, it } from 'vitest';
import { formatLocal, parseLocal } from '@/core/time';
import { addWorkingDays, HOLIDAYS, isWorkingDay, MAKEUP_WORKDAYS } from '@/core/working-days';
import { PARAM_DEFAULTS } from '@/server/kpi/params';

// The holiday calendar knows the State Council's make-up working days (调休, DOMAIN.md §2.5): a weekend day
// worked in exchange for a holiday is a working day, and time limits in working days count it.

const TZ = 'Asia/Shanghai';
const at = (s: string) => parseLocal(s, TZ)!;

// The State Council's notice on the 2026 holidays (国务院办公厅关于2026年部分节假日安排的通知): each holiday's days off
// and the weekend days worked in exchange, as published.
const NOTICE_2026 = {
  元旦: { off: ['2026-01-01', '2026-01-03'], worked: ['2026-01-04'] },
  春节: { off: ['2026-02-15', '2026-02-23'], worked: ['2026-02-14', '2026-02-28'] },
  清明节: { off: ['2026-04-04', '2026-04-06'], worked: [] },
  劳动节: { off: ['2026-05-01', '2026-05-05'], worked: ['2026-05-09'] },
  端午节: { off: ['2026-06-19', '2026-06-21'], worked: [] },
  中秋节: { off: ['2026-09-25', '2026-09-27'], worked: [] },
  国庆节: { off: ['2026-10-01', '2026-10-07'], worked: ['2026-09-20', '2026-10-10'] },
} as const;

function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); d <= new Date(`${last}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1))
    out.push(d.toISOString().slice(0, 10));
  return out;
}

describe('the 2026 calendar as the State Council published it', () => {
  it('every day off is not a working day, every make-up day is, and the lists hold nothing else for 2026', () => {
    const off = Object.values(NOTICE_2026).flatMap((h) => daysBetween(h.off[0], h.off[1]));
    const worked = Object.values(NOTICE_2026).flatMap((h) => [...h.worked]);
    expect(off).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    for (const d of off) expect(isWorkingDay(at(`${d} 10:00:00`), TZ), `${d} is a day off`).toBe(false);
    for (const d of worked) expect(isWorkingDay(at(`${d} 10:00:00`), TZ), `${d} is worked`).toBe(true);
    expect([...MAKEUP_WORKDAYS].filter((d) => d.startsWith('2026')).sort()).toEqual([...worked].sort());
    // The holiday list holds every weekday among the days off (weekends are off anyway) and no other 2026 date.
    const weekdaysOff = off.filter((d) => ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay()));
    const listed = [...HOLIDAYS].filter((d) => d.startsWith('2026'));
    expect(weekdaysOff.filter((d) => !HOLIDAYS.has(d))).toEqual([]);
    expect(listed.filter((d) => !off.includes(d))).toEqual([]);
  });
});

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
