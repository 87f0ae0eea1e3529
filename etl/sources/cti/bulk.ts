import { z } from 'zod';
import { chNumber } from '@/core/clickhouse/row-types';
import type { TableName } from '@/core/clickhouse/tables';
import { COUNTIES } from '@/core/org/divisions';
import { parseLocal } from '@/core/time';
import type { ClickHouse } from '@/core/clickhouse/client';
import { fetchWindow } from '../../connectors/http';
import type { HttpSourceConfig } from '../../connectors/types';
import { closeStage, newLoadId, openStage, STAGE_COLUMNS } from '../../runtime/bulk-csv';
import type { BackfillProgress, BackfillRange, JobContext, JobResult, PageLoad, QuarantinedRow } from '../../runtime/job';
import { quarantine } from '../../runtime/run-job';
import { readWatermark, writeWatermark } from '../../runtime/watermark';
import { AGENT_STATE_CODE, CATEGORY_LABEL, RELEASE_CAUSE } from './source-schema';
import { SHORT_ABANDON_MS, sourceAgentStateSchema, sourceCdrSchema, type Transform } from './transform';
import { EXPORT_READ, exportSource } from '../../runtime/export-file';
import { jsTrim, lit, timeOk, timeVal } from '../../runtime/sql-rules';

// The CTI back-fill as set operations (issue 17), after etl/sources/hall-queue/bulk.ts: the API's pages are
// fetched as before (etl/connectors/http), but instead of zod and the transform per record in JavaScript, a
// window's records are staged in etl_stage_csv (in memory, one text column per field) with one insert, and
// checked and transformed there with the rules, reasons and order of transformCdr / transformAgentState: one
// INSERT … SELECT writes the facts. A test loads one simulated day both ways and compares facts, quarantine and
// position.
//
// JavaScript only screens each record (a few typeof tests and parseLocal, the transform's own time parser, so
// times are staged as epoch ms: checking and parsing wall-clock text in SQL made each statement's plan cost
// more than the rows). What SQL cannot judge as the row transform does goes through the row transform instead:
// a field of another JSON type than the schema's string (a number zod coerces, a null where text is required,
// a missing field), text the TabSeparated staging would have to escape (or that JSON writes apart), and a time
// that does not parse (its reason quotes the text) or that ClickHouse cannot hold (year outside 1900–2299).
// The quarantine rows are written from JavaScript with the records themselves (raw is JSON.stringify of the
// record, exactly as the row path writes it), in the records' order; only the bad records cross back, few.

/**
 * Characters the TabSeparated staging would have to escape (tab, newline, backslash) and, to keep the rule
 * simple, every other control, U+2028/9 and surrogates. A field holding one sends its record to the row path.
 */
// eslint-disable-next-line no-control-regex -- the controls are what it looks for
const UNSAFE = /[\u0000-\u001f\u007f\\\u2028\u2029\ud800-\udfff]/;

/** DateTime64's range: times outside it go to the row path (what it does with them stays the reference). */
const MIN_MS = Date.UTC(1900, 0, 1);
const MAX_MS = Date.UTC(2300, 0, 1);

/** zod's message for one bad field of an otherwise good record, as the row path's reason carries it. */
function zodMessage(schema: z.ZodType, sample: Record<string, unknown>, field: string, value: unknown): string {
  const r = schema.safeParse({ ...sample, [field]: value });
  const issues = r.success ? [] : r.error.issues;
  if (issues.length !== 1) throw new Error(`schema gives ${issues.length} issues for ${field} = ${JSON.stringify(value)}`);
  return `${issues[0]!.path.join('.')} ${issues[0]!.message}`;
}

export interface CtiBulkFeed {
  /** Tag part: etl.cti.<name>.bulk.* */
  name: 'calls' | 'agent-states';
  fact: TableName;
  /**
   * The record's fields the rules read, staged in this order as c0…: each must be a JSON string, or also null
   * or absent where `optional` (staged as '', which the transform treats alike). A `time` is staged as its
   * epoch ms ('' when absent or empty) and read as m_<name> (Nullable(Int64)); the others by their name.
   */
  fields: readonly { name: string; optional?: boolean; time?: boolean }[];
  /** Adds to the staged rows `reason` ('' = good). */
  checked: (rows: string) => string;
  /** Fact column → expression over the checked rows. */
  factColumns: Record<string, string>;
  /** Lookups the checks and fact expressions bind (code-side lists). */
  params: () => Record<string, unknown>;
}

/** DateTime64(3, 'UTC') of an m_<time> column. */
const at = (m: string) => `fromUnixTimestamp64Milli(${m}, 'UTC')`;

const STATE_SAMPLE = { agentId: 'x', skillGroup: '', state: '', stateStartTime: '', stateEndTime: null, updateTime: '' };

/** transformAgentState in SQL (its bad dates and zod's other failures are the row path's). */
export const AGENT_STATES: CtiBulkFeed = {
  name: 'agent-states',
  fact: 'fact_agent_state',
  fields: [
    { name: 'agentId' },
    { name: 'skillGroup' },
    { name: 'state' },
    { name: 'stateStartTime', time: true },
    { name: 'stateEndTime', optional: true, time: true },
    { name: 'updateTime', time: true },
  ],
  checked(rows) {
    const malformed = `malformed record: ${zodMessage(sourceAgentStateSchema, STATE_SAMPLE, 'agentId', '')}`;
    return `
    SELECT *,
      multiIf(
        agentId = '', ${lit(malformed)},
        o_state = '', concat('unknown agent state ', state),
        m_stateStartTime IS NULL OR m_updateTime IS NULL, 'stateStartTime and updateTime are required',
        m_stateEndTime IS NOT NULL AND m_stateEndTime < m_stateStartTime, 'stateEndTime before stateStartTime',
        '') AS reason
    FROM (SELECT *, transform(state, {state_codes:Array(String)}, {state_keys:Array(String)}, '') AS o_state FROM (${rows}))`;
  },
  factColumns: {
    agent_id: 'agentId',
    source: '{source_name:String}',
    skill_group: 'skillGroup',
    state: 'o_state',
    started_at: at('assumeNotNull(m_stateStartTime)'),
    ended_at: at('m_stateEndTime'),
    src_updated_at: at('assumeNotNull(m_updateTime)'),
  },
  params: () => ({ state_codes: Object.values(AGENT_STATE_CODE), state_keys: Object.keys(AGENT_STATE_CODE) }),
};

const CDR_SAMPLE = {
  callId: 'x',
  callerArea: '',
  skillGroup: '',
  category: '',
  ivrStartTime: '',
  releaseTime: '',
  releaseCause: '',
};

/** transformCdr in SQL (its bad dates and zod's other failures are the row path's). */
export const CALLS: CtiBulkFeed = {
  name: 'calls',
  fact: 'fact_call',
  fields: [
    { name: 'callId' },
    { name: 'callerArea' },
    { name: 'skillGroup' },
    { name: 'category' },
    { name: 'ivrStartTime', time: true },
    { name: 'queueStartTime', optional: true, time: true },
    { name: 'ringStartTime', optional: true, time: true },
    { name: 'answerTime', optional: true, time: true },
    { name: 'releaseTime', time: true },
    { name: 'releaseCause' },
    { name: 'agentId', optional: true },
  ],
  checked(rows) {
    const malformed = `malformed record: ${zodMessage(sourceCdrSchema, CDR_SAMPLE, 'callId', '')}`;
    const [ivr, queued, answered, released] = ['m_ivrStartTime', 'm_queueStartTime', 'm_answerTime', 'm_releaseTime'];
    return `
    SELECT *,
      multiIf(
        callId = '', ${lit(malformed)},
        o_city = '', concat('unknown area code ', callerArea),
        o_category = '', concat('unknown category ', category),
        o_outcome = '', concat('unknown release cause ', releaseCause),
        ${ivr} IS NULL OR ${released} IS NULL, 'ivrStartTime and releaseTime are required',
        ${released} < ${ivr}, 'releaseTime before ivrStartTime',
        o_outcome = 'ivr_only' AND ${queued} IS NOT NULL, 'IVR-only call with queueStartTime',
        o_outcome != 'ivr_only' AND ${queued} IS NULL, concat(o_outcome, ' call without queueStartTime'),
        o_outcome != 'ivr_only' AND ${queued} < ${ivr}, 'queueStartTime before ivrStartTime',
        o_outcome != 'ivr_only' AND ${released} < ${queued}, 'releaseTime before queueStartTime',
        ${answered} IS NOT NULL AND (${queued} IS NULL OR ${answered} < ${queued}), 'answerTime before queueStartTime',
        ${answered} IS NOT NULL AND ${answered} > ${released}, 'answerTime after releaseTime',
        o_outcome = 'answered' AND ${answered} IS NULL, 'answered call without answerTime',
        o_outcome != 'answered' AND ${answered} IS NOT NULL, concat(o_outcome, ' call with answerTime'),
        o_outcome = 'answered' AND agentId = '', 'answered call without agentId',
        '') AS reason
    FROM (
      SELECT *,
        transform(callerArea, {county_codes:Array(String)}, {county_cities:Array(String)}, '') AS o_city,
        transform(category, {category_labels:Array(String)}, {category_keys:Array(String)}, '') AS o_category,
        transform(releaseCause, {cause_codes:Array(String)}, {cause_keys:Array(String)}, '') AS o_outcome
      FROM (${rows})
    )`;
  },
  factColumns: {
    call_id: 'callId',
    source: '{source_name:String}',
    province_code: 'substring(o_city, 1, 2)',
    city_code: 'o_city',
    county_code: 'callerArea',
    skill_group: 'skillGroup',
    category: 'o_category',
    ivr_at: at('assumeNotNull(m_ivrStartTime)'),
    requested_agent_at: at('m_queueStartTime'),
    ring_at: at('m_ringStartTime'),
    answered_at: at('m_answerTime'),
    ended_at: at('assumeNotNull(m_releaseTime)'),
    outcome: 'o_outcome',
    short_abandon: `toUInt8(o_outcome IN ('abandoned_queue', 'abandoned_ringing')
      AND assumeNotNull(m_releaseTime) - assumeNotNull(m_queueStartTime) < ${SHORT_ABANDON_MS})`,
    agent_id: 'agentId',
    src_updated_at: at('assumeNotNull(m_releaseTime)'),
  },
  params: () => ({
    county_codes: COUNTIES.map((c) => c.code),
    county_cities: COUNTIES.map((c) => c.cityCode),
    category_labels: Object.values(CATEGORY_LABEL),
    category_keys: Object.keys(CATEGORY_LABEL),
    cause_codes: Object.values(RELEASE_CAUSE),
    cause_keys: Object.keys(RELEASE_CAUSE),
  }),
};

/** The record's staged fields, or null when SQL cannot judge it as the row transform does (row path). */
export function plainFields(feed: CtiBulkFeed, rec: unknown, tz: string): string[] | null {
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return null;
  const out: string[] = [];
  for (const f of feed.fields) {
    const v = (rec as Record<string, unknown>)[f.name];
    if (typeof v === 'string') {
      if (UNSAFE.test(v)) return null;
      if (f.time && v !== '') {
        const ms = parseLocal(v, tz);
        if (ms === null || ms < MIN_MS || ms >= MAX_MS) return null;
        out.push(String(ms));
      } else out.push(v);
    } else if (f.optional && (v === null || v === undefined)) out.push('');
    else return null;
  }
  return out;
}

/** The staged rows back by field name (times as m_<name>, Nullable(Int64) epoch ms). */
function unstaged(feed: CtiBulkFeed, stage: string): string {
  const cols = feed.fields.map((f, i) =>
    f.time ? `if(${STAGE_COLUMNS[i]} = '', NULL, toInt64(${STAGE_COLUMNS[i]})) AS m_${f.name}` : `${STAGE_COLUMNS[i]} AS ${f.name}`,
  );
  // An export stages every row of its file, those SQL can judge marked in the column after the fields.
  return `SELECT n, ${cols.join(', ')} FROM ${stage} WHERE load_id = {load:String} AND ${plainMark(feed)} != '0'`;
}

/** The staging column that says whether SQL can judge an exported row ('0': the row path's; '' on other loads). */
const plainMark = (feed: CtiBulkFeed) => STAGE_COLUMNS[feed.fields.length]!;

const verdictRow = z.object({ n: chNumber, reason: z.string() });

export interface CtiBulkLoad {
  tz: string;
  /** The ETL source (quarantine), e.g. cti.calls. */
  source: string;
  /** The facts' source column: 'cti'. */
  sourceName: string;
  transform: (raw: unknown, tz: string) => Transform;
  key: (raw: Record<string, unknown>) => string;
}

/**
 * Checks the staged rows of `load` and moves the good ones into the fact table (data first; the caller writes
 * the quarantine, then commits the position). Returns the bad ones' staged numbers and reasons, in order.
 */
async function moveStaged(ch: ClickHouse, feed: CtiBulkFeed, l: CtiBulkLoad, stage: string, load: string, staged: number) {
  const params = { load, ...feed.params() };
  const checked = feed.checked(unstaged(feed, stage));
  const verdicts = await ch.query(
    `etl.cti.${feed.name}.bulk.check`,
    `SELECT n, reason FROM (${checked}) WHERE reason != '' ORDER BY n`,
    params,
    verdictRow,
  );
  const cols = Object.keys(feed.factColumns);
  if (staged > verdicts.length)
    await ch.command(
      `etl.cti.${feed.name}.bulk.facts`,
      `INSERT INTO ${feed.fact} (${cols.join(', ')})
       SELECT ${cols.map((c) => `${feed.factColumns[c]} AS ${c}`).join(', ')} FROM (${checked}) WHERE reason = '' ORDER BY n`,
      { ...params, source_name: l.sourceName },
    );
  return verdicts;
}

/**
 * The records SQL left to the row transform, then the quarantine of both paths in the records' order (`at`).
 * Returns what the row path loaded.
 */
async function rowPathAndQuarantine(
  ctx: JobContext,
  feed: CtiBulkFeed,
  l: CtiBulkLoad,
  viaRows: { at: number; raw: unknown }[],
  bad: { at: number; row: QuarantinedRow }[],
): Promise<number> {
  const good: Record<string, unknown>[] = [];
  for (const { at, raw } of viaRows) {
    const t = l.transform(raw, l.tz);
    if (t.ok) good.push(t.row);
    else bad.push({ at, row: { recordKey: l.key(raw as Record<string, unknown>), reason: t.reason, raw } });
  }
  await ctx.ch.insert(`etl.${l.source}`, feed.fact, good);
  if (bad.length)
    await quarantine(
      ctx.ch,
      l.source,
      ctx.runId,
      bad.sort((a, b) => a.at - b.at).map((b) => b.row),
      ctx.now,
    );
  return good.length;
}

/**
 * Loads a window's records: the plain ones staged and moved into the fact table in the engine, the others
 * through the row transform; the bad ones of both quarantined in the records' order. Returns loaded and
 * quarantined as the row path counts them.
 */
export async function loadCtiRecords(
  ctx: JobContext,
  feed: CtiBulkFeed,
  l: CtiBulkLoad,
  records: Record<string, unknown>[],
): Promise<PageLoad> {
  const { ch } = ctx;
  const load = newLoadId();
  const staged: number[] = []; // staged n → index in records
  const viaRows: { at: number; raw: unknown }[] = [];
  const lines: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const f = plainFields(feed, records[i], l.tz);
    if (f) {
      lines.push(`${load}\t${staged.length}\t${f.join('\t')}\n`);
      staged.push(i);
    } else viaRows.push({ at: i, raw: records[i] });
  }

  const bad: { at: number; row: QuarantinedRow }[] = [];
  let loaded = 0;
  if (staged.length) {
    const stage = await openStage(ch, load);
    let verdicts: z.infer<typeof verdictRow>[];
    try {
      await ch.insertFormatted(
        `etl.cti.${feed.name}.bulk.stage`,
        stage,
        ['load_id', 'n', ...STAGE_COLUMNS.slice(0, feed.fields.length)],
        'TabSeparated',
        Buffer.from(lines.join(''), 'utf8'),
        // On a cluster the staging table is Distributed: the rows must be on their shard before the checks read.
        ch.cluster ? { distributed_foreground_insert: 1 } : {},
      );
      verdicts = await moveStaged(ch, feed, l, stage, load, staged.length);
    } finally {
      await closeStage(ch, load, l.source);
    }
    for (const v of verdicts) {
      const i = staged[v.n]!;
      bad.push({ at: i, row: { recordKey: l.key(records[i]!), reason: v.reason, raw: records[i] } });
    }
    loaded += staged.length - verdicts.length;
  }
  loaded += await rowPathAndQuarantine(ctx, feed, l, viaRows, bad);
  return { loaded, quarantined: bad.length };
}

// ---- The vendor's export of a day's listing (CTI_CDR_EXPORT_COLUMNS, CTI_AGENT_STATE_EXPORT_COLUMNS): a CSV
// the engine reads and stages itself, times parsed in SQL as parseLocal reads them (timeOk / timeVal), so no
// record passes through JavaScript unless SQL cannot judge it as the row transform does: a required field
// missing (NULL), a time the row transform must judge (it does not parse, or ClickHouse cannot hold it).
// Those records, and the bad ones, are read back from the file as the row transform sees them: every field
// text or null, in the file's column order (the API's).

const exportRow = z.record(z.string(), z.union([z.string(), z.number()]).nullable());

/**
 * Per rule field: whether SQL can judge it, and its staged text (as plainFields stages it). A time is read
 * trimmed and tested once, as t_<name> and ok_<name> (exportRows): pasted into each test, the trim made the
 * statement's text 60 KB, and analysing it cost more than reading a day's file.
 */
function exportField(f: CtiBulkFeed['fields'][number]): { plain: string; staged: string } {
  const v = `ifNull(${f.name}, '')`;
  const present = f.optional ? 'true' : `${f.name} IS NOT NULL`;
  if (!f.time) return { plain: present, staged: v };
  const t = `t_${f.name}`;
  // Years ClickHouse holds with a day to spare either side (the zone); others are the row transform's.
  const held = `toUInt16OrZero(substring(${t}, 1, 4)) BETWEEN 1901 AND 2298`;
  return {
    plain: `${present} AND (${v} = '' OR (ok_${f.name} AND ${held}))`,
    staged: `if(${v} = '', '', toString(toUnixTimestamp64Milli(assumeNotNull(${timeVal(t, `ok_${f.name}`)}))))`,
  };
}

/** The file's rows with their number (i) and each time field trimmed (t_<name>) and tested (ok_<name>). */
function exportRows(feed: CtiBulkFeed, src: string): string {
  const trimmed = feed.fields
    .filter((f) => f.time)
    .map((f) => `, ${jsTrim(`ifNull(${f.name}, '')`)} AS t_${f.name}, ${timeOk(`t_${f.name}`)} AS ok_${f.name}`);
  return `(SELECT _row_number AS i, *${trimmed.join('')} FROM ${src})`;
}

/**
 * Loads one export file whole: the plain records staged from the file by the engine and moved as a window's
 * are, the others through the row transform; the bad ones of both quarantined in file order. The rows are
 * idempotent facts (ReplacingMergeTree): loading the file again adds nothing.
 */
export async function loadCtiExport(
  ctx: JobContext,
  feed: CtiBulkFeed,
  l: CtiBulkLoad,
  file: string,
  columns: readonly string[],
): Promise<PageLoad & { read: number }> {
  const { ch } = ctx;
  const { src, at } = exportSource(columns, file);
  const fields = feed.fields.map(exportField);
  const plain = fields.map((f) => `(${f.plain})`).join(' AND ');
  const asRecord = (r: Record<string, string | number | null>) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]));

  // The file is read once, every row staged with its mark; the rows the row transform must see (odd) and the
  // bad ones are read back from the file by number, which only happens when there are any.
  const load = newLoadId();
  const stage = await openStage(ch, load);
  const mark = plainMark(feed);
  let staged: number;
  let oddRows: number[];
  let verdicts: z.infer<typeof verdictRow>[];
  try {
    await ch.command(
      `etl.cti.${feed.name}.export.stage`,
      `INSERT INTO ${stage} (load_id, n, ${STAGE_COLUMNS.slice(0, feed.fields.length).join(', ')}, ${mark})
       SELECT {load:String}, toUInt32(i), ${fields.map((f) => f.staged).join(', ')}, if(${plain}, '1', '0')
       FROM ${exportRows(feed, src)} ${EXPORT_READ}`,
      { ...at, load, tz: l.tz },
    );
    const [counted] = await ch.query(
      `etl.cti.${feed.name}.export.count`,
      `SELECT countIf(${mark} = '1') AS plain_rows, arraySort(groupArrayIf(n, ${mark} = '0')) AS odd FROM ${stage} WHERE load_id = {load:String}`,
      { load },
      z.object({ plain_rows: chNumber, odd: z.array(chNumber) }),
    );
    staged = counted?.plain_rows ?? 0;
    oddRows = counted?.odd ?? [];
    verdicts = staged ? await moveStaged(ch, feed, l, stage, load, staged) : [];
  } finally {
    await closeStage(ch, load, l.source);
  }
  const again = [...oddRows, ...verdicts.map((v) => v.n)];
  const rows = again.length
    ? await ch.query(
        `etl.cti.${feed.name}.export.again`,
        `SELECT _row_number AS i, ${columns.join(', ')} FROM ${src} WHERE _row_number IN {rows:Array(UInt64)} ORDER BY i ${EXPORT_READ}`,
        { ...at, rows: again },
        exportRow,
      )
    : [];
  const byRow = new Map(rows.map((r) => [Number(r.i), asRecord(r)]));
  const fromFile = (n: number) => {
    const raw = byRow.get(n);
    if (!raw) throw new Error(`${l.source}: row ${n} of ${file} not found again`);
    return raw;
  };
  const bad: { at: number; row: QuarantinedRow }[] = [];
  for (const v of verdicts) {
    const raw = fromFile(v.n);
    bad.push({ at: v.n, row: { recordKey: l.key(raw), reason: v.reason, raw } });
  }
  const viaRows = oddRows.map((n) => ({ at: n, raw: fromFile(n) }));
  const loaded = staged - verdicts.length + (await rowPathAndQuarantine(ctx, feed, l, viaRows, bad));
  return { read: staged + oddRows.length, loaded, quarantined: bad.length };
}

/**
 * A back-fill of [range.from, range.to) in the windows the row path cuts (etl/runtime/window-pull: from the
 * range's start, resumed after the committed position under `resumeKey`), each window's pages fetched, then
 * loaded in one set (loadCtiRecords), then its end committed. Same counts, progress and position as the row path.
 */
export async function backfillCtiBulk(
  ctx: JobContext,
  w: { http: HttpSourceConfig; windowMs: number },
  feed: CtiBulkFeed,
  l: CtiBulkLoad,
  range: BackfillRange,
  progress: (p: BackfillProgress) => void,
  resumeKey: string,
): Promise<JobResult> {
  const { windowMs } = w;
  const wm = await readWatermark(ctx.ch, resumeKey);
  const resumeAt = wm ? Date.parse(wm.ts) : range.from;
  if (Number.isNaN(resumeAt)) throw new Error(`${l.source}: unreadable backfill position ${JSON.stringify(wm)}`);
  // From where the range was left: a position is a window's end, whatever the window length was then.
  const start = Math.min(range.to, Math.max(range.from, resumeAt));
  let done = Math.ceil((start - range.from) / windowMs);
  const total = done + Math.ceil((range.to - start) / windowMs);
  progress({ rows: 0, done, total });
  let read = 0;
  let loaded = 0;
  let quarantined = 0;
  let reached: string | null = null;
  for (let from = start; from < range.to; from += windowMs) {
    const to = Math.min(range.to, from + windowMs);
    const records: Record<string, unknown>[] = [];
    for await (const page of fetchWindow(w.http, { from: new Date(from).toISOString(), to: new Date(to).toISOString() }))
      for (const r of page) records.push(r);
    read += records.length;
    const r = await loadCtiRecords(ctx, feed, l, records);
    loaded += r.loaded;
    quarantined += r.quarantined;
    // Data first, then the position: a crash between the two re-reads this window, never skips it.
    reached = new Date(to).toISOString();
    await writeWatermark(ctx.ch, resumeKey, { ts: reached, id: '' });
    done++;
    progress({ rows: read, done, total });
  }
  return {
    rowsRead: read,
    rowsLoaded: loaded,
    rowsQuarantined: quarantined,
    watermarkFrom: wm?.ts ?? new Date(range.from).toISOString(),
    watermarkTo: reached ?? wm?.ts ?? '',
  };
}
