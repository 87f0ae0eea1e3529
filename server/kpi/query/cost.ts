import { CITIES, COUNTIES } from '@/core/org/divisions';
import { KpiQueryError } from './compile';

// What a KPI question costs before it runs. The time-bucket cap alone let one GET ask for 600 halls × 1464
// hours × 3 KPIs × 3 periods (≈ 8 million values) and take the process's heap down; so every batch is priced
// in the values it would compute and refused past a budget, with a message that says how to narrow it.

/** Values one API batch may compute (KPI_MAX_CELLS overrides): a wall zone or a desktop page uses a few thousand. */
export const DEFAULT_MAX_CELLS = 250_000;
/**
 * Server-side callers whose shape the code bounds (the alert engine's rounds, a rule's 30-day preview, which
 * answer counts, not points): a wider budget, still far below what took the heap down.
 */
export const INTERNAL_MAX_CELLS = 4_000_000;
/** Rows a drill-down page may reach (offset + page size): deeper pages are narrowed with filters or time. */
export const MAX_DRILL_DEPTH = 100_000;

/** Halls per county when dim_hall has not been loaded yet (the simulator's ~600 halls over 129 counties). */
const HALLS_PER_COUNTY_ESTIMATE = 5;

export type BreakDown = 'total' | 'city' | 'county' | 'hall';

/**
 * Org units a query answers for: the node itself, or the cities, counties or halls below it. Halls come from
 * dim_hall's county codes (any iterable); without them an estimate per county.
 */
export function unitsBelow(orgCode: string, by: BreakDown, hallCounties?: Iterable<string>): number {
  if (by === 'total') return 1;
  if (by === 'city') return Math.max(1, CITIES.filter((c) => c.code.startsWith(orgCode)).length);
  const counties = COUNTIES.filter((c) => c.code.startsWith(orgCode) || orgCode.startsWith(c.code)).length;
  if (by === 'county') return Math.max(1, counties);
  if (hallCounties) {
    let n = 0;
    for (const county of hallCounties) if (county.startsWith(orgCode) || orgCode.startsWith(county)) n++;
    if (n > 0) return n;
  }
  return Math.max(1, counties) * HALLS_PER_COUNTY_ESTIMATE;
}

export interface PartShape {
  units: number;
  buckets: number;
  kpis: number;
  /** The current period plus the comparisons asked for. */
  periods: number;
}

/** Values one part computes: every unit, bucket, KPI and period is one. */
export const partCells = (p: PartShape): number => p.units * p.buckets * p.kpis * p.periods;

/** Refuses a batch past its budget, naming its size and the ways to narrow it. */
export function assertWithinBudget(cells: number, maxCells: number): void {
  if (cells <= maxCells) return;
  throw new KpiQueryError(
    `查询过大：约 ${cells.toLocaleString('en')} 个数值（单位 × 时间段 × 指标 × 对比期），上限 ${maxCells.toLocaleString('en')}；` +
      `请缩短时间范围、改用更粗的粒度（日/月）、按更高层级细分、减少指标或对比期，或分几次查询 ` +
      `(query too large: about ${cells} values (org units × time buckets × KPIs × periods), at most ${maxCells}; ` +
      `narrow the time range, use a coarser granularity, break down by a higher level, ask fewer KPIs or comparisons, or split the batch)`,
  );
}

/** Refuses a drill-down page deeper than the budget (ClickHouse would read and skip every row before it). */
export function assertDrillDepth(page: number, pageSize: number, maxDepth = MAX_DRILL_DEPTH): void {
  const depth = page * pageSize;
  if (depth <= maxDepth) return;
  throw new KpiQueryError(
    `页码过深：第 ${page} 页（每页 ${pageSize} 条）超过前 ${maxDepth} 条；请加筛选条件或缩短时间范围 ` +
      `(page too deep: page ${page} of ${pageSize} rows goes past the first ${maxDepth} records; add filters or narrow the time range)`,
  );
}
