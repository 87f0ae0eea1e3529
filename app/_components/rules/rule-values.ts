// What a rule's thresholds measure, and how the screen shows them. The KPI layer keeps percent KPIs as
// fractions (0.05 = 5%); people read and type percent. Every threshold goes through here both ways, so the
// editor, the preview and the alert list agree on what "5" means. Pure functions.

import type { RuleKind } from '../alerts/severity';

/** KPI units as `kpi.definitions` gives them. */
export type KpiUnit = 'count' | 'percent' | 'minutes' | 'seconds' | 'hours' | 'yuan';

/** What a rule's graded value is, as shown: percent, percentage points, a ratio (×), σ, or a KPI unit. */
export type ValueUnit = 'percent' | 'pp' | 'ratio' | 'sigma' | 'count' | 'minutes' | 'seconds' | 'hours' | 'yuan';

export interface ValueScale {
  unit: ValueUnit;
  /** Shown = stored × scale (100 for fractions shown as percent). */
  scale: number;
}

/** The fields of a spec that decide what its value is. */
export interface SpecShape {
  kind: RuleKind | string;
  kpi?: string;
  mode?: string;
  check?: string;
  event?: string;
}

const KPI_SCALE: Record<KpiUnit, ValueScale> = {
  count: { unit: 'count', scale: 1 },
  percent: { unit: 'percent', scale: 100 },
  minutes: { unit: 'minutes', scale: 1 },
  seconds: { unit: 'seconds', scale: 1 },
  hours: { unit: 'hours', scale: 1 },
  yuan: { unit: 'yuan', scale: 1 },
};

/** The unit and display scale of a KPI's own values (value, base, baseline in an alert's figures). */
export function kpiValueScale(unit: string | undefined): ValueScale {
  return KPI_SCALE[unit as KpiUnit] ?? KPI_SCALE.count;
}

/**
 * The unit of the value a rule grades against its thresholds (server/alerts/spec.ts documents each):
 * threshold → the KPI's unit; change → ratio; compare → relative change in percent, or the difference in the
 * KPI's unit (percentage points for rates); anomaly → standard deviations; time limits → elapsed share of the
 * limit or hours; record events → count or failed share; correlation → affected customers.
 */
export function ruleValueScale(spec: SpecShape, unitOf: (kpi: string) => string | undefined): ValueScale {
  const kpiUnit = spec.kpi ? unitOf(spec.kpi) : undefined;
  switch (spec.kind) {
    case 'threshold':
      return kpiValueScale(kpiUnit);
    case 'change':
      return { unit: 'ratio', scale: 1 };
    case 'compare':
      if (spec.mode === 'difference') return kpiUnit === 'percent' ? { unit: 'pp', scale: 100 } : kpiValueScale(kpiUnit);
      return { unit: 'percent', scale: 100 };
    case 'anomaly':
      return { unit: 'sigma', scale: 1 };
    case 'time_limit':
      return spec.check === 'work_order_due' ? { unit: 'percent', scale: 100 } : { unit: 'hours', scale: 1 };
    case 'record_event':
      return spec.event === 'sms_batch_failed' || spec.event === 'balance_low'
        ? { unit: 'percent', scale: 100 }
        : { unit: 'count', scale: 1 };
    default:
      return { unit: 'count', scale: 1 };
  }
}

/** Strips binary noise: 0.07 × 100 = 7.000000000000001 → 7. */
function clean(n: number): number {
  return Number(n.toPrecision(12));
}

/** Stored value → the number a person reads and types (0.05 with scale 100 → 5). */
export function toDisplay(stored: number, scale: number): number {
  return clean(stored * scale);
}

/** Typed number → stored value (5 with scale 100 → 0.05). */
export function fromDisplay(shown: number, scale: number): number {
  return clean(shown / scale);
}

/** Parses a typed number ("5", " 5.5 ", "1e3"); null for empty or not a finite number. */
export function parseNumber(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
