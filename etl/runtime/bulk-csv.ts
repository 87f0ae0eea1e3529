import { randomUUID } from 'node:crypto';
import type { ClickHouse } from '@/core/clickhouse/client';

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

/** Stages framed records (one file's body, or several files' bodies with the same header width). */
export async function stageCsv(ch: ClickHouse, tag: string, width: number, body: Buffer): Promise<void> {
  await ch.insertFormatted(tag, 'etl_stage_csv', ['load_id', 'n', ...STAGE_COLUMNS.slice(0, width)], 'CSV', body, {
    // The row reader keeps spaces around unquoted values (the quarantine shows the line as it was).
    input_format_csv_trim_whitespaces: 0,
    format_csv_allow_single_quotes: 0,
    // On a cluster the staging table is Distributed: the rows must be on their shard before the checks read.
    ...(ch.cluster ? { distributed_foreground_insert: 1 } : {}),
  });
}

/** Drops loads' staged records (the TTL clears what a crash leaves behind). */
export async function dropStaged(ch: ClickHouse, loadIds: string[]): Promise<void> {
  for (let i = 0; i < loadIds.length; i += 100) {
    const ids = loadIds.slice(i, i + 100);
    await ch.command(
      'etl.bulk.drop-stage',
      // On a cluster the partitions are the replicated _local table's (cluster: a validated identifier).
      `ALTER TABLE ${ch.cluster ? `etl_stage_csv_local ON CLUSTER '${ch.cluster}'` : 'etl_stage_csv'} ${ids.map((_, j) => `DROP PARTITION {l${j}:String}`).join(', ')}`,
      Object.fromEntries(ids.map((id, j) => [`l${j}`, id])),
    );
  }
}

export const newLoadId = () => randomUUID().replace(/-/g, '');
