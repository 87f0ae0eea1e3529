// The desktop home (`/`) as ONE KPI-layer batch, the way a wall zone is: the batch the page asks `kpi.query`
// for (homeBatch) and the figures it shows, derived from the answer (homeView). Every status is the one the
// KPI layer returned with its point (the same thresholds as the wall and the alert rules, editable through
// `kpi.setParameters`); threshold numbers (chart lines, legends, notes) come from `kpi.definitions`; the data
// time and the stale flag are the KPI layer's freshness (the one lateness rule). Pure: no React, no DOM;
// unit-tested in tests/desktop/home-batch.test.ts.
import type { inferRouterOutputs } from '@trpc/server';
import { findCity, findCounty, PROVINCE } from '@/core/org/divisions';
import type { KpiPoint, KpiQueryResult } from '@/server/kpi/query/result';
import type { KpiQueryInput } from '@/server/kpi/query/schema';
import type { AppRouter } from '@/server/trpc/root';
import { breakdownFor } from '@/server/wall/panel-catalog';
import type { PanelData } from '@/server/wall/types';
import { DISPLAY_TIME_ZONE, isNum } from '../../_i18n/format';
import { findSeries, pointsByOrg, pointStatus, totalPoint, type PointStatus } from '../wall/panels/kpi-data';
import { worse } from '../wall/panels/queue-board';

type Outputs = inferRouterOutputs<AppRouter>;
/** What `kpi.query` answers: results in the order asked, per-family freshness, the time it was computed. */
export type KpiAnswer = Outputs['kpi']['query'];
export type KpiDefinitionRow = Outputs['kpi']['definitions'][number];

export type OrgLevel = 'province' | 'city' | 'county' | 'hall';
/** Which business day the day figures describe: today, or the day before when today has no ticket yet. */
export type HomeDay = 'today' | 'yesterday';
/** A tile's colour: the KPI layer's status, 'info' for a volume (no thresholds), 'none' without a figure. */
export type TileStatus = PointStatus | 'info';

export const levelOf = (code: string): OrgLevel =>
  code.length <= 2 ? 'province' : code.length === 4 ? 'city' : code.length === 6 ? 'county' : 'hall';

/**
 * The org node of the page from its `?org=` search parameter: the province, a city, a county, or a hall (9
 * digits under a known county); anything else is the province (PROVINCE.code).
 */
export function homeOrg(param: string | string[] | undefined | null): string {
  const v = Array.isArray(param) ? param[0] : param;
  if (typeof v !== 'string') return PROVINCE.code;
  if (v === PROVINCE.code) return v;
  if (/^\d{4}$/.test(v) && findCity(v)) return v;
  if (/^\d{6}$/.test(v) && findCounty(v)) return v;
  if (/^\d{9}$/.test(v) && findCounty(v.slice(0, 6))) return v;
  return PROVINCE.code;
}

/** The queue dashboard of an org node (its live section is the former desktop home). */
export function homeHref(orgCode: string): string {
  return orgCode === PROVINCE.code ? '/queue' : `/queue?org=${orgCode}`;
}

// ---- the batch ----

/** Keys of the batch's queries; the answer's results carry them back. */
export const HOME_KEYS = {
  total: 'home:total',
  areas: 'home:areas',
  counties: 'home:counties',
  halls: 'home:halls',
  hourly: 'home:hourly',
  /** The whole day before (today's batch only): whether there is a last business day to show at night. */
  dayBefore: 'home:day-before',
} as const;

/** The tiles: the node's totals (the wall's queue tiles ask the same KPIs of the zone's node). */
export const TOTAL_KPIS = ['queue.tickets', 'queue.length', 'queue.avg_wait', 'queue.max_wait', 'queue.satisfaction'];
/** The wait chart: one bar per unit one level below the node (cities of the province, counties of a city…). */
export const AREA_KPIS = ['queue.avg_wait', 'queue.max_wait', 'queue.length', 'queue.tickets', 'queue.satisfaction'];
/** The map's counties. */
export const COUNTY_KPIS = ['queue.avg_wait', 'queue.length', 'queue.tickets'];
/** Every hall: the wall's outage map asks the same (`:halls`), the queue board these and today's average wait. */
export const HALL_KPIS = ['queue.length', 'queue.longest_wait_now'];
export const HOURLY_KPIS = ['queue.tickets', 'queue.avg_wait'];

/**
 * The page's one KPI batch for an org node and business day. The break-downs follow the wall's rule
 * (breakdownFor): one level below the node; the map's counties are the break-down itself for a city, the node
 * itself for a county or a hall; the halls are the node's halls (the node itself for a hall).
 */
export function homeBatch(orgCode: string, day: HomeDay = 'today'): KpiQueryInput[] {
  const time = { preset: day } as const;
  const level = levelOf(orgCode);
  const areaBy = breakdownFor(orgCode, 'city');
  const batch: KpiQueryInput[] = [
    { key: HOME_KEYS.total, kpis: TOTAL_KPIS, orgCode, by: 'total', time },
    { key: HOME_KEYS.hourly, kpis: HOURLY_KPIS, orgCode, by: 'total', time, granularity: 'hour' },
  ];
  if (areaBy) batch.push({ key: HOME_KEYS.areas, kpis: AREA_KPIS, orgCode, by: areaBy, time });
  if (level === 'province') batch.push({ key: HOME_KEYS.counties, kpis: COUNTY_KPIS, orgCode, by: 'county', time });
  batch.push({ key: HOME_KEYS.halls, kpis: HALL_KPIS, orgCode, by: level === 'hall' ? 'total' : 'hall', time });
  // Today's comparison period ('previous') ends at the same hour yesterday: at night it is empty too. Whether the
  // day before had tickets at all is its own (one-figure) question.
  if (day === 'today')
    batch.push({ key: HOME_KEYS.dayBefore, kpis: ['queue.tickets'], orgCode, by: 'total', time: { preset: 'yesterday' } });
  return batch;
}

// ---- thresholds (for lines, legends and notes; statuses are the points') ----

export interface Band {
  warn: number | null;
  alarm: number | null;
  target: number | null;
}

export interface HomeThresholds {
  /** queue.avg_wait (and queue.max_wait): minutes. */
  wait: Band;
  /** queue.longest_wait_now: minutes. */
  longestWait: Band;
  /** queue.length: people. */
  queueLength: Band;
  /** queue.satisfaction: a fraction 0–1. */
  satisfaction: Band;
}

const NO_BAND: Band = { warn: null, alarm: null, target: null };

/** The threshold numbers `kpi.definitions` gives for the page's KPIs (the current parameters applied). */
export function homeThresholds(defs: readonly Pick<KpiDefinitionRow, 'id' | 'thresholds'>[] | null | undefined): HomeThresholds {
  const band = (id: string): Band => {
    const t = defs?.find((d) => d.id === id)?.thresholds;
    return t ? { warn: t.warn ?? null, alarm: t.alarm ?? null, target: t.target ?? null } : NO_BAND;
  };
  return {
    wait: band('queue.avg_wait'),
    longestWait: band('queue.longest_wait_now'),
    queueLength: band('queue.length'),
    satisfaction: band('queue.satisfaction'),
  };
}

// ---- the figures ----

export interface Figure {
  value: number | null;
  status: TileStatus;
}

export interface AreaRow {
  code: string;
  name: string;
  avgWait: number | null;
  /** The KPI layer's status of the average wait. */
  status: PointStatus;
  maxWait: number | null;
  queue: number | null;
  tickets: number | null;
  satisfaction: number | null;
}

export interface CountyRow {
  code: string;
  avgWait: number | null;
  status: PointStatus;
  queue: number | null;
  tickets: number | null;
}

export interface HallRow {
  code: string;
  name: string;
  countyCode: string;
  countyName: string | null;
  cityName: string | null;
  queue: number | null;
  longestWait: number | null;
  queueStatus: PointStatus;
  waitStatus: PointStatus;
  /** The worse of the two (as the wall's queue board and map colour a hall). */
  status: PointStatus;
}

export interface HourRow {
  /** Start of the hour (ISO). */
  hour: string;
  tickets: number | null;
  avgWait: number | null;
  status: PointStatus;
}

export interface HomeView {
  org: { code: string; name: string; level: OrgLevel };
  /** The node's parents, province first (the breadcrumb). */
  parents: { code: string; name: string }[];
  /** When the KPI layer computed the answer (ISO). */
  asOf: string;
  /** The queue family's data time: its sources' complete-up-to (ISO); null before any data. */
  dataAsOf: string | null;
  /** The KPI layer's lateness rule says the queue sources are late (or the last refresh failed). */
  stale: boolean;
  /** The business date the day figures describe (YYYY-MM-DD, Beijing time) and whether it is today. */
  businessDate: string | null;
  isToday: boolean;
  tiles: {
    tickets: Figure;
    queue: Figure;
    avgWait: Figure;
    maxWait: Figure;
    satisfaction: Figure;
    /** Ratings behind the satisfaction rate (its denominator). */
    ratings: number | null;
  };
  /** Level of the break-down rows (null for a hall: nothing below it). */
  areaLevel: Exclude<OrgLevel, 'province'> | null;
  areas: AreaRow[];
  counties: CountyRow[];
  /** Every hall of the node, in code order. */
  halls: HallRow[];
  /** Halls whose queue length the KPI layer marks warn or alarm. */
  hallsOverQueue: number;
  hourly: HourRow[];
  thresholds: HomeThresholds;
}

/** The org node's name and parents from the divisions (a hall's name from the answer). */
function orgOf(code: string, hallName?: string): { org: HomeView['org']; parents: HomeView['parents'] } {
  const level = levelOf(code);
  const province = { code: PROVINCE.code, name: PROVINCE.name };
  const county = level === 'county' || level === 'hall' ? findCounty(code.slice(0, 6)) : undefined;
  const cityCode = level === 'province' ? null : code.slice(0, 4);
  const city = cityCode ? findCity(cityCode) : undefined;
  const name =
    level === 'province'
      ? PROVINCE.name
      : level === 'city'
        ? (city?.name ?? code)
        : level === 'county'
          ? (county?.name ?? code)
          : hallName || code;
  const parents = [province];
  if (level === 'county' || level === 'hall') parents.push({ code: cityCode!, name: city?.name ?? cityCode! });
  if (level === 'hall') parents.push({ code: code.slice(0, 6), name: county?.name ?? code.slice(0, 6) });
  return { org: { code, name, level }, parents: level === 'province' ? [] : parents };
}

/** A tile's figure: the point's value and the KPI layer's status; 'info' for a volume that has a value. */
function figure(p: KpiPoint | null, neutral = false): Figure {
  if (!p) return { value: null, status: 'none' };
  return { value: p.value, status: neutral && isNum(p.value) ? 'info' : pointStatus(p) };
}

const num = (p: KpiPoint | undefined | null): number | null => (p && isNum(p.value) ? p.value : null);

const dateFmt = new Intl.DateTimeFormat('en-CA', { timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The answer as a wall panel's data, so the wall's readers (findSeries, pointsByOrg…) read it unchanged. */
export function asPanelData(answer: Pick<KpiAnswer, 'results' | 'freshness'>): PanelData {
  const fresh = answer.freshness.find((f) => f.family === 'queue');
  return { kpi: answer.results as KpiQueryResult[], dataAsOf: fresh?.dataAsOf ?? null, stale: fresh?.stale ?? false };
}

/**
 * Today has no ticket yet (before the halls open) while the day before had some: the page then shows the
 * day before, labelled so (the live queue figures stay live).
 */
export function wantsPreviousDay(answer: Pick<KpiAnswer, 'results' | 'freshness'> | null | undefined): boolean {
  if (!answer) return false;
  const data = asPanelData(answer);
  const today = totalPoint(findSeries(data, 'queue.tickets', HOME_KEYS.total));
  const before = totalPoint(findSeries(data, 'queue.tickets', HOME_KEYS.dayBefore));
  return today?.value === 0 && isNum(before?.value) && before.value > 0;
}

/** Everything the page shows, from the answer to homeBatch(orgCode, day) and the definitions' thresholds. */
export function homeView(orgCode: string, day: HomeDay, answer: KpiAnswer, thresholds: HomeThresholds): HomeView {
  const data = asPanelData(answer);
  const total = (kpi: string) => totalPoint(findSeries(data, kpi, HOME_KEYS.total));
  const level = levelOf(orgCode);

  // Halls: the node's halls with their queue now and longest wait now (the wall map's and board's questions).
  const length = pointsByOrg(findSeries(data, 'queue.length', HOME_KEYS.halls));
  const longest = pointsByOrg(findSeries(data, 'queue.longest_wait_now', HOME_KEYS.halls));
  const halls = [...new Set([...length.keys(), ...longest.keys()])].sort().map((code): HallRow => {
    const l = length.get(code);
    const w = longest.get(code);
    const county = findCounty(code.slice(0, 6));
    const queueStatus = pointStatus(l);
    const waitStatus = pointStatus(w);
    return {
      code,
      name: l?.orgName || w?.orgName || code,
      countyCode: code.slice(0, 6),
      countyName: county?.name ?? null,
      cityName: (county && findCity(county.cityCode)?.name) ?? null,
      queue: num(l),
      longestWait: num(w),
      queueStatus,
      waitStatus,
      status: worse(queueStatus, waitStatus),
    };
  });

  const areaBy = breakdownFor(orgCode, 'city');
  const area = (kpi: string) => pointsByOrg(findSeries(data, kpi, HOME_KEYS.areas));
  const [aWait, aMax, aQueue, aTickets, aSat] = AREA_KPIS.map(area) as Map<string, KpiPoint>[];
  const areas = [...aWait!.values()].map((p): AreaRow => ({
    code: p.orgCode,
    name: p.orgName,
    avgWait: num(p),
    status: pointStatus(p),
    maxWait: num(aMax!.get(p.orgCode)),
    queue: num(aQueue!.get(p.orgCode)),
    tickets: num(aTickets!.get(p.orgCode)),
    satisfaction: num(aSat!.get(p.orgCode)),
  }));

  // The map's counties: the province's own county break-down, a city's break-down, the node for a county.
  let counties: CountyRow[] = [];
  if (level === 'province') {
    const c = (kpi: string) => pointsByOrg(findSeries(data, kpi, HOME_KEYS.counties));
    const [cWait, cQueue, cTickets] = COUNTY_KPIS.map(c) as Map<string, KpiPoint>[];
    counties = [...cWait!.values()].map((p) => ({
      code: p.orgCode,
      avgWait: num(p),
      status: pointStatus(p),
      queue: num(cQueue!.get(p.orgCode)),
      tickets: num(cTickets!.get(p.orgCode)),
    }));
  } else if (level === 'city') {
    counties = areas.map((a) => ({ code: a.code, avgWait: a.avgWait, status: a.status, queue: a.queue, tickets: a.tickets }));
  } else if (level === 'county') {
    const w = total('queue.avg_wait');
    counties = [
      { code: orgCode, avgWait: num(w), status: pointStatus(w), queue: num(total('queue.length')), tickets: num(total('queue.tickets')) },
    ];
  }

  const hTickets = findSeries(data, 'queue.tickets', HOME_KEYS.hourly);
  const hWait = new Map((findSeries(data, 'queue.avg_wait', HOME_KEYS.hourly)?.points ?? []).map((p) => [p.bucket, p]));
  const hours = (hTickets?.points ?? [])
    .filter((p) => p.bucket !== null)
    .map((p): HourRow => {
      const w = hWait.get(p.bucket);
      return { hour: p.bucket!, tickets: num(p), avgWait: num(w), status: pointStatus(w) };
    });
  // The hours the halls worked: from the first hour with a ticket to the last (no bars of 0 for the night).
  const worked = hours.map((h) => (h.tickets ?? 0) > 0);
  const first = worked.indexOf(true);
  const last = worked.lastIndexOf(true);
  const hourly = first < 0 ? [] : hours.slice(first, last + 1);

  const tickets = total('queue.tickets');
  const range = findSeries(data, 'queue.tickets', HOME_KEYS.total)?.range;
  const sat = total('queue.satisfaction');
  const { org, parents } = orgOf(orgCode, level === 'hall' ? halls[0]?.name : undefined);
  return {
    org,
    parents,
    asOf: answer.asOf,
    dataAsOf: data.dataAsOf,
    stale: data.stale,
    businessDate: range ? dateFmt.format(new Date(range.from)) : null,
    isToday: day === 'today',
    tiles: {
      tickets: figure(tickets, true),
      queue: figure(total('queue.length')),
      avgWait: figure(total('queue.avg_wait')),
      maxWait: figure(total('queue.max_wait')),
      satisfaction: figure(sat),
      ratings: sat ? (sat.measures.rated ?? null) : null,
    },
    areaLevel: areaBy,
    areas,
    counties,
    halls,
    hallsOverQueue: halls.filter((h) => h.queueStatus === 'warn' || h.queueStatus === 'alarm').length,
    hourly,
    thresholds,
  };
}

/** The n halls with the longest wait now, longest first (ties: longer queue, then code); halls without one left out. */
export function topLongestWaitHalls(halls: readonly HallRow[], n = 10): HallRow[] {
  return halls
    .filter((h) => isNum(h.longestWait))
    .sort((a, b) => b.longestWait! - a.longestWait! || (b.queue ?? 0) - (a.queue ?? 0) || a.code.localeCompare(b.code))
    .slice(0, n);
}
