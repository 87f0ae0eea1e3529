import { FAMILY_BY_ID } from '../families';
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
