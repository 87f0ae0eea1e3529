import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chTime, parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { PARAM_DEFAULTS } from '@/server/kpi/params';
import type { CompileContext } from '@/server/kpi/query/compile';
import { runKpiQuery, runKpiRows, type EngineDeps } from '@/server/kpi/query/run';
import { kpiQueryInput, kpiRowsInput } from '@/server/kpi/query/schema';
import { RollupRefresher } from '@/server/kpi/rollup/refresher';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// Findings of the independent recount (issue 12) on arrears. Every expected figure is recounted here from
// the fact rows with plain SQL or plain JS, sharing nothing with the KPI layer's families or predicates,
// and the KPI must give it both from the facts and from the rollups.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 14:00:00', TZ)!;
const TODAY = '2026-11-23';
const ORG = { province_code: '53', city_code: '5301', county_code: '530102' };
const T0 = '2026-11-01 00:00:00.000';

let ch: ClickHouse;
let ctx: CompileContext;
const deps = (over: Partial<EngineDeps> = {}): EngineDeps => ({ ch, ctx, rollupReady: () => true, ...over });

// Bills: [id, customer, class, due date, amount, paid]. Today is 2026-11-23.
const BILLS = [
  ['B1', 'C1', 'residential', '2026-11-10', 100, 0], // 13 days overdue
  ['B2', 'C2', 'commercial', '2026-09-30', 200, 50], // 54 days overdue, part paid
  ['B3', 'C3', 'industrial', '2026-05-01', 300, 0], // 206 days overdue
  ['B4', 'C4', 'residential', '2026-12-05', 400, 0], // not due yet
  ['B5', 'C5', 'residential', '2026-10-01', 500, 500], // overdue but paid in full
] as const;

// Dunning contacts: [id, customer, dunned at (UTC)]; C1 pays on 11-12, three contacts before it.
const DUNNINGS = [
  ['D1', 'C1', '2026-11-06 02:00:00.000'],
  ['D2', 'C1', '2026-11-08 02:00:00.000'],
  ['D3', 'C1', '2026-11-10 02:00:00.000'],
  ['D4', 'C2', '2026-11-06 03:00:00.000'],
  ['D5', 'C3', '2026-11-07 03:00:00.000'],
] as const;
const PAYMENTS = [['P1', 'B1', 'C1', '2026-11-12 05:00:00.000', 'success']] as const;

// Disconnections for arrears: [id, notice at, disconnected at, payment confirmed at, reconnected at] (UTC).
// Now is 2026-11-23 06:00 UTC (14:00 Beijing).
const CASES: readonly (readonly [string, string, string, string | null, string | null])[] = [
  ['X1', '2026-11-10 02:50:00.000', '2026-11-17 02:40:00.000', null, null], // notice 6 d 23 h 50 min ahead: late
  ['X2', '2026-11-09 01:00:00.000', '2026-11-16 02:00:00.000', null, null], // 7 d 1 h
  ['X3', '2026-11-08 04:00:00.000', '2026-11-15 04:00:00.000', null, null], // exactly 7 d
  // Reconnection: R1 paid yesterday (Beijing) and reconnected 7 h later; R2 paid today 04:00 Beijing, not yet
  // reconnected (pending: 10 h of 24); R3 paid 11-20, never reconnected (past its limit); R4 reconnected after 26 h.
  ['R1', '2026-10-20 00:00:00.000', '2026-11-02 02:00:00.000', '2026-11-22 03:00:00.000', '2026-11-22 10:00:00.000'],
  ['R2', '2026-10-20 00:00:00.000', '2026-11-03 02:00:00.000', '2026-11-22 20:00:00.000', null],
  ['R3', '2026-10-20 00:00:00.000', '2026-11-05 02:00:00.000', '2026-11-20 01:00:00.000', null],
  ['R4', '2026-10-20 00:00:00.000', '2026-11-16 02:00:00.000', '2026-11-21 00:00:00.000', '2026-11-22 02:00:00.000'],
];
const ms = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`);
/** Beijing calendar date of a UTC time. */
const localDate = (s: string) => new Date(ms(s) + 8 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  ch = await testClickHouse();
  ctx = { params: structuredClone(PARAM_DEFAULTS), now: NOW, cal: { tz: TZ, resetHour: 0 } };
  await ch.insert(
    't.bills',
    'fact_bill',
    BILLS.map(([bill_id, customer_id, cls, due_date, amount]) => ({
      bill_id,
      customer_id,
      ...ORG,
      class: cls,
      bill_month: '2026-08-01',
      amount,
      due_date,
      issued_at: T0,
      src_updated_at: T0,
    })),
  );
  const billPayments = BILLS.filter((b) => b[5] > 0).map(([bill_id, customer_id, cls, , , paid]) => ({
    payment_id: `P-${bill_id}`,
    bill_id,
    customer_id,
    ...ORG,
    class: cls,
    amount: paid,
    paid_at: '2026-10-20 02:00:00.000',
    channel: 'counter',
    bank: '',
    result: 'success',
    failure_reason: '',
    src_updated_at: T0,
  }));
  await ch.insert('t.payments', 'fact_payment', [
    ...billPayments,
    ...PAYMENTS.map(([payment_id, bill_id, customer_id, paid_at, result]) => ({
      payment_id,
      bill_id,
      customer_id,
      ...ORG,
      class: 'residential',
      amount: 0.01,
      paid_at,
      channel: 'app',
      bank: '',
      result,
      failure_reason: '',
      src_updated_at: T0,
    })),
  ]);
  await ch.insert(
    't.dunning',
    'fact_dunning',
    DUNNINGS.map(([dunning_id, customer_id, dunned_at]) => ({
      dunning_id,
      customer_id,
      bill_id: '',
      ...ORG,
      class: 'residential',
      dunned_at,
      channel: 'sms',
      amount_owed: 1,
      src_updated_at: T0,
    })),
  );
  await ch.insert(
    't.reconnection',
    'fact_reconnection',
    CASES.map(([disconnection_id, notice_at, disconnected_at, paid_at, reconnected_at]) => ({
      disconnection_id,
      customer_id: `C-${disconnection_id}`,
      ...ORG,
      class: 'residential',
      notice_at,
      disconnected_at,
      paid_at,
      reconnected_at,
      src_updated_at: T0,
    })),
  );
  await new RollupRefresher(ch, async () => ctx).refresh();
}, 120_000);

afterAll(async () => {
  if (ch) await dropTestClickHouse(ch);
});

/** Rates are given to 4 digits. */
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** The KPI's single figure, from the facts and from the rollups (which must agree). */
async function figure(kpi: string, input: Record<string, unknown> = {}) {
  const q = kpiQueryInput.parse({ kpis: [kpi], orgCode: '53', time: { from: '2026-11-01', to: '2026-11-23' }, ...input });
  const [raw, rollup] = await Promise.all([runKpiQuery(q, deps({ forceRaw: true })), runKpiQuery(q, deps())]);
  const r = raw.kpis[0]!.points[0]!;
  expect(rollup.kpis[0]!.points[0]!.value, `${kpi} rollup`).toEqual(r.value);
  return r.value ?? 0;
}

describe('arrears ageing (finding 1): an age-bucket filter narrows the overdue book', () => {
  /** Plain SQL over the facts: owed amount and distinct customers of bills overdue by lo..hi days. */
  async function recount(lo: number, hi: number) {
    const rows = await ch.query(
      't.age',
      `SELECT toFloat64(sum(b.amount - least(ifNull(p.paid, 0), b.amount))) AS owed, uniqExact(b.customer_id) AS customers
       FROM (SELECT * FROM fact_bill FINAL) AS b
       LEFT JOIN (SELECT bill_id, sum(amount) AS paid FROM fact_payment FINAL WHERE result = 'success' GROUP BY bill_id) AS p
         ON p.bill_id = b.bill_id
       WHERE b.amount > ifNull(p.paid, 0)
         AND b.due_date <= toDate({today:String}) - {lo:UInt32} AND b.due_date >= toDate({today:String}) - {hi:UInt32}`,
      { today: TODAY, lo, hi },
      z.object({ owed: z.coerce.number(), customers: z.coerce.number() }),
    );
    return rows[0] ?? { owed: 0, customers: 0 };
  }

  it.each([
    ['d0_30', 1, 30],
    ['d31_90', 31, 90],
    ['d181_365', 181, 365],
  ] as const)('%s', async (age, lo, hi) => {
    const expected = await recount(lo, hi);
    expect(expected.owed).toBeGreaterThan(0);
    // Before the fix every bucket returned the whole book (549.99 yuan, 3 customers).
    expect(await figure('arrears.amount', { filters: { age: [age] } })).toBeCloseTo(expected.owed, 2);
    expect(await figure('arrears.customers', { filters: { age: [age] } })).toBe(expected.customers);
  });

  it('several buckets add up, a not-yet-due bucket has no arrears, the unfiltered book is all of it', async () => {
    const a = await recount(1, 30);
    const b = await recount(31, 90);
    expect(await figure('arrears.amount', { filters: { age: ['d0_30', 'd31_90'] } })).toBeCloseTo(a.owed + b.owed, 2);
    expect(await figure('arrears.amount', { filters: { age: ['not_due'] } })).toBe(0);
    const all = await recount(1, 3650);
    expect(all.owed).toBeCloseTo(549.99, 2); // B1 got 0.01 from the dunning test's payment
    expect(await figure('arrears.amount')).toBeCloseTo(all.owed, 2);
  });

  it('the drill-down rows of a bucket are its customers, as many as the figure counts', async () => {
    for (const [age, lo, hi] of [
      ['d0_30', 1, 30],
      ['d181_365', 181, 365],
    ] as const) {
      const expected = await recount(lo, hi);
      const q = kpiRowsInput.parse({
        kpi: 'arrears.customers',
        orgCode: '53',
        time: { from: '2026-11-01', to: '2026-11-23' },
        filters: { age: [age] },
      });
      const rows = await runKpiRows(q, deps());
      // Before the fix the rows were the whole overdue book whatever the bucket.
      expect(new Set(rows.rows.map((r) => r.customer_id)).size, age).toBe(expected.customers);
    }
  });

  it('still refuses an age bucket that does not exist', async () => {
    await expect(figure('arrears.amount', { filters: { age: ['d0_7'] } })).rejects.toThrow(/age/);
  });
});

describe('disconnection notice 7 days ahead (finding 2): elapsed time, not boundaries crossed', () => {
  it('a notice 6 d 23 h 50 min ahead is late', async () => {
    const inNov = CASES.filter(([, , d]) => localDate(d) >= '2026-11-01' && localDate(d) <= '2026-11-23');
    const ok = inNov.filter(([, n, d]) => ms(d) - ms(n) >= 7 * 86_400_000);
    expect(inNov.length).toBe(7);
    expect(ok.map(([id]) => id)).toEqual(['X2', 'X3', 'R1', 'R2', 'R3', 'R4']);
    // Before the fix (hour boundaries ≥ 168) X1 counted too: 7 of 7 = 100%.
    expect(await figure('arrears.disconnect_notice_rate')).toBe(round4(ok.length / inNov.length));
  });
});

describe('reconnection within 24 h (finding 3): by payment-confirmed date, pending cases wait', () => {
  const limit = PARAM_DEFAULTS['arrears.reconnectLimitHours'] * 3_600_000;
  /** Plain JS recount over the cases paid on Beijing dates from..to. */
  function recount(from: string, to: string) {
    const paid = CASES.filter(([, , , p]) => p !== null && localDate(p) >= from && localDate(p) <= to);
    const counted = paid.filter(([, , , p, r]) => r !== null || NOW - ms(p!) > limit);
    const onTime = counted.filter(([, , , p, r]) => r !== null && ms(r) - ms(p!) <= limit);
    const done = paid.filter(([, , , , r]) => r !== null);
    const hours = done.reduce((a, [, , , p, r]) => a + (ms(r!) - ms(p!)) / 3_600_000, 0) / (done.length || 1);
    return { rate: counted.length ? round4(onTime.length / counted.length) : null, counted: counted.length, hours };
  }

  it('yesterday has the case paid yesterday', async () => {
    const e = recount('2026-11-22', '2026-11-22');
    expect(e).toEqual({ rate: 1, counted: 1, hours: 7 });
    // Before the fix nothing was disconnected yesterday: no data.
    const y = { time: { from: '2026-11-22', to: '2026-11-22' } };
    expect(await figure('arrears.reconnect_in_limit', y)).toBe(e.rate);
    expect(await figure('arrears.reconnect_hours', y)).toBe(e.hours);
  });

  it('the month counts late and overdue cases, and leaves the pending one out until its limit passes', async () => {
    const e = recount('2026-11-01', '2026-11-23');
    // R1 on time; R3 (past its limit, not reconnected) and R4 (26 h) late; R2 pending.
    expect(e.counted).toBe(3);
    // Before the fix: by disconnection date, every paid case in the denominator: 1 of 4 = 25%.
    expect(await figure('arrears.reconnect_in_limit')).toBe(e.rate);
    expect(await figure('arrears.reconnect_hours')).toBe(Math.round(e.hours * 10) / 10);
  });

  it('shows the pending case as such in the rows', async () => {
    const q = kpiRowsInput.parse({
      kpi: 'arrears.disconnect_notice_rate',
      orgCode: '53',
      time: { from: '2026-11-01', to: '2026-11-23' },
      part: 'denominator',
    });
    const rows = await runKpiRows(q, deps());
    expect(Object.fromEntries(rows.rows.map((r) => [r.disconnection_id, r.state]))).toEqual({
      X1: 'unpaid',
      X2: 'unpaid',
      X3: 'unpaid',
      R1: 'reconnected',
      R2: 'pending',
      R3: 'overdue',
      R4: 'reconnected',
    });
  });
});

describe('dunning effectiveness (finding 4): distinct customers, not dunning records', () => {
  it('customers dunned who paid within N days / customers dunned', async () => {
    const days = PARAM_DEFAULTS['arrears.dunningPaidWithinDays'];
    const paidWithin = (customer: string, at: string) =>
      PAYMENTS.some(
        ([, , c, paidAt, result]) =>
          c === customer && result === 'success' && ms(paidAt) >= ms(at) && ms(paidAt) < ms(at) + days * 86_400_000,
      );
    const dunned = new Set(DUNNINGS.map(([, c]) => c));
    const paid = new Set(DUNNINGS.filter(([, c, at]) => paidWithin(c, at)).map(([, c]) => c));
    expect([paid.size, dunned.size]).toEqual([1, 3]);
    // Before the fix: dunning records, 3 of 5 = 60%.
    expect(await figure('arrears.dunning_effect')).toBe(round4(paid.size / dunned.size));
  });
});

describe('rollups of the changed families', () => {
  it('are rebuilt and read', async () => {
    const q = kpiQueryInput.parse({ kpis: ['arrears.dunning_effect'], orgCode: '53', time: { from: '2026-11-01', to: '2026-11-23' } });
    const r = await runKpiQuery(q, deps());
    expect(r.kpis[0]!.engine).toBe('rollup');
    const states = await ch.query(
      't.state',
      'SELECT family, complete FROM kpi_rollup_state FINAL',
      {},
      z.object({ family: z.string(), complete: z.number() }),
    );
    expect(states.find((s) => s.family === 'dunning')?.complete).toBe(1);
    expect(chTime(NOW)).toBeTruthy();
  });
});
