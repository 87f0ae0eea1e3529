import type { Grain } from '../families/types';
import type { Granularity } from './time';

// What the KPI engine answers, as plain types: the wall, the alert rules and the tRPC clients import these
// without pulling in the planner or the runner.

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

export interface KpiRowsResult {
  kpi: string;
  part: 'numerator' | 'denominator';
  total: number;
  page: number;
  pageSize: number;
  columns: { name: string; label: { zh: string; en: string }; type: string }[];
  /**
   * One object per record, keyed by column name. A `time` column's value is an ISO 8601 instant in UTC
   * ('2026-11-23T02:00:00.000Z') or null for none / never (a zero DateTime); display converts it to Beijing time.
   */
  rows: Record<string, unknown>[];
}
