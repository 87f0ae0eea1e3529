import { baseContent, type BaseInput } from './base';
import { countBySeverity, emptyCounts, ruleDomain, unitOf } from './shared';
import { DOMAINS, type AlertDomain, type DailyContent, type Domain, type MajorAlert, type Severity, type SeverityCounts } from './types';

// 日报 (daily warning digest) for one business day: the day's alerts by severity, domain and unit, the red and
// orange ones listed, what was still open at the end of the day, supervision items, and the day's key KPIs
// for the node and its units with status and day-on-day change. Pure: the service fetches, this arranges.

export const MAJOR_LIMIT = 200;

export interface AlertRow {
  id: string;
  ruleId: string;
  severity: Severity;
  orgCode: string;
  orgName: string;
  title: string;
  firedAt: number;
  phase: string;
  state: string;
  acknowledgedAt: number | null;
  closedAt: number | null;
  recoveredAt: number | null;
}

export interface RuleInfo {
  name: string;
  spec: unknown;
}

export interface DailyInput extends BaseInput {
  kind: 'daily';
  /** Alerts raised during the day inside the node. */
  alerts: AlertRow[];
  rules: Map<string, RuleInfo>;
  kpiDomain: (kpi: string) => Domain | undefined;
  /** Alerts still firing and not closed at the end of the day. */
  openAtEnd: { severity: Severity }[];
  supervision: { opened: number; closed: number; overdue: number };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function buildDaily(i: DailyInput): DailyContent {
  const base = baseContent({
    ...i,
    notes: [
      {
        zh: '预警按触发时间计入当日；“日终未关闭”为当日结束时条件仍在触发且未关闭（含此前触发）的预警；督办“超期”为当日结束时已过时限且尚未回复的事项。',
        en: 'Alerts count on the day they fired; "open at end of day": still firing and not closed when the day ended (also those raised before); supervision "overdue": past its limit at the end of the day with no reply by then.',
      },
    ],
  });
  const unitLength = i.unitLevel === 'city' ? 4 : i.unitLevel === 'county' ? 6 : null;

  const byDomain = new Map<AlertDomain, { severity: Severity }[]>();
  const byUnit = new Map<string, { severity: Severity }[]>();
  for (const a of i.alerts) {
    const d = ruleDomain(i.rules.get(a.ruleId)?.spec, i.kpiDomain);
    byDomain.set(d, [...(byDomain.get(d) ?? []), a]);
    const u = unitOf(a.orgCode, i.orgCode, unitLength);
    byUnit.set(u, [...(byUnit.get(u) ?? []), a]);
  }
  const unitNames = new Map(base.units.map((u) => [u.code, u.name]));
  const units = [...new Set([...base.units.map((u) => u.code), ...byUnit.keys()])].sort();
  const counts = (rows: { severity: Severity }[] | undefined): SeverityCounts => (rows ? countBySeverity(rows) : emptyCounts());

  const major = i.alerts
    .filter((a) => a.severity === 'red' || a.severity === 'orange')
    .sort((a, b) => a.firedAt - b.firedAt || a.id.localeCompare(b.id));
  return {
    ...base,
    kind: 'daily',
    alerts: {
      total: i.alerts.length,
      bySeverity: countBySeverity(i.alerts),
      byDomain: [...DOMAINS, 'other' as const]
        .filter((d) => d !== 'other' || byDomain.has('other'))
        .map((d) => ({ domain: d, total: byDomain.get(d)?.length ?? 0, bySeverity: counts(byDomain.get(d)) })),
      byUnit: units.map((code) => ({
        code,
        name: code === i.orgCode ? i.orgName : (unitNames.get(code) ?? code),
        total: byUnit.get(code)?.length ?? 0,
        bySeverity: counts(byUnit.get(code)),
      })),
      major: major.slice(0, MAJOR_LIMIT).map((a): MajorAlert => ({
        id: a.id,
        ruleName: i.rules.get(a.ruleId)?.name ?? a.ruleId,
        orgCode: a.orgCode,
        orgName: a.orgName,
        severity: a.severity,
        title: a.title,
        firedAt: new Date(a.firedAt).toISOString(),
        phase: a.phase,
        state: a.state,
        acknowledgedAt: iso(a.acknowledgedAt),
        closedAt: iso(a.closedAt),
        recoveredAt: iso(a.recoveredAt),
      })),
      majorTotal: major.length,
      openAtEnd: { total: i.openAtEnd.length, bySeverity: countBySeverity(i.openAtEnd) },
    },
    supervision: i.supervision,
  };
}
