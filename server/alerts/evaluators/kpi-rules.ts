import { FAMILY_BY_ID } from '../../kpi/families';
import { KPI_BY_ID } from '../../kpi/definitions';
import type { KpiDef } from '../../kpi/definitions/types';
import type { KpiPoint, KpiQueryResult } from '../../kpi/query/result';
import { kpiQueryInput, type KpiQuery } from '../../kpi/query/schema';
import { severityOf, type RuleSpec } from '../spec';
import { fmtKpi, fmtNum, localMinute } from './format';
import type { DrillRef, EvalContext, Evaluation, KpiPlan, Observation, RuleRef } from './types';

// Rules on a KPI (threshold, change, compare, anomaly) ask the KPI layer, so an alert's figure is the figure
// the wall shows for the same unit and time, computed by the same definition.

type KpiSpec = Extract<RuleSpec, { kind: 'threshold' | 'change' | 'compare' | 'anomaly' }>;
export const isKpiRule = (s: RuleSpec): s is KpiSpec => ['threshold', 'change', 'compare', 'anomaly'].includes(s.kind);

const WEEK = 7 * 86_400_000;

function timeOf(spec: KpiSpec, ctx: EvalContext, shift = 0): KpiQuery['time'] {
  if ('window' in spec && 'preset' in spec.window) return { preset: spec.window.preset };
  const minutes = 'window' in spec ? (spec.window as { minutes: number }).minutes : spec.windowMinutes;
  const end = ctx.now - shift;
  return { from: localMinute(end - minutes * 60_000, ctx.tz), to: localMinute(end, ctx.tz, true) };
}

function query(spec: KpiSpec, kpis: string[], time: KpiQuery['time'], compare: KpiQuery['compare'] = []): KpiQuery {
  return kpiQueryInput.parse({
    kpis,
    orgCode: spec.scope.orgCode,
    by: spec.scope.by,
    time,
    granularity: 'total',
    filters: spec.scope.filters,
    compare,
  });
}

/** The units a rule judges: the points of its level, only the listed halls when it names some. */
function subjects(spec: KpiSpec, points: KpiPoint[]): KpiPoint[] {
  return spec.scope.halls?.length ? points.filter((p) => spec.scope.halls!.includes(p.orgCode)) : points;
}

const pointsOf = (r: KpiQueryResult | undefined, kpi: string) => r?.kpis.find((s) => s.kpi === kpi)?.points ?? [];

function drillOf(spec: KpiSpec, kpi: string, orgCode: string, time: KpiQuery['time']): DrillRef {
  return { kind: 'kpi', kpi, orgCode, time, filters: spec.scope.filters };
}

export function planKpiRule(rule: RuleRef, ctx: EvalContext): KpiPlan {
  const spec = rule.spec as KpiSpec;
  const k = KPI_BY_ID.get(spec.kpi)!;
  const threshold = (sev: string | null) => (sev ? (spec.levels as Record<string, number>)[sev]! : null);
  const observe = (
    p: KpiPoint,
    value: number | null,
    figures: Observation['figures'],
    text: Observation['text'],
    time: KpiQuery['time'],
  ) => {
    const enough = p.count >= spec.minCount;
    const severity = enough ? severityOf(value, spec.levels, spec.comparator) : null;
    return {
      subject: p.orgCode,
      orgCode: p.orgCode,
      orgName: p.orgName,
      value,
      severity,
      figures: { ...figures, count: p.count, threshold: threshold(severity), comparator: spec.comparator },
      drill: drillOf(spec, spec.kpi, p.orgCode, time),
      text,
    } satisfies Observation;
  };

  switch (spec.kind) {
    case 'threshold': {
      const time = timeOf(spec, ctx);
      return {
        queries: [query(spec, [spec.kpi], time)],
        decide: ([r], stale) => ({
          staleSources: stale,
          observations: subjects(spec, pointsOf(r, spec.kpi)).map((p) =>
            observe(p, p.value, { value: p.value }, textThreshold(k, p, p.value), time),
          ),
        }),
      };
    }
    case 'change': {
      const time = timeOf(spec, ctx);
      if (spec.mode === 'previous_window') {
        return {
          queries: [query(spec, [spec.kpi], time, ['previous'])],
          decide: ([r], stale) => ({
            staleSources: stale,
            observations: subjects(spec, pointsOf(r, spec.kpi)).map((p) => {
              const base = p.compare.previous ?? null;
              const value = p.value === null || base === null ? null : base === 0 ? (p.value > 0 ? p.value : null) : p.value / base;
              return observe(
                p,
                value,
                { value: p.value, base },
                {
                  zh: `${p.orgName}近${spec.windowMinutes}分钟${k.name.zh} ${fmtKpi(k, p.value, 'zh')}，为前一时段（${fmtKpi(k, base, 'zh')}）的 ${value === null ? '—' : fmtNum(value, 2)} 倍`,
                  en: `${p.orgName}: ${k.name.en} ${fmtKpi(k, p.value, 'en')} in the last ${spec.windowMinutes} min, ${value === null ? '—' : fmtNum(value, 2)}× the window before (${fmtKpi(k, base, 'en')})`,
                },
                time,
              );
            }),
          }),
        };
      }
      const b = KPI_BY_ID.get(spec.baseKpi!)!;
      return {
        queries: [query(spec, [spec.kpi, b.id], time)],
        decide: ([r], stale) => {
          const bases = new Map(pointsOf(r, b.id).map((p) => [p.orgCode, p.value]));
          return {
            staleSources: stale,
            observations: subjects(spec, pointsOf(r, spec.kpi)).map((p) => {
              const base = bases.get(p.orgCode) ?? null;
              const value = p.value === null || base === null ? null : base === 0 ? (p.value > 0 ? p.value : null) : p.value / base;
              return observe(
                p,
                value,
                { value: p.value, base },
                {
                  zh: `${p.orgName}近${spec.windowMinutes}分钟${k.name.zh} ${fmtKpi(k, p.value, 'zh')}，${b.name.zh} ${fmtKpi(b, base, 'zh')}（比值 ${value === null ? '—' : fmtNum(value, 2)}）`,
                  en: `${p.orgName}: ${k.name.en} ${fmtKpi(k, p.value, 'en')} vs ${b.name.en} ${fmtKpi(b, base, 'en')} in the last ${spec.windowMinutes} min (ratio ${value === null ? '—' : fmtNum(value, 2)})`,
                },
                time,
              );
            }),
          };
        },
      };
    }
    case 'compare': {
      const time = timeOf(spec, ctx);
      return {
        queries: [query(spec, [spec.kpi], time, [spec.against])],
        decide: ([r], stale) => ({
          staleSources: stale,
          observations: subjects(spec, pointsOf(r, spec.kpi)).map((p) => {
            const base = p.compare[spec.against] ?? null;
            const value =
              p.value === null || base === null
                ? null
                : spec.mode === 'difference'
                  ? p.value - base
                  : base === 0
                    ? null
                    : (p.value - base) / base;
            const what = spec.against === 'yoy' ? { zh: '同比', en: 'year on year' } : { zh: '环比', en: 'vs previous period' };
            const delta =
              value === null
                ? '—'
                : spec.mode === 'difference'
                  ? fmtKpi(k, value, 'zh')
                  : `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
            return observe(
              p,
              value,
              { value: p.value, base },
              {
                zh: `${p.orgName}${k.name.zh} ${fmtKpi(k, p.value, 'zh')}，${what.zh} ${delta}（基期 ${fmtKpi(k, base, 'zh')}）`,
                en: `${p.orgName}: ${k.name.en} ${fmtKpi(k, p.value, 'en')}, ${delta} ${what.en} (base ${fmtKpi(k, base, 'en')})`,
              },
              time,
            );
          }),
        }),
      };
    }
    case 'anomaly': {
      const times = Array.from({ length: spec.weeks + 1 }, (_, i) => timeOf(spec, ctx, i * WEEK));
      return {
        queries: times.map((t) => query(spec, [spec.kpi], t)),
        decide: (results, stale) => {
          const history = results.slice(1).map((r) => new Map(pointsOf(r, spec.kpi).map((p) => [p.orgCode, p.value ?? 0])));
          return {
            staleSources: stale,
            observations: subjects(spec, pointsOf(results[0], spec.kpi)).map((p) => {
              const past = history.map((h) => h.get(p.orgCode) ?? 0);
              const mean = past.reduce((a, v) => a + v, 0) / past.length;
              const sd = Math.sqrt(past.reduce((a, v) => a + (v - mean) ** 2, 0) / past.length);
              const spread = Math.max(sd, spec.minSpread);
              const z = p.value === null ? null : (p.value - mean) / spread;
              const value = z === null ? null : spec.direction === 'up' ? z : spec.direction === 'down' ? -z : Math.abs(z);
              return observe(
                p,
                value,
                { value: p.value, baseline: mean, spread, z },
                {
                  zh: `${p.orgName}${k.name.zh} ${fmtKpi(k, p.value, 'zh')}，近${spec.weeks}周同期均值 ${fmtKpi(k, mean, 'zh')}，偏离 ${z === null ? '—' : fmtNum(z, 1)} 个标准差`,
                  en: `${p.orgName}: ${k.name.en} ${fmtKpi(k, p.value, 'en')}, same weekday and time over ${spec.weeks} weeks averaged ${fmtKpi(k, mean, 'en')} (${z === null ? '—' : fmtNum(z, 1)} σ)`,
                },
                times[0]!,
              );
            }),
          };
        },
      };
    }
  }
}

function textThreshold(k: KpiDef, p: KpiPoint, v: number | null) {
  return { zh: `${p.orgName}${k.name.zh} ${fmtKpi(k, v, 'zh')}`, en: `${p.orgName}: ${k.name.en} ${fmtKpi(k, v, 'en')}` };
}

/** ETL sources a KPI rule depends on: it is evaluated after any of them commits a batch. */
export function kpiRuleSources(spec: KpiSpec): string[] {
  const ids = [spec.kpi, ...(spec.kind === 'change' && spec.baseKpi ? [spec.baseKpi] : [])];
  return [...new Set(ids.flatMap((id) => FAMILY_BY_ID.get(KPI_BY_ID.get(id)!.family)!.sources))];
}

export type { Evaluation };
