import type { Family } from './types';

const PAID = 'least(paid_amount, amount)';
const OWED = `(amount - ${PAID})`;

/** Ageing relative to the due date; 'not_due' bills are billed but not yet arrears. */
const AGE = `multiIf(due_date >= {today:Date}, 'not_due', dateDiff('day', due_date, {today:Date}) <= 30, 'd0_30',
  dateDiff('day', due_date, {today:Date}) <= 90, 'd31_90', dateDiff('day', due_date, {today:Date}) <= 180, 'd91_180',
  dateDiff('day', due_date, {today:Date}) <= 365, 'd181_365', 'over_365')`;
export const OVERDUE_AGES = ['d0_30', 'd31_90', 'd91_180', 'd181_365', 'over_365'] as const;

const CLASS = {
  sql: 'class',
  label: { zh: '用户类别', en: 'Customer class' },
  values: ['residential', 'commercial', 'industrial', 'large_key'],
} as const;

/** 电费回收与欠费 (DOMAIN.md §2.4): one row per bill with what has been paid on it so far. */
export const billFamily: Family = {
  id: 'bill',
  label: { zh: '电费回收', en: 'Billing and arrears' },
  sources: ['billing.bills', 'billing.payments'],
  sourceTables: ['fact_bill', 'fact_payment'],
  from: `(
    SELECT b.bill_id AS bill_id, b.customer_id AS customer_id, b.city_code AS city_code, b.county_code AS county_code,
           b.class AS class, b.bill_month AS bill_month, b.due_date AS due_date, b.amount AS amount,
           p.paid_amount AS paid_amount, p.last_paid_at AS last_paid_at
    FROM (SELECT * FROM fact_bill FINAL WHERE {{where}}) AS b
    LEFT JOIN (
      SELECT bill_id, sum(amount) AS paid_amount, max(paid_at) AS last_paid_at
      FROM fact_payment FINAL
      -- Payments are ordered by time, not bill: without a time bound every pass read and merged (FINAL) every
      -- payment ever. A bill is issued after its consumption month and paid after that, so no payment on it
      -- precedes the month's first day (a day's slack for the time zone).
      WHERE result = 'success' AND bill_id IN (SELECT bill_id FROM fact_bill WHERE {{where}})
        AND paid_at >= (SELECT toDateTime64(min(bill_month), 3, 'UTC') - INTERVAL 1 DAY FROM fact_bill WHERE {{where}})
      GROUP BY bill_id
    ) AS p ON p.bill_id = b.bill_id
  )`,
  timeColumn: 'bill_month',
  timeType: 'date',
  leaf: 'county',
  dims: {
    class: CLASS,
    age: {
      sql: AGE,
      label: { zh: '欠费账龄', en: 'Arrears age' },
      values: ['not_due', ...OVERDUE_AGES],
      usesToday: true,
      // The age of a debt today: it describes the arrears book (bills overdue and unpaid). The bills of a
      // bill month fall due together, so on billed or collected amounts an age bucket would select the whole
      // month or nothing, and a paid bill owes nothing to be aged.
      only: {
        measures: ['arrears_bills', 'outstanding', 'arrears_customers', 'key_arrears_bills', 'key_arrears_customers'],
        why: {
          zh: '欠费账龄只描述逾期未缴的欠费（欠费金额、欠费户数、重点欠费户）；同一电费年月的账单同时到期，按账龄筛选应收、实收或回收率只会选出整月或空集',
          en: 'arrears age describes overdue unpaid bills only (arrears, customers in arrears, key arrears accounts); a bill month’s bills fall due together, so an age bucket of billed, collected or the recovery rate would select the whole month or nothing',
        },
      },
    },
  },
  extraKeys: [{ name: 'due_date', sql: 'due_date', type: 'Date' }],
  measures: {
    bills: { kind: 'count', where: '1' },
    billed: { kind: 'sum', expr: 'amount', where: '1', rowsOf: 'bills', decimal: true },
    collected: { kind: 'sum', expr: PAID, where: 'paid_amount > 0', rowsOf: 'paid_bills', decimal: true },
    paid_bills: { kind: 'count', where: 'paid_amount > 0' },
    arrears_bills: { kind: 'count', where: `${OWED} > 0` },
    outstanding: { kind: 'sum', expr: OWED, where: `${OWED} > 0`, rowsOf: 'arrears_bills', decimal: true },
    arrears_customers: { kind: 'uniq', expr: 'customer_id', where: `${OWED} > 0`, rowsOf: 'arrears_bills' },
    key_arrears_bills: { kind: 'count', where: `${OWED} > 0 AND (class = 'large_key' OR amount >= {largeMinBill:Decimal(14, 2)})` },
    key_arrears_customers: {
      kind: 'uniq',
      expr: 'customer_id',
      where: `${OWED} > 0 AND (class = 'large_key' OR amount >= {largeMinBill:Decimal(14, 2)})`,
      rowsOf: 'key_arrears_bills',
    },
  },
  params: (p) => ({ largeMinBill: p['arrears.largeCustomerMinBill'] }),
  grains: ['month'],
  rows: {
    bill_id: { sql: 'bill_id', label: { zh: '账单编号', en: 'Bill' }, type: 'string' },
    customer_id: { sql: 'customer_id', label: { zh: '户号', en: 'Customer' }, type: 'string', personal: true },
    county_code: { sql: 'county_code', label: { zh: '区县', en: 'County' }, type: 'string' },
    class: { sql: 'class', label: { zh: '用户类别', en: 'Class' }, type: 'string' },
    bill_month: { sql: 'bill_month', label: { zh: '电费年月', en: 'Bill month' }, type: 'date' },
    due_date: { sql: 'due_date', label: { zh: '缴费期限', en: 'Due' }, type: 'date' },
    amount: { sql: 'amount', label: { zh: '应收（元）', en: 'Billed' }, type: 'money' },
    paid: { sql: PAID, label: { zh: '实收（元）', en: 'Paid' }, type: 'money' },
    owed: { sql: OWED, label: { zh: '欠费（元）', en: 'Owed' }, type: 'money' },
    last_paid_at: { sql: 'last_paid_at', label: { zh: '最近缴费', en: 'Last paid' }, type: 'time' },
  },
  defaultSort: 'bill_month',
  resolveKeys: `SELECT DISTINCT bill_month AS bucket FROM fact_bill WHERE bill_id IN {keys:Array(String)}`,
};

/** 缴费与代扣 (DOMAIN.md §2.4): one row per payment attempt. */
export const paymentFamily: Family = {
  id: 'payment',
  label: { zh: '缴费与代扣', en: 'Payments and bank debits' },
  sources: ['billing.payments'],
  sourceTables: ['fact_payment'],
  from: `(SELECT * FROM fact_payment FINAL WHERE {{where}})`,
  timeColumn: 'paid_at',
  timeType: 'datetime',
  leaf: 'county',
  dims: {
    channel: { sql: 'channel', label: { zh: '缴费渠道', en: 'Channel' }, values: ['counter', 'bank_debit', 'app', 'wechat', 'alipay'] },
    bank: { sql: 'bank', label: { zh: '代扣银行', en: 'Bank' } },
    class: CLASS,
  },
  measures: {
    attempts: { kind: 'count', where: '1' },
    success: { kind: 'count', where: "result = 'success'" },
    debit_attempts: { kind: 'count', where: "channel = 'bank_debit'" },
    debit_success: { kind: 'count', where: "channel = 'bank_debit' AND result = 'success'" },
    received: { kind: 'sum', expr: 'amount', where: "result = 'success'", rowsOf: 'success', decimal: true },
  },
  params: () => ({}),
  grains: ['hour', 'day'],
  rows: {
    payment_id: { sql: 'payment_id', label: { zh: '缴费流水', en: 'Payment' }, type: 'string' },
    bill_id: { sql: 'bill_id', label: { zh: '账单编号', en: 'Bill' }, type: 'string' },
    customer_id: { sql: 'customer_id', label: { zh: '户号', en: 'Customer' }, type: 'string', personal: true },
    paid_at: { sql: 'paid_at', label: { zh: '缴费时间', en: 'Paid at' }, type: 'time' },
    channel: { sql: 'channel', label: { zh: '渠道', en: 'Channel' }, type: 'string' },
    bank: { sql: 'bank', label: { zh: '银行', en: 'Bank' }, type: 'string' },
    amount: { sql: 'amount', label: { zh: '金额（元）', en: 'Amount' }, type: 'money' },
    result: { sql: 'result', label: { zh: '结果', en: 'Result' }, type: 'string' },
    failure_reason: { sql: 'failure_reason', label: { zh: '失败原因', en: 'Failure reason' }, type: 'string' },
  },
  defaultSort: 'paid_at',
};

const PAID_WITHIN = 'arrayExists(x -> x >= dunned_at AND x < dunned_at + toIntervalDay({paidWithinDays:UInt32}), pays)';

/** 催费 (DOMAIN.md §2.4): one row per dunning contact, with whether the customer paid within N days of it. */
export const dunningFamily: Family = {
  id: 'dunning',
  label: { zh: '催费', en: 'Dunning' },
  sources: ['billing.dunning', 'billing.payments'],
  sourceTables: ['fact_dunning', 'fact_payment'],
  from: `(
    SELECT d.dunning_id AS dunning_id, d.customer_id AS customer_id, d.bill_id AS bill_id, d.city_code AS city_code,
           d.county_code AS county_code, d.class AS class, d.dunned_at AS dunned_at, d.channel AS channel,
           d.amount_owed AS amount_owed, p.pays AS pays
    FROM (SELECT * FROM fact_dunning FINAL WHERE {{where}}) AS d
    LEFT JOIN (
      SELECT customer_id, groupArray(paid_at) AS pays FROM fact_payment FINAL
      -- Only payments a dunning of the period can count (within N days after it). The table is ordered by time,
      -- not customer: without the time bound every pass read and merged (FINAL) every payment ever.
      WHERE result = 'success' AND customer_id IN (SELECT customer_id FROM fact_dunning WHERE {{where}})
        AND paid_at >= (SELECT min(dunned_at) FROM fact_dunning WHERE {{where}})
        AND paid_at < (SELECT max(dunned_at) FROM fact_dunning WHERE {{where}}) + toIntervalDay({paidWithinDays:UInt32})
      GROUP BY customer_id
    ) AS p ON p.customer_id = d.customer_id
  )`,
  timeColumn: 'dunned_at',
  timeType: 'datetime',
  leaf: 'county',
  dims: {
    channel: { sql: 'channel', label: { zh: '催费方式', en: 'Channel' }, values: ['sms', 'phone', 'onsite', 'wechat'] },
    class: CLASS,
  },
  measures: {
    dunned: { kind: 'count', where: '1' },
    paid_within: { kind: 'count', where: PAID_WITHIN },
    // Dunning effectiveness counts customers, not contacts (DOMAIN.md §2.4): a customer dunned three times
    // is one dunned customer, and one who paid within N days of any of them is one who paid.
    dunned_customers: { kind: 'uniq', expr: 'customer_id', where: '1', rowsOf: 'dunned' },
    paid_customers: { kind: 'uniq', expr: 'customer_id', where: PAID_WITHIN, rowsOf: 'paid_within' },
  },
  params: (p) => ({ paidWithinDays: p['arrears.dunningPaidWithinDays'] }),
  grains: ['hour', 'day'],
  rows: {
    dunning_id: { sql: 'dunning_id', label: { zh: '催费编号', en: 'Dunning' }, type: 'string' },
    customer_id: { sql: 'customer_id', label: { zh: '户号', en: 'Customer' }, type: 'string', personal: true },
    bill_id: { sql: 'bill_id', label: { zh: '账单编号', en: 'Bill' }, type: 'string' },
    dunned_at: { sql: 'dunned_at', label: { zh: '催费时间', en: 'Dunned at' }, type: 'time' },
    channel: { sql: 'channel', label: { zh: '方式', en: 'Channel' }, type: 'string' },
    amount_owed: { sql: 'amount_owed', label: { zh: '欠费（元）', en: 'Owed' }, type: 'money' },
    paid: { sql: `toUInt8(${PAID_WITHIN})`, label: { zh: '期内缴费', en: 'Paid in time' }, type: 'number' },
  },
  defaultSort: 'dunned_at',
  // A payment can settle any dunning of the last weeks: its marks carry the payment hour and refresh the
  // dunning hours that could reach it.
  resolveKeys: `SELECT DISTINCT toStartOfHour(dunned_at) AS bucket FROM fact_dunning
    WHERE dunned_at >= parseDateTime64BestEffort(arrayMin({keys:Array(String)}), 3, 'UTC') - INTERVAL 60 DAY
      AND dunned_at <= parseDateTime64BestEffort(arrayMax({keys:Array(String)}), 3, 'UTC') + INTERVAL 1 HOUR`,
};

const PAYMENT = "event = 'payment'";
const RECONNECTED = `${PAYMENT} AND reconnected_at IS NOT NULL`;
const RECONNECT_MS = "dateDiff('millisecond', assumeNotNull(paid_at), assumeNotNull(reconnected_at))";
/** Time since the payment was confirmed, now. */
const SINCE_PAID_MS = "dateDiff('millisecond', assumeNotNull(paid_at), {now:DateTime64(3, 'UTC')})";

/**
 * 欠费停复电 (DOMAIN.md §2.4). A disconnection for arrears gives up to two rows: its disconnection (dated by
 * when the power went: the 7-day notice rule) and, once the customer paid, its payment (dated by when the
 * payment was confirmed: the reconnection clock starts there, so a case belongs to that day and month). A
 * paid case not yet reconnected and still inside its limit is pending: it counts once reconnected or once
 * its limit has passed. That depends on "now", so the family is always computed from the facts (a small
 * table: one row per disconnection).
 */
export const reconnectionFamily: Family = {
  id: 'reconnection',
  label: { zh: '欠费停复电', en: 'Disconnection and reconnection' },
  sources: ['billing.reconnections'],
  sourceTables: ['fact_reconnection'],
  from: `(
    SELECT *, 'disconnect' AS event, disconnected_at AS event_at FROM fact_reconnection FINAL WHERE {{where}}
    UNION ALL
    SELECT *, 'payment' AS event, assumeNotNull(paid_at) AS event_at FROM fact_reconnection FINAL
    WHERE paid_at IS NOT NULL AND {{where}}
  )`,
  timeColumn: 'event_at',
  timeType: 'datetime',
  leaf: 'county',
  dims: { class: CLASS },
  measures: {
    disconnections: { kind: 'count', where: "event = 'disconnect'" },
    // Elapsed time, not hour boundaries crossed: 6 d 23 h 50 min is less than 7 days.
    notice_ok: { kind: 'count', where: "event = 'disconnect' AND notice_at <= disconnected_at - INTERVAL 7 DAY" },
    paid: { kind: 'count', where: PAYMENT },
    reconnected: { kind: 'count', where: RECONNECTED },
    reconnected_in_limit: { kind: 'count', where: `${RECONNECTED} AND ${RECONNECT_MS} <= {reconnectLimitMs:UInt64}` },
    reconnect_ms_sum: { kind: 'sum', expr: RECONNECT_MS, where: RECONNECTED, rowsOf: 'reconnected' },
    /** Paid cases that count: reconnected, or not reconnected and past their limit. */
    settled: {
      kind: 'count',
      where: `${PAYMENT} AND (reconnected_at IS NOT NULL OR ${SINCE_PAID_MS} > {reconnectLimitMs:UInt64})`,
      live: true,
    },
    /** Paid, not yet reconnected, still inside the limit. */
    pending: {
      kind: 'count',
      where: `${PAYMENT} AND reconnected_at IS NULL AND ${SINCE_PAID_MS} <= {reconnectLimitMs:UInt64}`,
      live: true,
    },
  },
  params: (p) => ({ reconnectLimitMs: p['arrears.reconnectLimitHours'] * 3_600_000 }),
  grains: [],
  rows: {
    disconnection_id: { sql: 'disconnection_id', label: { zh: '停电编号', en: 'Disconnection' }, type: 'string' },
    customer_id: { sql: 'customer_id', label: { zh: '户号', en: 'Customer' }, type: 'string', personal: true },
    county_code: { sql: 'county_code', label: { zh: '区县', en: 'County' }, type: 'string' },
    notice_at: { sql: 'notice_at', label: { zh: '停电通知', en: 'Notice' }, type: 'time' },
    disconnected_at: { sql: 'disconnected_at', label: { zh: '停电时间', en: 'Disconnected' }, type: 'time' },
    paid_at: { sql: 'paid_at', label: { zh: '缴费时间', en: 'Paid' }, type: 'time' },
    reconnected_at: { sql: 'reconnected_at', label: { zh: '复电时间', en: 'Reconnected' }, type: 'time' },
    state: {
      sql: `multiIf(reconnected_at IS NOT NULL, 'reconnected', paid_at IS NULL, 'unpaid',
        ${SINCE_PAID_MS} > {reconnectLimitMs:UInt64}, 'overdue', 'pending')`,
      label: { zh: '状态', en: 'State' },
      type: 'string',
    },
    hours: {
      sql: `if(reconnected_at IS NOT NULL AND paid_at IS NOT NULL, round(${RECONNECT_MS} / 3600000, 1), NULL)`,
      label: { zh: '复电用时（时）', en: 'Hours' },
      type: 'number',
    },
  },
  defaultSort: 'disconnected_at',
};

/** A fee-controlled customer at or below the balance warning point: balance / expected charge ≤ ratio. */
const AT_WARNING = 'toFloat64(balance) <= {balanceWarnRatio:Float64} * toFloat64(expected_charge)';

/**
 * 电费预警点 (DOMAIN.md §2.4): one row per fee-controlled customer (prepaid, or a key account on load control)
 * with its latest balance snapshot. A customer whose latest snapshot is more than 48 hours old is no longer
 * snapshotted (left fee control) and is out. Live: the balances now.
 */
export const balanceFamily: Family = {
  id: 'balance',
  label: { zh: '费控余额', en: 'Fee-controlled balances' },
  sources: ['billing.balances'],
  sourceTables: ['fact_balance_latest'],
  from: `(SELECT * FROM fact_balance_latest FINAL
          WHERE snapshot_at <= {now:DateTime64(3, 'UTC')} AND snapshot_at > {now:DateTime64(3, 'UTC')} - INTERVAL 48 HOUR
            AND expected_charge > 0 AND {{where}})`,
  timeColumn: 'snapshot_at',
  timeType: 'datetime',
  leaf: 'county',
  dims: {
    class: CLASS,
    control: { sql: 'control', label: { zh: '费控方式', en: 'Control' }, values: ['prepaid', 'load_control'] },
  },
  measures: {
    controlled: { kind: 'count', where: '1', live: true },
    at_warning: { kind: 'count', where: AT_WARNING, live: true },
  },
  params: (p) => ({ balanceWarnRatio: p['arrears.balanceWarnRatio'] }),
  grains: [],
  rows: {
    customer_id: { sql: 'customer_id', label: { zh: '户号', en: 'Customer' }, type: 'string', personal: true },
    county_code: { sql: 'county_code', label: { zh: '区县', en: 'County' }, type: 'string' },
    class: { sql: 'class', label: { zh: '用户类别', en: 'Class' }, type: 'string' },
    control: { sql: 'control', label: { zh: '费控方式', en: 'Control' }, type: 'string' },
    balance: { sql: 'balance', label: { zh: '余额（元）', en: 'Balance' }, type: 'money' },
    expected_charge: { sql: 'expected_charge', label: { zh: '预计电费（元）', en: 'Expected charge' }, type: 'money' },
    ratio: {
      sql: 'round(toFloat64(balance) / toFloat64(expected_charge), 4)',
      label: { zh: '余额/预计电费', en: 'Balance / expected' },
      type: 'number',
    },
    snapshot_at: { sql: 'snapshot_at', label: { zh: '快照时间', en: 'Snapshot' }, type: 'time' },
  },
  defaultSort: 'snapshot_at',
};
