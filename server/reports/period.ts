import type { Period, ReportKind } from './types';

// Report periods in local business dates ('YYYY-MM-DD', both ends inclusive): a day, a week Monday to
// Sunday, a calendar month. Pure date arithmetic; which date "today" is comes from the business calendar
// (server/kpi/query/time.ts `businessDate`), the caller's job.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number) => String(n).padStart(2, '0');

function parts(date: string): { y: number; m: number; d: number } {
  const m = DATE.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

function fromUtc(t: Date): string {
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** A real calendar date 'YYYY-MM-DD'. */
export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return t.getUTCMonth() === Number(m[2]) - 1 && t.getUTCDate() === Number(m[3]);
}

export function addDays(date: string, n: number): string {
  const p = parts(date);
  return fromUtc(new Date(Date.UTC(p.y, p.m - 1, p.d + n)));
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const p = parts(date);
  return new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay() || 7;
}

/** The period of `kind` that contains `date`. */
export function periodOf(kind: ReportKind, date: string): Period {
  if (kind === 'daily') return { start: date, end: date };
  if (kind === 'weekly') {
    const start = addDays(date, 1 - isoWeekday(date));
    return { start, end: addDays(start, 6) };
  }
  const p = parts(date);
  return { start: `${p.y}-${pad(p.m)}-01`, end: fromUtc(new Date(Date.UTC(p.y, p.m, 0))) };
}

/** The period just before (yesterday, last week, last month). */
export function previousPeriod(kind: ReportKind, p: Period): Period {
  return periodOf(kind, addDays(p.start, -1));
}

/** The same dates one year earlier (as the KPI layer's 同比: 29 February maps to 28 February). */
export function yearEarlier(p: Period): Period {
  const back = (date: string) => {
    const x = parts(date);
    const d = x.m === 2 && x.d === 29 ? 28 : x.d;
    return `${x.y - 1}-${pad(x.m)}-${pad(d)}`;
  };
  return { start: back(p.start), end: back(p.end) };
}

/** The last complete period of `kind` before business date `today`: yesterday, last week, last month. */
export function lastComplete(kind: ReportKind, today: string): Period {
  return previousPeriod(kind, periodOf(kind, today));
}

export const KIND_LABEL: Record<ReportKind, { zh: string; en: string }> = {
  daily: { zh: '预警日报', en: 'Daily warning digest' },
  weekly: { zh: '周报', en: 'Weekly bulletin' },
  monthly: { zh: '月度考核', en: 'Monthly assessment' },
};

/** The stored title (Chinese, as the hall files it): 云南省 预警日报 2026-12-05. */
export function reportTitle(kind: ReportKind, orgName: string, p: Period): string {
  if (kind === 'daily') return `${orgName} ${KIND_LABEL.daily.zh} ${p.start}`;
  if (kind === 'weekly') return `${orgName} ${KIND_LABEL.weekly.zh} ${p.start} 至 ${p.end}`;
  const x = parts(p.start);
  return `${orgName} ${KIND_LABEL.monthly.zh} ${x.y}年${x.m}月`;
}
