import { baseContent, type BaseInput } from './base';
import { countBySeverity, judged, rankUnits } from './shared';
import type { Severity, WeeklyContent } from './types';

// 周报 (weekly bulletin), Monday to Sunday: key KPIs vs the previous week and the same week last year, the
// units' red/yellow/green ranking (红黄绿榜) per judged KPI, alert counts by severity and the most frequent
// rules. Pure.

export const TOP_RULES = 10;

export interface WeeklyInput extends BaseInput {
  kind: 'weekly';
  alerts: { ruleId: string; severity: Severity }[];
  ruleNames: Map<string, string>;
}

export function buildWeekly(i: WeeklyInput): WeeklyContent {
  const base = baseContent({
    ...i,
    notes: [
      {
        zh: '红黄绿榜：各单位按指标优劣方向排名（同值同名次），绿 = 正常、黄 = 预警、红 = 告警（按指标阈值）；同比为一年前同日期区间。',
        en: 'Red/yellow/green board: units ranked in each KPI’s direction of better (equal values share a rank); green = ok, yellow = warning, red = alarm against the KPI’s thresholds; year-on-year compares the same dates a year earlier.',
      },
    ],
  });
  const byRule = new Map<string, { severity: Severity }[]>();
  for (const a of i.alerts) byRule.set(a.ruleId, [...(byRule.get(a.ruleId) ?? []), a]);
  const topRules = [...byRule]
    .map(([ruleId, rows]) => ({ ruleId, name: i.ruleNames.get(ruleId) ?? ruleId, total: rows.length, bySeverity: countBySeverity(rows) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name, 'zh-CN') || a.ruleId.localeCompare(b.ruleId))
    .slice(0, TOP_RULES);
  return {
    ...base,
    kind: 'weekly',
    rankings: base.units.length
      ? base.kpis.filter(judged).map((k) => ({
          kpi: k.id,
          rows: rankUnits(
            k,
            base.units.map((u) => ({ code: u.code, name: u.name, value: u.figures[k.id]!.value, status: u.figures[k.id]!.status })),
          ),
        }))
      : [],
    alerts: { total: i.alerts.length, bySeverity: countBySeverity(i.alerts), topRules },
  };
}
