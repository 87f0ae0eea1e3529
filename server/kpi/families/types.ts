import type { KpiParams } from '../params';

// A family is one kind of leaf record (a ticket, a call, an affected customer, a bill, a work order) with
// the measures every KPI of it is built from. Each measure is an aggregate with a row predicate, so the
// same definition gives three things that must agree: the rollup column (computed per bucket when data
// lands), the naive figure (the same aggregate straight over the fact rows) and the drill-down rows (the
// records the predicate selects). All SQL here is code-side text; values are bound parameters.

export type Grain = 'hour' | 'day' | 'month';

export type Measure = MeasureBody & {
  /** Reads {now}: computed from the facts at query time, never stored in a rollup. */
  live?: boolean;
};

type MeasureBody =
  /** countIf(where): the number of leaf records; its rows are the drill-down. */
  | { kind: 'count'; where: string }
  /** sumIf(expr, where): a total over the rows of `rowsOf` (a count measure). */
  | { kind: 'sum'; expr: string; where: string; rowsOf: string; decimal?: boolean }
  | { kind: 'max'; expr: string; where: string; rowsOf: string }
  /** minIf over a DateTime64 column; NULL when no row qualifies. */
  | { kind: 'min_time'; expr: string; where: string; rowsOf: string }
  /** uniqExactIf(expr, where): distinct entities (customers, outages). */
  | { kind: 'uniq'; expr: string; where: string; rowsOf: string };

export interface Dimension {
  /** SQL over the family's rows (and its rollup key columns): a column or an expression of them. */
  sql: string;
  label: { zh: string; en: string };
  /** Closed value list for the UI; absent = any string. */
  values?: readonly string[];
  /** Depends on {today:Date}; evaluated at query time, never stored. */
  usesToday?: boolean;
  /**
   * The measures the dimension describes, when not all of the family's: a KPI or drill-down reading any
   * other measure is not listed with the dimension and refuses a filter on it, saying `why`.
   */
  only?: { measures: readonly string[]; why: { zh: string; en: string } };
}

export interface DrillColumn {
  sql: string;
  label: { zh: string; en: string };
  type: 'string' | 'number' | 'time' | 'date' | 'money';
  /** Personal data (customer ids, names, phone): hidden from the visitor zone. */
  personal?: boolean;
}

export interface Family {
  id: string;
  label: { zh: string; en: string };
  /** ETL sources the rows come from: their freshness is the figure's data age. */
  sources: readonly string[];
  /** Source tables whose inserts make a rollup bucket dirty (see migration 0008). */
  sourceTables: readonly string[];
  /**
   * The family's leaf rows as a subquery. `{{where}}` is replaced by a predicate on `t` and the org columns
   * pushed into the innermost scan, so ClickHouse prunes partitions before any join.
   */
  from: string;
  /** The time attribute of a row (DateTime64 UTC, or Date for month-grain families). */
  timeColumn: string;
  timeType: 'datetime' | 'date';
  /** Deepest org column the rows carry: hall for queue tickets, county for everything else. */
  leaf: 'hall' | 'county' | 'none';
  dims: Readonly<Record<string, Dimension>>;
  /** Columns stored in the rollup key besides time, org and dims (e.g. a due date an as-of dimension reads). */
  extraKeys?: readonly { name: string; sql: string; type: string }[];
  measures: Readonly<Record<string, Measure>>;
  /** Parameters bound into measure SQL; a change rebuilds the rollups. */
  params: (p: KpiParams) => Record<string, unknown>;
  /** Rollup grains kept, finest first; none = always computed from the facts (live state). */
  grains: readonly Grain[];
  /** Drill-down columns, in display order; the first is the record id. */
  rows: Readonly<Record<string, DrillColumn>>;
  defaultSort: string;
  /**
   * Dirty marks keyed by an entity id (an outage, a bill) resolve to the buckets that entity belongs to.
   * Absent: the family has bucket marks only.
   */
  resolveKeys?: string;
}
