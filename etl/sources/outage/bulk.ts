import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNumber } from '@/core/clickhouse/row-types';
import type { TableName } from '@/core/clickhouse/tables';
import { chTime } from '@/core/time';
import type { SqlSource } from '../../connectors/types';
import { closeStage, newLoadId, openStage, STAGE_COLUMNS } from '../../runtime/bulk-csv';
import { asSqliteRow, EXPORT_READ, exportRow, exportSource, plainSqliteRow } from '../../runtime/export-file';
import { jsTrim, lit, timeOk, timeVal } from '../../runtime/sql-rules';
import { flagReason } from '../../runtime/job';
import { NOTICE_CHANNEL, SEND_RESULT, SMS_DELIVERED } from './source-schema';
import { MAX_SMS_REPORT_DELAY_MS, smsReportSchema, sourceNoticeSchema, sourceOutageCustomerSchema } from './transform';

// The back-fill of the outage system's two largest tables (td_notice, td_outage_customer) as set operations,
// after etl/sources/hall-queue/bulk.ts: the embedded engine reads the source's SQLite file itself (sqlite()
// table function) and checks and transforms a range of updated_at in SQL, with the rules and reasons of
// transformNotice / transformOutageCustomer (a test loads one simulated day both ways and compares the facts
// and the quarantine). What SQL cannot see as the row reader does (a value stored in a column of another type,
// a NULL where the schema wants text) is read by the row path instead: SQLite tells those rows apart with
// typeof(). The range is staged once in etl_stage_csv (in memory, text columns; NULLs kept in a mask column),
// so the checks read native columns rather than go through sqlite() per expression.

const json = (x: string) => `toJSONString(${x})`;

/**
 * The parsed times appear in several branches of the checks; evaluated lazily per branch, each would be parsed
 * again for every branch. No expression of the checks can fail, so all are evaluated once.
 */
const EAGER = `SETTINGS short_circuit_function_evaluation = 'disable'`;

/** zod's message for one bad field of an otherwise good row, as the row path's reason carries it. */
function zodMessage(schema: z.ZodType, sample: Record<string, unknown>, field: string, value: unknown): string {
  const r = schema.safeParse({ ...sample, [field]: value });
  const issue = r.success ? undefined : r.error.issues[0];
  if (!issue) throw new Error(`schema accepts ${field} = ${JSON.stringify(value)}`);
  return `${issue.path.join('.')} ${issue.message}`;
}

/** `malformed row: …` from the (condition, message) pairs of zod's checks, in the schema's field order. */
function malformedReason(checks: [when: string, message: string][]): { when: string; reason: string } {
  const arr = `arrayFilter(x -> x != '', [${checks.map(([w, m]) => `if(${w}, ${lit(m)}, '')`).join(', ')}])`;
  return { when: `notEmpty(${arr})`, reason: `concat('malformed row: ', arrayStringConcat(${arr}, '; '))` };
}

interface BulkTable {
  /** Tag part: etl.outage.<name>.bulk.* */
  name: string;
  table: string;
  id: string;
  /** The columns both paths read, in this order (jobs.ts pages them; quarantined raw rows keep the order). */
  columns: readonly string[];
  integer: ReadonlySet<string>;
  nullable: ReadonlySet<string>;
  /** Wall-clock text columns, staged trimmed as t_<col>. */
  times: readonly string[];
  fact: TableName;
  /** The checked rows of `rows` (the unstaged columns, t_*): adds `reason` ('' = good) and the o_* columns. */
  checked: (rows: string) => string;
  /** Fact column → expression over the checked rows. */
  factColumns: Record<string, string>;
  /** Lookups the checks and fact expressions bind (code-side lists). */
  params: () => Record<string, unknown>;
}

const NOTICE_SAMPLE = {
  notice_id: 'x',
  outage_id: 'x',
  cust_no: null,
  channel: '',
  msg_id: null,
  send_time: '',
  send_result: null,
  fail_desc: null,
  updated_at: '',
};

/** transformNotice in SQL. */
const NOTICES: BulkTable = {
  name: 'notices',
  table: 'td_notice',
  id: 'notice_id',
  columns: ['notice_id', 'outage_id', 'cust_no', 'channel', 'msg_id', 'send_time', 'send_result', 'fail_desc', 'updated_at'],
  integer: new Set(['send_result']),
  nullable: new Set(['cust_no', 'msg_id', 'send_result', 'fail_desc']),
  times: ['send_time', 'updated_at'],
  fact: 'fact_notice',
  checked(rows) {
    const malformed = malformedReason([
      [`notice_id = ''`, zodMessage(sourceNoticeSchema, NOTICE_SAMPLE, 'notice_id', '')],
      [`outage_id = ''`, zodMessage(sourceNoticeSchema, NOTICE_SAMPLE, 'outage_id', '')],
    ]);
    return `
    SELECT *,
      multiIf(
        ${malformed.when}, ${malformed.reason},
        o_channel = '', concat('unknown channel ', ${json('channel')}),
        send_time != '' AND NOT ok_send_time, concat('bad date in send_time: ', ${json('send_time')}),
        updated_at != '' AND NOT ok_updated_at, concat('bad date in updated_at: ', ${json('updated_at')}),
        send_time = '' OR updated_at = '', 'send_time and updated_at are required',
        o_channel = 'sms' AND o_msg_id = '', 'SMS notice without msg_id',
        o_customer = '' AND o_channel != 'announcement', concat(o_channel, ' notice without cust_no'),
        send_result IS NOT NULL AND o_result = '', concat('unknown send_result ', toString(send_result)),
        '') AS reason
    FROM (
      SELECT *,
        transform(channel, {channel_labels:Array(String)}, {channel_keys:Array(String)}, '') AS o_channel,
        ifNull(msg_id, '') AS o_msg_id,
        ifNull(cust_no, '') AS o_customer,
        transform(ifNull(send_result, -1), {result_codes:Array(Int64)}, {result_names:Array(String)}, '') AS o_result,
        ${timeOk('t_send_time')} AS ok_send_time,
        ${timeOk('t_updated_at')} AS ok_updated_at,
        ${timeVal('t_send_time', 'ok_send_time')} AS v_sent,
        ${timeVal('t_updated_at', 'ok_updated_at')} AS v_upd
      FROM (${rows})
    )`;
  },
  factColumns: {
    notice_id: 'notice_id',
    source: '{source_name:String}',
    outage_id: 'outage_id',
    customer_id: 'o_customer',
    channel: 'o_channel',
    msg_id: 'o_msg_id',
    sent_at: 'assumeNotNull(v_sent)',
    delivery_status: `if(send_result IS NULL, 'pending', o_result)`,
    failure_reason: `ifNull(fail_desc, '')`,
    src_updated_at: 'assumeNotNull(v_upd)',
  },
  params: () => ({
    channel_labels: Object.values(NOTICE_CHANNEL),
    channel_keys: Object.keys(NOTICE_CHANNEL),
    result_codes: Object.values(SEND_RESULT),
    result_names: Object.keys(SEND_RESULT),
  }),
};

const CUSTOMER_SAMPLE = { rec_id: 'x', outage_id: 'x', cust_no: 'x', important_flag: 0, updated_at: '' };

/** transformOutageCustomer in SQL. */
const CUSTOMERS: BulkTable = {
  name: 'customers',
  table: 'td_outage_customer',
  id: 'rec_id',
  columns: ['rec_id', 'outage_id', 'cust_no', 'important_flag', 'updated_at'],
  integer: new Set(['important_flag']),
  nullable: new Set(),
  times: ['updated_at'],
  fact: 'fact_outage_customer',
  checked(rows) {
    const m = (field: string, value: unknown) => zodMessage(sourceOutageCustomerSchema, CUSTOMER_SAMPLE, field, value);
    const malformed = malformedReason([
      [`rec_id = ''`, m('rec_id', '')],
      [`outage_id = ''`, m('outage_id', '')],
      [`cust_no = ''`, m('cust_no', '')],
      [`important_flag < 0`, m('important_flag', -1)],
      [`important_flag > 1`, m('important_flag', 2)],
    ]);
    // parseLocal of the text as it is: an empty updated_at is a bad date here.
    return `
    SELECT *,
      multiIf(
        ${malformed.when}, ${malformed.reason},
        NOT ok_updated_at, concat('bad date in updated_at: ', ${json('updated_at')}),
        '') AS reason
    FROM (
      SELECT *, ${timeOk('t_updated_at')} AS ok_updated_at, ${timeVal('t_updated_at', 'ok_updated_at')} AS v_upd
      FROM (${rows})
    )`;
  },
  factColumns: {
    outage_id: 'outage_id',
    customer_id: 'cust_no',
    source: '{source_name:String}',
    important: 'toUInt8(important_flag)',
    src_updated_at: 'assumeNotNull(v_upd)',
  },
  params: () => ({}),
};

export const BULK_TABLES = { notices: NOTICES, customers: CUSTOMERS } as const;
export type BulkTableName = keyof typeof BULK_TABLES;

/** SQLite's own test that a row has the storage classes the SQL rules assume (else: row path). */
const plainRow = (t: BulkTable) =>
  t.columns
    .map((c) => {
      const want = t.integer.has(c) ? `'integer'` : `'text'`;
      return t.nullable.has(c) ? `typeof(${c}) IN (${want}, 'null')` : `typeof(${c}) = ${want}`;
    })
    .join(' AND ');

// Staged in etl_stage_csv: c<i> = the i-th column as text ('' for NULL), c<n> = one '1'/'0' per column, NULL or not.
const stageCols = (t: BulkTable) => STAGE_COLUMNS.slice(0, t.columns.length + 1);
const maskCol = (t: BulkTable) => STAGE_COLUMNS[t.columns.length]!;

/** The staged rows back as the source types them, plus the trimmed times (t_<col>). */
function unstaged(t: BulkTable, stage: string): string {
  const cols = t.columns.map((c, i) => {
    const v = t.integer.has(c) ? `toInt64OrZero(c${i})` : `c${i}`;
    return t.nullable.has(c) ? `if(substring(${maskCol(t)}, ${i + 1}, 1) = '1', NULL, ${v}) AS ${c}` : `${v} AS ${c}`;
  });
  const times = t.times.map((f) => `${jsTrim(`c${t.columns.indexOf(f)}`)} AS t_${f}`);
  return `SELECT ${[...cols, ...times].join(', ')} FROM ${stage} WHERE load_id = {load:String}`;
}

/** The row path's raw quarantined row: JSON.stringify of the row as libsql returns it, in column order. */
const raw = (t: BulkTable) =>
  `concat('{', ${t.columns
    .map(
      (c, i) =>
        `${lit(`${i ? ',' : ''}"${c}":`)}, ${t.integer.has(c) ? `ifNull(toString(${c}), 'null')` : `if(${c} IS NULL, 'null', toJSONString(assumeNotNull(${c})))`}`,
    )
    .join(', ')}, '}')`;

export interface BulkOutageRange {
  /** The SQLite file (engineReadableSqlite). */
  file: string;
  /** [from, until) as the source writes updated_at; strictly after `after` when resuming. */
  from: string;
  until: string;
  after: { ts: string; id: string } | null;
  tz: string;
  /** The ETL source (quarantine), e.g. outage.notices. */
  source: string;
  /** The facts' source column: 'outage'. */
  sourceName: string;
  runId: string;
  now: number;
}

const countsRow = z.object({ read: chNumber, bad: chNumber });
const smsCountsRow = z.object({ read: chNumber, bad: chNumber, flagged: chNumber });

/**
 * Loads a range of one outage table: the rows SQLite calls irregular through `rowPath` (the row transform, as
 * row by row), the rest as INSERT … SELECT into the fact table and etl_quarantine. Returns what it read, loaded,
 * quarantined, and the range's last position (to commit after the data), or null for an empty range.
 */
export async function loadOutageRange(
  ch: ClickHouse,
  db: SqlSource,
  which: BulkTableName,
  r: BulkOutageRange,
  rowPath: (rows: Record<string, unknown>[]) => Promise<{ loaded: number; quarantined: number }>,
): Promise<{ read: number; loaded: number; quarantined: number; last: { ts: string; id: string } | null }> {
  const t = BULK_TABLES[which];
  const { table, id } = t;
  // In SQLite (the index on updated_at, id): the range's last position and its irregular rows.
  const rangeSql = `updated_at >= ? AND updated_at < ?${r.after ? ` AND (updated_at > ? OR (updated_at = ? AND ${id} > ?))` : ''}`;
  const rangeArgs = [r.from, r.until, ...(r.after ? [r.after.ts, r.after.ts, r.after.id] : [])];
  const [last] = await db.query(
    `SELECT updated_at, ${id} FROM ${table} WHERE ${rangeSql} ORDER BY updated_at DESC, ${id} DESC LIMIT 1`,
    rangeArgs,
  );
  if (!last) return { read: 0, loaded: 0, quarantined: 0, last: null };
  const odd = await db.query(
    `SELECT ${t.columns.join(', ')} FROM ${table} WHERE ${rangeSql} AND NOT (${plainRow(t)}) ORDER BY updated_at, ${id}`,
    rangeArgs,
  );
  const viaRows = odd.length ? await rowPath(odd) : { loaded: 0, quarantined: 0 };

  const load = newLoadId();
  const where = `updated_at >= {from:String} AND updated_at < {until:String}
    ${r.after ? `AND (updated_at > {after_ts:String} OR (updated_at = {after_ts:String} AND ${id} > {after_id:String}))` : ''}
    AND ${id} IS NOT NULL AND ${id} NOT IN {odd:Array(String)}`;
  const mask = `concat(${t.columns.map((c) => `if(isNull(${c}), '1', '0')`).join(', ')})`;
  const stage = await openStage(ch, load);
  try {
    await ch.command(
      `etl.outage.${t.name}.bulk.stage`,
      `INSERT INTO ${stage} (load_id, n, ${stageCols(t).join(', ')})
       SELECT {load:String}, 0, ${t.columns.map((c) => `ifNull(toString(${c}), '')`).join(', ')}, ${mask}
       FROM sqlite({db:String}, ${lit(table)}) WHERE ${where}`,
      {
        load,
        db: r.file,
        from: r.from,
        until: r.until,
        ...(r.after ? { after_ts: r.after.ts, after_id: r.after.id } : {}),
        odd: odd.filter((o) => typeof o[id] === 'string').map((o) => o[id] as string),
      },
    );
    return await move(ch, t, r, stage, load, odd.length, viaRows, { ts: String(last.updated_at), id: String(last[id]) });
  } finally {
    await closeStage(ch, load, r.source);
  }
}

// ---- The outage system's export of a table for an initial load (the simulator's history in bulk): CSV in the
// table's own columns, header first, NULL as \N, text quoted (etl/simulator/export-csv.ts). The engine reads the
// file; rows SQL cannot judge as the SQLite reader types them (text in an integer column, a missing required
// value) go to the row path as SQLite would have returned them.

/** Every row of a table's export file, in file order, as the SQLite reader returns rows (the small tables). */
export async function readOutageExport(
  ch: ClickHouse,
  tag: string,
  file: string,
  columns: readonly string[],
  integer: ReadonlySet<string>,
): Promise<Record<string, unknown>[]> {
  const { src, at } = exportSource(columns, file);
  const rows = await ch.query(tag, `SELECT ${columns.join(', ')} FROM ${src} ORDER BY _row_number ${EXPORT_READ}`, at, exportRow);
  return rows.map((r) => asSqliteRow(columns, integer, r));
}

export type OutageExportLoad = Omit<BulkOutageRange, 'file' | 'from' | 'until' | 'after'>;

/**
 * Loads one export file of a bulk table whole: the plain rows staged from the file by the engine and moved as a
 * range's are, the others through `rowPath`. The rows are idempotent facts: loading the file again adds nothing.
 */
export async function loadOutageExport(
  ch: ClickHouse,
  which: BulkTableName,
  file: string,
  r: OutageExportLoad,
  rowPath: (rows: Record<string, unknown>[]) => Promise<{ loaded: number; quarantined: number }>,
): Promise<{ read: number; loaded: number; quarantined: number }> {
  const t = BULK_TABLES[which];
  const { src, at } = exportSource(t.columns, file);
  const plain = plainSqliteRow(t.columns, t.integer, t.nullable);
  const odd = await ch.query(
    `etl.outage.${t.name}.export.odd`,
    `SELECT ${t.columns.join(', ')} FROM ${src} WHERE NOT (${plain}) ORDER BY _row_number ${EXPORT_READ}`,
    at,
    exportRow,
  );
  const viaRows = odd.length ? await rowPath(odd.map((o) => asSqliteRow(t.columns, t.integer, o))) : { loaded: 0, quarantined: 0 };
  const load = newLoadId();
  const mask = `concat(${t.columns.map((c) => `if(isNull(${c}), '1', '0')`).join(', ')})`;
  const stage = await openStage(ch, load);
  try {
    await ch.command(
      `etl.outage.${t.name}.export.stage`,
      `INSERT INTO ${stage} (load_id, n, ${stageCols(t).join(', ')})
       SELECT {load:String}, 0, ${t.columns.map((c) => `ifNull(${c}, '')`).join(', ')}, ${mask}
       FROM ${src} WHERE ${plain} ${EXPORT_READ}`,
      { ...at, load },
    );
    const moved = await move(ch, t, r, stage, load, odd.length, viaRows, { ts: '', id: '' });
    return { read: moved.read, loaded: moved.loaded, quarantined: moved.quarantined };
  } finally {
    await closeStage(ch, load, r.source);
  }
}

/** Checks the staged range and moves it into the fact table and etl_quarantine. */
async function move(
  ch: ClickHouse,
  t: BulkTable,
  r: OutageExportLoad,
  stage: string,
  load: string,
  oddRows: number,
  viaRows: { loaded: number; quarantined: number },
  last: { ts: string; id: string },
) {
  const params = { load, tz: r.tz, ...t.params() };
  const checked = t.checked(unstaged(t, stage));
  const [counts] = await ch.query(
    `etl.outage.${t.name}.bulk.check`,
    `SELECT count() AS read, countIf(reason != '') AS bad FROM (${checked}) ${EAGER}`,
    params,
    countsRow,
  );
  const read = counts?.read ?? 0;
  const bad = counts?.bad ?? 0;
  const cols = Object.keys(t.factColumns);
  // Data, then quarantine; the caller commits the position after both.
  if (read > bad)
    await ch.command(
      `etl.outage.${t.name}.bulk.facts`,
      `INSERT INTO ${t.fact} (${cols.join(', ')})
       SELECT ${cols.map((c) => `${t.factColumns[c]} AS ${c}`).join(', ')} FROM (${checked}) WHERE reason = ''
       ${EAGER}`,
      { ...params, source_name: r.sourceName },
    );
  if (bad > 0)
    await ch.command(
      `etl.outage.${t.name}.bulk.quarantine`,
      `INSERT INTO etl_quarantine (source, run_id, quarantined_at, record_key, reason, raw)
       SELECT {source:String}, toUUID({run:String}), toDateTime64({at:String}, 3, 'UTC'), ${t.id}, reason, ${raw(t)}
       FROM (${checked}) WHERE reason != ''
       ${EAGER}, output_format_json_escape_forward_slashes = 0`,
      { ...params, source: r.source, run: r.runId, at: chTime(r.now) },
    );
  return { read: read + oddRows, loaded: read - bad + viaRows.loaded, quarantined: bad + viaRows.quarantined, last };
}

// ---------------------------------------------------------------------------------------------------------------
// The SMS gateway's delivery report files (短信状态报告): a CSV the engine can read as the row reader does
// (scanCsv) is staged in a table of its own by the engine itself (openStage, stageCsvFiles) and checked there with the rules,
// reasons and flags of transformSmsReport; any other file goes row by row.

/** Files with fewer records go row by row: a few statements cost more than a few hundred rows in JavaScript. */
export const SMS_BULK_MIN_RECORDS = 1000;

const SMS_SAMPLE = { 短信ID: 'x', 手机号码: '13800000000', 发送时间: '', 报告时间: '', 状态报告: 'x', 失败原因: '' };
const MOBILE_RE = String.raw`^(\+?86)?1\d{10}$`;

export interface SmsReportFile {
  /** The file's name (reasons, fact file_name) and the first 16 hex digits of its sha256 (record keys). */
  name: string;
  keyPrefix: string;
  /** Its header as headerKeys returns it (trimmed names, in file order). */
  header: string[];
  /** The staged load (stageCsvFiles). */
  loadId: string;
  /** Where it is staged (openStage's table). */
  stage: string;
  tz: string;
  source: string;
  sourceName: string;
  runId: string;
  now: number;
}

/** Checked records of a staged report file: s_* fields, `reason` ('' = good), `flags`, and the fact values. */
function checkedSmsReports(header: string[], stage: string): string {
  const col = (name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? `''` : STAGE_COLUMNS[i]!;
  };
  const m = (field: string, value: string) => zodMessage(smsReportSchema, SMS_SAMPLE, field, value);
  const malformed = malformedReason([
    [`s_id = ''`, m('短信ID', '')],
    [`NOT match(s_phone, ${lit(MOBILE_RE)})`, m('手机号码', 'x')],
    [`s_status = ''`, m('状态报告', '')],
  ]);
  const flag = (field: string, reason: string) => `concat(${lit(flagReason({ field, reason: '' }))}, ${reason})`;
  const timeFlag = (field: string, t: string, ok: string, f: string) =>
    `multiIf(${t} = '', ${flag(field, lit(`${field} missing`))}, NOT ${ok}, ${flag(field, `concat(${lit(`bad date in ${field}: `)}, ${json(f)})`)}, '')`;
  const ms = (x: string) => `toUnixTimestamp64Milli(${x})`;
  const both = `v_sent IS NOT NULL AND v_rep IS NOT NULL`;
  return `
  SELECT *,
    if(${malformed.when}, ${malformed.reason}, '') AS reason,
    arrayFilter(x -> x != '', [
      ${timeFlag('发送时间', 't_sent', 'ok_sent', 'f_sent')},
      ${timeFlag('报告时间', 't_rep', 'ok_rep', 'f_rep')},
      multiIf(${both} AND v_rep < v_sent, ${flag('报告时间', lit('报告时间 before 发送时间'))},
        ${both} AND ${ms('v_rep')} - ${ms('v_sent')} > ${MAX_SMS_REPORT_DELAY_MS}, ${flag('报告时间', lit('报告时间 more than 7 days after 发送时间'))}, '')
    ]) AS flags,
    if(${both} AND (v_rep < v_sent OR ${ms('v_rep')} - ${ms('v_sent')} > ${MAX_SMS_REPORT_DELAY_MS}), NULL, v_rep) AS o_reported,
    s_status = {delivered:String} AS o_delivered,
    replaceRegexpOne(s_phone, ${lit(String.raw`^\+?86`)}, '') AS o_phone
  FROM (
    SELECT *,
      ${timeOk('t_sent')} AS ok_sent, ${timeOk('t_rep')} AS ok_rep,
      ${timeVal('t_sent', 'ok_sent')} AS v_sent, ${timeVal('t_rep', 'ok_rep')} AS v_rep
    FROM (
      SELECT n, ${header.map((_, i) => STAGE_COLUMNS[i]!).join(', ')},
        ${jsTrim(col('短信ID'))} AS s_id, ${jsTrim(col('手机号码'))} AS s_phone, ${jsTrim(col('状态报告'))} AS s_status,
        ${col('发送时间')} AS f_sent, ${col('报告时间')} AS f_rep, ${jsTrim(col('发送时间'))} AS t_sent, ${jsTrim(col('报告时间'))} AS t_rep,
        ${jsTrim(col('失败原因'))} AS t_fail
      FROM ${stage} WHERE load_id = {load:String}
    )
  )`;
}

const ZERO_TIME = 'toDateTime64(0, 3, {tz:String})';
const SMS_FACT = {
  msg_id: 's_id',
  source: '{source_name:String}',
  phone_masked: `concat(substring(o_phone, 1, 3), '****', substring(o_phone, 8))`,
  sent_at: `ifNull(v_sent, ${ZERO_TIME})`,
  reported_at: `ifNull(o_reported, ${ZERO_TIME})`,
  delivery_status: `if(o_delivered, 'delivered', 'failed')`,
  status_code: 's_status',
  failure_reason: `if(o_delivered, '', if(t_fail != '', t_fail, s_status))`,
  file_name: '{file:String}',
  src_updated_at: `coalesce(o_reported, v_sent, ${ZERO_TIME})`,
};

/**
 * Checks a staged report file and moves it into fact_sms_report and etl_quarantine (bad records and the flags
 * of loaded ones), as transformSmsReport and the row path would. The caller records and archives the file after.
 */
export async function moveSmsReportFile(ch: ClickHouse, f: SmsReportFile): Promise<{ read: number; loaded: number; quarantined: number }> {
  const params = { load: f.loadId, tz: f.tz, delivered: SMS_DELIVERED };
  const checked = checkedSmsReports(f.header, f.stage);
  const countsSql = `SELECT count() AS read, countIf(reason != '') AS bad, countIf(reason = '' AND notEmpty(flags)) AS flagged FROM (${checked}) ${EAGER}`;
  const [counts] = await ch.query('etl.outage.sms-reports.bulk.check', countsSql, params, smsCountsRow);
  const read = counts?.read ?? 0;
  const bad = counts?.bad ?? 0;
  const cols = Object.keys(SMS_FACT);
  if (read > bad)
    await ch.command(
      'etl.outage.sms-reports.bulk.facts',
      `INSERT INTO fact_sms_report (${cols.join(', ')})
       SELECT ${cols.map((c) => `${SMS_FACT[c as keyof typeof SMS_FACT]} AS ${c}`).join(', ')} FROM (${checked}) WHERE reason = ''
       ${EAGER}`,
      { ...params, source_name: f.sourceName, file: f.name },
    );
  if (bad > 0 || (counts?.flagged ?? 0) > 0) {
    // The row path's raw: the record as csv-parse returns it, header names → untrimmed fields.
    const raw = `concat('{', arrayStringConcat(arrayMap((k, v) -> concat(toJSONString(k), ':', toJSONString(v)), {keys:Array(String)},
      [${f.header.map((_, i) => STAGE_COLUMNS[i]!).join(', ')}]), ','), '}')`;
    await ch.command(
      'etl.outage.sms-reports.bulk.quarantine',
      `INSERT INTO etl_quarantine (source, run_id, quarantined_at, record_key, reason, raw)
       SELECT {source:String}, toUUID({run:String}), toDateTime64({at:String}, 3, 'UTC'), concat({key:String}, ':', toString(n + 2)),
         concat({file:String}, ' line ', toString(n + 2), ': ', why), ${raw}
       FROM (${checked}) ARRAY JOIN if(reason != '', [reason], flags) AS why
       ${EAGER}, output_format_json_escape_forward_slashes = 0`,
      { ...params, source: f.source, run: f.runId, at: chTime(f.now), key: f.keyPrefix, file: f.name, keys: f.header },
    );
  }
  return { read, loaded: read - bad, quarantined: bad };
}
