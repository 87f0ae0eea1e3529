import { CITIES, COUNTIES, PROVINCE } from '@/core/org/divisions';
import { drillMeasures, kpiMeasures } from '../definitions';
import { levelOf, type Level } from './compile';
import type { Part, PartRow, PlanDeps, QueryPlan } from './plan';
import type { KpiPoint, KpiQueryResult, KpiSeries } from './result';
import { bucketStarts, dayStart, type Calendar, type Granularity } from './time';
import { computeValue, statusOf } from './value';

// Turns a part's rows into its KPIs' series: one point per expected org and current bucket, with the
// comparison periods lined up and the status judged, whether the rows came from the part's own SQL or
// were folded out of a shared scan.

/** Maps a SQL bucket label back to its bucket start (epoch ms). */
function bucketKey(label: string, g: Granularity, cal: Calendar): number {
  if (g === 'total') return 0;
  if (g === 'hour') return Date.parse(label.replace(' ', 'T') + 'Z');
  const [y, m, d] = label.slice(0, 10).split('-').map(Number) as [number, number, number];
  return dayStart(cal, y, m, d);
}

function expectedOrgs(orgCode: string, by: 'total' | Level, hallNames: PlanDeps['hallNames']): { code: string; name: string }[] | null {
  if (by === 'total') return null;
  const level = levelOf(orgCode);
  if (by === 'city') return level === 'province' ? CITIES.map((c) => ({ code: c.code, name: c.name })) : [];
  if (by === 'county')
    return COUNTIES.filter((c) => level === 'province' || c.cityCode === orgCode).map((c) => ({ code: c.code, name: c.name }));
  if (by === 'hall' && hallNames)
    return [...hallNames.entries()]
      .filter(([code, h]) => code.startsWith(orgCode) || h.countyCode.startsWith(orgCode))
      .map(([code, h]) => ({ code, name: h.name }))
      .sort((a, b) => a.code.localeCompare(b.code));
  return null;
}

export function orgName(code: string, hallNames?: PlanDeps['hallNames']): string {
  if (code === PROVINCE.code) return PROVINCE.name;
  return CITIES.find((c) => c.code === code)?.name ?? COUNTIES.find((c) => c.code === code)?.name ?? hallNames?.get(code)?.name ?? code;
}

/** The series of a part's KPIs from the part's rows. */
export function assemblePart(p: Part, rows: readonly PartRow[], deps: Pick<PlanDeps, 'ctx' | 'hallNames'>): KpiSeries[] {
  const { ctx } = deps;
  const { spec, range, compare: compareIdx } = p;
  const { family: f, measures, periods, granularity } = spec;
  // Index rows by org, then by bucket position within their own period, so a comparison lines up with
  // the current bucket it belongs to even where either side has no data.
  const starts = periods.map((per) => bucketStarts(per, granularity, ctx.cal));
  const byOrg = new Map<string, Map<number, Record<string, number | null>>[]>();
  for (const r of rows) {
    const per = r.period;
    if (per < 0) continue;
    const idx = granularity === 'total' ? 0 : starts[per]!.indexOf(bucketKey(r.b, granularity, ctx.cal));
    if (idx < 0) continue;
    const slots =
      byOrg.get(r.org) ?? Array.from({ length: Math.max(1, periods.length) }, () => new Map<number, Record<string, number | null>>());
    byOrg.set(r.org, slots);
    const m: Record<string, number | null> = {};
    for (const name of measures) m[name] = r.m[name] ?? null;
    slots[per]!.set(idx, m);
  }
  const orgs = expectedOrgs(spec.orgCode, spec.by, deps.hallNames) ?? [...byOrg.keys()].sort().map((code) => ({ code, name: '' }));
  if (spec.by === 'total' && orgs.length === 0) orgs.push({ code: spec.orgCode, name: '' });
  const empty = () => Object.fromEntries(measures.map((n) => [n, f.measures[n]!.kind === 'min_time' ? null : 0]));
  return p.kpis.map((k): KpiSeries => {
    const thresholds = k.thresholds?.(ctx.params);
    const points: KpiPoint[] = [];
    for (const o of orgs) {
      const slots = byOrg.get(o.code);
      const current = starts[0] ?? [0];
      current.forEach((start, i) => {
        const m = slots?.[0]?.get(i) ?? empty();
        const value = computeValue(k, m, ctx.now);
        const cmp = (per: number | undefined) =>
          per === undefined ? undefined : computeValue(k, slots?.[per]?.get(i) ?? empty(), ctx.now);
        const compare: KpiPoint['compare'] = {};
        if (compareIdx.previous !== undefined) compare.previous = cmp(compareIdx.previous) ?? null;
        if (compareIdx.yoy !== undefined) compare.yoy = cmp(compareIdx.yoy) ?? null;
        points.push({
          orgCode: o.code,
          orgName: o.name || orgName(o.code, deps.hallNames),
          bucket: granularity === 'total' || range === null ? null : new Date(start).toISOString(),
          value,
          count: Number(m[drillMeasures(k).numerator] ?? 0),
          measures: Object.fromEntries(kpiMeasures(k).map((n) => [n, m[n] ?? null])),
          compare,
          status: statusOf(k, value, thresholds),
        });
      });
    }
    return {
      kpi: k.id,
      granularity,
      // Read after merge-scans.ts, which may have moved the part to another grain.
      engine: spec.grain ? 'rollup' : 'raw',
      grain: spec.grain ?? null,
      range: range ? { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() } : null,
      points,
    };
  });
}

/** A query's result from the series of its parts, its KPIs in the order asked. */
export function assembleResult(plan: QueryPlan, seriesOf: ReadonlyMap<Part, readonly KpiSeries[]>): KpiQueryResult {
  const q = plan.query;
  const series = new Map(plan.parts.flatMap((p) => seriesOf.get(p)!).map((s) => [s.kpi, s]));
  return { key: q.key, orgCode: q.orgCode, by: q.by, granularity: q.granularity, kpis: q.kpis.map((id) => series.get(id)!) };
}
