import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { dateText, flag, isoTime, LIST_LIMIT, num } from './common';

// One customer of the billing system (抄核收, DOMAIN.md §2.4): master data (dim_customer), bills with what was
// paid on each, payment attempts, dunning, disconnections for arrears with their reconnection, and the latest
// balance snapshot of a fee-controlled customer. Facts are read within the customer's county (their sort key
// starts with it), so one customer's page reads one county's slice.

const customerRow = z.object({
  customer_id: z.string(),
  customer_name: z.string(),
  province_code: z.string(),
  city_code: z.string(),
  county_code: z.string(),
  class: z.string(),
  industry: z.string(),
  key_account: flag,
  prepaid: flag,
  bank: z.string(),
  opened_on: dateText,
  src_updated_at: isoTime,
  loaded_at: isoTime,
});
export type CustomerRow = z.infer<typeof customerRow>;

const billRow = z.object({
  bill_id: z.string(),
  bill_month: dateText,
  amount: num,
  due_date: dateText,
  issued_at: isoTime,
  paid: num,
  last_paid_at: isoTime,
});
export type BillRow = z.infer<typeof billRow>;

const paymentRow = z.object({
  payment_id: z.string(),
  bill_id: z.string(),
  amount: num,
  paid_at: isoTime,
  channel: z.string(),
  bank: z.string(),
  result: z.string(),
  failure_reason: z.string(),
});
export type PaymentRow = z.infer<typeof paymentRow>;

const dunningRow = z.object({
  dunning_id: z.string(),
  bill_id: z.string(),
  dunned_at: isoTime,
  channel: z.string(),
  amount_owed: num,
});
export type DunningRow = z.infer<typeof dunningRow>;

const reconnectionRow = z.object({
  disconnection_id: z.string(),
  notice_at: isoTime,
  disconnected_at: isoTime,
  paid_at: isoTime,
  reconnected_at: isoTime,
});
export type ReconnectionRow = z.infer<typeof reconnectionRow>;

const balanceRow = z.object({
  control: z.string(),
  balance: num,
  expected_charge: num,
  snapshot_at: isoTime,
});
export type BalanceRow = z.infer<typeof balanceRow>;

/** The customer a bill belongs to (a masked drill row reaches its customer this way). */
export async function customerOfBill(ch: ClickHouse, billId: string): Promise<string | null> {
  const rows = await ch.query(
    'repo.records.bill-customer',
    'SELECT customer_id FROM fact_bill FINAL WHERE bill_id = {bill:String} LIMIT 1',
    { bill: billId },
    z.object({ customer_id: z.string() }),
  );
  return rows[0]?.customer_id ?? null;
}

export async function findCustomer(ch: ClickHouse, id: string): Promise<CustomerRow | null> {
  const rows = await ch.query(
    'repo.records.customer',
    `SELECT ${Object.keys(customerRow.shape).join(', ')} FROM dim_customer FINAL WHERE customer_id = {id:String} LIMIT 1`,
    { id },
    customerRow,
  );
  return rows[0] ?? null;
}

export interface CustomerFacts {
  bills: BillRow[];
  payments: PaymentRow[];
  dunning: DunningRow[];
  reconnections: ReconnectionRow[];
  balance: BalanceRow | null;
}

/** Everything the billing system holds about one customer of one county, newest first, each list capped. */
export async function customerFacts(ch: ClickHouse, c: { id: string; countyCode: string }): Promise<CustomerFacts> {
  const p = { id: c.id, county: c.countyCode, limit: LIST_LIMIT };
  const mine = 'county_code = {county:String} AND customer_id = {id:String}';
  const [bills, payments, dunning, reconnections, balance] = await Promise.all([
    ch.query(
      'repo.records.customer-bills',
      `SELECT b.bill_id AS bill_id, b.bill_month AS bill_month, b.amount AS amount, b.due_date AS due_date, b.issued_at AS issued_at,
              ifNull(p.paid, 0) AS paid, p.last_paid_at AS last_paid_at
       FROM (SELECT * FROM fact_bill FINAL WHERE ${mine}) AS b
       LEFT JOIN (
         SELECT bill_id, sum(amount) AS paid, max(paid_at) AS last_paid_at FROM fact_payment FINAL
         WHERE ${mine} AND result = 'success' GROUP BY bill_id
       ) AS p ON p.bill_id = b.bill_id
       ORDER BY b.bill_month DESC, b.bill_id LIMIT {limit:UInt32}`,
      p,
      billRow,
    ),
    ch.query(
      'repo.records.customer-payments',
      `SELECT payment_id, bill_id, amount, paid_at, channel, bank, result, failure_reason FROM fact_payment FINAL
       WHERE ${mine} ORDER BY paid_at DESC, payment_id LIMIT {limit:UInt32}`,
      p,
      paymentRow,
    ),
    ch.query(
      'repo.records.customer-dunning',
      `SELECT dunning_id, bill_id, dunned_at, channel, amount_owed FROM fact_dunning FINAL
       WHERE ${mine} ORDER BY dunned_at DESC, dunning_id LIMIT {limit:UInt32}`,
      p,
      dunningRow,
    ),
    ch.query(
      'repo.records.customer-reconnections',
      `SELECT disconnection_id, notice_at, disconnected_at, paid_at, reconnected_at FROM fact_reconnection FINAL
       WHERE ${mine} ORDER BY disconnected_at DESC, disconnection_id LIMIT {limit:UInt32}`,
      p,
      reconnectionRow,
    ),
    ch.query(
      'repo.records.customer-balance',
      `SELECT control, balance, expected_charge, snapshot_at FROM fact_balance_latest FINAL WHERE customer_id = {id:String} LIMIT 1`,
      { id: c.id },
      balanceRow,
    ),
  ]);
  return { bills, payments, dunning, reconnections, balance: balance[0] ?? null };
}
