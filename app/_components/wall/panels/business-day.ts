// Which business day a wall panel's day figures describe: today, or the last business day while today has no
// ticket yet (the halls are closed at night). The desktop home's rule (home-batch.ts: wantsPreviousDay), read
// from the panel's own questions (the panel catalog's DAY_KEYS). Live figures (queue now, longest wait now)
// stay live. Pure; see business-day.test.ts.
import type { KpiQueryResult } from '@/server/kpi/query/result';
import { DAY_KEYS } from '@/server/wall/panel-catalog';
import type { PanelData } from '@/server/wall/types';
import { DISPLAY_TIME_ZONE } from '../../../_i18n/format';
import type { Translate } from '../../../_i18n/locale';
import { HOME_KEYS, wantsPreviousDay, type KpiAnswer } from '../../home/home-batch';

export interface PanelDay {
  /** The panel's data without the helper questions, its day figures the last business day's when `previousDay`. */
  data: PanelData | undefined;
  previousDay: boolean;
  /** The business date shown instead of today (YYYY-MM-DD, Beijing time), null when today. */
  date: string | null;
}

const dateFmt = new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

const keyOf = (r: KpiQueryResult) => r.key ?? '';
const isTicketsToday = (r: KpiQueryResult) => keyOf(r).endsWith(DAY_KEYS.ticketsToday);
const isTicketsBefore = (r: KpiQueryResult) => keyOf(r).endsWith(DAY_KEYS.ticketsBefore);
const isDayBefore = (r: KpiQueryResult) => keyOf(r).includes(DAY_KEYS.dayBefore);

/** The panel's data as its day figures should be shown (see PanelDay). */
export function panelDay(data: PanelData | undefined): PanelDay {
  if (!data) return { data, previousDay: false, date: null };
  const main = data.kpi.filter((r) => !isTicketsToday(r) && !isTicketsBefore(r) && !isDayBefore(r));
  const before = data.kpi.filter(isDayBefore);
  // The home's own rule, over the panel's two ticket questions under the home's keys.
  const asHome = {
    results: data.kpi.flatMap((r): KpiQueryResult[] =>
      isTicketsToday(r) ? [{ ...r, key: HOME_KEYS.total }] : isTicketsBefore(r) ? [{ ...r, key: HOME_KEYS.dayBefore }] : [],
    ),
    freshness: [],
  } as unknown as Pick<KpiAnswer, 'results' | 'freshness'>;
  if (!before.length || !wantsPreviousDay(asHome)) return { data: { ...data, kpi: main }, previousDay: false, date: null };
  const swap = new Map(before.flatMap((r) => r.kpis.map((s) => [`${r.orgCode}|${r.by}|${s.kpi}`, s] as const)));
  const kpi = main.map((r) => ({ ...r, kpis: r.kpis.map((s) => swap.get(`${r.orgCode}|${r.by}|${s.kpi}`) ?? s) }));
  // The day: the range of the day before's ticket question (every panel asks it), else of its figures.
  const range = [...data.kpi.filter(isTicketsBefore), ...before].flatMap((r) => r.kpis).find((s) => s.range)?.range;
  return { data: { ...data, kpi }, previousDay: true, date: range ? dateFmt.format(new Date(range.from)) : null };
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "上一营业日 12月3日" / "Last business day · 3 Dec" for a YYYY-MM-DD business date. */
export function lastDayLabel(date: string | null, t: Translate): string {
  const m = date ? /^\d{4}-(\d{2})-(\d{2})$/.exec(date) : null;
  const day = m ? t('wallp.period.day', { m: Number(m[1]), d: Number(m[2]), mon: MONTHS_EN[Number(m[1]) - 1] ?? '' }) : '';
  return t('wallp.period.lastDay', { day }).trim();
}
