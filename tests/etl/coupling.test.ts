import { describe, expect, it } from 'vitest';
import { outageCallSurges } from '@/etl/simulator/coupling';
import { planCtiDay } from '@/etl/simulator/cti-day';

const TZ = 'Asia/Shanghai';
const DAY = '2026-11-24';
const SEED = 7;

describe('outages drive 95598 fault-repair calls', () => {
  const surges = outageCallSurges(DAY, SEED, TZ);
  const calm = planCtiDay(DAY, SEED, TZ, { anomalies: [] });
  const coupled = planCtiDay(DAY, SEED, TZ, { anomalies: surges });

  it('derives a surge from the day’s outages, biggest for faults', () => {
    expect(surges.length).toBeGreaterThan(20);
    expect(surges.every((s) => s.kind === 'outage_surge' && s.calls > 0)).toBe(true);
  });

  it('adds fault-repair calls in the outage’s county in the hours after it starts', () => {
    const biggest = surges
      .filter((s) => s.kind === 'outage_surge')
      .sort((a, b) => (b.kind === 'outage_surge' && a.kind === 'outage_surge' ? b.calls - a.calls : 0))[0]!;
    if (biggest.kind !== 'outage_surge') throw new Error('unexpected anomaly');
    const inWindow = (calls: typeof calm.calls) =>
      calls.filter(
        (c) =>
          c.countyCode === biggest.countyCode &&
          c.category === 'fault_repair' &&
          c.ivrAt >= biggest.startsAt &&
          c.ivrAt < biggest.startsAt + 2 * 3600_000,
      ).length;
    const before = inWindow(calm.calls);
    const after = inWindow(coupled.calls);
    // Most of the surge lands within two hours (mean 25 min after a 3 min delay); other outages in the
    // same county may add more.
    expect(after - before).toBeGreaterThanOrEqual(Math.floor(biggest.calls * 0.9));
    // Calls only come after the power goes, never before.
    const early = (calls: typeof calm.calls) =>
      calls.filter(
        (c) =>
          c.countyCode === biggest.countyCode &&
          c.category === 'fault_repair' &&
          c.ivrAt >= biggest.startsAt - 3600_000 &&
          c.ivrAt < biggest.startsAt,
      ).length;
    expect(early(coupled.calls)).toBe(early(calm.calls));
  });
});
