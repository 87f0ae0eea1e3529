import { KPI_BY_ID, isLive } from '../kpi/definitions';
import type { KpiPoint } from '../kpi/query/result';
import { kpiQueryInput } from '../kpi/query/schema';
import { INTERNAL_MAX_CELLS } from '../kpi/query/cost';
import { replayRecords, type ReplayRow } from '../repositories/alert-records';
import { localMinute } from './evaluators/format';
import { step, type SubjectState } from './hysteresis';
import type { RuleRuntime } from './rule-service';
import { SEVERITIES, severityOf, type RuleSpec, type Severity } from './spec';

// "How often would this rule have fired over the last 30 days?" (DOMAIN.md §3), answered before it is saved.
// KPI rules are replayed hour by hour on the KPI layer's hourly figures (the rollups), through the same
// severity grading and hysteresis as the live engine; record rules grade each record of the period by the
// worst value it reached.

export interface PreviewResult {
  supported: boolean;
  /** How the replay was done, so nobody mistakes an hourly replay for a minute-by-minute one. */
  method: { zh: string; en: string };
  evaluations: number;
  fired: number;
  bySeverity: Record<Severity, number>;
  /** Share of the evaluated time some subject was firing. */
  firingShare: number;
  samples: { at: string; orgCode: string; orgName: string; severity: Severity; value: number | null }[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Live KPIs have no history; their replay reads the nearest historical figure. */
const PROXY: Record<string, string> = { 'queue.longest_wait_now': 'queue.max_wait', 'queue.length': 'queue.tickets' };

const empty = (): Record<Severity, number> => ({ red: 0, orange: 0, yellow: 0, blue: 0 });

export async function previewRule(rt: RuleRuntime, spec: RuleSpec, days: number, now: number): Promise<PreviewResult> {
  const from = now - days * DAY;
  if (spec.kind === 'correlation') {
    return {
      supported: false,
      method: { zh: '关联研判依赖停电进行中的状态，无法按历史回放', en: 'Correlation depends on outages in progress and is not replayed' },
      evaluations: 0,
      fired: 0,
      bySeverity: empty(),
      firingShare: 0,
      samples: [],
    };
  }
  if (spec.kind === 'time_limit' || spec.kind === 'record_event') return previewRecords(rt, spec, from, now);
  return previewKpi(rt, spec, days, now);
}

async function previewRecords(
  rt: RuleRuntime,
  spec: Extract<RuleSpec, { kind: 'time_limit' | 'record_event' }>,
  from: number,
  now: number,
) {
  const what = spec.kind === 'time_limit' ? spec.check : spec.event;
  const rows: ReplayRow[] = await replayRecords(rt.ch, what, {
    orgCode: spec.scope.orgCode,
    from,
    now,
    types: spec.kind === 'time_limit' ? (spec.check === 'outage_notice' ? spec.outageTypes : spec.orderTypes) : undefined,
    minCount: spec.kind === 'record_event' ? spec.minCount : 0,
    keyOnly: spec.kind === 'record_event' && spec.keyOnly,
  });
  const names = await rt.kpi.orgNames();
  const bySeverity = empty();
  const samples: PreviewResult['samples'] = [];
  for (const r of rows) {
    const s = severityOf(r.value, spec.levels, spec.comparator);
    if (!s) continue;
    bySeverity[s]++;
    if (samples.length < 20)
      samples.push({ at: new Date(r.at).toISOString(), orgCode: r.org, orgName: names(r.org), severity: s, value: r.value });
  }
  const fired = SEVERITIES.reduce((a, s) => a + bySeverity[s], 0);
  return {
    supported: true,
    method:
      what === 'balance_low'
        ? { zh: '按每户每日日终余额快照分级', en: 'Each customer graded on each day-end balance snapshot' }
        : { zh: '按期间内每条记录达到的最差值分级', en: 'Each record of the period graded by the worst value it reached' },
    evaluations: rows.length,
    fired,
    bySeverity,
    firingShare: rows.length ? fired / rows.length : 0,
    samples,
  } satisfies PreviewResult;
}

async function previewKpi(
  rt: RuleRuntime,
  spec: Extract<RuleSpec, { kind: 'threshold' | 'change' | 'compare' | 'anomaly' }>,
  days: number,
  now: number,
) {
  const svc = rt.kpi;
  const tz = rt.env.BUSINESS_TZ;
  const kpi = KPI_BY_ID.get(spec.kpi)!;
  const proxy = isLive(kpi) ? PROXY[kpi.id] : undefined;
  if (isLive(kpi) && !proxy) {
    return {
      supported: false,
      method: { zh: `${kpi.name.zh}是实时指标，没有历史可回放`, en: `${kpi.name.en} is a live figure with no history to replay` },
      evaluations: 0,
      fired: 0,
      bySeverity: empty(),
      firingShare: 0,
      samples: [],
    } satisfies PreviewResult;
  }
  const kpiId = proxy ?? kpi.id;
  const daily = spec.kind === 'compare';
  const lookbackDays = days + (spec.kind === 'anomaly' ? spec.weeks * 7 : 0) + 1;
  const time = {
    from: localMinute(Math.floor((now - lookbackDays * DAY) / HOUR) * HOUR, tz),
    to: localMinute(Math.ceil(now / HOUR) * HOUR, tz),
  };
  const kpis = spec.kind === 'change' && spec.mode === 'versus_kpi' ? [kpiId, spec.baseKpi!] : [kpiId];
  const q = kpiQueryInput.parse({
    kpis,
    orgCode: spec.scope.orgCode,
    by: spec.scope.by,
    time,
    granularity: daily ? 'day' : 'hour',
    filters: spec.scope.filters,
    compare: spec.kind === 'compare' ? [spec.against] : [],
  });
  // One rule's replay, bounded by the rule schema (≤ 30 days, ≤ 12 baseline weeks); it answers counts, not points.
  const [result] = (await svc.query([q], now, { maxCells: INTERNAL_MAX_CELLS })).results;
  const series = (id: string) => result?.kpis.find((s) => s.kpi === id)?.points ?? [];
  const byOrg = new Map<string, KpiPoint[]>();
  for (const p of series(kpiId)) {
    if (spec.scope.halls?.length && !spec.scope.halls.includes(p.orgCode)) continue;
    if (!byOrg.has(p.orgCode)) byOrg.set(p.orgCode, []);
    byOrg.get(p.orgCode)!.push(p);
  }
  const base = new Map(series(kpis[1] ?? '').map((p) => [`${p.orgCode}|${p.bucket}`, p.value]));
  const start = now - days * DAY;
  const bySeverity = empty();
  const samples: PreviewResult['samples'] = [];
  let evaluations = 0;
  let firingSteps = 0;
  for (const [org, points] of byOrg) {
    points.sort((a, b) => Date.parse(a.bucket!) - Date.parse(b.bucket!));
    const at = new Map(points.map((p) => [Date.parse(p.bucket!), p]));
    let state: SubjectState | undefined;
    for (const p of points) {
      const t = Date.parse(p.bucket!);
      if (t < start) continue;
      const value = valueOf(spec, p, t, at, base);
      const severity = p.count >= spec.minCount ? severityOf(value, spec.levels, spec.comparator) : null;
      const r = step(state, severity, spec.hysteresis);
      state = r.next;
      evaluations++;
      if (state.status === 'firing') firingSteps++;
      if (r.action === 'fire') {
        bySeverity[state.severity!]++;
        if (samples.length < 20) samples.push({ at: p.bucket!, orgCode: org, orgName: p.orgName, severity: state.severity!, value });
      }
    }
  }
  return {
    supported: true,
    method: proxy
      ? {
          zh: `${kpi.name.zh}为实时指标，按每小时“${KPI_BY_ID.get(proxy)!.name.zh}”回放`,
          en: `${kpi.name.en} is live; replayed on hourly ${KPI_BY_ID.get(proxy)!.name.en}`,
        }
      : daily
        ? { zh: '按日回放（与对比期逐日比较）', en: 'Replayed day by day against the comparison period' }
        : { zh: '按小时回放（每小时判断一次，含持续/恢复次数）', en: 'Replayed hour by hour with the same hysteresis' },
    evaluations,
    fired: SEVERITIES.reduce((a, s) => a + bySeverity[s], 0),
    bySeverity,
    firingShare: evaluations ? firingSteps / evaluations : 0,
    samples,
  } satisfies PreviewResult;
}

function valueOf(
  spec: Extract<RuleSpec, { kind: 'threshold' | 'change' | 'compare' | 'anomaly' }>,
  p: KpiPoint,
  t: number,
  at: Map<number, KpiPoint>,
  base: Map<string, number | null>,
): number | null {
  const v = p.value;
  if (v === null) return null;
  switch (spec.kind) {
    case 'threshold':
      return v;
    case 'change': {
      const b = spec.mode === 'versus_kpi' ? (base.get(`${p.orgCode}|${p.bucket}`) ?? null) : (at.get(t - HOUR)?.value ?? null);
      return b === null ? null : b === 0 ? (v > 0 ? v : null) : v / b;
    }
    case 'compare': {
      const b = p.compare[spec.against] ?? null;
      return b === null ? null : spec.mode === 'difference' ? v - b : b === 0 ? null : (v - b) / b;
    }
    case 'anomaly': {
      const past = Array.from({ length: spec.weeks }, (_, i) => at.get(t - (i + 1) * 7 * DAY)?.value ?? 0);
      const mean = past.reduce((a, x) => a + x, 0) / past.length;
      const sd = Math.sqrt(past.reduce((a, x) => a + (x - mean) ** 2, 0) / past.length);
      const z = (v - mean) / Math.max(sd, spec.minSpread);
      return spec.direction === 'up' ? z : spec.direction === 'down' ? -z : Math.abs(z);
    }
  }
}
