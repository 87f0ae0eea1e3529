// Locale-independent display formatting shared by the overview, its charts and the map. Pure functions.
// Times are shown in China Standard Time whatever the server's or browser's zone, so that the server render
// and the browser agree (no hydration mismatch) and a wall in any room shows Beijing time.
import type { Translate } from './locale';

export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';
/** Shown for a value that does not exist (no tickets called yet, no ratings …): never 0. */
export const NO_VALUE = '—';

const intFmt = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const clockFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: DISPLAY_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const hourFmt = new Intl.DateTimeFormat('en-GB', { timeZone: DISPLAY_TIME_ZONE, hour: '2-digit', hourCycle: 'h23' });

export function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function formatInt(v: number | null | undefined): string {
  return isNum(v) ? intFmt.format(v) : NO_VALUE;
}

/** Minutes with one decimal: 12.34 → "12.3". */
export function formatMinutes(v: number | null | undefined): string {
  return isNum(v) ? oneDecimal.format(v) : NO_VALUE;
}

/** A rate in 0..1 as a percentage with one decimal: 0.9876 → "98.8%". */
export function formatPercent(rate: number | null | undefined): string {
  return isNum(rate) ? `${oneDecimal.format(rate * 100)}%` : NO_VALUE;
}

/** "HH:mm:ss" in China Standard Time, or — for a missing/invalid time. */
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return NO_VALUE;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? NO_VALUE : clockFmt.format(d);
}

/** Hour of day "08" in China Standard Time for an ISO start of hour. */
export function formatHourOfDay(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : hourFmt.format(d);
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The day the figures describe, for labels: "今日" / "today", or for another business date (YYYY-MM-DD)
 * "11月22日" / "on 22 Nov".
 */
export function dayWord(t: Translate, businessDate?: string | null, isToday?: boolean | null): string {
  const m = businessDate ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(businessDate) : null;
  if (isToday !== false || !m) return t('day.today');
  const month = Number(m[2]);
  return t('day.date', { m: month, d: Number(m[3]), mon: MONTHS_EN[month - 1] ?? '' });
}

/** A duration as "45 秒" / "12 分钟" / "2 小时 5 分" / "1 天 3 小时". */
export function formatAge(ms: number, t: Translate): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return t('age.seconds', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('age.minutes', { m });
  const h = Math.floor(m / 60);
  if (h < 24) return t('age.hours', { h, m: m % 60 });
  return t('age.days', { d: Math.floor(h / 24), h: h % 24 });
}

// Ethnic groups that appear in Yunnan's autonomous prefecture/county names.
const ETHNIC = '哈尼|彝|壮|苗|傣|白|景颇|傈僳|藏|回|纳西|拉祜|佤|布朗|普米|独龙|怒|基诺|阿昌|德昂|瑶|蒙古|布依|水|满';
const AUTONOMOUS = new RegExp(`^(.+?)(?:(?:${ETHNIC})族)+自治(州|县)$`);

/** Short form used on walls: 红河哈尼族彝族自治州 → 红河州, 石林彝族自治县 → 石林县; other names unchanged. */
export function shortDivisionName(name: string): string {
  const m = AUTONOMOUS.exec(name);
  return m ? `${m[1]}${m[2]}` : name;
}

/** For names that go into tooltip HTML (names come from source systems). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
