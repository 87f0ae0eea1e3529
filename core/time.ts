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

const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * "YYYY-MM-DD HH:mm:ss.SSS" of a UTC instant, by integer arithmetic (days to a civil date: H. Hinnant's
 * algorithm). The ETL writes millions of these a day; a Date object each costs more, and in the web process
 * Next wraps the Date constructor.
 */
function utcText(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return `${year}-${pad2(month)}-${pad2(day)} ${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(rest - second * 1000)}`;
}

/** Instants whose year prints as four digits: the arithmetic above; anything else goes through Date. */
const FOUR_DIGIT_YEARS = [Date.UTC(1000, 0, 1), Date.UTC(10_000, 0, 1)] as const;
const plainText = (ms: number) => Number.isInteger(ms) && ms >= FOUR_DIGIT_YEARS[0] && ms < FOUR_DIGIT_YEARS[1];

/** "YYYY-MM-DD HH:mm:ss.SSS" as a wall clock in `tz` shows it. */
export function formatLocal(ms: number, tz: string): string {
  const local = ms + offsetMs(ms, tz);
  if (plainText(local)) return utcText(local);
  const d = new Date(local);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The digits of text[from, from + n) as a number, or -1 when one is not a digit. */
function digits(text: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * "YYYY-MM-DD HH:mm:ss" or "YYYY-MM-DD HH:mm:ss.SSS" (what source systems write nearly always) read by char
 * codes, checked like the general path; undefined for any other shape, which the general path then reads.
 */
function parseCommon(text: string, tz: string): number | null | undefined {
  const n = text.length;
  if (n !== 19 && n !== 23) return undefined;
  const sep = text.charCodeAt(10);
  if (text[4] !== '-' || text[7] !== '-' || (sep !== 32 && sep !== 84) || text[13] !== ':' || text[16] !== ':') return undefined;
  if (n === 23 && text[19] !== '.') return undefined;
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  const s = digits(text, 17, 2);
  const frac = n === 23 ? digits(text, 20, 3) : 0;
  if (y < 1000 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || frac < 0) return undefined;
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1]!) || h > 23 || mi > 59 || s > 59) return null;
  const naive = Date.UTC(y, mo - 1, d, h, mi, s, frac);
  // Near a DST change the first guess can be an hour off; one correction settles it.
  return naive - offsetMs(naive - offsetMs(naive, tz), tz);
}

/** Parses a local wall-clock string in `tz`; returns null when it is not a valid date-time. */
export function parseLocal(text: string, tz: string): number | null {
  const common = parseCommon(text, tz);
  if (common !== undefined) return common;
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
export const chTime = (ms: number) => (plainText(ms) ? utcText(ms) : new Date(ms).toISOString().replace('T', ' ').replace('Z', ''));

/** Parses ClickHouse DateTime64(3, 'UTC') text back to epoch ms. */
export const fromChTime = (text: string) => Date.parse(text.replace(' ', 'T') + 'Z');
