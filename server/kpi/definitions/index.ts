import { FAMILY_BY_ID } from '../families';
import type { Dimension } from '../families/types';
import { ARREARS_KPIS } from './arrears';
import { CALL_KPIS } from './call';
import { OUTAGE_KPIS } from './outage';
import { QUEUE_KPIS } from './queue';
import type { KpiDef } from './types';
import { WORK_ORDER_KPIS } from './work-order';

/** Every KPI of DOMAIN.md §2, declared once. */
export const KPIS: readonly KpiDef[] = [...QUEUE_KPIS, ...CALL_KPIS, ...OUTAGE_KPIS, ...ARREARS_KPIS, ...WORK_ORDER_KPIS];
export const KPI_BY_ID = new Map(KPIS.map((k) => [k.id, k]));
export const KPI_IDS = KPIS.map((k) => k.id) as [string, ...string[]];

/** Measures a KPI reads. */
export function kpiMeasures(k: KpiDef): string[] {
  const c = k.calc;
  switch (c.op) {
    case 'count':
    case 'sum':
      return [c.m];
    case 'ratio':
    case 'complement':
      return [c.num, c.den];
    case 'avg':
      return [c.sum, c.count];
    case 'max':
    case 'age':
      return [c.m, c.count];
  }
}

/** The count measure whose records make up each drill part. */
export function drillMeasures(k: KpiDef): { numerator: string; denominator?: string } {
  const f = FAMILY_BY_ID.get(k.family)!;
  const rowsOf = (m: string): string => {
    const def = f.measures[m]!;
    return def.kind === 'count' || def.kind === 'uniq' ? m : def.rowsOf;
  };
  const c = k.calc;
  switch (c.op) {
    case 'count':
    case 'sum':
      return { numerator: rowsOf(c.m) };
    case 'ratio':
    case 'complement':
      return { numerator: rowsOf(c.num), denominator: rowsOf(c.den) };
    case 'avg':
      return { numerator: rowsOf(c.count) };
    case 'max':
    case 'age':
      return { numerator: rowsOf(c.count) };
  }
}

/** A KPI whose value needs {now} or a live family is always computed from the facts. */
export function isLive(k: KpiDef): boolean {
  const f = FAMILY_BY_ID.get(k.family)!;
  return f.grains.length === 0 || kpiMeasures(k).some((m) => f.measures[m]!.live);
}

/** Every measure behind a KPI: its figure's and its drill parts' records. */
function allMeasures(k: KpiDef): string[] {
  const d = drillMeasures(k);
  return [...new Set([...kpiMeasures(k), d.numerator, ...(d.denominator ? [d.denominator] : [])])];
}

/**
 * The dimensions a KPI can be filtered and broken down by: its family's, less those that describe other
 * measures only (arrears age on billed amounts), each with the values the KPI can hold (its own filter's:
 * the overdue ages of the arrears book).
 */
export function kpiDimensions(k: KpiDef): { name: string; dim: Dimension; values: readonly string[] | null }[] {
  const f = FAMILY_BY_ID.get(k.family)!;
  const measures = allMeasures(k);
  return Object.entries(f.dims)
    .filter(([, d]) => !d.only || measures.every((m) => d.only!.measures.includes(m)))
    .map(([name, dim]) => {
      const fixed = k.fixedFilters?.[name];
      const values = dim.values ? (fixed ? dim.values.filter((v) => fixed.includes(v)) : dim.values) : (fixed ?? null);
      return { name, dim, values };
    });
}

/** Why a KPI refuses a filter on a dimension of its family (null: it takes it). */
export function refusedDimension(k: KpiDef, name: string): { label: Dimension['label']; why: Dimension['label'] } | null {
  const f = FAMILY_BY_ID.get(k.family)!;
  const dim = Object.hasOwn(f.dims, name) ? f.dims[name]! : undefined;
  if (!dim?.only) return null;
  return allMeasures(k).every((m) => dim.only!.measures.includes(m)) ? null : { label: dim.label, why: dim.only.why };
}

/**
 * A KPI as `kpi.definitions` describes it (without its SQL): names, formula, unit, direction, thresholds under
 * `params`, the dimensions it takes and the org levels it has. The desktop's batch builder reads this shape.
 */
export function describeKpi(k: KpiDef, params: Parameters<NonNullable<KpiDef['thresholds']>>[0]) {
  const f = FAMILY_BY_ID.get(k.family)!;
  return {
    id: k.id,
    domain: k.domain,
    family: { id: f.id, label: f.label },
    name: k.name,
    formula: k.formula,
    unit: k.unit,
    direction: k.direction,
    digits: k.digits,
    thresholds: k.thresholds?.(params) ?? null,
    fixedTime: k.fixedTime ?? null,
    fixedFilters: k.fixedFilters ?? null,
    parts: k.parts,
    dimensions: kpiDimensions(k).map(({ name, dim, values }) => ({ name, label: dim.label, values })),
    levels: f.leaf === 'none' ? ['province'] : f.leaf === 'hall' ? ['province', 'city', 'county', 'hall'] : ['province', 'city', 'county'],
  };
}
