import { offsetMs, parseLocal } from './time';

// Working-day arithmetic for time limits counted in working days (complaints: contact within 1 working
// day, reply within 7, DOMAIN §2.5). Saturdays, Sundays and the listed public holidays are not working
// days, except the make-up working days (调休) the State Council moves onto a weekend around a holiday.
// The lists are the simulated years' statutory calendar; an administrator edits them (calendar.holidays,
// calendar.makeupWorkdays) and a deployment passes its own.

/** Local dates (YYYY-MM-DD) of public holidays. */
export const HOLIDAYS: ReadonlySet<string> = new Set([
  // 2026: New Year, Spring Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn, National Day
  '2026-01-01',
  '2026-01-02',
  '2026-01-03',
  '2026-02-16',
  '2026-02-17',
  '2026-02-18',
  '2026-02-19',
  '2026-02-20',
  '2026-02-23',
  '2026-04-06',
  '2026-05-01',
  '2026-05-04',
  '2026-05-05',
  '2026-06-19',
  '2026-09-25',
  '2026-10-01',
  '2026-10-02',
  '2026-10-05',
  '2026-10-06',
  '2026-10-07',
  // 2027: New Year
  '2027-01-01',
]);

/** Local dates (YYYY-MM-DD) of weekend days worked in exchange for a holiday (调休上班). */
export const MAKEUP_WORKDAYS: ReadonlySet<string> = new Set([
  // 2026 (State Council notice on the 2026 holidays): New Year, Spring Festival, Labour Day, National Day
  '2026-01-04',
  '2026-02-14',
  '2026-02-28',
  '2026-05-09',
  '2026-09-20',
  '2026-10-10',
]);

const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
/** Local calendar fields of an instant; offsetMs is cached per hour, so this stays cheap in bulk. */
function ymdOf(ms: number, tz: string) {
  const d = new Date(ms + offsetMs(ms, tz));
  const p = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  return { ymd: `${p.year}-${pad(p.month)}-${pad(p.day)}`, weekday: d.getUTCDay(), p };
}

/** Whether the local date containing `ms` is a working day: a make-up day, or a weekday that is no holiday. */
export function isWorkingDay(
  ms: number,
  tz: string,
  holidays: ReadonlySet<string> = HOLIDAYS,
  makeup: ReadonlySet<string> = MAKEUP_WORKDAYS,
): boolean {
  const { ymd, weekday } = ymdOf(ms, tz);
  if (makeup.has(ymd)) return true;
  return weekday !== 0 && weekday !== 6 && !holidays.has(ymd);
}

/** Local midnight of the day after the one containing `ms`. */
function nextMidnight(ms: number, tz: string): number {
  const { p } = ymdOf(ms, tz);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day) + DAY);
  return parseLocal(`${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())} 00:00:00`, tz)!;
}

/**
 * The deadline `n` working days after `ms`: the same wall-clock time `n` working days later. Counting
 * starts at the next working day's midnight when `ms` falls on a weekend or holiday, so an order created
 * on Saturday with a 1-working-day limit is due at the end of Monday.
 */
export function addWorkingDays(
  ms: number,
  n: number,
  tz: string,
  holidays: ReadonlySet<string> = HOLIDAYS,
  makeup: ReadonlySet<string> = MAKEUP_WORKDAYS,
): number {
  let at = ms;
  if (!isWorkingDay(at, tz, holidays, makeup)) {
    while (!isWorkingDay(at, tz, holidays, makeup)) at = nextMidnight(at, tz);
  }
  const { p } = ymdOf(at, tz);
  const clock = `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  let day = at;
  for (let left = n; left > 0;) {
    day = nextMidnight(day, tz);
    if (isWorkingDay(day, tz, holidays, makeup)) left--;
  }
  const { ymd } = ymdOf(day, tz);
  return parseLocal(`${ymd} ${clock}`, tz)! + (at % 1000);
}
