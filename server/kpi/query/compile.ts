import { chTime } from '@/core/time';
import { InvalidError } from '@/core/errors';
import { PROVINCE } from '@/core/org/divisions';
import type { Family, Grain, Measure } from '../families/types';
import type { KpiParams } from '../params';
import { rollupTable, storedDims } from '../rollup/columns';
import { businessDate, ymd, type Calendar, type Granularity, type Range } from './time';

// Compiles declarative KPI questions to SQL text made only of code-side fragments, with every value bound
// as a {name:Type} parameter. The same measure definitions serve the rollup path, the naive path straight
// over the facts, the rollup refresh (rollup/refresh-sql.ts, built on rawAgg and basePool here) and the
// drill-down rows, so they cannot drift apart.

export class KpiQueryError extends InvalidError {
  constructor(message: string) {
    super(message);
    this.name = 'KpiQueryError';
  }
}

export type Level = 'province' | 'city' | 'county' | 'hall';
const LEVEL_BY_LENGTH: Record<number, Level> = { 2: 'province', 4: 'city', 6: 'county', 9: 'hall' };
const RANK: Record<Level, number> = { province: 0, city: 1, county: 2, hall: 3 };

export function levelOf(code: string): Level {
  const level = LEVEL_BY_LENGTH[code.length];
  if (!level) throw new KpiQueryError(`单位编码 ${code} 无效 (org code must have 2, 4, 6 or 9 digits)`);
  if (!code.startsWith(PROVINCE.code)) throw new KpiQueryError(`单位 ${code} 不在本省 (org ${code} is outside ${PROVINCE.code})`);
  return level;
}

export interface CompileContext {
  params: KpiParams;
  cal: Calendar;
  now: number;
}

/** Values every query may bind; each statement takes just the ones it names. */
export function basePool(f: Family, ctx: CompileContext): Record<string, unknown> {
  return {
    ...f.params(ctx.params),
    now: chTime(ctx.now),
    today: ymd(businessDate(ctx.cal, ctx.now)),
    tz: ctx.cal.tz,
    resetH: ctx.cal.resetHour,
  };
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):[^}]+\}/g;

/** Keeps the pool entries the SQL names (the ClickHouse wrapper rejects unused values). */
export function bind(sql: string, pool: Record<string, unknown>): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  for (const m of sql.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!(name in pool)) throw new Error(`no value for {${name}} in compiled KPI SQL`);
    params[name] = pool[name];
  }
  return { sql, params };
}

function orgPredicate(f: Family, orgCode: string): { sql: string; pool: Record<string, unknown> } {
  const level = levelOf(orgCode);
  if (level === 'province') {
    if (orgCode !== PROVINCE.code) throw new KpiQueryError(`未知单位 ${orgCode} (unknown org)`);
    return { sql: '1', pool: {} };
  }
  if (f.leaf === 'none') throw new KpiQueryError(`${f.label.zh}不分地区，只能按全省查看 (${f.label.en} are province-wide)`);
  if (level === 'hall' && f.leaf !== 'hall')
    throw new KpiQueryError(`${f.label.zh}不能细分到营业厅 (${f.label.en} do not go below county)`);
  return { sql: `${level}_code = {orgCode:String}`, pool: { orgCode } };
}

function groupExpr(f: Family, orgCode: string, by: 'total' | Level): string {
  if (by === 'total' || by === 'province') return '{orgCode:String}';
  if (RANK[by] <= RANK[levelOf(orgCode)])
    throw new KpiQueryError(`细分层级 ${by} 须低于所选单位 (break-down must be below the org's level)`);
  if (f.leaf === 'none' || (by === 'hall' && f.leaf !== 'hall'))
    throw new KpiQueryError(`${f.label.zh}不能按${by}细分 (${f.label.en} cannot be broken down by ${by})`);
  return `${by}_code`;
}

/**
 * A code-side name list (a family's dimensions or drill columns) looked up by a name from the client: own
 * properties only, so `constructor`, `__proto__` or `toString` name nothing instead of Object.prototype's.
 */
export function ownEntry<T>(list: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(list, name) ? list[name] : undefined;
}

function dimPredicates(f: Family, filters: Record<string, readonly string[]>, path: 'raw' | 'rollup', measures: readonly string[]) {
  const parts: string[] = [];
  const pool: Record<string, unknown> = {};
  const stored = new Set(storedDims(f).map(([n]) => n));
  for (const [name, values] of Object.entries(filters)) {
    const dim = ownEntry(f.dims, name);
    if (!dim) throw new KpiQueryError(`${f.label.zh}没有维度 ${name} (no dimension ${name}; have ${Object.keys(f.dims).join(', ')})`);
    const other = dim.only ? measures.filter((m) => !dim.only!.measures.includes(m)) : [];
    if (other.length)
      throw new KpiQueryError(
        `不能按${dim.label.zh}筛选：${dim.only!.why.zh} (no ${name} filter on ${other.join(', ')}: ${dim.only!.why.en})`,
      );
    if (dim.values) {
      const bad = values.filter((v) => !dim.values!.includes(v));
      if (bad.length) throw new KpiQueryError(`维度 ${name} 不含 ${bad.join(', ')} (allowed: ${dim.values.join(', ')})`);
    }
    const expr = path === 'rollup' && stored.has(name) ? name : dim.sql;
    parts.push(`${expr} IN {f_${name}:Array(String)}`);
    pool[`f_${name}`] = [...values];
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', pool };
}

type TimeKind = 'datetime' | 'date';

/** A period's bounds as the SQL compares them: epoch ms for a DateTime column, business dates for a Date column. */
export interface Bounds {
  from: number | string;
  to: number | string;
}

function boundsOf(r: Range, kind: TimeKind, cal: Calendar, monthStart: boolean): Bounds {
  if (kind === 'datetime') return { from: r.from, to: r.to };
  // Bill months: a range takes the months it touches (a month is billed as a whole).
  const b = businessDate(cal, r.from);
  return { from: ymd(monthStart ? { ...b, d: 1 } : b), to: ymd(businessDate(cal, r.to)) };
}

function boundValue(v: number | string, kind: TimeKind): string {
  return kind === 'datetime' ? chTime(v as number) : (v as string);
}

function periodPredicates(expr: string, periods: readonly Range[], kind: TimeKind, cal: Calendar, monthStart = false) {
  const pool: Record<string, unknown> = {};
  const type = kind === 'datetime' ? "DateTime64(3, 'UTC')" : 'Date';
  const preds = periods.map((r, i) => {
    const b = boundsOf(r, kind, cal, monthStart);
    pool[`p${i}f`] = boundValue(b.from, kind);
    pool[`p${i}t`] = boundValue(b.to, kind);
    return `(${expr} >= {p${i}f:${type}} AND ${expr} < {p${i}t:${type}})`;
  });
  const period = periods.length === 1 ? '0' : `multiIf(${preds.map((p, i) => `${p}, ${i}`).join(', ')}, -1)`;
  return { where: `(${preds.join(' OR ')})`, period, pool };
}

/** How a rollup table's `bucket` compares with a period: a DateTime (hour tables) or a Date. */
export function rollupTimeKind(f: Family, grain: Grain): TimeKind {
  return f.timeType === 'date' || grain !== 'hour' ? 'date' : 'datetime';
}

/** Each period's bounds on a rollup table's `bucket`, exactly as compileAggregate compares them. */
export function rollupBounds(f: Family, grain: Grain, periods: readonly Range[], cal: Calendar): Bounds[] {
  return periods.map((r) => boundsOf(r, rollupTimeKind(f, grain), cal, f.timeType === 'date'));
}

/**
 * A rollup bucket's label at a granularity, exactly as bucketExpr('bucket', …) renders it: `b` is
 * toString(bucket), `ms` its instant (hour tables only).
 */
export function rollupBucketLabel(b: string, ms: number, g: Granularity, kind: TimeKind, cal: Calendar): string {
  if (g === 'total') return '';
  if (kind === 'date') {
    if (g === 'hour') throw new KpiQueryError('该指标没有小时粒度 (no hourly granularity for this KPI)');
    return g === 'day' ? b : `${b.slice(0, 8)}01`;
  }
  if (g === 'hour') return b;
  const d = businessDate(cal, ms);
  return ymd(g === 'day' ? d : { ...d, d: 1 });
}

function bucketExpr(t: string, g: Granularity, kind: TimeKind | 'day_table'): string {
  if (g === 'total') return "''";
  if (kind === 'date' || kind === 'day_table') {
    if (g === 'hour') throw new KpiQueryError('该指标没有小时粒度 (no hourly granularity for this KPI)');
    return g === 'day' ? `toString(${t})` : `toString(toStartOfMonth(${t}))`;
  }
  const day = `toDate(${t} - toIntervalHour({resetH:UInt8}), {tz:String})`;
  if (g === 'hour') return `toString(toStartOfHour(${t}))`;
  return g === 'day' ? `toString(${day})` : `toString(toStartOfMonth(${day}))`;
}

export function rawAgg(name: string, m: Measure): string {
  switch (m.kind) {
    case 'count':
      return `countIf(${m.where}) AS m_${name}`;
    case 'sum':
      return `sumIf(${m.expr}, ${m.where}) AS m_${name}`;
    case 'max':
      return `maxIf(${m.expr}, ${m.where}) AS m_${name}`;
    case 'min_time':
      return `if(countIf(${m.where}) = 0, NULL, minIf(${m.expr}, ${m.where})) AS m_${name}`;
    case 'uniq':
      return `uniqExactIf(${m.expr}, ${m.where}) AS m_${name}`;
  }
}

/**
 * A stored measure re-aggregated from rollup rows. `state`: keep a distinct count as its state (the refresher
 * writes days from hours and counties from halls); otherwise finish it into a number (a query's answer).
 */
export function rollupAgg(name: string, m: Measure, state = false): string {
  switch (m.kind) {
    case 'count':
    case 'sum':
      return `sum(${name}) AS m_${name}`;
    case 'max':
      return `max(${name}) AS m_${name}`;
    case 'min_time':
      return `min(${name}) AS m_${name}`;
    case 'uniq':
      return `${state ? 'uniqExactMergeState' : 'uniqExactMerge'}(${name}) AS m_${name}`;
  }
}

export interface AggregateSpec {
  family: Family;
  measures: readonly string[];
  orgCode: string;
  by: 'total' | Level;
  /** Current period first, then the comparison periods; `period` in the result is the index. */
  periods: readonly Range[];
  granularity: Granularity;
  filters: Record<string, readonly string[]>;
  /** A rollup grain, or undefined for the naive path over the facts. */
  grain?: Grain;
  /** Read the grain's county table (no halls, no dimension filters). */
  county?: boolean;
  /** No time filter at all (agents' state now). */
  untimed?: boolean;
}

export function compileAggregate(spec: AggregateSpec, ctx: CompileContext) {
  const f = spec.family;
  const org = orgPredicate(f, spec.orgCode);
  const group = groupExpr(f, spec.orgCode, spec.by);
  const dims = dimPredicates(f, spec.filters, spec.grain ? 'rollup' : 'raw', spec.measures);
  const ms = spec.measures.map((n) => {
    const m = f.measures[n];
    if (!m) throw new Error(`family ${f.id} has no measure ${n}`);
    return [n, m] as const;
  });
  const pool = { ...basePool(f, ctx), ...org.pool, ...dims.pool, orgCode: spec.orgCode };
  let sql: string;
  if (spec.grain) {
    const kind: TimeKind | 'day_table' = f.timeType === 'date' ? 'date' : spec.grain === 'hour' ? 'datetime' : 'day_table';
    const per = periodPredicates('bucket', spec.periods, kind === 'datetime' ? 'datetime' : 'date', ctx.cal, kind === 'date');
    Object.assign(pool, per.pool);
    sql = `SELECT ${group} AS org, ${bucketExpr('bucket', spec.granularity, kind)} AS b, ${per.period} AS period,
  ${measureArray(ms, rollupAgg)} AS m
FROM ${rollupTable(f, spec.grain, spec.county)} FINAL
WHERE ${per.where} AND ${org.sql} AND ${dims.sql}
GROUP BY org, b, period`;
  } else {
    const t = f.timeColumn;
    const per = spec.untimed
      ? { where: '1', period: '0', pool: {} }
      : periodPredicates(t, spec.periods, f.timeType, ctx.cal, f.timeType === 'date');
    Object.assign(pool, per.pool);
    sql = `SELECT ${group} AS org, ${spec.untimed ? "''" : bucketExpr(t, spec.granularity, f.timeType)} AS b, ${per.period} AS period,
  ${measureArray(ms, rawAgg)} AS m
FROM ${f.from.replaceAll('{{where}}', `${per.where} AND ${org.sql}`)}
WHERE ${dims.sql}
GROUP BY org, b, period`;
  }
  return bind(sql, pool);
}

export interface ScanSpec {
  family: Family;
  grain: Grain;
  measures: readonly string[];
  orgCode: string;
  /** Org columns to keep apart (joined with '|' in `org`), shallowest first; none = the org itself. */
  levels: readonly Level[];
  /** Disjoint bucket bounds to read (see rollupBounds). */
  bounds: readonly Bounds[];
  filters: Record<string, readonly string[]>;
  county: boolean;
}

/**
 * One read of a rollup table for several questions at once: rows per org and stored bucket, no periods,
 * so the caller folds them into each question's periods and buckets (see merge-scans.ts). Only for measures
 * that fold exactly (counts, integer sums, max, min).
 */
export function compileRollupScan(spec: ScanSpec, ctx: CompileContext) {
  const f = spec.family;
  const org = orgPredicate(f, spec.orgCode);
  const dims = dimPredicates(f, spec.filters, 'rollup', spec.measures);
  const ms = spec.measures.map((n) => [n, f.measures[n]!] as const);
  const kind = rollupTimeKind(f, spec.grain);
  const type = kind === 'datetime' ? "DateTime64(3, 'UTC')" : 'Date';
  const pool: Record<string, unknown> = { ...basePool(f, ctx), ...org.pool, ...dims.pool };
  const ranges = spec.bounds.map((b, i) => {
    pool[`s${i}f`] = boundValue(b.from, kind);
    pool[`s${i}t`] = boundValue(b.to, kind);
    return `(bucket >= {s${i}f:${type}} AND bucket < {s${i}t:${type}})`;
  });
  const cols = spec.levels.map((l) => `${l}_code`);
  const orgExpr = cols.length === 0 ? "''" : cols.length === 1 ? cols[0]! : `concat(${cols.join(", '|', ")})`;
  const sql = `SELECT ${orgExpr} AS org, toString(bucket) AS b, 0 AS period,
  ${measureArray(ms, rollupAgg)} AS m
FROM ${rollupTable(f, spec.grain, spec.county)} FINAL
WHERE (${ranges.join(' OR ')}) AND ${org.sql} AND ${dims.sql}
GROUP BY org, bucket`;
  return bind(sql, pool);
}

/**
 * Measures as one array column, in the order asked, so that parts of different families share a shape and a
 * batch can be one UNION ALL (an array costs the engine less than a Map with its keys). Float64 holds counts
 * exactly up to 2^53; times travel as epoch milliseconds.
 */
function measureArray(ms: readonly (readonly [string, Measure])[], agg: (name: string, m: Measure) => string): string {
  const entries = ms.map(([n, m]) => {
    const expr = agg(n, m).replace(/ AS m_\w+$/, '');
    const value = m.kind === 'min_time' ? `toUnixTimestamp64Milli(${expr})` : expr;
    return `CAST(${value} AS Nullable(Float64))`;
  });
  return `[${entries.join(',\n    ')}]`;
}

/** One statement from several aggregate parts: each part's parameters are renamed apart, rows tagged `part`. */
export function unionParts(parts: readonly { sql: string; params: Record<string, unknown> }[]) {
  const params: Record<string, unknown> = {};
  const sql = parts
    .map((p, i) => {
      const renamed = p.sql.replace(/\{([A-Za-z_][A-Za-z0-9_]*):/g, (_, name: string) => `{q${i}_${name}:`);
      for (const [k, v] of Object.entries(p.params)) params[`q${i}_${k}`] = v;
      // Every part is `SELECT org, b, period, m …`: the tag goes in front rather than around a subquery, which
      // the engine would analyse once more per part.
      if (!renamed.startsWith('SELECT ')) throw new Error('a KPI part must be a plain SELECT');
      return `SELECT ${i} AS part, ${renamed.slice('SELECT '.length)}`;
    })
    .join('\nUNION ALL\n');
  // Every version of a rollup row lies in one partition (the bucket is in both key and partition), so FINAL
  // need not merge across partitions.
  return { sql: `${sql}\nSETTINGS do_not_merge_across_partitions_select_final = 1`, params };
}

export interface RowsSpec {
  family: Family;
  /** The count (or distinct) measure whose records are listed. */
  measure: string;
  orgCode: string;
  range: Range | null;
  filters: Record<string, readonly string[]>;
  sort: { column: string; dir: 'asc' | 'desc' };
  limit: number;
  offset: number;
  /** Leave out columns marked personal (visitor zone). */
  hidePersonal?: boolean;
}

/** The leaf records behind a measure, and their count (which equals the measure). */
export function compileRows(spec: RowsSpec, ctx: CompileContext) {
  const f = spec.family;
  const m = f.measures[spec.measure];
  if (!m || (m.kind !== 'count' && m.kind !== 'uniq')) throw new Error(`${f.id}.${spec.measure} is not a countable measure`);
  const col = ownEntry(f.rows, spec.sort.column);
  if (!col) throw new KpiQueryError(`不能按 ${spec.sort.column} 排序 (sortable: ${Object.keys(f.rows).join(', ')})`);
  const org = orgPredicate(f, spec.orgCode);
  const dims = dimPredicates(f, spec.filters, 'raw', [spec.measure]);
  const per = spec.range
    ? periodPredicates(f.timeColumn, [spec.range], f.timeType, ctx.cal, f.timeType === 'date')
    : { where: '1', pool: {} };
  const from = f.from.replaceAll('{{where}}', `${per.where} AND ${org.sql}`);
  const where = `${m.where} AND ${dims.sql}`;
  const columns = Object.entries(f.rows).filter(([, c]) => !(spec.hidePersonal && c.personal));
  // A distinct measure counts entities: one row per entity keeps the row count equal to the figure.
  const distinct = m.kind === 'uniq' ? ` LIMIT 1 BY ${m.expr}` : '';
  const idColumn = Object.values(f.rows)[0]!.sql;
  const inner = `SELECT ${columns.map(([n, c]) => `${c.sql} AS ${n}`).join(', ')}, ${idColumn} AS _id
FROM ${from}
WHERE ${where}
ORDER BY ${col.sql} ${spec.sort.dir === 'asc' ? 'ASC' : 'DESC'}, _id${distinct}`;
  const pool = { ...basePool(f, ctx), ...org.pool, ...dims.pool, ...per.pool, limit: spec.limit, offset: spec.offset };
  const rows = bind(`SELECT * EXCEPT _id FROM (${inner}) LIMIT {limit:UInt32} OFFSET {offset:UInt32}`, pool);
  const countExpr = m.kind === 'uniq' ? `uniqExact(${m.expr})` : 'count()';
  const count = bind(`SELECT ${countExpr} AS n FROM ${from} WHERE ${where}`, pool);
  return { rows, count, columns: columns.map(([n, c]) => ({ name: n, label: c.label, type: c.type })) };
}
