// The whole dashboard view in the URL (shareable, bookmarkable, back/forward): unit, time, granularity,
// comparison, filters and the open drill-to-detail table. Every key is a plain string in the query, so nuqs
// only syncs strings (useDashboardState) and all parsing, validation and serialising is here, pure and
// unit-tested (tests/desktop/url-state.test.ts). Values the URL cannot carry (bad codes, dates, unknown
// dimensions) are dropped, never passed on to the server.
import type { DomainSpec, Granularity, TimePreset } from './domains';

export const URL_KEYS = ['org', 't', 'from', 'to', 'g', 'cmp', 'f', 'dk', 'dp', 'dorg', 'dt', 'df', 'ds', 'dpg'] as const;
export type UrlKey = (typeof URL_KEYS)[number];
export type RawView = Partial<Record<UrlKey, string | null>>;

export const TIME_PRESETS: readonly TimePreset[] = ['today', 'yesterday', 'this_month', 'last_month'];
export const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'month'];
export type Compare = 'previous' | 'yoy';
export type TimeState = { preset: TimePreset } | { from: string; to: string };

export interface DetailState {
  kpi: string;
  part: 'numerator' | 'denominator';
  /** The unit whose records are shown; null = the page's unit. */
  org: string | null;
  /** A narrower time than the page's (a clicked bucket), bounds as `kpi.rows` takes them; null = the page's. */
  time: { from: string; to: string } | null;
  /** The records' filters (the page's plus a clicked dimension value); null = the page's. */
  filters: Record<string, string[]> | null;
  sort: { column: string; dir: 'asc' | 'desc' } | null;
  page: number;
}

export interface ViewState {
  /** The unit; null = the signed-in user's own node. */
  org: string | null;
  time: TimeState;
  /** null = the natural one for the time (see granularityFor). */
  granularity: Granularity | null;
  compare: Compare[];
  /** Dimension → values (cross-filters and the filter bar). */
  filters: Record<string, string[]>;
  detail: DetailState | null;
}

const ORG = /^(\d{2}|\d{4}|\d{6}|\d{9})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const BOUND = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/;
const COLUMN = /^[a-z][a-z0-9_]{0,63}$/;
const KPI = /^[a-z_]+\.[a-z_]+$/;

export const isOrgCode = (v: string | null | undefined): v is string => typeof v === 'string' && ORG.test(v);

function validDate(v: string | null | undefined): v is string {
  if (typeof v !== 'string' || !DATE.test(v)) return false;
  const [y, m, d] = v.split('-').map(Number) as [number, number, number];
  const c = new Date(Date.UTC(y, m - 1, d));
  return c.getUTCFullYear() === y && c.getUTCMonth() === m - 1 && c.getUTCDate() === d;
}

/** Dimensions the page's filters may name: the filter bar's and the break-downs'. */
export function allowedDims(spec: DomainSpec): Set<string> {
  return new Set([...spec.filters, ...spec.breakdowns.map((b) => b.dim)]);
}

export function parseFilters(text: string | null | undefined, allowed: ReadonlySet<string>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!text) return out;
  for (const item of text.split(',')) {
    const i = item.indexOf(':');
    if (i <= 0) continue;
    const dim = item.slice(0, i);
    const value = item.slice(i + 1);
    if (!allowed.has(dim) || value === '' || value.length > 64) continue;
    const list = (out[dim] ??= []);
    if (!list.includes(value)) list.push(value);
  }
  return out;
}

export function serializeFilters(filters: Record<string, readonly string[]>): string | null {
  const items = Object.keys(filters)
    .sort()
    .flatMap((dim) => (filters[dim] ?? []).filter((v) => v !== '' && !v.includes(',')).map((v) => `${dim}:${v}`));
  return items.length > 0 ? items.join(',') : null;
}

function parseTime(raw: RawView, spec: DomainSpec): TimeState {
  if (raw.t === 'custom' && validDate(raw.from) && validDate(raw.to)) {
    return raw.from <= raw.to ? { from: raw.from, to: raw.to } : { from: raw.to, to: raw.from };
  }
  const preset = TIME_PRESETS.find((p) => p === raw.t);
  return { preset: preset ?? spec.defaultTime };
}

function parseDetail(raw: RawView, allowed: ReadonlySet<string>): DetailState | null {
  if (!raw.dk || !KPI.test(raw.dk)) return null;
  let time: DetailState['time'] = null;
  if (raw.dt) {
    const [from, to] = raw.dt.split('~');
    if (from && to && BOUND.test(from) && BOUND.test(to)) time = { from, to };
  }
  let sort: DetailState['sort'] = null;
  if (raw.ds) {
    const [column, dir] = raw.ds.split(':');
    if (column && COLUMN.test(column) && (dir === 'asc' || dir === 'desc')) sort = { column, dir };
  }
  const page = raw.dpg && /^\d{1,6}$/.test(raw.dpg) ? Math.max(1, Number(raw.dpg)) : 1;
  return {
    kpi: raw.dk,
    part: raw.dp === 'denominator' ? 'denominator' : 'numerator',
    org: isOrgCode(raw.dorg) ? raw.dorg : null,
    time,
    filters: raw.df ? parseFilters(raw.df, allowed) : null,
    sort,
    page,
  };
}

/** The view a URL describes (anything invalid falls back to the domain's defaults). */
export function parseView(raw: RawView, spec: DomainSpec): ViewState {
  const compare = (raw.cmp ?? '').split(',').filter((c): c is Compare => c === 'previous' || c === 'yoy');
  return {
    org: isOrgCode(raw.org) ? raw.org : null,
    time: parseTime(raw, spec),
    granularity: GRANULARITIES.find((g) => g === raw.g) ?? null,
    compare: [...new Set(compare)],
    filters: parseFilters(raw.f, allowedDims(spec)),
    detail: parseDetail(raw, allowedDims(spec)),
  };
}

/** The URL keys of a view; defaults are null (left out of the URL). */
export function toRaw(view: ViewState, spec: DomainSpec): Record<UrlKey, string | null> {
  const d = view.detail;
  return {
    org: view.org,
    t: 'from' in view.time ? 'custom' : view.time.preset === spec.defaultTime ? null : view.time.preset,
    from: 'from' in view.time ? view.time.from : null,
    to: 'to' in view.time ? view.time.to : null,
    g: view.granularity,
    cmp: view.compare.length > 0 ? [...view.compare].sort().join(',') : null,
    f: serializeFilters(view.filters),
    dk: d?.kpi ?? null,
    dp: d && d.part === 'denominator' ? 'denominator' : null,
    dorg: d?.org ?? null,
    dt: d?.time ? `${d.time.from}~${d.time.to}` : null,
    df: d?.filters ? serializeFilters(d.filters) : null,
    ds: d?.sort ? `${d.sort.column}:${d.sort.dir}` : null,
    dpg: d && d.page > 1 ? String(d.page) : null,
  };
}

/** A link to a dashboard showing `view` ("/calls?org=5301&t=yesterday"). */
export function viewHref(path: string, view: ViewState, spec: DomainSpec): string {
  const raw = toRaw(view, spec);
  const q = new URLSearchParams();
  for (const k of URL_KEYS) if (raw[k] !== null) q.set(k, raw[k]!);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export const defaultView = (spec: DomainSpec, org: string | null = null): ViewState => ({
  org,
  time: { preset: spec.defaultTime },
  granularity: null,
  compare: [],
  filters: {},
  detail: null,
});

// ---- derived ----

export type QueryTime = { preset: TimePreset } | { from: string; to: string };

/** Days in a custom range, inclusive. */
export function rangeDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The granularities that make sense for a time: hours within a few days, months across months. */
export function granularitiesFor(time: TimeState): Granularity[] {
  if ('preset' in time) return time.preset === 'today' || time.preset === 'yesterday' ? ['hour'] : ['hour', 'day'];
  const days = rangeDays(time.from, time.to);
  if (days <= 3) return ['hour', 'day'];
  if (days <= 92) return ['day', 'month'];
  return ['day', 'month'];
}

export function granularityFor(view: Pick<ViewState, 'time' | 'granularity'>): Granularity {
  const allowed = granularitiesFor(view.time);
  if (view.granularity && allowed.includes(view.granularity)) return view.granularity;
  if ('preset' in view.time) return allowed.includes('day') ? 'day' : 'hour';
  const days = rangeDays(view.time.from, view.time.to);
  return days <= 3 ? 'hour' : days <= 92 ? 'day' : 'month';
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * The time a KPI of a monthly family (bills, dated by bill month) is asked for: its natural period. A day
 * preset becomes the month of that day (`today` is its own 1st-of-month edge: yesterday on the 1st is last
 * month); a custom range widens to whole months.
 */
export function monthlyTime(time: TimeState, today: string): QueryTime {
  if ('preset' in time) {
    if (time.preset === 'today') return { preset: 'this_month' };
    if (time.preset === 'yesterday') return { preset: today.endsWith('-01') ? 'last_month' : 'this_month' };
    return time;
  }
  const [fy, fm] = time.from.split('-').map(Number) as [number, number];
  const [ty, tm] = time.to.split('-').map(Number) as [number, number];
  return { from: `${fy}-${pad(fm)}-01`, to: `${ty}-${pad(tm)}-${pad(lastDayOf(ty, tm))}` };
}

/** The unit level below `org` a domain can break down to, or null at its leaf. */
export function childLevel(org: string, leaf: 'hall' | 'county'): 'city' | 'county' | 'hall' | null {
  if (org.length === 2) return 'city';
  if (org.length === 4) return 'county';
  if (org.length === 6) return leaf === 'hall' ? 'hall' : null;
  return null;
}

export const orgLevel = (org: string): 'province' | 'city' | 'county' | 'hall' =>
  org.length <= 2 ? 'province' : org.length === 4 ? 'city' : org.length === 6 ? 'county' : 'hall';

/** Beijing-time local bounds of a series bucket (an ISO instant with Z) for `kpi.rows`: [from, to). */
export function bucketBounds(bucketIso: string, g: Granularity): { from: string; to: string } {
  const local = new Date(Date.parse(bucketIso) + 8 * 3_600_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + 1;
  const d = local.getUTCDate();
  const day = `${y}-${pad(m)}-${pad(d)}`;
  if (g === 'hour') {
    const h = local.getUTCHours();
    const next = new Date(local.getTime() + 3_600_000);
    const nextDay = `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
    return { from: `${day} ${pad(h)}:00`, to: `${nextDay} ${pad(next.getUTCHours())}:00` };
  }
  if (g === 'day') return { from: day, to: day };
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDayOf(y, m))}` };
}

/** Sets or clears one dimension value in the filters (a cross-filter click toggles it). */
export function toggleFilter(filters: Record<string, string[]>, dim: string, value: string): Record<string, string[]> {
  const cur = filters[dim] ?? [];
  const next = cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value];
  const out = { ...filters };
  if (next.length > 0) out[dim] = next;
  else delete out[dim];
  return out;
}
