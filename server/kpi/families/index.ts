import { balanceFamily, billFamily, dunningFamily, paymentFamily, reconnectionFamily } from './arrears';
import { agentFamily, agentTimeFamily, callFamily } from './call';
import { outageFamily } from './outage';
import { queueFamily } from './queue';
import type { Family } from './types';
import { workOrderFamily } from './work-order';

export const FAMILIES = [
  queueFamily,
  callFamily,
  agentFamily,
  agentTimeFamily,
  outageFamily,
  billFamily,
  paymentFamily,
  dunningFamily,
  reconnectionFamily,
  balanceFamily,
  workOrderFamily,
] as const satisfies readonly Family[];

export type FamilyId = (typeof FAMILIES)[number]['id'];
export const FAMILY_BY_ID = new Map<string, Family>(FAMILIES.map((f) => [f.id, f]));

/** Measures a rollup stores: everything except live ones. */
export const storedMeasures = (f: Family) => Object.entries(f.measures).filter(([, m]) => !m.live);
