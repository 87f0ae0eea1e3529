import type { Hall } from './halls';
import { localParts, parseLocal } from '@/core/time';
import { exponential, logNormal, rng, seedOf, weighted, type Rng } from './random';

// One business hall's day as its queue machine (排队机) and evaluators (评价器) record it. A multi-window
// FIFO queue fed by a time-varying arrival rate: mid-morning and mid-afternoon peaks, a lunch dip, busier
// Mondays and bill-due days; customers give up after waiting too long; long waits make ratings worse.

export type BusinessType = 'fee' | 'new_connection' | 'change' | 'inquiry' | 'repair' | 'other';
export type TicketStatus = 'waiting' | 'serving' | 'served' | 'no_show' | 'voided';
export type Rating = 'satisfied' | 'basically_satisfied' | 'dissatisfied' | 'none';

export interface PlannedTicket {
  ticketId: string;
  ticketNo: string;
  hallCode: string;
  businessType: BusinessType;
  windowNo: number;
  issuedAt: number;
  calledAt: number | null;
  endedAt: number | null;
  voidedAt: number | null;
  outcome: 'served' | 'no_show' | 'voided';
  rating: Rating;
}

/** The ticket as the source system shows it at instant `at` (null: not issued yet). */
export function ticketStateAt(t: PlannedTicket, at: number) {
  if (at < t.issuedAt) return null;
  if (t.voidedAt !== null && at >= t.voidedAt)
    return { status: 'voided' as const, calledAt: null, endedAt: null, rating: 'none' as const, updatedAt: t.voidedAt };
  if (t.endedAt !== null && at >= t.endedAt)
    return {
      status: t.outcome === 'no_show' ? ('no_show' as const) : ('served' as const),
      calledAt: t.calledAt,
      endedAt: t.endedAt,
      rating: t.rating,
      updatedAt: t.endedAt,
    };
  if (t.calledAt !== null && at >= t.calledAt)
    return { status: 'serving' as const, calledAt: t.calledAt, endedAt: null, rating: 'none' as const, updatedAt: t.calledAt };
  return { status: 'waiting' as const, calledAt: null, endedAt: null, rating: 'none' as const, updatedAt: t.issuedAt };
}

/** Instants at which the ticket's row changes in the source. */
export const ticketEvents = (t: PlannedTicket) => [t.issuedAt, t.calledAt, t.endedAt, t.voidedAt].filter((x): x is number => x !== null);

const BUSINESS: readonly (readonly [BusinessType, number])[] = [
  ['fee', 0.42],
  ['inquiry', 0.22],
  ['change', 0.14],
  ['new_connection', 0.12],
  ['other', 0.06],
  ['repair', 0.04],
];
const SERVICE_MEDIAN_MIN: Record<BusinessType, number> = { fee: 3.5, inquiry: 4, change: 9, new_connection: 14, other: 6, repair: 6 };
const PREFIX: Record<BusinessType, string> = { fee: 'A', inquiry: 'B', change: 'C', new_connection: 'D', other: 'E', repair: 'F' };

/** Relative arrival intensity by local hour (hall hours only). */
const HOURLY = [0, 0, 0, 0, 0, 0, 0, 0, 0.7, 1.4, 1.6, 1.25, 0.55, 0.8, 1.2, 1.35, 1.0, 0.5, 0, 0, 0, 0, 0, 0];
const WEEKDAY = [0.7, 1.3, 1.05, 1.0, 1.0, 1.1, 0.8]; // Sunday first

export function openingHours(hall: Hall, weekday: number): { open: string; close: string } | null {
  if (weekday >= 1 && weekday <= 5) return { open: '08:30', close: '17:30' };
  // Weekends: only the county-seat hall (code …001) and urban halls stay open.
  if (hall.code.endsWith('001') || hall.urban) return { open: '09:00', close: '17:00' };
  return null;
}

const MIN = 60_000;

/** The whole day for `hall` on local date `ymd` ("YYYY-MM-DD"), deterministic from `seed`. */
export function planHallDay(hall: Hall, ymd: string, seed: number, tz: string): PlannedTicket[] {
  const dayStart = parseLocal(`${ymd} 00:00:00`, tz);
  if (dayStart === null) throw new Error(`bad date ${ymd}`);
  const { weekday, day } = localParts(dayStart + 12 * 3600_000, tz);
  const hours = openingHours(hall, weekday);
  if (!hours) return [];
  const open = parseLocal(`${ymd} ${hours.open}:00`, tz)!;
  const close = parseLocal(`${ymd} ${hours.close}:00`, tz)!;
  const r: Rng = rng(seedOf(seed, 'queue', hall.code, ymd));

  // Bills fall due around the 20th; the days just before and the first days of the month are busier.
  const cycle = day >= 15 && day <= 22 ? 1.25 : day <= 5 ? 1.15 : 1;
  const dailyMean = 95 * hall.size * WEEKDAY[weekday]! * cycle * (0.85 + r() * 0.3);
  const peak = Math.max(...HOURLY);
  const meanPerMsAtPeak = (dailyMean / HOURLY.reduce((a, b) => a + b, 0) / 3600_000) * peak;

  // Non-homogeneous Poisson arrivals by thinning.
  const arrivals: number[] = [];
  for (let t = open; ;) {
    t += exponential(r, 1 / meanPerMsAtPeak);
    if (t >= close) break;
    // Hours since local midnight: exact except on a DST change day, which Chinese zones do not have.
    const hour = Math.floor((t - dayStart) / 3600_000);
    if (r() < HOURLY[hour]! / peak) arrivals.push(Math.round(t));
  }

  const windowsFreeAt = new Array<number>(hall.windows).fill(open);
  const counters = new Map<BusinessType, number>();
  const ymdKey = ymd.replaceAll('-', '');
  return arrivals.map((issuedAt, i) => {
    const businessType = weighted(r, BUSINESS);
    const seq = (counters.get(businessType) ?? 0) + 1;
    counters.set(businessType, seq);
    let w = 0;
    for (let k = 1; k < windowsFreeAt.length; k++) if (windowsFreeAt[k]! < windowsFreeAt[w]!) w = k;
    const callAt = Math.max(issuedAt, windowsFreeAt[w]!) + Math.round(r() * 20_000);
    const patience = logNormal(r, 38 * MIN, 0.45);
    const ticketId = `${hall.code}-${ymdKey}-${String(i + 1).padStart(4, '0')}`;
    const ticketNo = `${PREFIX[businessType]}${String(seq).padStart(3, '0')}`;
    // Every ticket built by one literal shape: spreading a shared base into each (as before) made V8 build
    // slow objects, three quarters of the planner's time (bench/README.md).
    const ticket = (t: Omit<PlannedTicket, 'ticketId' | 'ticketNo' | 'hallCode' | 'businessType'>): PlannedTicket => ({
      ticketId,
      ticketNo,
      hallCode: hall.code,
      businessType,
      windowNo: t.windowNo,
      issuedAt: t.issuedAt,
      calledAt: t.calledAt,
      endedAt: t.endedAt,
      voidedAt: t.voidedAt,
      outcome: t.outcome,
      rating: t.rating,
    });
    if (callAt - issuedAt > patience) {
      return ticket({
        windowNo: 0,
        issuedAt,
        calledAt: null,
        endedAt: null,
        voidedAt: Math.round(issuedAt + patience),
        outcome: 'voided',
        rating: 'none',
      });
    }
    if (r() < 0.025) {
      windowsFreeAt[w] = callAt + MIN;
      return ticket({
        windowNo: w + 1,
        issuedAt,
        calledAt: callAt,
        endedAt: callAt + MIN,
        voidedAt: null,
        outcome: 'no_show',
        rating: 'none',
      });
    }
    const endedAt = callAt + Math.round(Math.max(0.8 * MIN, logNormal(r, SERVICE_MEDIAN_MIN[businessType] * MIN, 0.5)));
    windowsFreeAt[w] = endedAt + 30_000;
    const waitMin = (callAt - issuedAt) / MIN;
    let rating: Rating = 'none';
    if (r() < 0.8) {
      // Halls typically rate ~98–99% satisfied; long waits are what drive the complaints.
      const pDissatisfied = 0.004 + Math.max(0, waitMin - 20) * 0.004;
      const pBasic = 0.01 + Math.max(0, waitMin - 15) * 0.003;
      const x = r();
      rating = x < pDissatisfied ? 'dissatisfied' : x < pDissatisfied + pBasic ? 'basically_satisfied' : 'satisfied';
    }
    return ticket({ windowNo: w + 1, issuedAt, calledAt: callAt, endedAt, voidedAt: null, outcome: 'served', rating });
  });
}
