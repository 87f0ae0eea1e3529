import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNumber } from '@/core/clickhouse/row-types';
import { chTime } from '@/core/time';
import type { SqlSource } from '../../connectors/types';
import { closeStage, newLoadId, openStage, stageTable } from '../../runtime/bulk-csv';
import { asSqliteRow, EXPORT_READ, EXPORT_READ_SETTINGS, exportRow, exportSource, plainSqliteRow } from '../../runtime/export-file';
import { flagReason } from '../../runtime/job';
import { jsTrim, lit, timeOk, timeVal } from '../../runtime/sql-rules';
import { BIZ_TYPE, EVALUATION, STATE, TICKET_COLUMNS } from './source-schema';
import { MAX_TICKET_STEP_MS as MAX_TICKET_STEP, sourceTicketSchema, type HallOrg } from './transform';

// The hall queue tickets' back-fill as one set operation: the embedded engine reads the source's SQLite file
// itself (sqlite() table function) and checks and transforms a range of updated_at in SQL, with the rules,
// reasons and flags of transformTicket (a test loads one simulated day both ways and compares the facts and the
// quarantine). What SQL cannot see as the row reader does (a value stored in a column of another type, a NULL
// where the schema wants text) is read by the row path instead: SQLite tells those rows apart with typeof().

const INTEGER = new Set(['window_no', 'state', 'evaluation']);
const NULLABLE = new Set(['window_no', 'call_time', 'finish_time', 'evaluation']);

/** SQLite's own test that a row has the storage classes the SQL rules assume (else: row path). */
const PLAIN_ROW = TICKET_COLUMNS.map((c) => {
  const want = INTEGER.has(c) ? `'integer'` : `'text'`;
  return NULLABLE.has(c) ? `typeof(${c}) IN (${want}, 'null')` : `typeof(${c}) = ${want}`;
}).join(' AND ');

/** zod's message for an empty string where min(1) is asked, as the row path's reason carries it. */
function zodMessage(field: 'ticket_id' | 'hall_id'): string {
  const sample = {
    ticket_id: 'x',
    hall_id: 'x',
    ticket_no: '',
    biz_type: '',
    window_no: null,
    take_time: '',
    call_time: null,
    finish_time: null,
    state: 0,
    evaluation: null,
    updated_at: '',
    [field]: '',
  };
  const r = sourceTicketSchema.safeParse(sample);
  const issue = r.success ? undefined : r.error.issues[0];
  if (!issue) throw new Error(`sourceTicketSchema accepts an empty ${field}`);
  return `${issue.path.join('.')} ${issue.message}`;
}

/**
 * The parsed times appear in many branches of the checks; evaluated lazily per branch, each is parsed again
 * for every branch (ten times slower here). No expression of the checks can fail, so all are evaluated once.
 */
const EAGER = `SETTINGS short_circuit_function_evaluation = 'disable'`;

const TIMES = ['take_time', 'call_time', 'finish_time', 'updated_at'] as const;
const ms = (x: string) => `toUnixTimestamp64Milli(${x})`;
const json = (x: string) => `toJSONString(${x})`;

/**
 * Checked rows: the source columns, the fact columns (o_*), `reason` ('' = good) and `flags`. `rows` gives the
 * source columns, `i` (the row's number in an export file) and `plain` (false: the row path's, see below).
 */
function checkedTickets(rows: string): string {
  const malformed = `arrayFilter(x -> x != '', [if(ticket_id = '', ${lit(zodMessage('ticket_id'))}, ''), if(hall_id = '', ${lit(zodMessage('hall_id'))}, '')])`;
  const badDate = (f: string) => `concat(${lit(`bad date in ${f}: `)}, ${json(`assumeNotNull(${f})`)})`;
  const flag = (field: string, reason: string) => `concat(${lit(`${flagReason({ field, reason: '' })}`)}, ${reason})`;
  return `
  SELECT *,
    multiIf(
      notEmpty(${malformed}), concat('malformed row: ', arrayStringConcat(${malformed}, '; ')),
      h_county = '', concat('unknown hall ', hall_id),
      NOT ok_take_time, ${badDate('take_time')},
      NOT ok_updated_at, ${badDate('updated_at')},
      s_status = '', concat('unknown state code ', toString(state)),
      '') AS reason,
    arrayFilter(x -> x != '', [
      if(call_time IS NOT NULL AND NOT ok_call_time, ${flag('call_time', badDate('call_time'))}, ''),
      if(finish_time IS NOT NULL AND NOT ok_finish_time, ${flag('finish_time', badDate('finish_time'))}, ''),
      multiIf(v_call IS NOT NULL AND v_call < v_take, ${flag('call_time', `'call_time before take_time'`)},
        v_call IS NOT NULL AND ${ms('v_call')} - ${ms('v_take')} > ${MAX_TICKET_STEP}, ${flag('call_time', `'call_time more than a day after take_time'`)}, ''),
      multiIf(v_end IS NOT NULL AND v_end < o_start, ${flag('finish_time', `if(o_called IS NULL, 'finish_time before take_time', 'finish_time before call_time')`)},
        v_end IS NOT NULL AND ${ms('v_end')} - ${ms('o_start')} > ${MAX_TICKET_STEP}, ${flag('finish_time', `'finish_time more than a day after call_time'`)},
        v_end IS NOT NULL AND o_called IS NULL AND call_time IS NULL, ${flag('finish_time', `'finish_time without call_time'`)}, ''),
      if(s_status IN ('serving', 'served', 'no_show') AND call_time IS NULL, ${flag('call_time', `concat('state ', s_status, ' without call_time')`)}, ''),
      if(evaluation IS NOT NULL AND s_rating = '', ${flag('evaluation', `concat('unknown evaluation code ', toString(evaluation))`)}, '')
    ]) AS flags,
    if(o_end_ok, v_end, NULL) AS o_ended,
    if(evaluation IS NULL OR s_rating = '', 'none', s_rating) AS o_rating
  FROM (
    SELECT *,
      if(v_call IS NOT NULL AND (v_call < v_take OR ${ms('v_call')} - ${ms('v_take')} > ${MAX_TICKET_STEP}), NULL, v_call) AS o_called,
      ifNull(o_called, v_take) AS o_start,
      v_end IS NOT NULL AND v_end >= o_start AND ${ms('v_end')} - ${ms('o_start')} <= ${MAX_TICKET_STEP}
        AND NOT (o_called IS NULL AND call_time IS NULL) AS o_end_ok
    FROM (
      SELECT *,
        ${TIMES.map((f) => `${timeOk(`t_${f}`)} AS ok_${f}`).join(',\n        ')},
        ${TIMES.map((f) => `${timeVal(`t_${f}`, `ok_${f}`)} AS ${{ take_time: 'v_take', call_time: 'v_call', finish_time: 'v_end', updated_at: 'v_upd' }[f]}`).join(',\n        ')},
        transform(hall_id, {hall_ids:Array(String)}, {counties:Array(String)}, '') AS h_county,
        transform(hall_id, {hall_ids:Array(String)}, {cities:Array(String)}, '') AS h_city,
        transform(hall_id, {hall_ids:Array(String)}, {provinces:Array(String)}, '') AS h_province,
        transform(state, {state_codes:Array(Int64)}, {state_names:Array(String)}, '') AS s_status,
        transform(ifNull(evaluation, -1), {rating_codes:Array(Int64)}, {rating_names:Array(String)}, '') AS s_rating
      FROM (
        SELECT ${TICKET_COLUMNS.join(', ')}, i, plain, ${TIMES.map((f) => `${jsTrim(`ifNull(${f}, '')`)} AS t_${f}`).join(', ')}
        FROM ${rows}
      )
    )
  )`;
}

/** The row path's raw quarantined row: JSON.stringify of the row as libsql returns it, in column order. */
const RAW = `concat('{', ${TICKET_COLUMNS.map(
  (c, i) =>
    `${lit(`${i ? ',' : ''}"${c}":`)}, ${INTEGER.has(c) ? `ifNull(toString(${c}), 'null')` : `if(${c} IS NULL, 'null', toJSONString(assumeNotNull(${c})))`}`,
).join(', ')}, '}')`;

const FACT = {
  ticket_id: 'ticket_id',
  source: '{source:String}',
  province_code: 'h_province',
  city_code: 'h_city',
  county_code: 'h_county',
  hall_code: 'hall_id',
  window_no: 'toUInt16(ifNull(window_no, 0))',
  business_type: `transform(biz_type, {biz_labels:Array(String)}, {biz_keys:Array(String)}, 'other')`,
  issued_at: 'assumeNotNull(v_take)',
  called_at: 'o_called',
  ended_at: 'o_ended',
  status: 's_status',
  rating: 'o_rating',
  src_updated_at: 'assumeNotNull(v_upd)',
};

export interface BulkTicketRange {
  /** The SQLite file (engineReadableSqlite). */
  file: string;
  /** [from, until) as the source writes updated_at; strictly after `after` when resuming. */
  from: string;
  until: string;
  after: { ts: string; id: string } | null;
  halls: Map<string, HallOrg>;
  tz: string;
  source: string;
  sourceName: string;
  runId: string;
  now: number;
}

const countsRow = z.object({ read: chNumber, bad: chNumber, flagged: chNumber, odd: z.array(chNumber) });

/**
 * Loads a range of tickets: the rows SQLite calls irregular through `rowPath` (transformTicket, as row by
 * row), the rest as INSERT … SELECT into fact_queue_ticket and etl_quarantine. Returns what it read, loaded,
 * quarantined, and the range's last position (to commit after the data), or null for an empty range.
 */
export async function loadTicketRange(
  ch: ClickHouse,
  db: SqlSource,
  r: BulkTicketRange,
  rowPath: (rows: Record<string, unknown>[]) => Promise<{ loaded: number; quarantined: number }>,
): Promise<{ read: number; loaded: number; quarantined: number; last: { ts: string; id: string } | null }> {
  // In SQLite (the index on updated_at): the range's last position and its irregular rows.
  const rangeSql = `updated_at >= ? AND updated_at < ?${r.after ? ' AND (updated_at > ? OR (updated_at = ? AND ticket_id > ?))' : ''}`;
  const rangeArgs = [r.from, r.until, ...(r.after ? [r.after.ts, r.after.ts, r.after.id] : [])];
  const [last] = await db.query(
    `SELECT updated_at, ticket_id FROM q_ticket WHERE ${rangeSql} ORDER BY updated_at DESC, ticket_id DESC LIMIT 1`,
    rangeArgs,
  );
  if (!last) return { read: 0, loaded: 0, quarantined: 0, last: null };
  const odd = await db.query(
    `SELECT ${TICKET_COLUMNS.join(', ')} FROM q_ticket WHERE ${rangeSql} AND NOT (${PLAIN_ROW}) ORDER BY updated_at, ticket_id`,
    rangeArgs,
  );
  const viaRows = odd.length ? await rowPath(odd) : { loaded: 0, quarantined: 0 };

  const load = newLoadId();
  const stage = await openStage(ch, load, 'etl_stage_ticket');
  const where = `updated_at >= {from:String} AND updated_at < {until:String}
    ${r.after ? 'AND (updated_at > {after_ts:String} OR (updated_at = {after_ts:String} AND ticket_id > {after_id:String}))' : ''}
    AND ticket_id IS NOT NULL AND ticket_id NOT IN {odd:Array(String)}`;
  // One read of the source, into memory: the checks then read native columns (through sqlite() each
  // expression costs several times more).
  try {
    await ch.command(
      'etl.hall-queue.bulk.stage',
      `INSERT INTO ${stage} (load_id, ${TICKET_COLUMNS.join(', ')})
       SELECT {load:String}, ${TICKET_COLUMNS.join(', ')} FROM sqlite({db:String}, 'q_ticket') WHERE ${where}`,
      {
        load,
        db: r.file,
        from: r.from,
        until: r.until,
        ...(r.after ? { after_ts: r.after.ts, after_id: r.after.id } : {}),
        odd: odd.filter((o) => typeof o.ticket_id === 'string').map((o) => o.ticket_id as string),
      },
    );
    const rows = `(SELECT *, toUInt64(0) AS i, true AS plain FROM ${stage} WHERE load_id = {load:String})`;
    const moved = await moveTickets(ch, r, rows, load, { load });
    return {
      read: moved.read + odd.length,
      loaded: moved.loaded + viaRows.loaded,
      quarantined: moved.quarantined + viaRows.quarantined,
      last: { ts: String(last.updated_at), id: String(last.ticket_id) },
    };
  } finally {
    await closeStage(ch, load, r.source, 'etl_stage_ticket');
  }
}

// ---- An export of q_ticket: a CSV file in the table's own columns (header first; NULL as \N, text quoted), as
// the queue system's vendor ships one for an initial load, and as the simulator writes its history in bulk.
// The engine reads the file itself; the rows then take the range's checks above.

const PLAIN_EXPORT_ROW = plainSqliteRow(TICKET_COLUMNS, INTEGER, NULLABLE);

export type TicketExportLoad = Omit<BulkTicketRange, 'file' | 'from' | 'until' | 'after'>;

/**
 * Loads one export file whole: the rows SQL cannot judge as the row reader does (text in an integer column, a
 * missing required value) through `rowPath`, the rest staged from the file and moved with the range's checks.
 * The file's rows are idempotent facts (ReplacingMergeTree): loading it again adds nothing.
 */
export async function loadTicketExport(
  ch: ClickHouse,
  file: string,
  r: TicketExportLoad,
  rowPath: (rows: Record<string, unknown>[]) => Promise<{ loaded: number; quarantined: number }>,
): Promise<{ read: number; loaded: number; quarantined: number }> {
  const { src, at } = exportSource(TICKET_COLUMNS, file);
  // The file is read once, straight into the checks; the rows SQL cannot judge are checked too (their integer
  // columns read leniently, NULL where not an integer) but left out of the facts, and read again from the file
  // by number for the row path, which only happens when there are any.
  const rows = `(SELECT i, plain, ${TICKET_COLUMNS.map((c) => (INTEGER.has(c) ? `toInt64OrNull(${c}) AS ${c}` : c)).join(', ')}
    FROM (SELECT _row_number AS i, ${PLAIN_EXPORT_ROW} AS plain, * FROM ${src}))`;
  const moved = await moveTickets(ch, r, rows, newLoadId(), at, `, ${EXPORT_READ_SETTINGS}`);
  let viaRows = { loaded: 0, quarantined: 0 };
  if (moved.odd.length) {
    const odd = await ch.query(
      'etl.hall-queue.export.odd',
      `SELECT ${TICKET_COLUMNS.join(', ')} FROM ${src} WHERE _row_number IN {rows:Array(UInt64)} ORDER BY _row_number ${EXPORT_READ}`,
      { ...at, rows: moved.odd },
      exportRow,
    );
    viaRows = await rowPath(odd.map((o) => asSqliteRow(TICKET_COLUMNS, INTEGER, o)));
  }
  return {
    read: moved.read + moved.odd.length,
    loaded: moved.loaded + viaRows.loaded,
    quarantined: moved.quarantined + viaRows.quarantined,
  };
}

/**
 * Checks the rows once into a table of the load's own (the checks were the cost: counted, then moved, then
 * quarantined, each evaluated them again), then moves the plain ones into fact_queue_ticket and etl_quarantine.
 * Returns the numbers (i) of the others, for the row path.
 */
async function moveTickets(
  ch: ClickHouse,
  r: TicketExportLoad,
  rows: string,
  load: string,
  rowsParams: Record<string, unknown>,
  settings = '',
) {
  const halls = [...r.halls];
  const checkedTable = stageTable('etl_checked_ticket', load);
  try {
    await ch.command(
      'etl.hall-queue.bulk.check', // The reasons quote text as JSON, as JSON.stringify does (no escaped slashes).
      `CREATE TABLE ${checkedTable} ENGINE = Memory AS ${checkedTickets(rows)} ${EAGER}, output_format_json_escape_forward_slashes = 0${settings}`,
      {
        ...rowsParams,
        tz: r.tz,
        hall_ids: halls.map(([id]) => id),
        counties: halls.map(([, o]) => o.countyCode),
        cities: halls.map(([, o]) => o.cityCode),
        provinces: halls.map(([, o]) => o.provinceCode),
        state_codes: Object.values(STATE),
        state_names: Object.keys(STATE),
        rating_codes: Object.values(EVALUATION),
        rating_names: Object.keys(EVALUATION),
      },
    );
    const [counts] = await ch.query(
      'etl.hall-queue.bulk.count',
      `SELECT countIf(plain) AS read, countIf(plain AND reason != '') AS bad, countIf(plain AND reason = '' AND notEmpty(flags)) AS flagged,
         arraySort(groupArrayIf(i, NOT plain)) AS odd
       FROM ${checkedTable}`,
      {},
      countsRow,
    );
    const read = counts?.read ?? 0;
    const bad = counts?.bad ?? 0;
    const flagged = counts?.flagged ?? 0;
    const cols = Object.keys(FACT);
    // Data, then quarantine; the caller commits the position after both.
    if (read > bad)
      await ch.command(
        'etl.hall-queue.bulk.facts',
        `INSERT INTO fact_queue_ticket (${cols.join(', ')})
         SELECT ${cols.map((c) => `${FACT[c as keyof typeof FACT]} AS ${c}`).join(', ')} FROM ${checkedTable} WHERE plain AND reason = ''`,
        { source: r.sourceName, biz_labels: Object.values(BIZ_TYPE), biz_keys: Object.keys(BIZ_TYPE) },
      );
    if (bad > 0 || flagged > 0)
      await ch.command(
        'etl.hall-queue.bulk.quarantine',
        `INSERT INTO etl_quarantine (source, run_id, quarantined_at, record_key, reason, raw)
         SELECT {source:String}, toUUID({run:String}), toDateTime64({at:String}, 3, 'UTC'), ticket_id, why, ${RAW}
         FROM ${checkedTable} ARRAY JOIN if(reason != '', [reason], flags) AS why
         WHERE plain AND (reason != '' OR notEmpty(flags))
         SETTINGS output_format_json_escape_forward_slashes = 0`,
        { source: r.source, run: r.runId, at: chTime(r.now) },
      );
    return { read, loaded: read - bad, quarantined: bad, odd: counts?.odd ?? [] };
  } finally {
    await closeStage(ch, load, r.source, 'etl_checked_ticket');
  }
}
