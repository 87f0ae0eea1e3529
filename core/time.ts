// Source systems in China write wall-clock local time without an offset ("2026-11-23 09:15:02"). These
// helpers convert between such strings in a named zone and epoch milliseconds, without a date library.

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fmtCache.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

export function localParts(ms: number, tz: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const weekday = new Date(Date.UTC(p.year!, p.month! - 1, p.day!)).getUTCDay();
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second!, weekday };
}

const HOUR = 3_600_000;
const offsetCache = new Map<string, Map<number, number>>();

function computeOffset(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * Offset of `tz` from UTC at instant `ms`, in milliseconds (e.g. +8 h for Asia/Shanghai). Zone offsets
 * change on hour boundaries, so one Intl lookup per zone and hour serves every instant in it; the ETL and
 * the simulator convert millions of timestamps and Intl is slow.
 */
export function offsetMs(ms: number, tz: string): number {
  let byHour = offsetCache.get(tz);
  if (!byHour) offsetCache.set(tz, (byHour = new Map()));
  const bucket = Math.floor(ms / HOUR);
  let off = byHour.get(bucket);
  if (off === undefined) {
    off = computeOffset(bucket * HOUR, tz);
    if (byHour.size > 100_000) byHour.clear();
    byHour.set(bucket, off);
  }
  return off;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** "YYYY-MM-DD HH:mm:ss.SSS" as a wall clock in `tz` shows it. */
export function formatLocal(ms: number, tz: string): string {
  const d = new Date(ms + offsetMs(ms, tz));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** Parses a local wall-clock string in `tz`; returns null when it is not a valid date-time. */
export function parseLocal(text: string, tz: string): number | null {
  const m = LOCAL.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s = '0', frac = '0'] = m.slice(1);
  const naive = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s, +frac.padEnd(3, '0'));
  const check = new Date(naive);
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h! > 23 || +mi! > 59 || +s > 59) return null;
  let ms = naive - offsetMs(naive, tz);
  // Near a DST change the first guess can be an hour off; one correction settles it.
  ms = naive - offsetMs(ms, tz);
  return ms;
}

/** Epoch ms of local midnight of the day containing `ms` in `tz`. */
export function startOfLocalDay(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return parseLocal(`${p.year}-${pad(p.month)}-${pad(p.day)} 00:00:00`, tz)!;
}

export const localDateKey = (ms: number, tz: string) => {
  const p = localParts(ms, tz);
  return `${p.year}${pad(p.month)}${pad(p.day)}`;
};

/** ClickHouse DateTime64(3, 'UTC') text for an instant. */
export const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** Parses ClickHouse DateTime64(3, 'UTC') text back to epoch ms. */
export const fromChTime = (text: string) => Date.parse(text.replace(' ', 'T') + 'Z');
