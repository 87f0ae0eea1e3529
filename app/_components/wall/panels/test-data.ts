// Builders of PanelData for the panels' unit tests (and throwaway render scripts): the exact shapes the
// KPI layer returns, so a test reads like the zone call's answer.
import type { KpiPoint, KpiQueryResult, KpiSeries } from '@/server/kpi/query/result';
import type { PanelData } from '@/server/wall/types';

export const point = (orgCode: string, value: number | null, over: Partial<KpiPoint> = {}): KpiPoint => ({
  orgCode,
  orgName: orgCode,
  bucket: null,
  value,
  count: 0,
  measures: {},
  compare: {},
  status: null,
  ...over,
});

export const series = (kpi: string, points: KpiPoint[], over: Partial<KpiSeries> = {}): KpiSeries => ({
  kpi,
  granularity: 'total',
  engine: 'rollup',
  grain: null,
  range: null,
  points,
  ...over,
});

export const result = (key: string, kpis: KpiSeries[], over: Partial<KpiQueryResult> = {}): KpiQueryResult => ({
  key,
  orgCode: '53',
  by: 'total',
  granularity: 'total',
  kpis,
  ...over,
});

export const panelData = (kpi: KpiQueryResult[], over: Partial<PanelData> = {}): PanelData => ({
  kpi,
  dataAsOf: '2026-11-30T06:00:00.000Z',
  stale: false,
  ...over,
});
