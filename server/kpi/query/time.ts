import { localParts, parseLocal } from '@/core/time';

// Time ranges of a KPI query in the business calendar: a business day starts at the configured reset hour
// (00:00 by default) in BUSINESS_TZ. Ranges are [from, to) in epoch ms.

export interface Range {
  from: number;
  to: number;
}

export const PRESETS = [
  'today',
  'yesterday',
  'last_24h',
  'last_7d',
  'last_30d',
  'this_month',
  'last_month',
  'this_year',
  'last_13_months',
] as const;
export type Preset = (typeof PRESETS)[number];
export type Granularity = 'total' | 'hour' | 'day' | 'month';

const HOUR = 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

export interface Calendar {
  tz: string;
  resetHour: number;
}

/** Start of local date y-m-d (month and day may overflow: Date.UTC normalises them). */
export function dayStart(cal: Calendar, y: number, m: number, d: number): number {
  const n = new Date(Date.UTC(y, m - 1, d));
  return parseLocal(`${n.getUTCFullYear()}-${pad(n.getUTCMonth() + 1)}-${pad(n.getUTCDate())} ${pad(cal.resetHour)}:00:00`, cal.tz)!;
}

/** The business date (y, m, d) an instant belongs to. */
export function businessDate(cal: Calendar, ms: number): { y: number; m: number; d: number } {
  const p = localParts(ms - cal.resetHour * HOUR, cal.tz);
  return { y: p.year, m: p.month, d: p.day };
}

export const ymd = (x: { y: number; m: number; d: number }) => `${x.y}-${pad(x.m)}-${pad(x.d)}`;

export function businessDayOf(cal: Calendar, ms: number): Range {
  const b = businessDate(cal, ms);
  return { from: dayStart(cal, b.y, b.m, b.d), to: dayStart(cal, b.y, b.m, b.d + 1) };
}

export function resolvePreset(preset: Preset, now: number, cal: Calendar): Range {
  const b = businessDate(cal, now);
  const day = (offset: number) => dayStart(cal, b.y, b.m, b.d + offset);
  switch (preset) {
    case 'today':
      return { from: day(0), to: day(1) };
    case 'yesterday':
      return { from: day(-1), to: day(0) };
    case 'last_24h': {
      const end = Math.ceil((now + 1) / HOUR) * HOUR;
      return { from: end - 24 * HOUR, to: end };
    }
    case 'last_7d':
      return { from: day(-6), to: day(1) };
    case 'last_30d':
      return { from: day(-29), to: day(1) };
    case 'this_month':
      return { from: dayStart(cal, b.y, b.m, 1), to: dayStart(cal, b.y, b.m + 1, 1) };
    case 'last_month':
      return { from: dayStart(cal, b.y, b.m - 1, 1), to: dayStart(cal, b.y, b.m, 1) };
    case 'this_year':
      return { from: dayStart(cal, b.y, 1, 1), to: dayStart(cal, b.y + 1, 1, 1) };
    case 'last_13_months':
      return { from: dayStart(cal, b.y, b.m - 12, 1), to: dayStart(cal, b.y, b.m + 1, 1) };
  }
}

/** "YYYY-MM-DD" (a whole business day; as `to` it is inclusive) or "YYYY-MM-DD HH:mm" local. */
export function parseBound(text: string, cal: Calendar, isTo: boolean): number | null {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
    return dayStart(cal, y, m, d + (isTo ? 1 : 0));
  }
  return parseLocal(text, cal.tz);
}

/** The same stretch of time one period earlier; a period still running is compared up to the same point. */
export function previousRange(r: Range, now: number): Range {
  const len = r.to - r.from;
  const end = Math.min(r.to, Math.ceil((now + 1) / HOUR) * HOUR);
  return { from: r.from - len, to: end - len };
}

/** The same local dates one year earlier (同比); 29 February maps to 28 February. */
export function yearAgo(ms: number, cal: Calendar): number {
  const p = localParts(ms, cal.tz);
  const d = p.month === 2 && p.day === 29 ? 28 : p.day;
  const n = new Date(Date.UTC(p.year - 1, p.month - 1, d));
  return parseLocal(`${n.getUTCFullYear()}-${pad(n.getUTCMonth() + 1)}-${pad(n.getUTCDate())} ${pad(p.hour)}:${pad(p.minute)}:00`, cal.tz)!;
}

export function yoyRange(r: Range, now: number, cal: Calendar): Range {
  const end = Math.min(r.to, Math.ceil((now + 1) / HOUR) * HOUR);
  return { from: yearAgo(r.from, cal), to: yearAgo(end, cal) };
}

/** Bucket starts of a range at a granularity, in the business calendar. */
export function bucketStarts(r: Range, g: Granularity, cal: Calendar): number[] {
  if (g === 'total') return [r.from];
  const out: number[] = [];
  if (g === 'hour') {
    for (let t = Math.floor(r.from / HOUR) * HOUR; t < r.to; t += HOUR) out.push(t);
    return out;
  }
  const b = businessDate(cal, r.from);
  for (let i = 0; ; i++) {
    const t = g === 'day' ? dayStart(cal, b.y, b.m, b.d + i) : dayStart(cal, b.y, b.m + i, 1);
    if (t >= r.to) break;
    out.push(t);
  }
  return out;
}

/** Whether every bound is a business-day start (so day rollups can answer). */
export const alignedToDays = (ranges: Range[], cal: Calendar) =>
  ranges.every((r) => [r.from, r.to].every((t) => businessDayOf(cal, t).from === t));

export const alignedToHours = (ranges: Range[]) => ranges.every((r) => r.from % HOUR === 0 && r.to % HOUR === 0);
