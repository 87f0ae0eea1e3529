import type { KpiDef } from '../definitions/types';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A KPI's value from its summed measures; null where the denominator is empty (no calls, no tickets). */
export function computeValue(k: KpiDef, m: Record<string, number | null>, now: number): number | null {
  const v = (name: string) => m[name] ?? 0;
  const c = k.calc;
  let x: number | null;
  switch (c.op) {
    case 'count':
      x = v(c.m);
      break;
    case 'sum':
      x = v(c.m) / (c.scale ?? 1);
      break;
    case 'ratio':
      x = v(c.den) === 0 ? null : v(c.num) / v(c.den);
      break;
    case 'complement':
      x = v(c.den) === 0 ? null : 1 - v(c.num) / v(c.den);
      break;
    case 'avg':
      x = v(c.count) === 0 ? null : v(c.sum) / v(c.count) / c.scale;
      break;
    case 'max':
      x = v(c.count) === 0 ? null : v(c.m) / c.scale;
      break;
    case 'age': {
      const oldest = m[c.m];
      x = v(c.count) === 0 || oldest === null || oldest === undefined ? null : Math.max(0, now - oldest) / c.scale;
      break;
    }
  }
  return x === null ? null : round(x, k.digits);
}

/** Threshold colour: for lower-better KPIs a value above warn / alarm, for higher-better one below. */
export function statusOf(
  k: KpiDef,
  value: number | null,
  t: { warn?: number; alarm?: number } | undefined,
): 'ok' | 'warn' | 'alarm' | null {
  if (value === null || !t || (t.warn === undefined && t.alarm === undefined)) return null;
  if (k.direction === 'lower_better') {
    if (t.alarm !== undefined && value > t.alarm) return 'alarm';
    if (t.warn !== undefined && value > t.warn) return 'warn';
    return 'ok';
  }
  if (k.direction === 'higher_better') {
    if (t.alarm !== undefined && value < t.alarm) return 'alarm';
    if (t.warn !== undefined && value < t.warn) return 'warn';
    return 'ok';
  }
  return null;
}
