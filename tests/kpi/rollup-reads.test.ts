import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { billFamily, dunningFamily } from '@/server/kpi/families/arrears';
import { outageFamily } from '@/server/kpi/families/outage';
import type { Family, Grain } from '@/server/kpi/families/types';
import { PARAM_DEFAULTS } from '@/server/kpi/params';
import type { CompileContext } from '@/server/kpi/query/compile';
import { compileRefreshFromFacts } from '@/server/kpi/rollup/refresh-sql';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// A rollup pass recomputes a few hours' buckets and runs every few seconds while data loads. What it reads must
// follow those buckets, not the size of the tables: the outage family read every affected customer of every
// outage ever (a year's back-fill puts millions in fact_outage_customer) for each pass, about a second each at a
// year's size; the bill and dunning families read every payment ever. Here the engine's own limit on rows read
// (max_rows_to_read) holds a pass to its buckets' rows.

const OTHER_CUSTOMERS = 300_000;
const OTHER_PAYMENTS = 300_000;
const LIMIT = 100_000;
const LIMITED = `SETTINGS max_rows_to_read = ${LIMIT}, read_overflow_mode = 'throw'`;
const TOO_MANY = /Limit for rows|too many rows|TOO_MANY_ROWS/i;
let ch: ClickHouse;
const ctx: CompileContext = {
  params: structuredClone(PARAM_DEFAULTS),
  now: Date.parse('2026-11-23T12:00:00Z'),
  cal: { tz: 'Asia/Shanghai', resetHour: 0 },
};

/** The SELECT of a rollup pass over the given buckets, run under the row limit. */
async function limitedPass<S extends z.ZodType>(f: Family, grain: Grain, buckets: string[], columns: string, schema: S) {
  const { sql, params } = compileRefreshFromFacts(f, grain, buckets, 4, ctx);
  const select = sql.replace(/^INSERT INTO \S+ \([^)]*\)\n/, '');
  expect(select).not.toBe(sql);
  return ch.query(`test.${f.id}-pass`, `SELECT ${columns} FROM (${select}) ORDER BY 1 ${LIMITED}`, params, schema);
}

const where = { province_code: '53', city_code: '5301', county_code: '530102', class: 'residential' };
const payment = (id: string, bill: string, customer: string, at: string, result = 'success') => ({
  payment_id: id,
  bill_id: bill,
  customer_id: customer,
  ...where,
  amount: '100.00',
  paid_at: at,
  channel: 'app',
  bank: '',
  result,
  failure_reason: result === 'success' ? '' : '余额不足',
  src_updated_at: at,
});

beforeAll(async () => {
  ch = await testClickHouse();
  const planned = '2026-11-23 02:00:00.000';
  await ch.insert('test.outage', 'fact_outage', [
    {
      outage_id: 'O-1',
      source: 'test',
      province_code: '53',
      city_code: '5301',
      county_code: '530102',
      outage_type: 'planned',
      feeder: 'F1',
      area: 'A',
      created_at: '2026-11-15 02:00:00.000',
      planned_start: planned,
      planned_end: '2026-11-23 06:00:00.000',
      actual_start: null,
      actual_end: null,
      affected_customers: 2,
      status: 'announced',
      src_updated_at: '2026-11-15 02:00:00.000',
    },
  ]);
  await ch.insert('test.outage-customers', 'fact_outage_customer', [
    { outage_id: 'O-1', customer_id: 'C-1', source: 'test', important: 0, src_updated_at: planned },
    { outage_id: 'O-1', customer_id: 'C-2', source: 'test', important: 1, src_updated_at: planned },
  ]);
  await ch.insert('test.bills', 'fact_bill', [
    {
      bill_id: 'B-1',
      customer_id: 'C-1',
      ...where,
      bill_month: '2026-10-01',
      amount: '100.00',
      due_date: '2026-11-20',
      issued_at: '2026-11-04 18:00:00.000',
      src_updated_at: '2026-11-04 18:00:00.000',
    },
    {
      bill_id: 'B-2',
      customer_id: 'C-2',
      ...where,
      bill_month: '2026-10-01',
      amount: '100.00',
      due_date: '2026-11-20',
      issued_at: '2026-11-04 18:00:00.000',
      src_updated_at: '2026-11-04 18:00:00.000',
    },
  ]);
  await ch.insert('test.payments', 'fact_payment', [
    payment('P-1', 'B-1', 'C-1', '2026-11-10 03:00:00.000'),
    payment('P-2', 'B-2', 'C-2', '2026-11-12 03:00:00.000', 'failed'),
    payment('P-3', 'B-3', 'C-3', '2026-11-24 04:00:00.000'),
  ]);
  await ch.insert('test.dunning', 'fact_dunning', [
    {
      dunning_id: 'D-1',
      customer_id: 'C-3',
      bill_id: 'B-3',
      ...where,
      dunned_at: '2026-11-23 02:30:00.000',
      channel: 'sms',
      amount_owed: '100.00',
      src_updated_at: '2026-11-23 02:30:00.000',
    },
    {
      dunning_id: 'D-2',
      customer_id: 'C-2',
      bill_id: 'B-2',
      ...where,
      dunned_at: '2026-11-23 02:40:00.000',
      channel: 'sms',
      amount_owed: '100.00',
      src_updated_at: '2026-11-23 02:40:00.000',
    },
  ]);
  // Earlier payments of other bills, as a year's history leaves them; every thousandth by the dunned customers.
  await ch.command(
    'test.payments.others',
    `INSERT INTO fact_payment (payment_id, bill_id, customer_id, province_code, city_code, county_code, class, amount, paid_at,
                               channel, bank, result, failure_reason, src_updated_at)
     SELECT concat('Q-', toString(number)), concat('X-', toString(number)), if(number % 1000 = 0, 'C-3', if(number % 1000 = 1, 'C-2', toString(number))),
            '53', '5301', '530102', 'residential', 10, toDateTime64('2025-11-01 00:00:00', 3, 'UTC') + toIntervalSecond(number * 80),
            'app', '', 'success', '', now64(3)
     FROM numbers({n:UInt64})`,
    { n: OTHER_PAYMENTS },
  );
  // The customers of other outages, as a year's history leaves them.
  await ch.command(
    'test.outage-customers.others',
    `INSERT INTO fact_outage_customer (outage_id, customer_id, source, important, src_updated_at)
     SELECT concat('P-', toString(number % 20000)), toString(number), 'test', 0, now64(3) FROM numbers({n:UInt64})`,
    { n: OTHER_CUSTOMERS },
  );
});

afterAll(async () => {
  if (ch) await dropTestClickHouse(ch);
});

describe("a rollup pass reads its buckets' rows, not the tables", () => {
  it("the outage family's pass over one hour stays under a row limit a full read of the customers breaks", async () => {
    // The control: the limit does stop a read of every customer.
    await expect(
      ch.query(
        'test.outage-customers.all',
        `SELECT count() AS n FROM fact_outage_customer FINAL ${LIMITED}`,
        {},
        z.object({ n: z.coerce.number() }),
      ),
    ).rejects.toThrow(TOO_MANY);
    const rows = await limitedPass(
      outageFamily,
      'hour',
      ['2026-11-23 02:00:00'],
      'k_important, m_affected AS affected',
      z.object({ k_important: z.string(), affected: z.coerce.number() }),
    );
    // The pass still finds the outage's two customers, one of them important.
    expect(rows.filter((r) => r.affected > 0)).toEqual([
      { k_important: '0', affected: 1 },
      { k_important: '1', affected: 1 },
    ]);
  });

  it('a full read of the payments breaks the row limit', async () => {
    await expect(
      ch.query('test.payments.all', `SELECT count() AS n FROM fact_payment FINAL ${LIMITED}`, {}, z.object({ n: z.coerce.number() })),
    ).rejects.toThrow(TOO_MANY);
  });

  it("the bill family's pass over a month stays under the row limit", async () => {
    // October's bills: B-1 paid in November, B-2's debit failed.
    const bills = await limitedPass(
      billFamily,
      'month',
      ['2026-10-01'],
      'sum(m_bills) AS bills, sum(m_paid_bills) AS paid, sum(m_collected) AS collected, sum(m_arrears_bills) AS arrears',
      z.object({ bills: z.coerce.number(), paid: z.coerce.number(), collected: z.coerce.number(), arrears: z.coerce.number() }),
    );
    expect(bills).toEqual([{ bills: 2, paid: 1, collected: 100, arrears: 1 }]);
  });

  it("the dunning family's pass over an hour stays under the row limit", async () => {
    // Two dunned in the hour: C-3 paid the next day; C-2 never did (its payments are older than the dunning).
    const dunning = await limitedPass(
      dunningFamily,
      'hour',
      ['2026-11-23 02:00:00'],
      'sum(m_dunned) AS dunned, sum(m_paid_within) AS paid',
      z.object({ dunned: z.coerce.number(), paid: z.coerce.number() }),
    );
    expect(dunning).toEqual([{ dunned: 2, paid: 1 }]);
  });
});
