import { describe, expect, it } from 'vitest';
import { buildQueueOverview } from '@/server/kpi/queue-overview';
import type { HallDayAggregate } from '@/server/repositories/queue-tickets';

const NOW = Date.parse('2026-11-23T03:00:00Z'); // 11:00 in Yunnan
const MIN = 60_000;

const agg = (over: Partial<HallDayAggregate> & Pick<HallDayAggregate, 'hall_code' | 'county_code' | 'city_code'>): HallDayAggregate => ({
  issued: 0,
  waiting: 0,
  called: 0,
  wait_ms_sum: 0,
  wait_ms_max: 0,
  oldest_waiting: null,
  satisfied: 0,
  rated: 0,
  ...over,
});

describe('queue overview roll-up', () => {
  const aggregates = [
    // A busy Kunming hall: 100 called, 10 min average; 90 of 100 ratings satisfied.
    agg({
      hall_code: '530102001',
      county_code: '530102',
      city_code: '5301',
      issued: 120,
      waiting: 12,
      called: 100,
      wait_ms_sum: 100 * 10 * MIN,
      wait_ms_max: 41 * MIN,
      oldest_waiting: NOW - 25 * MIN,
      satisfied: 90,
      rated: 100,
    }),
    // A quiet hall in the same city: 10 called, 2 min average; all 2 ratings satisfied.
    agg({
      hall_code: '530103001',
      county_code: '530103',
      city_code: '5301',
      issued: 10,
      waiting: 0,
      called: 10,
      wait_ms_sum: 10 * 2 * MIN,
      wait_ms_max: 5 * MIN,
      satisfied: 2,
      rated: 2,
    }),
  ];
  const data = buildQueueOverview({
    aggregates,
    hourly: [{ hour: Date.parse('2026-11-23T01:00:00Z'), issued: 50, called: 0, wait_ms_sum: 0 }],
    halls: [{ hall_code: '530102001', hall_name: '五华供电营业厅', county_code: '530102', lon: 102.7, lat: 25.04 }],
    freshness: {
      source: 'hall-queue.tickets',
      lastSuccessAt: NOW - 20_000,
      completeUpTo: NOW - 25_000,
      rowsInLastSuccess: 10,
      lastStatus: 'ok',
      lastError: null,
      lastRunAt: NOW - 20_000,
      failuresSinceSuccess: 0,
      quarantinedTotal: 0,
    },
    now: NOW,
    businessDate: '2026-11-23',
    isToday: true,
  });

  it('divides sums of sums: a rate is never an average of rates', () => {
    // (1000 + 20) / 110 = 9.27 min, not the mean of 10 and 2 (6 min).
    expect(data.totals.avgWaitMin).toBeCloseTo(1020 / 110, 2);
    // 92 / 102, not the mean of 0.9 and 1.0.
    expect(data.totals.satisfactionRate).toBeCloseTo(92 / 102, 4);
    expect(data.totals.ticketsIssued).toBe(130);
    expect(data.totals.queueLength).toBe(12);
    expect(data.totals.maxWaitMin).toBe(41);
    const kunming = data.byCity.find((c) => c.code === '5301')!;
    expect(kunming.avgWaitMin).toBeCloseTo(1020 / 110, 2);
  });

  it('lists every city and county, with "no data" as null rather than zero', () => {
    expect(data.byCity).toHaveLength(16);
    expect(data.byCounty).toHaveLength(129);
    const dali = data.byCity.find((c) => c.name === '大理白族自治州')!;
    expect(dali.ticketsIssued).toBe(0);
    expect(dali.avgWaitMin).toBeNull();
    expect(dali.satisfactionRate).toBeNull();
    expect(data.hourly[0]!.avgWaitMin).toBeNull();
  });

  it('gives the live longest wait from the oldest uncalled ticket', () => {
    expect(data.halls[0]!.longestWaitMin).toBe(25);
    expect(data.halls[0]!.queueLength).toBe(12);
  });

  it('marks data stale when the source has not completed a run recently', () => {
    expect(data.stale).toBe(false);
    const old = buildQueueOverview({
      aggregates,
      hourly: [],
      halls: [],
      freshness: undefined,
      now: NOW,
      businessDate: '2026-11-23',
      isToday: true,
    });
    expect(old.stale).toBe(true);
    expect(old.dataAsOf).toBeNull();
  });
});
