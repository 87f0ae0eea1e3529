import { COUNTIES } from '@/core/org/divisions';
import { formatLocal } from '@/core/time';
import type { Anomaly } from './cti-day';
import { planOutageDay } from './outage-plan';

// Ties the simulated systems together the way the province behaves: an outage makes its customers ring
// 95598 minutes later (DOMAIN.md §2.3), most of all for faults nobody was told about.

/** Share of affected customers who call about the outage. */
const CALL_SHARE = { fault: 0.04, temporary: 0.01, planned: 0.004, peak_shifting: 0.006 } as const;

/** Fault-repair call surges for the outages that start on local day `ymd`, for the CTI simulator. */
export function outageCallSurges(
  ymd: string,
  seed: number,
  tz: string,
  countyCodes: readonly string[] = COUNTIES.map((c) => c.code),
): Anomaly[] {
  const out: Anomaly[] = [];
  for (const county of countyCodes) {
    for (const o of planOutageDay(county, ymd, seed, tz)) {
      if (formatLocal(o.actualStart, tz).slice(0, 10) !== ymd) continue;
      const calls = Math.round(o.affectedCustomers * CALL_SHARE[o.type]);
      if (calls > 0) out.push({ kind: 'outage_surge', countyCode: o.countyCode, startsAt: o.actualStart, calls });
    }
  }
  return out;
}
