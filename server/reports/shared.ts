import type { KpiQueryResult } from '../kpi/query/result';
import type { AlertDomain, Domain, Figure, KpiMeta, RankRow, Severity, SeverityCounts, Status, Text, Tier, UnitFigures } from './types';

// Pieces every report kind shares: which KPIs a report shows, how answers of `kpi.query` become stored
// figures, ranking (红黄绿榜) and the assessment score. Pure functions on plain inputs.

/** Key KPIs per domain: each a figure of a whole period (nothing "live now"), volumes first. */
export const KEY_KPIS: { domain: Domain; kpis: string[] }[] = [
  { domain: 'queue', kpis: ['queue.tickets', 'queue.avg_wait', 'queue.wait_over_rate', 'queue.satisfaction'] },
  { domain: 'call', kpis: ['call.inbound', 'call.connection_rate', 'call.service_level', 'call.asa'] },
  { domain: 'outage', kpis: ['outage.events', 'outage.notified_rate', 'outage.timely_rate', 'outage.fault_timely_rate'] },
  { domain: 'arrears', kpis: ['arrears.recovery_rate', 'arrears.reconnect_in_limit', 'arrears.disconnect_notice_rate'] },
  { domain: 'work_order', kpis: ['wo.orders', 'wo.arrive_on_time', 'wo.on_time', 'wo.avg_repair', 'wo.satisfaction'] },
];
export const REPORT_KPI_IDS: string[] = KEY_KPIS.flatMap((s) => s.kpis);

export const DOMAIN_LABEL: Record<AlertDomain, Text> = {
  queue: { zh: '营业厅排队', en: 'Hall queue' },
  call: { zh: '95598话务', en: '95598 calls' },
  outage: { zh: '停电通知', en: 'Outage notices' },
  arrears: { zh: '欠费', en: 'Arrears' },
  work_order: { zh: '工单', en: 'Work orders' },
  other: { zh: '其他', en: 'Other' },
};

/** KPIs that are judged (a direction and thresholds): ranked weekly, scored monthly. */
export function judged(meta: KpiMeta): boolean {
  return meta.direction !== 'neutral' && !!meta.thresholds && (meta.thresholds.warn !== undefined || meta.thresholds.alarm !== undefined);
}

export const emptyCounts = (): SeverityCounts => ({ red: 0, orange: 0, yellow: 0, blue: 0 });

export function countBySeverity(rows: readonly { severity: Severity }[]): SeverityCounts {
  const c = emptyCounts();
  for (const r of rows) c[r.severity]++;
  return c;
}

/** A KPI series point → the stored figure. */
function figureOf(p: KpiQueryResult['kpis'][number]['points'][number], withPrevious: boolean, withYoy: boolean): Figure {
  const f: Figure = { value: p.value, count: p.count, status: p.status };
  if (withPrevious) f.previous = p.compare.previous ?? null;
  if (withYoy) f.yoy = p.compare.yoy ?? null;
  return f;
}

/**
 * One `kpi.query` answer (granularity total) → figures per org node and KPI: { orgCode → { kpi → figure } },
 * with the node names the KPI layer answered.
 */
export function figuresByOrg(
  result: KpiQueryResult,
  opts: { previous?: boolean; yoy?: boolean } = {},
): Map<string, { name: string; figures: Record<string, Figure> }> {
  const out = new Map<string, { name: string; figures: Record<string, Figure> }>();
  for (const series of result.kpis) {
    for (const p of series.points) {
      let entry = out.get(p.orgCode);
      if (!entry) out.set(p.orgCode, (entry = { name: p.orgName, figures: {} }));
      entry.figures[series.kpi] = figureOf(p, !!opts.previous, !!opts.yoy);
    }
  }
  for (const e of out.values()) {
    if (opts.previous) dropEmptyComparison(e.figures, 'previous');
    if (opts.yoy) dropEmptyComparison(e.figures, 'yoy');
  }
  return out;
}

/**
 * A comparison period with no data at all (every count 0, every rate without a value: before the history
 * starts) is no comparison: its values become null rather than "+100 %" against zeros.
 */
export function dropEmptyComparison(figures: Record<string, Figure>, key: 'previous' | 'yoy'): void {
  const all = Object.values(figures);
  if (all.length && all.every((f) => f[key] === undefined || f[key] === null || f[key] === 0))
    for (const f of all) if (f[key] !== undefined) f[key] = null;
}

/** Units in org-code order, each with every KPI (a KPI the answer left out is a figure without a value). */
export function unitFigures(
  byOrg: Map<string, { name: string; figures: Record<string, Figure> }>,
  units: readonly { code: string; name: string }[],
  kpis: readonly string[],
): UnitFigures[] {
  return [...units]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((u) => {
      const got = byOrg.get(u.code);
      const figures: Record<string, Figure> = {};
      for (const k of kpis) figures[k] = got?.figures[k] ?? { value: null, count: 0, status: null };
      return { code: u.code, name: got?.name && got.name !== u.code ? got.name : u.name, figures };
    });
}

export const TIER_OF_STATUS: Record<Status, Tier> = { ok: 'green', warn: 'yellow', alarm: 'red' };

/**
 * Competition ranking ("1, 2, 2, 4") of units by one KPI in its direction of better: higher-better largest
 * first, lower-better smallest first. Equal values share a rank and are listed by org code; units without a
 * value come last, unranked. Tier = the unit's status against the KPI's thresholds (green ok, yellow warn,
 * red alarm). A neutral KPI (a volume) is not ranked: every row unranked.
 */
export function rankUnits(
  meta: Pick<KpiMeta, 'direction'>,
  rows: readonly { code: string; name: string; value: number | null; status: Status | null }[],
): RankRow[] {
  const sign = meta.direction === 'higher_better' ? -1 : meta.direction === 'lower_better' ? 1 : 0;
  const withValue = rows.filter((r) => r.value !== null);
  const without = rows.filter((r) => r.value === null);
  const sorted = [...withValue].sort((a, b) => sign * (a.value! - b.value!) || a.code.localeCompare(b.code));
  const out: RankRow[] = [];
  sorted.forEach((r, i) => {
    const prev = out[i - 1];
    const rank = sign === 0 ? null : prev && prev.value === r.value ? prev.rank : i + 1;
    out.push({ code: r.code, name: r.name, value: r.value, status: r.status, rank, tier: r.status ? TIER_OF_STATUS[r.status] : null });
  });
  for (const r of [...without].sort((a, b) => a.code.localeCompare(b.code)))
    out.push({ code: r.code, name: r.name, value: null, status: r.status, rank: null, tier: null });
  return out;
}

/** Scoring of the monthly assessment (月度考核), written into every monthly report. */
export const SCORING = {
  green: 90,
  yellow: 70,
  formula: {
    zh: '得分 = 100 × (正常指标数 + 0.5 × 预警指标数) ÷ 参评指标数。参评指标：有方向、有阈值且本月有数值的考核指标；告警指标得 0 分；无数据的指标不参评。保留 1 位小数。',
    en: 'Score = 100 × (KPIs ok + 0.5 × KPIs in warning) ÷ KPIs assessed. Assessed: scored KPIs (a direction and thresholds) with a value this month; a KPI in alarm scores 0; a KPI without data is left out. One decimal.',
  },
  tiers: {
    zh: '绿榜：得分 ≥ 90；黄榜：70 ≤ 得分 < 90；红榜：得分 < 70。同分同名次（按单位编码列出），无参评指标的单位不排名。',
    en: 'Green: score ≥ 90; yellow: 70 ≤ score < 90; red: score < 70. Equal scores share a rank (listed by org code); a unit with no KPI assessed is not ranked.',
  },
} as const;

export interface ScoreParts {
  ok: number;
  warn: number;
  alarm: number;
  assessed: number;
  score: number | null;
}

/** The score of one unit from its KPIs' statuses (null statuses are not assessed). */
export function scoreOf(statuses: readonly (Status | null | undefined)[]): ScoreParts {
  const ok = statuses.filter((s) => s === 'ok').length;
  const warn = statuses.filter((s) => s === 'warn').length;
  const alarm = statuses.filter((s) => s === 'alarm').length;
  const assessed = ok + warn + alarm;
  const score = assessed === 0 ? null : Math.round((1000 * (ok + 0.5 * warn)) / assessed) / 10;
  return { ok, warn, alarm, assessed, score };
}

export function tierOfScore(score: number | null): Tier | null {
  if (score === null) return null;
  return score >= SCORING.green ? 'green' : score >= SCORING.yellow ? 'yellow' : 'red';
}

/** Competition ranks by score, highest first; equal scores share a rank; no score, no rank. */
export function rankByScore<T extends { code: string; score: number | null }>(rows: readonly T[]): (T & { rank: number | null })[] {
  const scored = rows.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score! || a.code.localeCompare(b.code));
  const out: (T & { rank: number | null })[] = [];
  scored.forEach((r, i) => {
    const prev = out[i - 1];
    out.push({ ...r, rank: prev && prev.score === r.score ? prev.rank : i + 1 });
  });
  for (const r of rows.filter((x) => x.score === null).sort((a, b) => a.code.localeCompare(b.code))) out.push({ ...r, rank: null });
  return out;
}

/** The domain an alert belongs to, from its rule's spec (a KPI's domain, or the kind of check). */
export function ruleDomain(spec: unknown, kpiDomain: (kpi: string) => Domain | undefined): AlertDomain {
  if (typeof spec !== 'object' || spec === null) return 'other';
  const s = spec as { kind?: string; kpi?: string; check?: string; event?: string };
  if (typeof s.kpi === 'string') return kpiDomain(s.kpi) ?? 'other';
  if (s.kind === 'time_limit')
    return s.check === 'work_order_due'
      ? 'work_order'
      : s.check === 'outage_notice'
        ? 'outage'
        : s.check === 'reconnection'
          ? 'arrears'
          : 'other';
  if (s.kind === 'record_event')
    return s.event === 'dissatisfied_rating'
      ? 'queue'
      : s.event === 'sms_batch_failed'
        ? 'outage'
        : s.event === 'balance_low'
          ? 'arrears'
          : 'other';
  if (s.kind === 'correlation') return 'outage';
  return 'other';
}

/** The unit one level below `node` an org code falls in (the node itself for its own alerts). */
export function unitOf(orgCode: string, node: string, unitLength: number | null): string {
  if (unitLength === null || orgCode.length < unitLength) return node;
  return orgCode.slice(0, unitLength);
}
