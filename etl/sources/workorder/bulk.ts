import path from 'node:path';
import { z } from 'zod';
import { chNumber } from '@/core/clickhouse/row-types';
import { COUNTIES } from '@/core/org/divisions';
import { closeStage, newLoadId, stageTable } from '../../runtime/bulk-csv';
import { EXPORT_READ, exportSource } from '../../runtime/export-file';
import type { JobContext, JobResult, QuarantinedRow } from '../../runtime/job';
import { quarantine } from '../../runtime/run-job';
import { jsTrim, lit, timeOk, timeVal } from '../../runtime/sql-rules';
import { WORK_ORDER_SOURCE } from './config';
import {
  AREA_TYPE_LABEL,
  CAUSE_TAG_LABEL,
  LIMIT_UNIT_CODE,
  NODE_FIELDS,
  NODE_LIST_AFTER,
  ORDER_STATUS_CODE,
  ORDER_TYPE_LABEL,
  RESULT_LABEL,
  SATISFACTION_LABEL,
  STEP_CODE,
  WORK_ORDER_EXPORT_COLUMNS,
  WORK_ORDER_STEP_EXPORT_COLUMNS,
} from './source-schema';
import { DUE_STEP, sourceWorkOrderSchema, transformWorkOrder, workOrderKey } from './transform';

// The work-order history in bulk, after etl/sources/cti/bulk.ts (loadCtiExport): a day of the listing as the
// vendor exports it, two CSV files the engine reads itself (the orders, and their nodeList as one row per step
// naming its order and position), checked and transformed in SQL with the rules, reasons and order of
// transformWorkOrder. A test loads one simulated day both ways (export, and the API's pages through the row
// path) and compares facts and quarantine.
//
// An order is judged with its steps, so the two files are joined once, by orderNo, into a checked table of the
// load's own (etl_checked_workorder_<load>, in memory; the steps of an order as arrays in nodeList's order):
// every later statement (facts of both tables, the rows read back) reads it instead of parsing the files and
// evaluating the rules again. What SQL cannot judge as the row transform does goes through the row transform,
// on the record rebuilt from the two files: a field zod would coerce or refuse (NULL where text is required,
// limitValue anything but a plain positive integer), a time that does not parse (its reason quotes the text)
// or that ClickHouse cannot hold (year outside 1900–2299), in the order's fields or in any of its steps. Only
// those orders and the bad ones cross back to JavaScript, few; their quarantine rows are written from there
// with the record as the row path sees it (raw: every field text or null, as a CSV holds it), in file order.
//
// The files are joined on orderNo: an orderNo names one record of a listing (the API lists an order once per
// window), so an export with an orderNo twice cannot tell whose steps are whose; both get them all. A NULL
// orderNo is a key of its own (the row path loads such a record as order 'null', its steps with it).

/** The facts' source column: transformWorkOrder's default, which the row path uses. */
const SOURCE_NAME = 'crm';

/** The steps file of an orders file: beside it, `steps_` for `orders_` (orders_YYYYMMDD.csv, steps_YYYYMMDD.csv). */
const ORDERS_PREFIX = 'orders_';
const STEPS_PREFIX = 'steps_';

/**
 * The files of loadExport as [orders, steps] pairs, in the orders files' order: each orders_<x> must come with
 * its steps_<x> from the same folder, and nothing else may be in the list.
 */
export function exportPairs(files: readonly string[]): [orders: string, steps: string][] {
  const pairs: [string, string][] = [];
  const paired = new Set<string>();
  for (const f of files) {
    const base = path.basename(f);
    if (!base.startsWith(ORDERS_PREFIX)) continue;
    const steps = path.join(path.dirname(f), STEPS_PREFIX + base.slice(ORDERS_PREFIX.length));
    if (!files.includes(steps)) throw new Error(`${WORK_ORDER_SOURCE}: ${f} comes without its steps file ${steps}`);
    pairs.push([f, steps]);
    paired.add(f).add(steps);
  }
  const stray = files.find((f) => !paired.has(f));
  if (stray !== undefined) throw new Error(`${WORK_ORDER_SOURCE}: ${stray} is not an ${ORDERS_PREFIX} file or the steps file of one`);
  return pairs;
}

/** zod's message for an empty orderNo of an otherwise good record, as the row path's reason carries it. */
function emptyOrderNoMessage(): string {
  const sample = {
    orderNo: '',
    orderType: '',
    orgCode: '',
    areaType: '',
    createTime: '',
    limitValue: 1,
    limitUnit: '',
    deadline: '',
    orderStatus: '',
    nodeList: [],
    updateTime: '',
  };
  const r = sourceWorkOrderSchema.safeParse(sample);
  const issues = r.success ? [] : r.error.issues;
  if (issues.length !== 1) throw new Error(`schema gives ${issues.length} issues for an empty orderNo`);
  return `malformed record: ${issues[0]!.path.join('.')} ${issues[0]!.message}`;
}

/** Fields zod reads as text: NULL fails z.string() and becomes 'null' through z.coerce.string(), the row path's. */
const REQUIRED = ['orderNo', 'orderType', 'orgCode', 'areaType', 'createTime', 'limitUnit', 'deadline', 'orderStatus', 'updateTime'];
const TIMES = ['createTime', 'arriveDeadline', 'deadline', 'archiveTime', 'updateTime'] as const;
/**
 * limitValue as SQL judges it: a plain positive integer limit_value (UInt16) holds. What else zod's coercion takes
 * or refuses (' 7 ', '1e1', '0', '1.5') is the row path's.
 */
const PLAIN_LIMIT = '^[1-9][0-9]{0,3}$';

/**
 * A time field's text that SQL can judge: empty (absent to the transform), or parseLocal's and ClickHouse's. It
 * reads the field trimmed and tested once (t_<field>, ok_<field>: trimmed()): pasted into each test, the trim
 * made the statement's text many times longer, and analysing it cost more than reading a day's file.
 */
function plainTime(x: string, empty: boolean): string {
  // Years ClickHouse holds with a day to spare either side (the zone); others are the row transform's.
  const held = `ok_${x} AND toUInt16OrZero(substring(t_${x}, 1, 4)) BETWEEN 1901 AND 2298`;
  return empty ? `(ifNull(${x}, '') = '' OR (${held}))` : `(${held})`;
}

/** Epoch ms of a time field, NULL when empty (or not plain). */
const timeMs = (x: string) => `if(ifNull(${x}, '') = '', NULL, toUnixTimestamp64Milli(${timeVal(`t_${x}`, `ok_${x}`)}))`;

/** A file's rows with their number (i), the time fields trimmed (t_<field>) and tested (ok_<field>). */
const trimmed = (file: string, times: readonly string[]) =>
  `(SELECT _row_number AS i, *${times.map((x) => `, ${jsTrim(`ifNull(${x}, '')`)} AS t_${x}, ${timeOk(`t_${x}`)} AS ok_${x}`).join('')} FROM ${file})`;

/** The step tuple's elements: the sort key (seq, row), then those kept as the arrays s_<name> of the checked table. */
const STEP_TUPLE = ['seq', 'row', 'code', 'name', 'op', 'opname', 'time', 'plain', 'at'] as const;
const stepArrays = STEP_TUPLE.slice(2).map((name) => `arrayMap(x -> x.${STEP_TUPLE.indexOf(name) + 1}, st) AS s_${name}`);

/** DateTime64(3, 'UTC') of epoch ms. */
const at = (m: string) => `fromUnixTimestamp64Milli(${m}, 'UTC')`;

/** A code-side map of key → label, as the lists transform() binds (never pasted into SQL). */
const labels = (m: Record<string, string>) => ({ values: Object.values(m), keys: Object.keys(m) });

/**
 * The checked orders of one export: the orders file's columns; k_* (the join key); m_<time> (Nullable(Int64)
 * epoch ms); o_* (the fact's values); s_* (the steps in nodeList's order: raw text, key, epoch ms); o_plain
 * (SQL judged the record) and, where it did, `reason` ('' = good).
 */
function checkedOrders(orders: string, steps: string): string {
  const cols = WORK_ORDER_EXPORT_COLUMNS;
  const plainOrder = [
    ...REQUIRED.map((c) => `${c} IS NOT NULL`),
    `match(ifNull(limitValue, ''), ${lit(PLAIN_LIMIT)})`,
    ...TIMES.map((c) => plainTime(c, true)),
  ].join(' AND ');
  const plainStep = `nodeCode IS NOT NULL AND operatorId IS NOT NULL AND operateTime IS NOT NULL AND ${plainTime('operateTime', false)}`;
  const label = (field: string, params: string, alias: string) =>
    `transform(ifNull(${field}, ''), {${params}_values:Array(String)}, {${params}_keys:Array(String)}, '') AS ${alias}`;
  const unknownLabel = (field: string, alias: string, what: string) =>
    `ifNull(${field}, '') != '' AND ${alias} = '', concat(${lit(`unknown ${what} `)}, ifNull(${field}, ''))`;
  return `
  SELECT *,
    multiIf(
      ifNull(orderNo, '') = '', ${lit(emptyOrderNoMessage())},
      o_city = '', concat('unknown org unit ', ifNull(orgCode, '')),
      o_type = '', concat('unknown order type ', ifNull(orderType, '')),
      o_area = '', concat('unknown area type ', ifNull(areaType, '')),
      o_status = '', concat('unknown order status ', ifNull(orderStatus, '')),
      o_unit = '', concat('unknown limit unit ', ifNull(limitUnit, '')),
      ${unknownLabel('handleResult', 'o_result', 'handle result')},
      ${unknownLabel('responsibility', 'o_cause', 'responsibility')},
      ${unknownLabel('satisfaction', 'o_satisfaction', 'satisfaction')},
      m_createTime IS NULL OR m_deadline IS NULL OR m_updateTime IS NULL, 'createTime, deadline and updateTime are required',
      m_deadline < m_createTime, 'deadline before createTime',
      m_arriveDeadline IS NOT NULL AND m_arriveDeadline < m_createTime, 'arriveDeadline before createTime',
      o_status = 'closed' AND m_archiveTime IS NULL, 'closed order without archiveTime',
      m_archiveTime IS NOT NULL AND m_archiveTime < m_createTime, 'archiveTime before createTime',
      -- The first step (in nodeList's order) that breaks one of the step rules, in the transform's order.
      arrayFirst(x -> x != '', arrayMap((k, c, t, u) -> multiIf(
          k = '', concat('unknown step ', ifNull(c, '')),
          t < m_createTime, concat(k, ' step before createTime'),
          u > 1, concat(k, ' step twice'),
          ''), s_key, s_code, s_at, arrayEnumerateUniq(s_key)))) AS reason
  FROM (
    SELECT *,
      o_fields_plain AND arrayAll(x -> x, s_plain) AS o_plain,
      arrayMap(c -> transform(ifNull(c, ''), {step_values:Array(String)}, {step_keys:Array(String)}, ''), s_code) AS s_key,
      transform(ifNull(orgCode, ''), {county_codes:Array(String)}, {county_cities:Array(String)}, '') AS o_city,
      ${label('orderType', 'type', 'o_type')},
      ${label('areaType', 'area', 'o_area')},
      ${label('orderStatus', 'status', 'o_status')},
      ${label('limitUnit', 'unit', 'o_unit')},
      ${label('handleResult', 'result', 'o_result')},
      ${label('responsibility', 'cause', 'o_cause')},
      ${label('satisfaction', 'satisfaction', 'o_satisfaction')},
      ${stepArrays.join(', ')}
    FROM (
      SELECT i, ${cols.join(', ')}, isNull(orderNo) AS k_null, ifNull(orderNo, '') AS k_no,
        ${plainOrder} AS o_fields_plain,
        ${TIMES.map((c) => `${timeMs(c)} AS m_${c}`).join(', ')}
      FROM ${trimmed(orders, TIMES)}
    ) AS o
    LEFT JOIN (
      -- nodeList back in its order: by seq, then (a vendor's file with seq twice) by the steps file's order.
      SELECT isNull(orderNo) AS sk_null, ifNull(orderNo, '') AS sk_no,
        arraySort(x -> (x.1, x.2), groupArray((toUInt64OrZero(ifNull(seq, '')), i,
          nodeCode, nodeName, operatorId, operatorName, operateTime, ${plainStep}, ${timeMs('operateTime')}))) AS st
      FROM ${trimmed(steps, ['operateTime'])}
      GROUP BY sk_null, sk_no
    ) AS s ON k_null = sk_null AND k_no = sk_no
  )`;
}

/** The params checkedOrders binds (code-side lists). */
function checkParams() {
  const params: Record<string, unknown> = {
    county_codes: COUNTIES.map((c) => c.code),
    county_cities: COUNTIES.map((c) => c.cityCode),
  };
  const lists = {
    step: STEP_CODE,
    type: ORDER_TYPE_LABEL,
    area: AREA_TYPE_LABEL,
    status: ORDER_STATUS_CODE,
    unit: LIMIT_UNIT_CODE,
    result: RESULT_LABEL,
    cause: CAUSE_TAG_LABEL,
    satisfaction: SATISFACTION_LABEL,
  };
  for (const [name, m] of Object.entries(lists)) {
    const { values, keys } = labels(m);
    params[`${name}_values`] = values;
    params[`${name}_keys`] = keys;
  }
  return params;
}

/** The step's time as transformWorkOrder's stepTime gives it (steps are unique in a good order). */
const stepTime = (step: string) => `if(has(s_key, ${lit(step)}), ${at(`assumeNotNull(s_at[indexOf(s_key, ${lit(step)})])`)}, NULL)`;

/** fact_work_order column → expression over the checked orders. */
const ORDER_FACT: Record<string, string> = {
  order_id: 'assumeNotNull(orderNo)',
  source: '{source_name:String}',
  type: 'o_type',
  province_code: 'substring(o_city, 1, 2)',
  city_code: 'o_city',
  county_code: 'assumeNotNull(orgCode)',
  area_class: 'o_area',
  created_at: at('assumeNotNull(m_createTime)'),
  limit_value: 'toUInt16(assumeNotNull(limitValue))',
  limit_unit: 'o_unit',
  // Math.round of a non-negative number (deadline before createTime is refused): halves go up, as floor(x + 0.5)
  // does; round() would take them to the even neighbour.
  time_limit_minutes: 'toUInt32(floor((assumeNotNull(m_deadline) - assumeNotNull(m_createTime)) / 60000 + 0.5))',
  arrive_due_at: at('m_arriveDeadline'),
  due_at: at('assumeNotNull(m_deadline)'),
  due_step: `transform(o_type, {due_types:Array(String)}, {due_steps:Array(String)}, '')`,
  accepted_at: stepTime('accept'),
  dispatched_at: stepTime('dispatch'),
  arrived_at: stepTime('arrive'),
  handled_at: stepTime('handle'),
  replied_at: stepTime('reply'),
  callback_at: stepTime('callback'),
  closed_at: at('m_archiveTime'),
  status: 'o_status',
  result: 'o_result',
  cause_tag: 'o_cause',
  satisfaction: 'o_satisfaction',
  src_updated_at: at('assumeNotNull(m_updateTime)'),
};

/** fact_work_order_step column → expression over the checked orders' steps (ARRAY JOIN as sk, so, sn, sa). */
const STEP_FACT: Record<string, string> = {
  order_id: 'assumeNotNull(orderNo)',
  source: '{source_name:String}',
  step: 'sk',
  actor: 'assumeNotNull(so)',
  actor_name: "ifNull(sn, '')",
  at: at('assumeNotNull(sa)'),
  created_at: at('assumeNotNull(m_createTime)'),
  src_updated_at: at('assumeNotNull(m_updateTime)'),
};

const text = z.string().nullable();
const readBack = z.object({
  i: chNumber,
  plain: chNumber,
  reason: z.string(),
  ...Object.fromEntries(WORK_ORDER_EXPORT_COLUMNS.map((c) => [c, text])),
  s_code: z.array(text),
  s_name: z.array(text),
  s_op: z.array(text),
  s_opname: z.array(text),
  s_time: z.array(text),
});
type ReadBack = z.infer<typeof readBack> & Record<string, unknown>;

/** The record as the row path sees it from the API, rebuilt from the two files: every field text or null. */
function asRecord(r: ReadBack): Record<string, unknown> {
  const byField: Record<(typeof NODE_FIELDS)[number], (string | null)[]> = {
    nodeCode: r.s_code,
    nodeName: r.s_name,
    operatorId: r.s_op,
    operatorName: r.s_opname,
    operateTime: r.s_time,
  };
  const nodeList = r.s_code.map((_, j) => Object.fromEntries(NODE_FIELDS.map((f) => [f, byField[f][j] ?? null])));
  const out: Record<string, unknown> = {};
  for (const c of WORK_ORDER_EXPORT_COLUMNS) {
    out[c] = r[c] ?? null;
    if (c === NODE_LIST_AFTER) out.nodeList = nodeList;
  }
  return out;
}

const countsRow = z.object({ read: chNumber, good: chNumber });

/**
 * Loads one day's export whole (its orders file and steps file): the records SQL can judge checked and moved
 * into the fact tables in the engine, the others through transformWorkOrder; the bad ones of both quarantined
 * in the orders file's order. Steps before orders, as the row path writes them. The rows are idempotent facts
 * (ReplacingMergeTree; the quarantine deduplicates on key and reason): loading the files again adds nothing.
 */
export async function loadWorkOrderExport(
  ctx: JobContext,
  ordersFile: string,
  stepsFile: string,
  tz: string,
): Promise<{ read: number; loaded: number; quarantined: number }> {
  const { ch } = ctx;
  const source = WORK_ORDER_SOURCE;
  const tag = `etl.${source}.export`;
  const orders = exportSource(WORK_ORDER_EXPORT_COLUMNS, ordersFile).at;
  const steps = exportSource(WORK_ORDER_STEP_EXPORT_COLUMNS, stepsFile).at;
  const load = newLoadId();
  const checked = stageTable('etl_checked_workorder', load);
  try {
    // Every expression of the checks is safe on any text, so all are evaluated once (hall-queue/bulk.ts: lazily,
    // the parsed times were parsed again per branch).
    await ch.command(
      `${tag}.check`,
      `CREATE TABLE ${checked} ENGINE = Memory AS ${checkedOrders(
        'file({orders_file:String}, CSVWithNames, {orders_structure:String})',
        'file({steps_file:String}, CSVWithNames, {steps_structure:String})',
      )} ${EXPORT_READ}, short_circuit_function_evaluation = 'disable'`,
      {
        ...checkParams(),
        tz,
        orders_file: orders.file,
        orders_structure: orders.structure,
        steps_file: steps.file,
        steps_structure: steps.structure,
      },
    );
    const [counts] = await ch.query(
      `${tag}.count`,
      `SELECT count() AS read, countIf(o_plain AND reason = '') AS good FROM ${checked}`,
      {},
      countsRow,
    );
    const read = counts?.read ?? 0;
    const good = counts?.good ?? 0;
    // The records SQL left to the row transform and the bad ones, as the row path sees them.
    const back = await ch.query(
      `${tag}.rows`,
      `SELECT i, toUInt8(o_plain) AS plain, if(o_plain, reason, '') AS reason, ${WORK_ORDER_EXPORT_COLUMNS.join(', ')},
         s_code, s_name, s_op, s_opname, s_time
       FROM ${checked} WHERE NOT o_plain OR reason != '' ORDER BY i`,
      {},
      readBack,
    );
    const bad: QuarantinedRow[] = [];
    const rowOrders: Record<string, unknown>[] = [];
    const rowSteps: Record<string, unknown>[] = [];
    for (const r of back as ReadBack[]) {
      const raw = asRecord(r);
      if (r.plain) {
        bad.push({ recordKey: workOrderKey(raw), reason: r.reason, raw });
        continue;
      }
      const t = transformWorkOrder(raw, tz, SOURCE_NAME);
      if (t.ok) {
        rowOrders.push(t.rows.order);
        rowSteps.push(...t.rows.steps);
      } else bad.push({ recordKey: workOrderKey(raw), reason: t.reason, raw });
    }

    // Steps first: an order row is never visible without the steps it names.
    const params = { source_name: SOURCE_NAME };
    const stepCols = Object.keys(STEP_FACT);
    const orderCols = Object.keys(ORDER_FACT);
    if (good > 0)
      await ch.command(
        `${tag}.steps`,
        `INSERT INTO fact_work_order_step (${stepCols.join(', ')})
         SELECT ${stepCols.map((c) => `${STEP_FACT[c]} AS ${c}`).join(', ')}
         FROM ${checked} ARRAY JOIN s_key AS sk, s_op AS so, s_opname AS sn, s_at AS sa
         WHERE o_plain AND reason = ''`,
        params,
      );
    await ch.insert(`etl.${source}.steps`, 'fact_work_order_step', rowSteps);
    if (good > 0)
      await ch.command(
        `${tag}.orders`,
        `INSERT INTO fact_work_order (${orderCols.join(', ')})
         SELECT ${orderCols.map((c) => `${ORDER_FACT[c]} AS ${c}`).join(', ')} FROM ${checked} WHERE o_plain AND reason = '' ORDER BY i`,
        { ...params, due_types: Object.keys(DUE_STEP), due_steps: Object.values(DUE_STEP) },
      );
    await ch.insert(`etl.${source}`, 'fact_work_order', rowOrders);
    if (bad.length) await quarantine(ch, source, ctx.runId, bad, ctx.now);
    return { read, loaded: good + rowOrders.length, quarantined: bad.length };
  } finally {
    await closeStage(ch, load, source, 'etl_checked_workorder');
  }
}

/** loadExport of the job: each day's pair of files (exportPairs) loaded whole, in turn. */
export async function loadWorkOrderExports(ctx: JobContext, files: readonly string[], tz: string): Promise<JobResult> {
  const sum = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };
  for (const [orders, steps] of exportPairs(files)) {
    const r = await loadWorkOrderExport(ctx, orders, steps, tz);
    sum.rowsRead += r.read;
    sum.rowsLoaded += r.loaded;
    sum.rowsQuarantined += r.quarantined;
  }
  return sum;
}
