import type { KpiQueryResult } from '../kpi/query/result';
import { baseContent, type BaseInput } from './base';
import { dropEmptyComparison, figuresByOrg, judged, rankByScore, scoreOf, SCORING, tierOfScore } from './shared';
import type { Assessment, Figure, MonthlyContent } from './types';

// 月度考核 (monthly assessment): per unit (cities for the province, counties for a city; a county assesses
// itself) the month's KPIs with status, a score (shared.ts SCORING, written into the content), rank and tier,
// and the same score for the previous month and the same month last year. Pure.

export interface MonthlyInput extends BaseInput {
  kind: 'monthly';
  /** The previous month and the same month last year, asked exactly like `nodeResult` / `unitsResult`. */
  previous: { nodeResult: KpiQueryResult; unitsResult: KpiQueryResult | null };
  yoy: { nodeResult: KpiQueryResult; unitsResult: KpiQueryResult | null };
}

export function buildMonthly(i: MonthlyInput): MonthlyContent {
  // The comparison values come from the explicit previous-month and last-year queries (months differ in length).
  const base = baseContent({ ...i, compare: { previous: false, yoy: false } });
  const assessedKpis = base.kpis.filter(judged).map((k) => k.id);
  const source = (r: { nodeResult: KpiQueryResult; unitsResult: KpiQueryResult | null }) =>
    figuresByOrg(base.unitLevel && r.unitsResult ? r.unitsResult : r.nodeResult);
  const prev = source(i.previous);
  const yoy = source(i.yoy);
  const prevNode = figuresByOrg(i.previous.nodeResult).get(i.orgCode)?.figures ?? {};
  const yoyNode = figuresByOrg(i.yoy.nodeResult).get(i.orgCode)?.figures ?? {};
  const compareWith = (figures: Record<string, Figure>, p: Record<string, Figure>, y: Record<string, Figure>) => {
    for (const [id, f] of Object.entries(figures)) {
      f.previous = p[id]?.value ?? null;
      f.yoy = y[id]?.value ?? null;
    }
    dropEmptyComparison(figures, 'previous');
    dropEmptyComparison(figures, 'yoy');
  };
  compareWith(base.node, prevNode, yoyNode);
  for (const u of base.units) compareWith(u.figures, prev.get(u.code)?.figures ?? {}, yoy.get(u.code)?.figures ?? {});
  // The assessed: the units, or the node itself when it has none (a county).
  const assessedUnits = base.units.length ? base.units : [{ code: base.orgCode, name: base.orgName, figures: base.node }];
  const rows = assessedUnits.map((u) => {
    const s = scoreOf(assessedKpis.map((k) => u.figures[k]?.status));
    const scoreAt = (m: typeof prev) => scoreOf(assessedKpis.map((k) => m.get(u.code)?.figures[k]?.status)).score;
    return { code: u.code, name: u.name, ...s, scorePrevious: scoreAt(prev), scoreYoy: scoreAt(yoy) };
  });
  const assessment: Assessment[] = rankByScore(rows).map((r) => ({ ...r, tier: tierOfScore(r.score) }));
  return {
    ...base,
    kind: 'monthly',
    assessedKpis,
    scoring: { formula: SCORING.formula, tiers: SCORING.tiers, green: SCORING.green, yellow: SCORING.yellow },
    assessment,
  };
}
