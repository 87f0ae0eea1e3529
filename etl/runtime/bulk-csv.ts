import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import iconv from 'iconv-lite';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { isStageTableName, STAGE_PREFIXES, type StageTableName } from '@/core/clickhouse/tables';

// The bulk path of a dropped CSV: JavaScript only decodes the file (GBK → UTF-8) and frames it, one pass that
// numbers the records; ClickHouse parses the CSV into a staging table (etl_stage_csv) at its own speed, and
// the source then checks and transforms the load with set operations (INSERT … SELECT). Whatever this framing
// pass does not recognise as plain CSV (a quote inside an unquoted field, a record of another width, blank
// records, mixed line ends, Unicode spaces that JavaScript's trim would remove) is left to the row-by-row
// reader, whose answers (records, rejections) stay the reference.

/** Columns of etl_stage_csv: c0…c31. A file with more columns goes row by row. */
export const STAGE_COLUMNS = Array.from({ length: 32 }, (_, i) => `c${i}`);

export interface FramedCsv {
  /** Header row fields, unquoted and untrimmed. */
  header: string[];
  /** Records after the header. */
  records: number;
  /** `<load>,<n>,<fields…>` per record, n from 0 in file order: what etl_stage_csv takes as CSV. */
  body: Buffer;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** A space JavaScript's String.prototype.trim removes that ClickHouse's ASCII trim would keep. */
function unicodeSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Frames decoded CSV text for staging, or null when the text is not plain enough to be sure ClickHouse reads
 * the same records as the row reader (csv-parse with skip_empty_lines and skip_records_with_empty_values).
 */
export function frameCsv(text: string, loadId: string): FramedCsv | null {
  const len = text.length;
  let i = 0;
  let eol: 'lf' | 'crlf' | null = null;
  let header: string[] | null = null;
  const parts: string[] = [];
  let n = 0;
  while (i < len) {
    const start = i;
    let fields = 0;
    let blank = true;
    const values: string[] | null = header === null ? [] : null;
    // One record: fields separated by commas, up to an end of line outside quotes or the end of the text.
    for (;;) {
      fields++;
      if (text.charCodeAt(i) === QUOTE) {
        const open = i;
        i++;
        for (;;) {
          if (i >= len) return null; // unclosed quote
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            if (text.charCodeAt(i + 1) === QUOTE) {
              i += 2;
              blank = false;
              continue;
            }
            break;
          }
          if (c > 0x20) blank = false;
          if (c >= 0xa0 && unicodeSpace(c)) return null;
          i++;
        }
        if (values) values.push(text.slice(open + 1, i).replace(/""/g, '"'));
        i++; // closing quote
        const next = i < len ? text.charCodeAt(i) : -1;
        if (next !== COMMA && next !== CR && next !== LF && next !== -1) return null;
      } else {
        const open = i;
        for (; i < len; i++) {
          const c = text.charCodeAt(i);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE) return null;
          if (c > 0x20) blank = false;
          if (c >= 0xa0 && unicodeSpace(c)) return null;
        }
        if (values) values.push(text.slice(open, i));
      }
      if (i < len && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }
    const end = i;
    if (i < len) {
      let kind: 'lf' | 'crlf';
      if (text.charCodeAt(i) === CR) {
        if (text.charCodeAt(i + 1) !== LF) return null; // a bare CR
        kind = 'crlf';
        i += 2;
      } else {
        kind = 'lf';
        i++;
      }
      if (eol === null) eol = kind;
      else if (eol !== kind) return null;
    }
    if (header === null) {
      header = values!;
      if (header.length > STAGE_COLUMNS.length) return null;
      continue;
    }
    // Blank lines and records of blank values are skipped by the row reader: leave them to it.
    if (blank || fields !== header.length) return null;
    parts.push(`${loadId},${n++},`, text.slice(start, end), '\n');
  }
  if (header === null || n === 0) return null;
  return { header, records: n, body: Buffer.from(parts.join(''), 'utf8') };
}

/**
 * Stages framed records (one file's body, or several files' bodies with the same header width) into `stage`
 * (openStage's table).
 */
export async function stageCsv(
  ch: ClickHouse,
  tag: string,
  width: number,
  body: Buffer,
  stage: 'etl_stage_csv' | StageTableName = 'etl_stage_csv',
): Promise<void> {
  await ch.insertFormatted(tag, stage, ['load_id', 'n', ...STAGE_COLUMNS.slice(0, width)], 'CSV', body, {
    // The row reader keeps spaces around unquoted values (the quarantine shows the line as it was).
    input_format_csv_trim_whitespaces: 0,
    format_csv_allow_single_quotes: 0,
    // On a cluster the staging table is Distributed: the rows must be on their shard before the checks read.
    ...(ch.cluster ? { distributed_foreground_insert: 1 } : {}),
  });
}

/**
 * A dropped CSV as bytes, checked for what frameCsv checks on decoded text, without decoding or copying it:
 * the embedded engine then reads the file itself (stageCsvFiles). GBK bytes never collide with `,` `"` CR LF
 * (trail bytes are 0x40–0xFE), so the engine splits GBK CSV as bytes and converts the fields that need it.
 */
export interface ScannedCsv {
  /** Header row fields, unquoted and untrimmed (decoded). */
  header: string[];
  records: number;
  encoding: 'utf-8' | 'gbk';
  /** Per column: whether any record's field holds a byte ≥ 0x80 (only those are converted from GBK). */
  nonAscii: boolean[];
}

/**
 * GB18030 two-byte codes the engine's ICU decodes otherwise than iconv-lite (which the row reader uses): the
 * vertical forms and the CJK characters GB18030-2005 moved out of the private use area. Files holding them go
 * row by row, so both paths keep the row reader's characters.
 */
const GBK_DIFFERS = new Set([
  0xa6d9, 0xa6da, 0xa6db, 0xa6dc, 0xa6dd, 0xa6de, 0xa6df, 0xa6ec, 0xa6ed, 0xa6f3, 0xfe59, 0xfe61, 0xfe66, 0xfe67, 0xfe6d, 0xfe7e, 0xfe90,
  0xfea0,
]);

/**
 * Length of the non-ASCII character at `i` when the row reader would see neither a Unicode space (which its
 * trim removes), U+FEFF nor U+FFFD (which it calls binary) there, else 0. UTF-8 input is valid (isUtf8).
 */
function plainUtf8(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0xe0) return c === 0xc2 && b[i + 1] === 0xa0 ? 0 : 2;
  if (c < 0xf0) {
    const d = b[i + 1]!;
    const e = b[i + 2]!;
    if (c === 0xe1 && d === 0x9a && e === 0x80) return 0;
    if (c === 0xe2 && d === 0x80 && (e <= 0x8a || e === 0xa8 || e === 0xa9 || e === 0xaf)) return 0;
    if (c === 0xe2 && d === 0x81 && e === 0x9f) return 0;
    if (c === 0xe3 && d === 0x80 && e === 0x80) return 0;
    if (c === 0xef && ((d === 0xbb && e === 0xbf) || (d === 0xbf && e === 0xbd))) return 0;
    return 3;
  }
  return 4;
}

/** Length of the GBK two-byte character at `i` when it decodes alike everywhere and is no space, else 0. */
function plainGbk(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const d = i + 1 < b.length ? b[i + 1]! : 0;
  // Single 0x80/0xFF bytes and GB18030's four-byte forms (second byte a digit) go to the row reader.
  if (c === 0x80 || c === 0xff || d < 0x40 || d === 0x7f || d === 0xff) return 0;
  const code = (c << 8) | d;
  return code === 0xa1a1 /* U+3000 */ || GBK_DIFFERS.has(code) ? 0 : 2;
}

/**
 * Scans a dropped CSV's bytes, or returns null when frameCsv would not take its text (or the text is not
 * plainly UTF-8 or GBK): such a file goes to the row reader, whose answers stay the reference.
 */
export function scanCsv(buf: Buffer, encoding: 'utf-8' | 'gbk' | 'auto'): ScannedCsv | null {
  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  let enc: 'utf-8' | 'gbk';
  if (encoding === 'gbk') enc = 'gbk';
  else if (isUtf8(bom ? buf.subarray(3) : buf)) enc = 'utf-8';
  else if (encoding === 'auto' && !bom) enc = 'gbk';
  else return null;
  const wide = enc === 'utf-8' ? plainUtf8 : plainGbk;
  const b: Uint8Array = buf;
  const len = b.length;
  let i = enc === 'utf-8' && bom ? 3 : 0;
  let eol = 0; // 1 LF, 2 CRLF
  let header: string[] | null = null;
  let width = 0;
  let nonAscii: boolean[] = [];
  let records = 0;
  const text = (from: number, to: number) =>
    enc === 'utf-8' ? buf.toString('utf8', from, to) : iconv.decode(buf.subarray(from, to), 'gb18030');
  while (i < len) {
    let fields = 0;
    let blank = true;
    const values: string[] | null = header === null ? [] : null;
    for (;;) {
      const field = fields++;
      let high = false;
      if (b[i] === QUOTE) {
        const open = i;
        i++;
        for (;;) {
          if (i >= len) return null; // unclosed quote
          const c = b[i]!;
          if (c === QUOTE) {
            if (b[i + 1] === QUOTE) {
              i += 2;
              blank = false;
              continue;
            }
            break;
          }
          if (c < 0x80) {
            if ((c < 0x20 && c !== 0x09 && c !== LF && c !== 0x0c && c !== CR) || c === 0x7f) return null; // binary
            if (c > 0x20) blank = false;
            i++;
          } else {
            const n = wide(b, i);
            if (n === 0) return null;
            high = true;
            blank = false;
            i += n;
          }
        }
        if (values) values.push(text(open + 1, i).replace(/""/g, '"'));
        i++; // closing quote
        const next = i < len ? b[i] : -1;
        if (next !== COMMA && next !== CR && next !== LF && next !== -1) return null;
      } else {
        const open = i;
        while (i < len) {
          const c = b[i]!;
          if (c === COMMA || c === CR || c === LF) break;
          if (c < 0x80) {
            if (c === QUOTE) return null;
            if ((c < 0x20 && c !== 0x09 && c !== 0x0c) || c === 0x7f) return null; // binary
            if (c > 0x20) blank = false;
            i++;
          } else {
            const n = wide(b, i);
            if (n === 0) return null;
            high = true;
            blank = false;
            i += n;
          }
        }
        if (values) values.push(text(open, i));
      }
      if (high && header !== null && field < width) nonAscii[field] = true;
      if (i < len && b[i] === COMMA) {
        i++;
        continue;
      }
      break;
    }
    if (i < len) {
      let kind: number;
      if (b[i] === CR) {
        if (b[i + 1] !== LF) return null; // a bare CR
        kind = 2;
        i += 2;
      } else {
        kind = 1;
        i++;
      }
      if (eol === 0) eol = kind;
      else if (eol !== kind) return null;
    }
    if (header === null) {
      header = values!;
      width = header.length;
      if (width > STAGE_COLUMNS.length) return null;
      nonAscii = header.map(() => false);
      continue;
    }
    if (blank || fields !== width) return null;
    records++;
  }
  if (header === null || records === 0) return null;
  return { header, records, encoding: enc, nonAscii };
}

/** A dropped file the embedded engine reads itself: its path, load id and scan. */
export interface FileLoad {
  path: string;
  loadId: string;
  scan: ScannedCsv;
}

// Characters file() reads as a glob (or as the list separator inside one): a path holding them is staged
// from its bytes instead (stageCsv).
const GLOB = /[*?{}[\],\\]|\.\./;

/** Whether the engine can read these files itself: embedded (a server cannot see our disk), plain names. */
export function readableByEngine(ch: ClickHouse, files: string[]): boolean {
  return ch.engine === 'embedded' && files.every((f) => path.isAbsolute(f) && !GLOB.test(f));
}

/**
 * Stages files of one folder, one header width and one encoding in one statement into `stage` (openStage's table): the embedded engine reads
 * them itself (file()), numbers the records of each file (_row_number, the header being 0) and converts only
 * the GBK fields that are not ASCII. Paths are ours (the drop folder's), bound, and checked by readableByEngine.
 */
export async function stageCsvFiles(
  ch: ClickHouse,
  tag: string,
  files: FileLoad[],
  stage: 'etl_stage_csv' | StageTableName = 'etl_stage_csv',
): Promise<void> {
  const first = files[0];
  if (!first) return;
  const dir = path.dirname(first.path);
  const names = files.map((f) => path.basename(f.path));
  if (
    files.some(
      (f) => path.dirname(f.path) !== dir || f.scan.encoding !== first.scan.encoding || f.scan.header.length !== first.scan.header.length,
    )
  )
    throw new Error('stageCsvFiles: one folder, one encoding and one width per statement');
  if (
    !readableByEngine(
      ch,
      files.map((f) => f.path),
    )
  )
    throw new Error('stageCsvFiles: paths the engine cannot read as given');
  const width = first.scan.header.length;
  const cols = STAGE_COLUMNS.slice(0, width);
  const gbk = first.scan.encoding === 'gbk';
  const convert = cols.map((c, i) =>
    gbk && files.some((f) => f.scan.nonAscii[i]) ? `if(isValidASCII(${c}), ${c}, convertCharset(${c}, 'GB18030', 'UTF-8'))` : c,
  );
  await ch.command(
    tag,
    `INSERT INTO ${stage} (load_id, n, ${cols.join(', ')})
     SELECT transform(_file, {names:Array(String)}, {loads:Array(String)}, ''), toUInt32(_row_number - 1), ${convert.join(', ')}
     FROM file({glob:String}, CSV, {structure:String})
     WHERE _row_number > 0
     SETTINGS input_format_csv_trim_whitespaces = 0, format_csv_allow_single_quotes = 0`,
    {
      names,
      loads: files.map((f) => f.loadId),
      glob: names.length === 1 ? first.path : path.join(dir, `{${names.join(',')}}`),
      structure: cols.map((c) => `${c} String`).join(', '),
    },
  );
}

/**
 * Drops loads' staged records: on a cluster the replicated partitions (their TTL clears what a crash leaves),
 * else the in-memory rows, and with them anything a failed drop left a day ago.
 */
export async function dropStaged(ch: ClickHouse, loadIds: string[]): Promise<void> {
  if (!ch.cluster) {
    await ch.command(
      'etl.bulk.drop-stage',
      `ALTER TABLE etl_stage_csv DELETE WHERE load_id IN {loads:Array(String)} OR staged_at < now() - INTERVAL 1 DAY
       SETTINGS mutations_sync = 2`,
      { loads: loadIds },
    );
    return;
  }
  for (let i = 0; i < loadIds.length; i += 100) {
    const ids = loadIds.slice(i, i + 100);
    await ch.command(
      'etl.bulk.drop-stage',
      // The partitions are the replicated _local table's (cluster: a validated identifier).
      `ALTER TABLE etl_stage_csv_local ON CLUSTER '${ch.cluster}' ${ids.map((_, j) => `DROP PARTITION {l${j}:String}`).join(', ')}`,
      Object.fromEntries(ids.map((id, j) => [`l${j}`, id])),
    );
  }
}

export const newLoadId = () => randomUUID().replace(/-/g, '');

/**
 * Where one load's records are staged. On one node, a table of its own with the base table's columns, in
 * memory, dropped whole by closeStage: a DELETE from the shared in-memory table rewrote every other load's
 * rows too (a back-fill stages several loads at once), and each check scanned them all. On a cluster, the
 * shared replicated etl_stage_csv (a load's rows are found by load_id).
 */
export async function openStage<B extends 'etl_stage_csv' | 'etl_stage_ticket'>(
  ch: ClickHouse,
  load: string,
  base: B = 'etl_stage_csv' as B,
): Promise<B | StageTableName> {
  if (ch.cluster && base === 'etl_stage_csv') return base;
  const table = stageTable(base, load);
  await sweepStages(ch);
  await ch.command('etl.bulk.stage-open', `CREATE TABLE IF NOT EXISTS ${table} AS ${base}`);
  return table;
}

/** The name of a load's own table under `prefix` (a checked table, a stage). */
export function stageTable(
  prefix: 'etl_stage_csv' | 'etl_stage_ticket' | 'etl_checked_ticket' | 'etl_checked_billing' | 'etl_checked_workorder',
  load: string,
): StageTableName {
  const table = `${prefix}_${load}`;
  if (!isStageTableName(table)) throw new Error(`not a load id: ${JSON.stringify(load)}`);
  return table;
}

/**
 * Drops one of a load's own tables (openStage's, a checked table; on a cluster its rows of the shared stage).
 * Never throws: the load itself is done, so a failure is said with `source` (the sweep clears it a day later).
 */
export async function closeStage(
  ch: ClickHouse,
  load: string,
  source: string,
  base: 'etl_stage_csv' | 'etl_stage_ticket' | 'etl_checked_ticket' | 'etl_checked_billing' | 'etl_checked_workorder' = 'etl_stage_csv',
): Promise<void> {
  try {
    if (ch.cluster && base === 'etl_stage_csv') return await dropStaged(ch, [load]);
    // SYNC: an Atomic database otherwise keeps a dropped table's data for minutes.
    await ch.command('etl.bulk.stage-close', `DROP TABLE IF EXISTS ${stageTable(base, load)} SYNC`);
  } catch (err) {
    console.error(`[etl] ${source}: ${base} of load ${load} left behind: ${err instanceof Error ? err.message : err}`);
  }
}

const swept = new WeakSet<ClickHouse>();

/** Once per engine and process: the load tables a crash left (a day old, so no running load's). */
async function sweepStages(ch: ClickHouse): Promise<void> {
  if (swept.has(ch)) return;
  swept.add(ch);
  const left = await ch.query(
    'etl.bulk.stage-sweep',
    `SELECT name FROM system.tables WHERE database = currentDatabase() AND multiSearchAny(name, {prefixes:Array(String)})
       AND metadata_modification_time < now() - INTERVAL 1 DAY`,
    { prefixes: [...STAGE_PREFIXES] },
    z.object({ name: z.string() }),
  );
  for (const { name } of left) if (isStageTableName(name)) await ch.command('etl.bulk.stage-close', `DROP TABLE IF EXISTS ${name} SYNC`);
}
