import { drillMeasures, isLive, KPI_BY_ID, kpiMeasures, refusedDimension } from '../definitions';
import type { KpiDef } from '../definitions/types';
import { FAMILY_BY_ID } from '../families';
import type { Family, Grain } from '../families/types';
import { hasCountyRollup } from '../rollup/columns';
import { compileAggregate, KpiQueryError, levelOf, type AggregateSpec, type CompileContext } from './compile';
import { partCells, unitsBelow } from './cost';
import type { KpiQuery } from './schema';
import {
  alignedToDays,
  alignedToHours,
  bucketStarts,
  businessDate,
  dayStart,
  parseBound,
  previousRange,
  resolvePreset,
  yoyRange,
  type Calendar,
  type Granularity,
  type Range,
} from './time';

// Plans a query: its KPIs grouped by family, time frame and filters, each group one aggregate part over
// the current period and the comparison periods asked for, read from a rollup grain when one is ready and
// exact for the frame, else from the facts. A plan is data: merge-scans.ts may fold parts into shared scans,
// run.ts runs them, assemble.ts turns their rows into series.

export interface PlanDeps {
  ctx: CompileContext;
  /** Whether a family's rollups are complete and built with the current parameters. */
  rollupReady: (familyId: string) => boolean;
  /** Forces the naive path (the benchmark's baseline and the rollup-equals-raw test). */
  forceRaw?: boolean;
  hallNames?: ReadonlyMap<string, { name: string; countyCode: string }>;
}

const OPEN_ORDER_DAYS = 45;
const ARREARS_BOOK_MONTHS = 36;

/** The time a KPI describes in this query: its fixed time, or the query's. */
export function kpiRange(k: KpiDef, q: Pick<KpiQuery, 'time'>, now: number, cal: Calendar): Range | null {
  switch (k.fixedTime) {
    case 'now':
      return null;
    case 'today':
      return resolvePreset('today', now, cal);
    case 'open_orders':
      return { from: now - OPEN_ORDER_DAYS * 86_400_000, to: Math.ceil((now + 1) / 3_600_000) * 3_600_000 };
    case 'arrears_book': {
      const b = businessDate(cal, now);
      return { from: dayStart(cal, b.y, b.m - ARREARS_BOOK_MONTHS, 1), to: dayStart(cal, b.y, b.m + 1, 1) };
    }
  }
  if ('preset' in q.time) return resolvePreset(q.time.preset, now, cal);
  const from = parseBound(q.time.from, cal, false);
  const to = parseBound(q.time.to, cal, true);
  if (from === null || to === null) throw new KpiQueryError('时间无效 (invalid date)');
  if (to <= from) throw new KpiQueryError('结束时间须晚于开始时间 (to must be after from)');
  if (to - from > 11 * 366 * 86_400_000) throw new KpiQueryError('时间范围不能超过10年 (at most 10 years)');
  return { from, to };
}

/**
 * Snapshots (the arrears book, open orders, agents now) have no time series; bill-month KPIs have no finer
 * time than the month.
 */
function effectiveGranularity(f: Family, k: KpiDef, range: Range | null, asked: Granularity): Granularity {
  if (range === null || k.fixedTime === 'arrears_book' || k.fixedTime === 'open_orders') return 'total';
  if (f.timeType === 'date' && (asked === 'hour' || asked === 'day')) return 'month';
  return asked;
}

const MAX_BUCKETS = { total: 1, hour: 24 * 62, day: 800, month: 240 } as const;

function pickGrain(f: Family, live: boolean, periods: Range[], g: Granularity, deps: PlanDeps): Grain | undefined {
  if (live || deps.forceRaw || f.grains.length === 0 || !deps.rollupReady(f.id)) return undefined;
  if (f.timeType === 'date') return f.grains.includes('month') ? 'month' : undefined;
  if (g !== 'hour' && f.grains.includes('day') && deps.ctx.cal.resetHour === 0 && alignedToDays(periods, deps.ctx.cal)) return 'day';
  if (f.grains.includes('hour') && alignedToHours(periods)) return 'hour';
  return undefined;
}

/** One family and time frame of a query: its own SQL, or a share of a rollup scan (see merge-scans.ts). */
export interface Part {
  spec: AggregateSpec;
  sql: string;
  params: Record<string, unknown>;
  /** The KPIs computed from the part's measures. */
  kpis: readonly KpiDef[];
  /** The time the KPIs describe (spec.periods[0]), null for a snapshot without time (agents now). */
  range: Range | null;
  /** Where the comparisons asked for are in spec.periods. */
  compare: { previous?: number; yoy?: number };
  /** Values the part computes (org units × buckets × KPIs × periods): what the batch budget counts. */
  cells: number;
}

/** A result row of a part with its measures by name. */
export interface PartRow {
  org: string;
  b: string;
  period: number;
  m: Record<string, number | null>;
}

export interface QueryPlan {
  query: KpiQuery;
  parts: Part[];
}

/**
 * A KPI's own filters (arrears = overdue ages) narrow the query's, never replace them: a dimension both
 * name keeps only the values in both (an empty list selects nothing). A value the dimension does not
 * have is still an error, as it is without a fixed filter.
 */
export function withFixedFilters(
  f: Family,
  asked: Record<string, readonly string[]>,
  fixed: Record<string, readonly string[]> | undefined,
): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = { ...asked };
  for (const [name, values] of Object.entries(fixed ?? {})) {
    const mine = asked[name];
    if (!mine) {
      out[name] = values;
      continue;
    }
    const closed = Object.hasOwn(f.dims, name) ? f.dims[name]!.values : undefined;
    const bad = closed ? mine.filter((v) => !closed.includes(v)) : [];
    if (bad.length) throw new KpiQueryError(`维度 ${name} 不含 ${bad.join(', ')} (allowed: ${closed!.join(', ')})`);
    out[name] = mine.filter((v) => values.includes(v));
  }
  return out;
}

/**
 * A filter on a dimension of the KPI's family that does not describe the KPI (arrears age on the billed
 * amount) is refused, naming the KPI and why, rather than answered with a figure that means nothing.
 */
export function assertKpiTakesFilters(k: KpiDef, filters: Record<string, readonly string[]>): void {
  for (const name of Object.keys(filters)) {
    const r = refusedDimension(k, name);
    if (r) throw new KpiQueryError(`${k.name.zh}不能按${r.label.zh}筛选：${r.why.zh} (${k.id} takes no ${name} filter: ${r.why.en})`);
  }
}

/** Compiles one query into statement parts, one per family and time frame. */
export function planQuery(q: KpiQuery, deps: PlanDeps): QueryPlan {
  const { ctx } = deps;
  const defs = q.kpis.map((id) => KPI_BY_ID.get(id)!);
  const groups = new Map<
    string,
    { f: Family; defs: KpiDef[]; range: Range | null; live: boolean; filters: Record<string, readonly string[]> }
  >();
  for (const k of defs) {
    const f = FAMILY_BY_ID.get(k.family)!;
    const range = kpiRange(k, q, ctx.now, ctx.cal);
    assertKpiTakesFilters(k, q.filters);
    const filters = withFixedFilters(f, q.filters, k.fixedFilters);
    // Filters the family does not have are an error only when no KPI of the query can take them.
    for (const name of Object.keys(q.filters)) if (!Object.hasOwn(f.dims, name)) delete filters[name];
    const live = isLive(k);
    const key = JSON.stringify([f.id, range, live, filters]);
    const g = groups.get(key) ?? { f, defs: [], range, live, filters };
    g.defs.push(k);
    groups.set(key, g);
  }
  for (const name of Object.keys(q.filters)) {
    if (!defs.some((k) => Object.hasOwn(FAMILY_BY_ID.get(k.family)!.dims, name)))
      throw new KpiQueryError(`所选指标都没有维度 ${name} (none of the KPIs has a dimension ${name})`);
  }

  const hallCounties = deps.hallNames ? [...deps.hallNames.values()].map((h) => h.countyCode) : undefined;
  const units = unitsBelow(q.orgCode, q.by, hallCounties);
  const parts = [...groups.values()].map(({ f, defs: gdefs, range, live, filters }): Part => {
    const granularity = effectiveGranularity(f, gdefs[0]!, range, q.granularity);
    const periods: Range[] = [];
    const compare: Part['compare'] = {};
    let buckets = 1;
    if (range) {
      periods.push(range);
      const comparable = gdefs[0]!.fixedTime !== 'open_orders' && gdefs[0]!.fixedTime !== 'arrears_book';
      if (comparable && q.compare.includes('previous')) compare.previous = periods.push(previousRange(range, ctx.now)) - 1;
      if (comparable && q.compare.includes('yoy')) compare.yoy = periods.push(yoyRange(range, ctx.now, ctx.cal)) - 1;
      const n = bucketStarts(range, granularity, ctx.cal).length;
      if (n > MAX_BUCKETS[granularity])
        throw new KpiQueryError(`粒度过细：${n} 个时间段 (too many ${granularity} buckets: ${n}; at most ${MAX_BUCKETS[granularity]})`);
      buckets = n;
    }
    const measures = [...new Set(gdefs.flatMap((k) => [...kpiMeasures(k), drillMeasures(k).numerator]))];
    const grain = pickGrain(f, live, periods, granularity, deps);
    // No halls and no dimension filters: the county table of the grain has the same figures in fewer rows.
    const county = !!grain && hasCountyRollup(f) && Object.keys(filters).length === 0 && q.by !== 'hall' && levelOf(q.orgCode) !== 'hall';
    const spec: AggregateSpec = { family: f, measures, orgCode: q.orgCode, by: q.by, periods, granularity, filters, grain, county };
    const { sql, params } = compileAggregate({ ...spec, untimed: range === null }, ctx);
    const cells = partCells({ units, buckets, kpis: gdefs.length, periods: Math.max(1, periods.length) });
    return { spec, sql, params, kpis: gdefs, range, compare, cells };
  });
  return { query: q, parts };
}
