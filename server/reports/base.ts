import type { KpiQueryResult } from '../kpi/query/result';
import { figuresByOrg, KEY_KPIS, unitFigures } from './shared';
import type { Figure, KpiMeta, Period, ReportBase, ReportKind, Text } from './types';

// The part of every report built the same way: the node's and its units' figures from one pair of
// `kpi.query` answers (the node as a total, the units one level down), with the KPI definitions used.

export interface BaseInput {
  kind: ReportKind;
  orgCode: string;
  orgName: string;
  period: Period;
  previousPeriod: Period | null;
  yoyPeriod: Period | null;
  /** Epoch ms of generation (the injected clock). */
  generatedAt: number;
  unitLevel: 'city' | 'county' | null;
  /** Units one level down (from the org tree), so a unit without data still shows, as "—". */
  units: { code: string; name: string }[];
  kpis: KpiMeta[];
  /** `kpi.query` for the node, granularity total. */
  nodeResult: KpiQueryResult;
  /** `kpi.query` for the node `by` its unit level; null without units. */
  unitsResult: KpiQueryResult | null;
  compare: { previous: boolean; yoy: boolean };
  notes?: Text[];
}

export function baseContent(i: BaseInput): ReportBase {
  const ids = i.kpis.map((k) => k.id);
  const known = new Set(ids);
  const nodeFigures = figuresByOrg(i.nodeResult, i.compare).get(i.orgCode)?.figures ?? {};
  const node: Record<string, Figure> = {};
  for (const k of ids) node[k] = nodeFigures[k] ?? { value: null, count: 0, status: null };
  return {
    kind: i.kind,
    orgCode: i.orgCode,
    orgName: i.orgName,
    period: i.period,
    previousPeriod: i.previousPeriod,
    yoyPeriod: i.yoyPeriod,
    generatedAt: new Date(i.generatedAt).toISOString(),
    unitLevel: i.unitLevel,
    kpis: i.kpis,
    sections: KEY_KPIS.map((s) => ({ domain: s.domain, kpis: s.kpis.filter((k) => known.has(k)) })).filter((s) => s.kpis.length > 0),
    node,
    units: i.unitsResult ? unitFigures(figuresByOrg(i.unitsResult, i.compare), i.units, ids) : [],
    notes: [
      {
        zh: '所有指标由指标层（kpi.query）按营业日（北京时间）计算，状态按生成时的阈值参数判定，与大屏、预警同一口径。',
        en: 'Every KPI is computed by the KPI layer (kpi.query) over business days (Beijing time); statuses use the threshold parameters at generation, as the wall and the alerts do.',
      },
      ...(i.notes ?? []),
    ],
  };
}
