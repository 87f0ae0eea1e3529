import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { drillMeasures, KPI_BY_ID } from '../definitions';
import { FAMILY_BY_ID } from '../families';
import { assemblePart, assembleResult } from './assemble';
import { compileRows, KpiQueryError, unionParts } from './compile';
import { assertDrillDepth, assertWithinBudget, DEFAULT_MAX_CELLS } from './cost';
import { foldScan, mergeScans } from './merge-scans';
import { assertKpiTakesFilters, kpiRange, planQuery, withFixedFilters, type Part, type PlanDeps } from './plan';
import type { KpiQueryResult, KpiRowsResult, KpiSeries } from './result';
import type { KpiQuery, KpiRowsQuery } from './schema';

// The KPI engine's entry points: a batch of queries planned, merged into scans, run as one statement and
// assembled into results; and the drill-down rows behind a figure.

export interface EngineDeps extends PlanDeps {
  ch: ClickHouse;
  /** Values one batch may compute (cost.ts); DEFAULT_MAX_CELLS when absent. */
  maxCells?: number;
}

const aggRow = z.object({
  part: z.coerce.number(),
  org: z.string(),
  b: z.string(),
  period: z.coerce.number(),
  m: z.array(z.union([z.null(), z.coerce.number()])),
});

/**
 * Runs a batch of declarative queries as ONE statement: every rollup scan and every other family and time
 * frame of every query is a part of a UNION ALL, so a wall zone's refresh costs one round trip however many
 * tiles it has.
 */
export async function runKpiBatch(queries: readonly KpiQuery[], deps: EngineDeps): Promise<KpiQueryResult[]> {
  const plans = queries.map((q) => planQuery(q, deps));
  const parts = plans.flatMap((p) => p.parts);
  // Priced before anything runs: a batch past its budget is refused with how to narrow it.
  assertWithinBudget(
    parts.reduce((sum, p) => sum + p.cells, 0),
    deps.maxCells ?? DEFAULT_MAX_CELLS,
  );
  const { scans, own } = mergeScans(parts, deps);
  const { sql, params } = unionParts([...scans, ...own]);
  const rows = await deps.ch.query(`kpi.batch.${scans.length + own.length}`, sql, params, aggRow);
  const byPart = [...scans, ...own].map(() => [] as z.infer<typeof aggRow>[]);
  for (const r of rows) byPart[r.part]!.push(r);
  const series = new Map<Part, KpiSeries[]>();
  scans.forEach((scan, i) => {
    for (const p of scan.parts) series.set(p, assemblePart(p, foldScan(scan, p, byPart[i]!, deps.ctx.cal), deps));
  });
  own.forEach((p, j) => {
    const names = p.spec.measures;
    const partRows = byPart[scans.length + j]!.map((r) => ({ ...r, m: Object.fromEntries(names.map((n, i) => [n, r.m[i] ?? null])) }));
    series.set(p, assemblePart(p, partRows, deps));
  });
  return plans.map((p) => assembleResult(p, series));
}

export async function runKpiQuery(q: KpiQuery, deps: EngineDeps): Promise<KpiQueryResult> {
  return (await runKpiBatch([q], deps))[0]!;
}

/** The drill-down contract: the leaf records behind a KPI figure, paged and sorted. */
export async function runKpiRows(q: KpiRowsQuery, deps: EngineDeps & { hidePersonal?: boolean }): Promise<KpiRowsResult> {
  const k = KPI_BY_ID.get(q.kpi)!;
  const f = FAMILY_BY_ID.get(k.family)!;
  const parts = drillMeasures(k);
  const measure = q.part === 'numerator' ? parts.numerator : parts.denominator;
  if (!measure) throw new KpiQueryError(`指标 ${k.id} 没有分母 (${k.id} has no denominator)`);
  assertDrillDepth(q.page, q.pageSize);
  const range = kpiRange(k, q, deps.ctx.now, deps.ctx.cal);
  // The caller's filters narrow the KPI's own (an age bucket within the overdue ages), as in the figure.
  assertKpiTakesFilters(k, q.filters ?? {});
  const filters = withFixedFilters(f, q.filters ?? {}, k.fixedFilters);
  const sort = q.sort ?? { column: f.defaultSort, dir: 'desc' as const };
  const { rows, count, columns } = compileRows(
    {
      family: f,
      measure,
      orgCode: q.orgCode,
      range,
      filters,
      sort,
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
      hidePersonal: deps.hidePersonal,
    },
    deps.ctx,
  );
  const [data, n] = await Promise.all([
    deps.ch.query(`kpi.rows.${f.id}`, rows.sql, rows.params, z.record(z.string(), z.unknown()), { maxResultRows: q.pageSize }),
    deps.ch.query(`kpi.rows.count.${f.id}`, count.sql, count.params, z.object({ n: z.coerce.number() })),
  ]);
  const times = columns.filter((c) => c.type === 'time').map((c) => c.name);
  const rowsOut = data.map((r) => {
    const out = { ...r };
    for (const name of times) if (name in out) out[name] = rowTime(out[name]);
    return out;
  });
  return { kpi: k.id, part: q.part, total: n[0]?.n ?? 0, page: q.page, pageSize: q.pageSize, columns, rows: rowsOut };
}

const CH_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)$/;

/**
 * A DateTime/DateTime64 value of a drill row as it leaves the server: ClickHouse writes 'YYYY-MM-DD hh:mm:ss[.fff]'
 * in the column's zone (always UTC here) without saying so, which a client would read as its own local time.
 * Served as ISO 8601 with `Z`. The zero DateTime (1970-01-01 00:00:00, what a non-nullable column holds for
 * "no value", e.g. an unpaid bill's last payment) means "never": null.
 */
export function rowTime(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return v <= 0 || !Number.isFinite(v) ? null : new Date(v).toISOString();
  if (typeof v !== 'string') return null;
  const m = CH_TIME.exec(v);
  // ClickHouse keeps milliseconds (DateTime64(3)); a finer fraction is cut to what a JS Date carries.
  const ms = m ? Date.parse(`${m[1]}T${m[2]!.replace(/(\.\d{3})\d+$/, '$1')}Z`) : Date.parse(v);
  if (Number.isNaN(ms)) return null;
  return ms <= 0 ? null : new Date(ms).toISOString();
}
