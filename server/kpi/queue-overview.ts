import { CITIES, COUNTIES, PROVINCE } from '@/core/org/divisions';
import { formatLocal, startOfLocalDay } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { sourceFreshness, type SourceFreshness } from '@/etl/runtime/run-records';
import { hallDayAggregates, hallDirectory, hourlyTickets, type HallDayAggregate } from '../repositories/queue-tickets';
import { QUEUE_STALE_AFTER_MS, QUEUE_THRESHOLDS } from './queue-thresholds';

// 营业厅排队 overview for today (DOMAIN.md §2.1):
//   current queue length = issued − called − voided (tickets still waiting), live;
//   waiting time = called − issued, averaged over today's called tickets (Σwait / called);
//   live longest wait = now − oldest uncalled ticket;
//   satisfaction rate = satisfied ratings / all ratings.

export interface QueueOverviewData {
  asOf: string;
  /** Local business date the figures describe (YYYY-MM-DD). */
  businessDate: string;
  /** false before today's first ticket (e.g. at night): the figures are the last business day's, labelled so. */
  isToday: boolean;
  dataAsOf: string | null;
  stale: boolean;
  scope: { code: string; name: string; level: 'province' | 'city' | 'county' | 'hall' };
  totals: {
    ticketsIssued: number;
    queueLength: number;
    avgWaitMin: number | null;
    maxWaitMin: number | null;
    satisfactionRate: number | null;
    ratings: number;
  };
  byCity: {
    code: string;
    name: string;
    ticketsIssued: number;
    queueLength: number;
    avgWaitMin: number | null;
    maxWaitMin: number | null;
    satisfactionRate: number | null;
  }[];
  byCounty: { code: string; name: string; cityCode: string; ticketsIssued: number; queueLength: number; avgWaitMin: number | null }[];
  halls: { code: string; name: string; countyCode: string; lon: number; lat: number; queueLength: number; longestWaitMin: number | null }[];
  hourly: { hour: string; issued: number; avgWaitMin: number | null }[];
  thresholds: { waitWarnMin: number; waitAlarmMin: number; queueLengthWarn: number };
}

interface Sums {
  issued: number;
  waiting: number;
  called: number;
  waitMsSum: number;
  waitMsMax: number;
  satisfied: number;
  rated: number;
}

const empty = (): Sums => ({ issued: 0, waiting: 0, called: 0, waitMsSum: 0, waitMsMax: 0, satisfied: 0, rated: 0 });

function add(s: Sums, a: HallDayAggregate): void {
  s.issued += a.issued;
  s.waiting += a.waiting;
  s.called += a.called;
  s.waitMsSum += a.wait_ms_sum;
  if (a.called > 0) s.waitMsMax = Math.max(s.waitMsMax, a.wait_ms_max);
  s.satisfied += a.satisfied;
  s.rated += a.rated;
}

const MIN = 60_000;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const avgWait = (s: Sums) => (s.called === 0 ? null : round(s.waitMsSum / s.called / MIN, 2));
const maxWait = (s: Sums) => (s.called === 0 ? null : round(s.waitMsMax / MIN, 2));
const satisfaction = (s: Sums) => (s.rated === 0 ? null : round(s.satisfied / s.rated, 4));

export interface QueueOverviewInputs {
  aggregates: HallDayAggregate[];
  hourly: { hour: number; issued: number; called: number; wait_ms_sum: number }[];
  halls: { hall_code: string; hall_name: string; county_code: string; lon: number; lat: number }[];
  freshness: SourceFreshness | undefined;
  now: number;
  businessDate: string;
  isToday: boolean;
}

/** Pure: rolls per-hall sums up the org tree and derives the KPIs. */
export function buildQueueOverview({
  aggregates,
  hourly,
  halls,
  freshness,
  now,
  businessDate,
  isToday,
}: QueueOverviewInputs): QueueOverviewData {
  const total = empty();
  const byCity = new Map<string, Sums>();
  const byCounty = new Map<string, Sums>();
  const byHall = new Map<string, HallDayAggregate>();
  for (const a of aggregates) {
    add(total, a);
    if (!byCity.has(a.city_code)) byCity.set(a.city_code, empty());
    add(byCity.get(a.city_code)!, a);
    if (!byCounty.has(a.county_code)) byCounty.set(a.county_code, empty());
    add(byCounty.get(a.county_code)!, a);
    byHall.set(a.hall_code, a);
  }
  const dataAsOf = freshness?.completeUpTo ?? null;
  return {
    asOf: new Date(now).toISOString(),
    businessDate,
    isToday,
    dataAsOf: dataAsOf === null ? null : new Date(dataAsOf).toISOString(),
    stale: dataAsOf === null || now - dataAsOf > QUEUE_STALE_AFTER_MS,
    scope: { code: PROVINCE.code, name: PROVINCE.name, level: 'province' },
    totals: {
      ticketsIssued: total.issued,
      queueLength: total.waiting,
      avgWaitMin: avgWait(total),
      maxWaitMin: maxWait(total),
      satisfactionRate: satisfaction(total),
      ratings: total.rated,
    },
    byCity: CITIES.map((c) => {
      const s = byCity.get(c.code) ?? empty();
      return {
        code: c.code,
        name: c.name,
        ticketsIssued: s.issued,
        queueLength: s.waiting,
        avgWaitMin: avgWait(s),
        maxWaitMin: maxWait(s),
        satisfactionRate: satisfaction(s),
      };
    }),
    byCounty: COUNTIES.map((k) => {
      const s = byCounty.get(k.code) ?? empty();
      return { code: k.code, name: k.name, cityCode: k.cityCode, ticketsIssued: s.issued, queueLength: s.waiting, avgWaitMin: avgWait(s) };
    }),
    halls: halls.map((h) => {
      const a = byHall.get(h.hall_code);
      return {
        code: h.hall_code,
        name: h.hall_name,
        countyCode: h.county_code,
        lon: h.lon,
        lat: h.lat,
        queueLength: a?.waiting ?? 0,
        longestWaitMin: a?.oldest_waiting == null ? null : round((now - a.oldest_waiting) / MIN, 1),
      };
    }),
    hourly: hourly.map((h) => ({
      hour: new Date(h.hour).toISOString(),
      issued: h.issued,
      avgWaitMin: h.called === 0 ? null : round(h.wait_ms_sum / h.called / MIN, 2),
    })),
    thresholds: { ...QUEUE_THRESHOLDS },
  };
}

/** How far back to look for the last business day when today has no tickets yet (long holidays). */
const MAX_DAYS_BACK = 10;

export async function queueOverview(ch: ClickHouse, now: number, tz: string): Promise<QueueOverviewData> {
  const [halls, freshness] = await Promise.all([hallDirectory(ch), sourceFreshness(ch)]);
  const fresh = freshness.find((f) => f.source === 'hall-queue.tickets');
  const today = startOfLocalDay(now, tz);
  const dayAt = (back: number) => (back === 0 ? today : startOfLocalDay(today - back * 86_400_000 + 3600_000, tz));
  let back = 0;
  let aggregates = await hallDayAggregates(ch, today, dayAt(-1));
  // Before opening time "today" is empty; a wall at night shows the last business day, labelled as such.
  while (aggregates.length === 0 && back < MAX_DAYS_BACK) {
    const candidate = await hallDayAggregates(ch, dayAt(back + 1), dayAt(back));
    back++;
    if (candidate.length > 0) aggregates = candidate;
  }
  if (aggregates.length === 0) back = 0;
  const hourly = await hourlyTickets(ch, dayAt(back), dayAt(back - 1));
  const businessDate = formatLocal(dayAt(back), tz).slice(0, 10);
  return buildQueueOverview({ aggregates, hourly, halls, freshness: fresh, now, businessDate, isToday: back === 0 });
}
