import type { ClickHouse } from '@/core/clickhouse/client';
import { chNumber } from '@/core/clickhouse/row-types';
import type { TableName } from '@/core/clickhouse/tables';
import { chTime } from '@/core/time';
import { z } from 'zod';
import { closeStage, STAGE_COLUMNS, stageTable } from '../../runtime/bulk-csv';
import { lit, timeOk, timeVal } from '../../runtime/sql-rules';
import { CHANNEL_LABEL, CONTROL_LABEL, DUNNING_CHANNEL_LABEL, HEADERS, RESULT_LABEL, type BillingKind } from './source-schema';

// The bulk path's checks and transforms of a staged billing CSV (etl_stage_csv), as set operations: the same
// rules, in the same order and with the same reasons, as transform.ts applies line by line (a test loads one
// file both ways and compares the facts and the quarantine). Kinds without rules here go row by row.

/** Export kinds the bulk path takes; the others (customers, bills) stay on the row path. */
export const BULK_KINDS = ['payments', 'dunning', 'reconnections', 'balances'] as const satisfies readonly BillingKind[];
export type BulkKind = (typeof BULK_KINDS)[number];
export const isBulkKind = (k: BillingKind): k is BulkKind => (BULK_KINDS as readonly string[]).includes(k);

// JavaScript's trim of what the framing let through (ASCII whitespace; Unicode spaces go row by row).
const trim = (col: string) => `trimBoth(${col}, ${lit(' \t\n\v\f\r')})`;

const AMOUNT_RE = String.raw`^-?\d+(\.\d+)?$`;

/** Yuan text → cents as Math.round(Number(v) * 100) does. */
const cents = (x: string) => `floor(toFloat64OrZero(${x}) * 100 + 0.5)`;
const money = (x: string) => `toDecimal64(${cents(x)}, 2) / 100`;
const json = (x: string) => `toJSONString(${x})`;

interface Check {
  when: string;
  reason: string;
}

/** transform.ts's amount(): a non-negative number of yuan. */
const amountChecks = (field: string): Check[] => [
  { when: `NOT match(f_${field}, ${lit(AMOUNT_RE)})`, reason: `concat(${lit(`bad amount in ${field}: `)}, ${json(`f_${field}`)})` },
  { when: `${cents(`f_${field}`)} < 0`, reason: `concat(${lit(`negative amount in ${field}: `)}, f_${field})` },
];
/** A time field tested once (ok_<field>) and parsed (the alias given), as the values of its kind. */
const parsedTime = (field: string, alias: string) => ({
  [`ok_${field}`]: timeOk(`f_${field}`),
  [alias]: timeVal(`f_${field}`, `ok_${field}`),
});
/** The field's parsedTime must be among its kind's values. */
const timeCheck = (field: string, optional = false): Check => ({
  when: `${optional ? `f_${field} != '' AND ` : ''}NOT ok_${field}`,
  reason: `concat(${lit(`bad date in ${field}: `)}, ${json(`f_${field}`)})`,
});
const customerCheck: Check = { when: `o_id = ''`, reason: `concat('unknown customer ', f_customer_id)` };
/** transform.ts's GARBLED: text a wrong decoding left behind (replacement characters, 锟斤拷, ??, C1 controls). */
const GARBLED_RE = String.raw`\x{FFFD}|锟斤拷|\?{2,}|[\x{80}-\x{9F}]`;
const garbledCheck = (field: string): Check => ({
  when: `match(f_${field}, ${lit(GARBLED_RE)})`,
  reason: `concat(${lit(`wrong encoding in ${field}: `)}, ${json(`f_${field}`)})`,
});

interface KindRules {
  table: TableName;
  /** Fields zod requires (min 1), in the schema's order: the malformed-row reason lists them so. */
  required: string[];
  /** Parsed values other expressions name (alias → SQL). */
  values: Record<string, string>;
  checks: Check[];
  /** Fact column → SQL. */
  out: Record<string, string>;
  /** A second table the same rows go to (the balances' latest-per-customer table). */
  alsoInto?: TableName;
  /** A field whose raw text, after '@', completes a quarantined row's key (a customer is in every snapshot). */
  keySuffix?: string;
  /** Label maps bound as parameters: name → [labels, keys]. */
  labels: Record<string, [string[], string[]]>;
}

const orgOut = { province_code: 'o_province', city_code: 'o_city', county_code: 'o_county', class: 'o_class' };
const atLocal = (unit: 'toHour' | 'toMinute' | 'toSecond') => `${unit}(assumeNotNull(v_at), {tz:String}) = 0`;
const pairs = (m: Record<string, string>): [string[], string[]] => [Object.values(m), Object.keys(m)];

const RULES: Record<BulkKind, KindRules> = {
  payments: {
    table: 'fact_payment',
    required: ['payment_id', 'bill_id', 'customer_id', 'amount', 'paid_at', 'channel', 'result'],
    labels: { channel: pairs(CHANNEL_LABEL), result: pairs(RESULT_LABEL) },
    values: {
      ...parsedTime('paid_at', 'v_paid'),
      v_channel: `transform(f_channel, {channel_labels:Array(String)}, {channel_keys:Array(String)}, '')`,
      v_result: `transform(f_result, {result_labels:Array(String)}, {result_keys:Array(String)}, '')`,
    },
    checks: [
      ...amountChecks('amount'),
      timeCheck('paid_at'),
      { when: `v_channel = ''`, reason: `concat('unknown channel ', ${json('f_channel')})` },
      { when: `v_result = ''`, reason: `concat('unknown debit result ', ${json('f_result')})` },
      { when: `v_channel = 'bank_debit' AND f_bank = ''`, reason: `'bank debit without a bank'` },
      { when: `v_result = 'failed' AND f_failure_reason = ''`, reason: `'failed payment without a reason'` },
      customerCheck,
    ],
    out: {
      payment_id: 'f_payment_id',
      bill_id: 'f_bill_id',
      customer_id: 'f_customer_id',
      ...orgOut,
      amount: money('f_amount'),
      paid_at: 'assumeNotNull(v_paid)',
      channel: 'v_channel',
      bank: 'f_bank',
      result: 'v_result',
      failure_reason: `if(v_result = 'failed', f_failure_reason, '')`,
      src_updated_at: 'assumeNotNull(v_paid)',
    },
  },
  dunning: {
    table: 'fact_dunning',
    required: ['dunning_id', 'customer_id', 'dunned_at', 'channel', 'amount_owed'],
    labels: { channel: pairs(DUNNING_CHANNEL_LABEL) },
    values: {
      ...parsedTime('dunned_at', 'v_at'),
      v_channel: `transform(f_channel, {channel_labels:Array(String)}, {channel_keys:Array(String)}, '')`,
    },
    checks: [
      ...amountChecks('amount_owed'),
      timeCheck('dunned_at'),
      { when: `v_channel = ''`, reason: `concat('unknown dunning channel ', ${json('f_channel')})` },
      customerCheck,
    ],
    out: {
      dunning_id: 'f_dunning_id',
      customer_id: 'f_customer_id',
      bill_id: 'f_bill_id',
      ...orgOut,
      dunned_at: 'assumeNotNull(v_at)',
      channel: 'v_channel',
      amount_owed: money('f_amount_owed'),
      src_updated_at: 'assumeNotNull(v_at)',
    },
  },
  reconnections: {
    table: 'fact_reconnection',
    required: ['disconnection_id', 'customer_id', 'notice_at', 'disconnected_at', 'updated_at'],
    labels: {},
    values: {
      ...parsedTime('notice_at', 'v_notice'),
      ...parsedTime('disconnected_at', 'v_cut'),
      ...parsedTime('paid_at', 'v_paid'),
      ...parsedTime('reconnected_at', 'v_back'),
      ...parsedTime('updated_at', 'v_updated'),
    },
    checks: [
      // Every non-empty time in field order, then the order of events.
      ...(['notice_at', 'disconnected_at', 'paid_at', 'reconnected_at', 'updated_at'] as const).map((f) => timeCheck(f, true)),
      { when: `v_cut < v_notice`, reason: `'disconnected_at before notice_at'` },
      { when: `v_back IS NOT NULL AND v_paid IS NULL`, reason: `'reconnected_at without paid_at'` },
      { when: `v_back IS NOT NULL AND v_back < v_paid`, reason: `'reconnected_at before paid_at'` },
      customerCheck,
    ],
    out: {
      disconnection_id: 'f_disconnection_id',
      customer_id: 'f_customer_id',
      ...orgOut,
      notice_at: 'assumeNotNull(v_notice)',
      disconnected_at: 'assumeNotNull(v_cut)',
      paid_at: 'v_paid',
      reconnected_at: 'v_back',
      src_updated_at: 'assumeNotNull(v_updated)',
    },
  },
  balances: {
    table: 'fact_balance',
    alsoInto: 'fact_balance_latest',
    keySuffix: 'snapshot_at',
    required: ['customer_id', 'control', 'balance', 'expected_charge', 'snapshot_at'],
    labels: { control: pairs(CONTROL_LABEL) },
    values: {
      ...parsedTime('snapshot_at', 'v_at'),
      v_control: `transform(f_control, {control_labels:Array(String)}, {control_keys:Array(String)}, '')`,
    },
    checks: [
      ...(['customer_id', 'control', 'balance', 'expected_charge', 'snapshot_at'] as const).map(garbledCheck),
      { when: `v_control = ''`, reason: `concat('unknown control mode ', ${json('f_control')})` },
      // The balance may be negative (a customer in debt); the expected charge is what the ratio divides by.
      { when: `NOT match(f_balance, ${lit(AMOUNT_RE)})`, reason: `concat('bad amount in balance: ', ${json('f_balance')})` },
      ...amountChecks('expected_charge'),
      { when: `${cents('f_expected_charge')} = 0`, reason: `'expected_charge is zero'` },
      timeCheck('snapshot_at'),
      customerCheck,
    ],
    out: {
      customer_id: 'f_customer_id',
      ...orgOut,
      key_account: 'o_key_account',
      control: 'v_control',
      balance: money('f_balance'),
      expected_charge: money('f_expected_charge'),
      snapshot_at: 'assumeNotNull(v_at)',
      // A snapshot at local midnight closes a day: kept for good, the hourly ones only for a fortnight.
      day_end: `toUInt8(${atLocal('toHour')} AND ${atLocal('toMinute')} AND ${atLocal('toSecond')})`,
      src_updated_at: 'assumeNotNull(v_at)',
    },
  },
};

const KEY_FIELD: Record<BulkKind, string> = {
  payments: 'payment_id',
  dunning: 'dunning_id',
  reconnections: 'disconnection_id',
  balances: 'customer_id',
};

export interface BulkLoad {
  kind: BulkKind;
  /** Where the files are staged (openStage's table for the first file's load). */
  stage: string;
  /** Staged files moved together, in file order: their load ids and names. They share one header. */
  files: { loadId: string; name: string }[];
  /** Record keys (trimmed header names) in file order; header[i] is staged as c{i}. */
  header: string[];
  source: string;
  runId: string;
  tz: string;
  now: number;
}

/**
 * The checked rows of one staged load: every staged column, the fields by name (f_*), the parsed values
 * (v_*), the customer's org (o_*) and `reason`, '' for a good row.
 */
function checkedRows(load: BulkLoad): string {
  const rules = RULES[load.kind];
  const col = (field: string) => STAGE_COLUMNS[load.header.indexOf(HEADERS[load.kind][field as keyof (typeof HEADERS)[BulkKind]])]!;
  const fields = Object.keys(HEADERS[load.kind]);
  const staged = STAGE_COLUMNS.slice(0, load.header.length);
  const malformed = `arrayFilter(x -> x != '', [${rules.required.map((f) => `if(f_${f} = '', ${lit(`${f} required`)}, '')`).join(', ')}])`;
  const checks: Check[] = [
    { when: `notEmpty(${malformed})`, reason: `concat('malformed row: ', arrayStringConcat(${malformed}, '; '))` },
    ...rules.checks,
  ];
  return `SELECT s.*, o_id, o_province, o_city, o_county, o_class, o_key_account,
      ${Object.entries(rules.values)
        .map(([alias, sql]) => `${sql} AS ${alias}`)
        .join(',\n      ')},
      multiIf(${checks.map((c) => `${c.when}, ${c.reason}`).join(',\n        ')}, '') AS reason
    FROM (
      SELECT load_id, n, ${staged.join(', ')}, ${fields.map((f) => `${trim(col(f))} AS f_${f}`).join(', ')}
      FROM ${load.stage} WHERE load_id IN {loads:Array(String)}
    ) AS s
    GLOBAL LEFT JOIN (
      SELECT customer_id AS o_id, province_code AS o_province, city_code AS o_city, county_code AS o_county, class AS o_class,
        key_account AS o_key_account
      FROM dim_customer FINAL
      WHERE customer_id GLOBAL IN (SELECT ${trim(col('customer_id'))} FROM ${load.stage} WHERE load_id IN {loads:Array(String)})
    ) AS o ON s.f_customer_id = o.o_id`;
}

function labelParams(kind: BulkKind): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, [labels, keys]] of Object.entries(RULES[kind].labels)) {
    out[`${name}_labels`] = labels;
    out[`${name}_keys`] = keys;
  }
  return out;
}

const countsRow = z.object({ load_id: z.string(), read: chNumber, bad: chNumber });
export interface FileCounts {
  read: number;
  loaded: number;
  quarantined: number;
}

/**
 * Checks a staged load and moves it: the good rows into the kind's fact table in file order (a repeated key
 * later in the file wins, as row by row), the bad ones into etl_quarantine with the row path's key, reason and
 * raw line. Returns what it read, loaded and quarantined.
 */
export async function moveStaged(ch: ClickHouse, load: BulkLoad): Promise<Map<string, FileCounts>> {
  const rules = RULES[load.kind];
  const loads = load.files.map((f) => f.loadId);
  const params: Record<string, unknown> = { loads, tz: load.tz, ...labelParams(load.kind) };
  /** The parameters a statement names (the wrapper refuses unused ones). */
  const bound = (sql: string, extra: Record<string, unknown> = {}) =>
    Object.fromEntries(Object.entries({ ...params, ...extra }).filter(([k]) => sql.includes(`{${k}:`)));
  // On one node the checks (a join with the customer master among them) are evaluated once, into a table of
  // the load's own that the count, the facts, the latest balances and the quarantine then read; they were
  // evaluated for each. A cluster's staging is distributed: there each statement checks the rows itself.
  const checkedTable = ch.cluster ? null : stageTable('etl_checked_billing', loads[0]!);
  const checked = checkedTable ?? `(${checkedRows(load)})`;
  try {
    if (checkedTable) {
      // Reasons may quote text as JSON, as JSON.stringify does (no escaped slashes).
      const sql = `CREATE TABLE ${checkedTable} ENGINE = Memory AS ${checkedRows(load)} SETTINGS output_format_json_escape_forward_slashes = 0`;
      await ch.command(`etl.billing.bulk.${load.kind}.check`, sql, bound(sql));
    }
    const countSql = `SELECT load_id, count() AS read, countIf(reason != '') AS bad FROM ${checked} GROUP BY load_id`;
    const perLoad = await ch.query(`etl.billing.bulk.${load.kind}.count`, countSql, bound(countSql), countsRow);
    const counts = new Map(loads.map((id) => [id, { read: 0, loaded: 0, quarantined: 0 }]));
    for (const r of perLoad) counts.set(r.load_id, { read: r.read, loaded: r.read - r.bad, quarantined: r.bad });
    const read = perLoad.reduce((s, r) => s + r.read, 0);
    const bad = perLoad.reduce((s, r) => s + r.bad, 0);
    const cols = Object.keys(rules.out);
    // Data first, quarantine next, the ledger last (the caller): as the row path.
    if (read > bad)
      for (const [table, tag] of [[rules.table, 'facts'], ...(rules.alsoInto ? [[rules.alsoInto, 'latest'] as const] : [])] as const) {
        const sql = `INSERT INTO ${table} (${cols.join(', ')})
         SELECT ${cols.map((c) => `${rules.out[c]} AS ${c}`).join(', ')}
         FROM ${checked} WHERE reason = '' ORDER BY indexOf({loads:Array(String)}, load_id), n`;
        await ch.command(`etl.billing.bulk.${load.kind}.${tag}`, sql, bound(sql));
      }
    if (bad > 0) {
      const keyCol = STAGE_COLUMNS[load.header.indexOf(HEADERS[load.kind][KEY_FIELD[load.kind] as keyof (typeof HEADERS)[BulkKind]])]!;
      const staged = STAGE_COLUMNS.slice(0, load.header.length);
      const suffixCol = rules.keySuffix
        ? STAGE_COLUMNS[load.header.indexOf(HEADERS[load.kind][rules.keySuffix as keyof (typeof HEADERS)[BulkKind]])]!
        : null;
      // raw is JSON.stringify({ file, line, ...record }): keys are the file's header names, bound pre-encoded.
      const sql = `INSERT INTO etl_quarantine (source, run_id, quarantined_at, record_key, reason, raw)
         SELECT {source:String}, toUUID({run:String}), toDateTime64({at:String}, 3, 'UTC'),
           if(${keyCol} = '', concat(file, ':', toString(n + 2)), ${suffixCol ? `concat(${keyCol}, '@', ${suffixCol})` : keyCol}),
           reason,
           concat('{"file":', toJSONString(file), ',"line":', toString(n + 2),
             arrayStringConcat(arrayMap((k, v) -> concat(',', k, ':', toJSONString(v)), {keys:Array(String)}, [${staged.join(', ')}])), '}')
         FROM (SELECT *, transform(load_id, {loads:Array(String)}, {files:Array(String)}, '') AS file FROM ${checked})
         WHERE reason != '' ORDER BY indexOf({loads:Array(String)}, load_id), n
         SETTINGS output_format_json_escape_forward_slashes = 0`;
      await ch.command(
        `etl.billing.bulk.${load.kind}.quarantine`,
        sql,
        bound(sql, {
          source: load.source,
          run: load.runId,
          at: chTime(load.now),
          files: load.files.map((f) => f.name),
          keys: load.header.map((h) => JSON.stringify(h)),
        }),
      );
    }
    return counts;
  } finally {
    if (checkedTable) await closeStage(ch, loads[0]!, load.source, 'etl_checked_billing');
  }
}
