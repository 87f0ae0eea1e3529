// A dashboard's figures as batched `kpi.query` calls (≤ 50 queries per call) and what it shows, read back from
// the answers. Pure: no React; unit-tested in tests/desktop/dashboard-batch.test.ts.
//
// Queries are grouped by KPI family and the time the family is asked for (bills by bill month, see
// monthlyTime), and each carries only the page's filters its family knows: a filter that does not apply to a
// figure is listed on it (`unfiltered`) instead of being silently dropped.
import type { KpiPoint, KpiQueryResult } from '@/server/kpi/query/result';
import type { KpiQueryInput } from '@/server/kpi/query/schema';
import { MONTHLY_FAMILIES, type DomainSpec, type Granularity } from './domains';
import { childLevel, granularityFor, monthlyTime, orgLevel, type Compare, type QueryTime, type ViewState } from './url-state';

/** The fields of a `kpi.definitions` row the dashboards read. */
export interface DefLite {
  id: string;
  domain: string;
  family: { id: string; label: { zh: string; en: string } };
  name: { zh: string; en: string };
  formula: { zh: string; en: string };
  unit: string;
  direction: string;
  digits: number;
  thresholds: { warn?: number; alarm?: number; target?: number } | null;
  fixedTime: string | null;
  parts: { numerator: { zh: string; en: string }; denominator?: { zh: string; en: string } | null };
  dimensions: { name: string; label: { zh: string; en: string }; values: readonly string[] | null }[];
  levels: readonly string[];
}

export type Role = 'headline' | 'trend' | 'ranking' | 'breakdown';

/** The server's ceiling per `kpi.query` call (server/kpi/query/schema.ts). */
export const MAX_BATCH = 50;
/** What the dashboards send per call: a batch travels as a GET URL, which must stay well under the server's limit. */
export const UI_BATCH = 8;

export interface BatchContext {
  spec: DomainSpec;
  defs: ReadonlyMap<string, DefLite>;
  view: ViewState;
  /** The unit asked about (the view's org, or the user's own). */
  org: string;
  /** Today's business date 'YYYY-MM-DD' (Beijing), for monthly periods. */
  today: string;
}

/** Whether a KPI can be asked at a unit's level (agent states are province-wide only). */
export function kpiAtLevel(def: DefLite | undefined, org: string): boolean {
  return !!def && def.levels.includes(orgLevel(org));
}

/** The time a KPI is asked for under the page's time. */
export function timeForKpi(def: DefLite, view: ViewState, today: string): QueryTime {
  return MONTHLY_FAMILIES.has(def.family.id) ? monthlyTime(view.time, today) : view.time;
}

export function granularityForKpi(def: DefLite, view: ViewState): Granularity {
  return MONTHLY_FAMILIES.has(def.family.id) ? 'month' : granularityFor(view);
}

/** The page's filters a KPI's family knows; the rest is reported as not applying. */
export function filtersForKpi(
  def: DefLite,
  filters: Record<string, string[]>,
): { applied: Record<string, string[]>; unfiltered: string[] } {
  const dims = new Set(def.dimensions.map((d) => d.name));
  const applied: Record<string, string[]> = {};
  const unfiltered: string[] = [];
  for (const [dim, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    if (dims.has(dim)) applied[dim] = values;
    else unfiltered.push(dim);
  }
  return { applied, unfiltered };
}

/** One query per family group of KPIs (a family has one time); `key` = `<role>|<family>[|<dim>=<value>]`. */
function grouped(
  ctx: BatchContext,
  role: Role,
  kpis: readonly string[],
  opts: { by?: 'total' | 'city' | 'county' | 'hall'; series?: boolean; compare?: Compare[]; extra?: { dim: string; value: string } },
): KpiQueryInput[] {
  const groups = new Map<string, { kpis: string[]; def: DefLite }>();
  for (const id of kpis) {
    const def = ctx.defs.get(id);
    if (!def || !kpiAtLevel(def, ctx.org)) continue;
    // One time per family under a view, so the family names the group (keys stay within the schema's 64);
    // KPIs of a family that take different page filters (an age bucket narrows the arrears book, not the
    // recovery rate) are asked apart, each with the filters it takes.
    const takes = Object.keys(filtersForKpi(def, ctx.view.filters).applied).sort();
    const g = takes.length > 0 ? `${def.family.id}~${takes.join(',')}` : def.family.id;
    const cur = groups.get(g);
    if (cur) cur.kpis.push(id);
    else groups.set(g, { kpis: [id], def });
  }
  return [...groups.entries()].map(([g, { kpis: ids, def }]) => {
    const filters = { ...ctx.view.filters };
    if (opts.extra) filters[opts.extra.dim] = [opts.extra.value];
    // Defaults are left out: the queries travel in a GET URL.
    const applied = filtersForKpi(def, filters).applied;
    const q: KpiQueryInput = {
      key: `${role}|${g}${opts.extra ? `|${opts.extra.dim}=${opts.extra.value}` : ''}`,
      kpis: ids,
      orgCode: ctx.org,
    };
    if (opts.by && opts.by !== 'total') q.by = opts.by;
    q.time = timeForKpi(def, ctx.view, ctx.today);
    if (opts.series) q.granularity = granularityForKpi(def, ctx.view);
    if (Object.keys(applied).length > 0) q.filters = applied;
    if (opts.compare && opts.compare.length > 0) q.compare = opts.compare;
    return q;
  });
}

/** Every query of a dashboard view: tiles (with the comparisons asked), trend, ranking, break-downs. */
export function dashboardQueries(ctx: BatchContext): KpiQueryInput[] {
  const { spec, view } = ctx;
  const out: KpiQueryInput[] = [];
  out.push(...grouped(ctx, 'headline', spec.headline, { compare: view.compare }));
  out.push(...grouped(ctx, 'trend', spec.trend, { series: true, compare: view.compare }));
  const below = childLevel(ctx.org, spec.leaf);
  if (below) out.push(...grouped(ctx, 'ranking', spec.ranking, { by: below }));
  for (const b of spec.breakdowns) {
    const def = ctx.defs.get(b.kpi);
    const dim = def?.dimensions.find((d) => d.name === b.dim);
    for (const value of dim?.values ?? []) out.push(...grouped(ctx, 'breakdown', [b.kpi], { extra: { dim: b.dim, value } }));
  }
  return out;
}

/** Splits queries into `kpi.query` batches of at most MAX_BATCH. */
export function chunk<T>(items: readonly T[], size = MAX_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---- reading the answers ----

export type Answer = {
  asOf: string;
  results: (KpiQueryResult & { key?: string | null })[];
  freshness: { family: string; dataAsOf: string | null; stale: boolean }[];
};

export interface Figure {
  kpi: string;
  point: KpiPoint | null;
  /** Filters of the page that do not apply to this KPI's family. */
  unfiltered: string[];
  time: QueryTime;
}

function seriesOf(answers: readonly Answer[], role: Role, kpi: string, suffix = ''): { result: KpiQueryResult; points: KpiPoint[] } | null {
  for (const a of answers) {
    for (const r of a.results) {
      if (!r.key?.startsWith(`${role}|`)) continue;
      if (suffix ? !r.key.endsWith(suffix) : r.key.split('|').length !== 2) continue;
      const s = r.kpis.find((k) => k.kpi === kpi);
      if (s) return { result: r, points: s.points };
    }
  }
  return null;
}

export function headlineFigures(ctx: BatchContext, answers: readonly Answer[]): Figure[] {
  return ctx.spec.headline
    .map((id) => ctx.defs.get(id))
    .filter((d): d is DefLite => kpiAtLevel(d, ctx.org))
    .map((def) => ({
      kpi: def.id,
      point: seriesOf(answers, 'headline', def.id)?.points[0] ?? null,
      unfiltered: filtersForKpi(def, ctx.view.filters).unfiltered,
      time: timeForKpi(def, ctx.view, ctx.today),
    }));
}

/** The trend lines; buckets that start after the figures were computed (the rest of today) are left out. */
export function trendSeries(
  ctx: BatchContext,
  answers: readonly Answer[],
): { kpi: string; points: KpiPoint[]; granularity: Granularity }[] {
  const asOf = answers[0] ? Date.parse(answers[0].asOf) : Infinity;
  return ctx.spec.trend.flatMap((id) => {
    const def = ctx.defs.get(id);
    if (!def || !kpiAtLevel(def, ctx.org)) return [];
    const s = seriesOf(answers, 'trend', id);
    const points = s?.points.filter((p) => p.bucket === null || Date.parse(p.bucket) <= asOf) ?? [];
    return s ? [{ kpi: id, points, granularity: granularityForKpi(def, ctx.view) }] : [];
  });
}

export interface RankingRow {
  orgCode: string;
  orgName: string;
  /** KPI id → the unit's point. */
  points: Record<string, KpiPoint | null>;
}

const STATUS_ORDER = { alarm: 0, warn: 1, ok: 2 } as const;

/**
 * The units one level down, worst first by the first ranking KPI: status (red, yellow, green), then value
 * in the KPI's bad direction, then name; units without a figure last.
 */
export function rankingRows(ctx: BatchContext, answers: readonly Answer[]): RankingRow[] {
  const rows = new Map<string, RankingRow>();
  for (const id of ctx.spec.ranking) {
    const s = seriesOf(answers, 'ranking', id);
    for (const p of s?.points ?? []) {
      const row = rows.get(p.orgCode) ?? { orgCode: p.orgCode, orgName: p.orgName, points: {} };
      row.points[id] = p;
      rows.set(p.orgCode, row);
    }
  }
  const first = ctx.spec.ranking.find((id) => kpiAtLevel(ctx.defs.get(id), ctx.org));
  const dir = first ? ctx.defs.get(first)!.direction : 'neutral';
  const val = (r: RankingRow) => (first ? (r.points[first]?.value ?? null) : null);
  return [...rows.values()].sort((a, b) => {
    const va = val(a);
    const vb = val(b);
    if ((va === null) !== (vb === null)) return va === null ? 1 : -1;
    const sa = first ? a.points[first]?.status : null;
    const sb = first ? b.points[first]?.status : null;
    const ra = sa ? STATUS_ORDER[sa] : 3;
    const rb = sb ? STATUS_ORDER[sb] : 3;
    if (ra !== rb) return ra - rb;
    if (va !== null && vb !== null && va !== vb) return dir === 'higher_better' ? va - vb : vb - va;
    return a.orgCode.localeCompare(b.orgCode);
  });
}

export interface BreakdownBar {
  value: string;
  point: KpiPoint | null;
}

export function breakdownBars(ctx: BatchContext, answers: readonly Answer[], kpi: string, dim: string): BreakdownBar[] {
  const def = ctx.defs.get(kpi);
  const values = def?.dimensions.find((d) => d.name === dim)?.values ?? [];
  return values.map((value) => ({ value, point: seriesOf(answers, 'breakdown', kpi, `|${dim}=${value}`)?.points[0] ?? null }));
}

/** Freshness of the families the page shows: stale when any is, data time the oldest. */
export function pageFreshness(answers: readonly Answer[]): { asOf: string | null; dataAsOf: string | null; stale: boolean } {
  const all = answers.flatMap((a) => a.freshness);
  const times = all.map((f) => f.dataAsOf).filter((t): t is string => t !== null);
  return {
    asOf: answers[0]?.asOf ?? null,
    dataAsOf: times.length > 0 ? times.reduce((a, b) => (a < b ? a : b)) : null,
    stale: all.some((f) => f.stale),
  };
}

/** The cross-domain overview: each domain's overview KPIs for the unit and time, with the comparisons asked. */
export function overviewQueries(ctxs: readonly BatchContext[]): KpiQueryInput[] {
  return ctxs.flatMap((ctx) =>
    grouped({ ...ctx }, 'headline', ctx.spec.overview, { compare: ctx.view.compare }).map((q) => ({
      ...q,
      key: `${ctx.spec.id}:${q.key}`,
    })),
  );
}

/** The overview's figures of one domain, from answers keyed by overviewQueries. */
export function overviewFigures(ctx: BatchContext, answers: readonly Answer[]): Figure[] {
  const own = answers.map((a) => ({
    ...a,
    results: a.results
      .filter((r) => r.key?.startsWith(`${ctx.spec.id}:`))
      .map((r) => ({ ...r, key: r.key!.slice(ctx.spec.id.length + 1) })),
  }));
  return headlineFigures({ ...ctx, spec: { ...ctx.spec, headline: ctx.spec.overview } }, own);
}
