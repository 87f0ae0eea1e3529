import { z } from 'zod';
import { CITIES, COUNTIES, PROVINCE } from '@/core/org/divisions';
import type { ClickHouse } from '@/core/clickhouse/client';
import { drillMeasures, isLive, KPI_BY_ID, kpiMeasures } from '../definitions';
import type { KpiDef } from '../definitions/types';
import { FAMILY_BY_ID } from '../families';
import type { Family, Grain } from '../families/types';
import { hasCountyRollup } from '../rollup/columns';
import {
  compileAggregate,
  compileRollupScan,
  compileRows,
  KpiQueryError,
  levelOf,
  rollupBounds,
  rollupBucketLabel,
  rollupTimeKind,
  unionParts,
  type AggregateSpec,
  type Bounds,
  type CompileContext,
  type Level,
} from './compile';
import type { KpiQuery, KpiRowsQuery } from './schema';
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
import { computeValue, statusOf } from './value';

export interface EngineDeps {
  ch: ClickHouse;
  ctx: CompileContext;
  /** Whether a family's rollups are complete and built with the current parameters. */
  rollupReady: (familyId: string) => boolean;
  /** Forces the naive path (the benchmark's baseline and the rollup-equals-raw test). */
  forceRaw?: boolean;
  hallNames?: ReadonlyMap<string, { name: string; countyCode: string }>;
}

export interface KpiPoint {
  orgCode: string;
  orgName: string;
  /** Bucket start (ISO) for a series, null for a total. */
  bucket: string | null;
  value: number | null;
  /** Records behind the figure (the drill-down numerator's row count). */
  count: number;
  measures: Record<string, number | null>;
  compare: { previous?: number | null; yoy?: number | null };
  status: 'ok' | 'warn' | 'alarm' | null;
}

export interface KpiSeries {
  kpi: string;
  granularity: Granularity;
  engine: 'rollup' | 'raw';
  grain: Grain | null;
  range: { from: string; to: string } | null;
  points: KpiPoint[];
}

export interface KpiQueryResult {
  key?: string;
  orgCode: string;
  by: string;
  granularity: Granularity;
  kpis: KpiSeries[];
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

function pickGrain(f: Family, live: boolean, periods: Range[], g: Granularity, deps: EngineDeps): Grain | undefined {
  if (live || deps.forceRaw || f.grains.length === 0 || !deps.rollupReady(f.id)) return undefined;
  if (f.timeType === 'date') return f.grains.includes('month') ? 'month' : undefined;
  if (g !== 'hour' && f.grains.includes('day') && deps.ctx.cal.resetHour === 0 && alignedToDays(periods, deps.ctx.cal)) return 'day';
  if (f.grains.includes('hour') && alignedToHours(periods)) return 'hour';
  return undefined;
}

const aggRow = z.object({
  part: z.coerce.number(),
  org: z.string(),
  b: z.string(),
  period: z.coerce.number(),
  m: z.array(z.union([z.null(), z.coerce.number()])),
});
/** A result row with its measures by name. */
interface AggRow {
  org: string;
  b: string;
  period: number;
  m: Record<string, number | null>;
}

/** Maps a SQL bucket label back to its bucket start (epoch ms). */
function bucketKey(label: string, g: Granularity, cal: Calendar): number {
  if (g === 'total') return 0;
  if (g === 'hour') return Date.parse(label.replace(' ', 'T') + 'Z');
  const [y, m, d] = label.slice(0, 10).split('-').map(Number) as [number, number, number];
  return dayStart(cal, y, m, d);
}

function expectedOrgs(orgCode: string, by: 'total' | Level, hallNames: EngineDeps['hallNames']): { code: string; name: string }[] | null {
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

export function orgName(code: string, hallNames?: EngineDeps['hallNames']): string {
  if (code === PROVINCE.code) return PROVINCE.name;
  return CITIES.find((c) => c.code === code)?.name ?? COUNTIES.find((c) => c.code === code)?.name ?? hallNames?.get(code)?.name ?? code;
}

/** One family and time frame of a query: its own SQL, or a share of a rollup scan (see runKpiBatch). */
interface Part {
  spec: AggregateSpec;
  sql: string;
  params: Record<string, unknown>;
  finish(rows: readonly AggRow[]): void;
}

/** Compiles one query into statement parts (one per family and time frame) and an assembler of the result. */
function planQuery(q: KpiQuery, deps: EngineDeps): { parts: Part[]; result(): KpiQueryResult } {
  const { ctx } = deps;
  const defs = q.kpis.map((id) => KPI_BY_ID.get(id)!);
  const groups = new Map<
    string,
    { f: Family; defs: KpiDef[]; range: Range | null; live: boolean; filters: Record<string, readonly string[]> }
  >();
  for (const k of defs) {
    const f = FAMILY_BY_ID.get(k.family)!;
    const range = kpiRange(k, q, ctx.now, ctx.cal);
    const filters: Record<string, readonly string[]> = { ...q.filters, ...(k.fixedFilters ?? {}) };
    // Filters the family does not have are an error only when no KPI of the query can take them.
    for (const name of Object.keys(q.filters)) if (!f.dims[name]) delete filters[name];
    const live = isLive(k);
    const key = JSON.stringify([f.id, range, live, filters]);
    const g = groups.get(key) ?? { f, defs: [], range, live, filters };
    g.defs.push(k);
    groups.set(key, g);
  }
  for (const name of Object.keys(q.filters)) {
    if (!defs.some((k) => FAMILY_BY_ID.get(k.family)!.dims[name]))
      throw new KpiQueryError(`所选指标都没有维度 ${name} (none of the KPIs has a dimension ${name})`);
  }

  const series = new Map<string, KpiSeries>();
  const parts = [...groups.values()].map(({ f, defs: gdefs, range, live, filters }): Part => {
    const granularity = effectiveGranularity(f, gdefs[0]!, range, q.granularity);
    const periods: Range[] = [];
    const compareIdx: { previous?: number; yoy?: number } = {};
    if (range) {
      periods.push(range);
      const comparable = gdefs[0]!.fixedTime !== 'open_orders' && gdefs[0]!.fixedTime !== 'arrears_book';
      if (comparable && q.compare.includes('previous')) compareIdx.previous = periods.push(previousRange(range, ctx.now)) - 1;
      if (comparable && q.compare.includes('yoy')) compareIdx.yoy = periods.push(yoyRange(range, ctx.now, ctx.cal)) - 1;
      const n = bucketStarts(range, granularity, ctx.cal).length;
      if (n > MAX_BUCKETS[granularity])
        throw new KpiQueryError(`粒度过细：${n} 个时间段 (too many ${granularity} buckets: ${n}; at most ${MAX_BUCKETS[granularity]})`);
    }
    const measures = [...new Set(gdefs.flatMap((k) => [...kpiMeasures(k), drillMeasures(k).numerator]))];
    const grain = pickGrain(f, live, periods, granularity, deps);
    // No halls and no dimension filters: the county table of the grain has the same figures in fewer rows.
    const county = !!grain && hasCountyRollup(f) && Object.keys(filters).length === 0 && q.by !== 'hall' && levelOf(q.orgCode) !== 'hall';
    const spec: AggregateSpec = { family: f, measures, orgCode: q.orgCode, by: q.by, periods, granularity, filters, grain, county };
    const { sql, params } = compileAggregate({ ...spec, untimed: range === null }, ctx);
    return {
      spec,
      sql,
      params,
      finish(rows) {
        // Index rows by org, then by bucket position within their own period, so a comparison lines up with
        // the current bucket it belongs to even where either side has no data.
        const starts = periods.map((p) => bucketStarts(p, granularity, ctx.cal));
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
        const orgs = expectedOrgs(q.orgCode, q.by, deps.hallNames) ?? [...byOrg.keys()].sort().map((code) => ({ code, name: '' }));
        if (q.by === 'total' && orgs.length === 0) orgs.push({ code: q.orgCode, name: '' });
        const empty = () => Object.fromEntries(measures.map((n) => [n, f.measures[n]!.kind === 'min_time' ? null : 0]));
        for (const k of gdefs) {
          const thresholds = k.thresholds?.(ctx.params);
          const points: KpiPoint[] = [];
          for (const o of orgs) {
            const slots = byOrg.get(o.code);
            const current = starts[0] ?? [0];
            current.forEach((start, i) => {
              const m = slots?.[0]?.get(i) ?? empty();
              const value = computeValue(k, m, ctx.now);
              const cmp = (p: number | undefined) =>
                p === undefined ? undefined : computeValue(k, slots?.[p]?.get(i) ?? empty(), ctx.now);
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
          series.set(k.id, {
            kpi: k.id,
            granularity,
            engine: spec.grain ? 'rollup' : 'raw',
            grain: spec.grain ?? null,
            range: range ? { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() } : null,
            points,
          });
        }
      },
    };
  });
  return {
    parts,
    result: () => ({ key: q.key, orgCode: q.orgCode, by: q.by, granularity: q.granularity, kpis: q.kpis.map((id) => series.get(id)!) }),
  };
}

/** Rows a shared rollup scan may return (orgs × stored buckets); beyond it each part aggregates on its own. */
const SCAN_MAX_ROWS = 4000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A measure folds exactly from per-bucket values in JavaScript: not distinct counts, not decimal money. */
const foldable = (f: Family, name: string) => {
  const m = f.measures[name]!;
  return m.kind !== 'uniq' && !(m.kind === 'sum' && m.decimal);
};

/**
 * Merges bounds into disjoint, sorted ones (numbers and ISO dates both compare in order). Hour ranges less
 * than a day apart become one: a few extra hours cost less than another key range, and folding skips them.
 */
function mergeBounds(all: readonly Bounds[]): Bounds[] {
  const sorted = [...all].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const out: Bounds[] = [];
  for (const b of sorted) {
    const last = out[out.length - 1];
    const near = typeof b.from === 'number' ? b.from - (last?.to as number) <= DAY_MS : last && b.from <= last.to;
    if (last && near) {
      if (b.to > last.to) last.to = b.to;
    } else out.push({ ...b });
  }
  return out;
}

function scanRows(f: Family, grain: Grain, bounds: readonly Bounds[], levels: readonly Level[], deps: EngineDeps): number {
  const width = (b: Bounds) =>
    typeof b.from === 'number'
      ? ((b.to as number) - b.from) / HOUR_MS
      : (Date.parse(b.to as string) - Date.parse(b.from)) / (grain === 'month' ? 28 * DAY_MS : DAY_MS) + 1;
  const buckets = bounds.reduce((n, b) => n + width(b), 0);
  const deepest = levels[levels.length - 1];
  const orgs =
    deepest === 'hall' ? (deps.hallNames?.size ?? 1000) : deepest === 'county' ? COUNTIES.length : deepest === 'city' ? CITIES.length : 1;
  return buckets * orgs;
}

const LEVELS = ['city', 'county', 'hall'] as const;
const scanLevels = (group: readonly Part[]): Level[] => LEVELS.filter((l) => group.some((p) => p.spec.by === l));
const scanBounds = (group: readonly Part[], grain: Grain, deps: EngineDeps) =>
  mergeBounds(group.flatMap((p) => rollupBounds(p.spec.family, grain, p.spec.periods, deps.ctx.cal)));

interface Scan {
  sql: string;
  params: Record<string, unknown>;
  measures: readonly string[];
  parts: readonly Part[];
  kind: 'datetime' | 'date';
}

/**
 * Parts that read the same rollup (family, org, filters) become one scan grouped by org and stored bucket,
 * which each part then folds into its own periods and buckets: a wall zone's tiles, ranking and curve of a
 * family cost one read of one table. Short hour-aligned frames all read the hour table. A part alone is
 * scanned too when that is small (its periods then need no per-row multiIf). Parts with distinct counts or
 * money, or too many rows, keep their own aggregate.
 */
function planScans(parts: readonly Part[], deps: EngineDeps): { scans: Scan[]; own: Part[] } {
  const groups = new Map<string, Part[]>();
  const own: Part[] = [];
  for (const p of parts) {
    const { family: f, grain, measures } = p.spec;
    if (!grain || !measures.every((n) => foldable(f, n))) {
      own.push(p);
      continue;
    }
    const key = JSON.stringify([f.id, p.spec.orgCode, p.spec.filters, p.spec.county]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const scans: Scan[] = [];
  for (const members of groups.values()) {
    const f = members[0]!.spec.family;
    // One grain for all: theirs if they agree, else the hour table when every frame is whole hours and the
    // scan stays small; failing that, one scan per grain.
    const grains = [...new Set(members.map((p) => p.spec.grain!))];
    const options: [Grain, Part[]][][] = [];
    if (grains.length === 1) options.push([[grains[0]!, members]]);
    else {
      if (f.grains.includes('hour') && members.every((p) => alignedToHours(p.spec.periods as Range[]))) options.push([['hour', members]]);
      options.push(grains.map((g) => [g, members.filter((p) => p.spec.grain === g)]));
    }
    const fits = ([grain, group]: [Grain, Part[]]) =>
      scanRows(f, grain, scanBounds(group, grain, deps), scanLevels(group), deps) <= SCAN_MAX_ROWS;
    const chosen = options.find((o) => o.every(fits)) ?? options[options.length - 1]!;
    for (const [grain, group] of chosen) {
      if (!fits([grain, group])) {
        own.push(...group);
        continue;
      }
      for (const p of group) p.spec.grain = grain;
      const measures = [...new Set(group.flatMap((p) => p.spec.measures))];
      const { sql, params } = compileRollupScan(
        {
          family: f,
          grain,
          measures,
          orgCode: group[0]!.spec.orgCode,
          levels: scanLevels(group),
          bounds: scanBounds(group, grain, deps),
          filters: group[0]!.spec.filters,
          county: !!group[0]!.spec.county,
        },
        deps.ctx,
      );
      scans.push({ sql, params, measures, parts: group, kind: rollupTimeKind(f, grain) });
    }
  }
  return { scans, own };
}

/** Folds a scan's rows (org path, stored bucket) into one part's rows (org, bucket label, period). */
function foldScan(scan: Scan, p: Part, rows: readonly { org: string; b: string; m: (number | null)[] }[], deps: EngineDeps): AggRow[] {
  const { family: f, grain, periods, granularity, by, orgCode } = p.spec;
  const cal = deps.ctx.cal;
  const bounds = rollupBounds(f, grain!, periods, cal);
  const levels = scanLevels(scan.parts);
  const at = by === 'total' || by === 'province' ? -1 : levels.indexOf(by);
  const index = p.spec.measures.map((n) => scan.measures.indexOf(n));
  const out = new Map<string, AggRow>();
  const labels = new Map<string, string>();
  for (const r of rows) {
    const ms = scan.kind === 'datetime' ? Date.parse(r.b.replace(' ', 'T') + 'Z') : 0;
    const v = scan.kind === 'datetime' ? ms : r.b;
    const period = bounds.findIndex((b) => v >= b.from && v < b.to);
    if (period < 0) continue;
    const org = at < 0 ? orgCode : r.org.split('|')[at]!;
    // Labels need the business date of the bucket (Intl): once per bucket, not once per org.
    let b = labels.get(r.b);
    if (b === undefined) labels.set(r.b, (b = rollupBucketLabel(r.b, ms, granularity, scan.kind, cal)));
    const key = `${org}\u0000${b}\u0000${period}`;
    let row = out.get(key);
    if (!row) {
      row = { org, b, period, m: {} };
      out.set(key, row);
    }
    p.spec.measures.forEach((name, i) => {
      const x = r.m[index[i]!] ?? null;
      const acc = row.m[name];
      switch (f.measures[name]!.kind) {
        case 'max':
          row.m[name] = acc === undefined || acc === null ? x : x === null ? acc : Math.max(acc, x);
          break;
        case 'min_time':
          row.m[name] = acc === undefined || acc === null ? x : x === null ? acc : Math.min(acc, x);
          break;
        default:
          row.m[name] = (acc ?? 0) + (x ?? 0);
      }
    });
  }
  return [...out.values()];
}

/**
 * Runs a batch of declarative queries as ONE statement: every rollup scan and every other family and time
 * frame of every query is a part of a UNION ALL, so a wall zone's refresh costs one round trip however many
 * tiles it has.
 */
export async function runKpiBatch(queries: readonly KpiQuery[], deps: EngineDeps): Promise<KpiQueryResult[]> {
  const plans = queries.map((q) => planQuery(q, deps));
  const parts = plans.flatMap((p) => p.parts);
  const { scans, own } = planScans(parts, deps);
  const { sql, params } = unionParts([...scans, ...own]);
  const rows = await deps.ch.query(`kpi.batch.${scans.length + own.length}`, sql, params, aggRow);
  const byPart = [...scans, ...own].map(() => [] as z.infer<typeof aggRow>[]);
  for (const r of rows) byPart[r.part]!.push(r);
  scans.forEach((scan, i) => {
    for (const p of scan.parts) p.finish(foldScan(scan, p, byPart[i]!, deps));
  });
  own.forEach((p, j) => {
    const names = p.spec.measures;
    p.finish(byPart[scans.length + j]!.map((r) => ({ ...r, m: Object.fromEntries(names.map((n, i) => [n, r.m[i] ?? null])) })));
  });
  return plans.map((p) => p.result());
}

export async function runKpiQuery(q: KpiQuery, deps: EngineDeps): Promise<KpiQueryResult> {
  return (await runKpiBatch([q], deps))[0]!;
}

export interface KpiRowsResult {
  kpi: string;
  part: 'numerator' | 'denominator';
  total: number;
  page: number;
  pageSize: number;
  columns: { name: string; label: { zh: string; en: string }; type: string }[];
  rows: Record<string, unknown>[];
}

/** The drill-down contract: the leaf records behind a KPI figure, paged and sorted. */
export async function runKpiRows(q: KpiRowsQuery, deps: EngineDeps & { hidePersonal?: boolean }): Promise<KpiRowsResult> {
  const k = KPI_BY_ID.get(q.kpi)!;
  const f = FAMILY_BY_ID.get(k.family)!;
  const parts = drillMeasures(k);
  const measure = q.part === 'numerator' ? parts.numerator : parts.denominator;
  if (!measure) throw new KpiQueryError(`指标 ${k.id} 没有分母 (${k.id} has no denominator)`);
  const range = kpiRange(k, q, deps.ctx.now, deps.ctx.cal);
  const filters: Record<string, readonly string[]> = { ...q.filters, ...(k.fixedFilters ?? {}) };
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
    deps.ch.query(`kpi.rows.${f.id}`, rows.sql, rows.params, z.record(z.string(), z.unknown())),
    deps.ch.query(`kpi.rows.count.${f.id}`, count.sql, count.params, z.object({ n: z.coerce.number() })),
  ]);
  return { kpi: k.id, part: q.part, total: n[0]?.n ?? 0, page: q.page, pageSize: q.pageSize, columns, rows: data };
}
