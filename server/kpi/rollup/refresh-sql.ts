import type { Family, Grain, Measure } from '../families/types';
import { basePool, bind, rawAgg, rollupAgg, type CompileContext } from '../query/compile';
import { keyColumns, measureColumns, rollupTable } from './columns';

// The SQL the refresher runs to keep the rollup tables equal to the facts: each statement writes the fresh
// rows of some buckets at a new version and zero rows for their existing groups at the old one, so under
// FINAL a group the facts no longer have reads zero. Built on the query compiler's aggregates and bound
// values (rawAgg, basePool, bind), so a rollup column means exactly what the naive path computes.

/** Recomputes rollup buckets from the facts, writing zero rows for groups a bucket no longer has. */
export function compileRefreshFromFacts(f: Family, grain: Grain, buckets: readonly string[], version: number, ctx: CompileContext) {
  const keys = keyColumns(f, grain);
  const measures = measureColumns(f);
  const table = rollupTable(f, grain);
  const t = f.timeColumn;
  const bucketSql = keys[0]!.sql;
  const inBuckets = grain === 'hour' ? `toStartOfHour(${t}) IN {buckets:Array(DateTime('UTC'))}` : `${bucketSql} IN {buckets:Array(Date)}`;
  const aggs = measures.map(({ name, m }) => refreshAgg(name, m));
  const fresh = `SELECT ${keys.map((k) => `${k.sql} AS k_${k.name}`).join(', ')}, ${aggs.join(', ')}, {vNew:UInt64} AS version
FROM ${f.from.replaceAll('{{where}}', inBuckets)}
GROUP BY ${keys.map((k) => `k_${k.name}`).join(', ')}`;
  const zeros = zeroRows(table, keys, measures, grain === 'hour' ? "Array(DateTime('UTC'))" : 'Array(Date)');
  const pool = { ...basePool(f, ctx), buckets: [...buckets], vNew: version + 1, vOld: version };
  const cols = [...keys.map((k) => k.name), ...measures.map((m) => m.name), 'version'].join(', ');
  return bind(`INSERT INTO ${table} (${cols})\n${fresh}\nUNION ALL\n${zeros}`, pool);
}

/** Day rollups from hour rollups: business days of the hours, in BUSINESS_TZ at reset hour 0. */
export function compileRefreshDays(f: Family, days: readonly string[], version: number, ctx: CompileContext) {
  const hourKeys = keyColumns(f, 'hour');
  const dayKeys = keyColumns(f, 'day');
  const measures = measureColumns(f);
  const day = 'toDate(bucket, {tz:String})';
  const aggs = measures.map(({ name, m }) => rollupAgg(name, m, true));
  const rest = hourKeys.slice(1).map((k) => k.name);
  const fresh = `SELECT ${day} AS k_bucket${rest.map((k) => `, ${k}`).join('')}, ${aggs.join(', ')}, {vNew:UInt64} AS version
FROM ${rollupTable(f, 'hour')} FINAL
WHERE bucket >= toDateTime(arrayMin({buckets:Array(Date)}), {tz:String}) - INTERVAL 1 DAY
  AND bucket < toDateTime(arrayMax({buckets:Array(Date)}), {tz:String}) + INTERVAL 2 DAY
  AND has({buckets:Array(Date)}, ${day})
GROUP BY k_bucket${rest.map((k) => `, ${k}`).join('')}`;
  const zeros = zeroRows(rollupTable(f, 'day'), dayKeys, measures, 'Array(Date)');
  const cols = [...dayKeys.map((k) => k.name), ...measures.map((m) => m.name), 'version'].join(', ');
  const pool = { tz: ctx.cal.tz, buckets: [...days], vNew: version + 1, vOld: version };
  return bind(`INSERT INTO ${rollupTable(f, 'day')} (${cols})\n${fresh}\nUNION ALL\n${zeros}`, pool);
}

/** County rollups of the given buckets from the grain's full table (see hasCountyRollup). */
export function compileRefreshCounty(f: Family, grain: Grain, buckets: readonly string[], version: number) {
  const keys = keyColumns(f, grain, true);
  const measures = measureColumns(f);
  const type = grain === 'hour' ? "Array(DateTime('UTC'))" : 'Array(Date)';
  const fresh = `SELECT bucket AS k_bucket, city_code AS k_city, county_code AS k_county, ${measures.map(({ name, m }) => rollupAgg(name, m, true)).join(', ')},
  {vNew:UInt64} AS version
FROM ${rollupTable(f, grain)} FINAL
WHERE bucket IN {buckets:${type}}
GROUP BY k_bucket, k_city, k_county`;
  const zeros = zeroRows(rollupTable(f, grain, true), keys, measures, type);
  const cols = [...keys.map((k) => k.name), ...measures.map((m) => m.name), 'version'].join(', ');
  const pool = { buckets: [...buckets], vNew: version + 1, vOld: version };
  return bind(`INSERT INTO ${rollupTable(f, grain, true)} (${cols})\n${fresh}\nUNION ALL\n${zeros}`, pool);
}

function refreshAgg(name: string, m: Measure): string {
  return m.kind === 'uniq' ? `uniqExactStateIf(${m.expr}, ${m.where}) AS m_${name}` : rawAgg(name, m);
}

// Existing groups of the buckets at a lower version: where the facts no longer have a group (a record
// moved), its zero row wins; everywhere else the fresh row does.
function zeroRows(table: string, keys: { name: string }[], measures: { name: string; m: Measure }[], bucketsType: string): string {
  const zero = (m: Measure) =>
    m.kind === 'uniq' ? "arrayReduce('uniqExactState', emptyArrayString())" : m.kind === 'min_time' ? 'NULL' : '0';
  return `SELECT ${keys.map((k) => k.name).join(', ')}, ${measures.map(({ name, m }) => `${zero(m)} AS m_${name}`).join(', ')}, {vOld:UInt64} AS version
FROM ${table} FINAL
WHERE has({buckets:${bucketsType}}, bucket)`;
}
