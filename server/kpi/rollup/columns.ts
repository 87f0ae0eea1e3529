import { storedMeasures } from '../families';
import type { Family, Grain, Measure } from '../families/types';

// The shape of a rollup table, derived from its family: the key (bucket, org path, stored dims, extra
// keys) and one column per stored measure. Migration 0008 was generated from this; a test checks the
// live tables still match it.

export interface RollupColumn {
  name: string;
  type: string;
  /** SQL producing the value from the family's rows (source refresh). */
  sql: string;
}

/** `county`: the family's rollup at the same grain with only city and county, no hall and no dimensions. */
export const rollupTable = (f: Family, grain: Grain, county = false) => `rollup_${f.id}_${grain}${county ? '_county' : ''}`;

export const ORG_COLUMNS = {
  city: 'city_code',
  county: 'county_code',
  hall: 'hall_code',
} as const;

export function orgColumns(f: Family): string[] {
  if (f.leaf === 'none') return [];
  return f.leaf === 'hall' ? ['city_code', 'county_code', 'hall_code'] : ['city_code', 'county_code'];
}

/** Dimensions kept in the rollup key (those that do not depend on the query's "today"). */
export const storedDims = (f: Family) => Object.entries(f.dims).filter(([, d]) => !d.usesToday);

/**
 * A family whose rollup key goes below the county (halls) or has dimensions also keeps a county table per
 * grain: a wall or trend question without dimension filters or halls reads one row per county and bucket
 * instead of one per hall, business type, category… (tens of times fewer on province data).
 */
export const hasCountyRollup = (f: Family) => f.leaf !== 'none' && !f.extraKeys?.length && (f.leaf === 'hall' || storedDims(f).length > 0);

/** Every rollup table of a family, finest grain first, each grain's full table before its county table. */
export const rollupTables = (f: Family): { grain: Grain; county: boolean }[] =>
  f.grains.flatMap((grain) => [{ grain, county: false }, ...(hasCountyRollup(f) ? [{ grain, county: true }] : [])]);

export function keyColumns(f: Family, grain: Grain, county = false): RollupColumn[] {
  const bucket: RollupColumn =
    grain === 'hour'
      ? { name: 'bucket', type: "DateTime('UTC')", sql: `toStartOfHour(${f.timeColumn})` }
      : { name: 'bucket', type: 'Date', sql: f.timeType === 'date' ? f.timeColumn : `toDate(${f.timeColumn})` };
  if (county) return [bucket, ...['city_code', 'county_code'].map((c) => ({ name: c, type: 'LowCardinality(String)', sql: c }))];
  return [
    bucket,
    ...orgColumns(f).map((c) => ({ name: c, type: 'LowCardinality(String)', sql: c })),
    ...storedDims(f).map(([name, d]) => ({ name, type: 'LowCardinality(String)', sql: d.sql })),
    ...(f.extraKeys ?? []).map((k) => ({ name: k.name, type: k.type, sql: k.sql })),
  ];
}

export function measureType(m: Measure): string {
  switch (m.kind) {
    case 'count':
      return 'UInt64';
    case 'sum':
      return m.decimal ? 'Decimal(38, 2)' : 'Int64';
    case 'max':
      return 'Int64';
    case 'min_time':
      return "Nullable(DateTime64(3, 'UTC'))";
    case 'uniq':
      return 'AggregateFunction(uniqExact, String)';
  }
}

export function measureColumns(f: Family): { name: string; type: string; m: Measure }[] {
  return storedMeasures(f).map(([name, m]) => ({ name, type: measureType(m), m }));
}
