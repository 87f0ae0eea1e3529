import { z } from 'zod';
import { lit } from './sql-rules';

// A source system's export of a table or listing, read by the engine itself (file() with CSVWithNames): every
// column as text or NULL (\N), as etl/simulator/export-csv.ts writes them. The bulk paths of the hall queue, the
// CTI and the outage system share how such a file is read and which rows SQL can judge as the row path does.

/** CSV exactly as written: no trimming, and single quotes are text (the row readers see them so). */
export const EXPORT_READ_SETTINGS = `input_format_csv_trim_whitespaces = 0, format_csv_allow_single_quotes = 0`;
/** EXPORT_READ_SETTINGS as a statement's SETTINGS clause. */
export const EXPORT_READ = `SETTINGS ${EXPORT_READ_SETTINGS}`;

/** The file() source and its parameters: every column Nullable(String). */
export function exportSource(columns: readonly string[], file: string) {
  return {
    src: `file({file:String}, CSVWithNames, {structure:String})`,
    at: { file, structure: columns.map((c) => `${c} Nullable(String)`).join(', ') },
  };
}

/** A row of the file as the engine returns it. */
export const exportRow = z.record(z.string(), z.string().nullable());

const INT_TEXT = String.raw`^-?[0-9]{1,15}$`;

/**
 * Rows SQL can judge as the SQLite reader types them: integer columns hold integers, required columns are
 * present. The others go to the row path (asSqliteRow).
 */
export function plainSqliteRow(columns: readonly string[], integer: ReadonlySet<string>, nullable: ReadonlySet<string>): string {
  return columns
    .map((c) => {
      if (integer.has(c))
        return nullable.has(c) ? `(${c} IS NULL OR match(${c}, ${lit(INT_TEXT)}))` : `match(ifNull(${c}, ''), ${lit(INT_TEXT)})`;
      return nullable.has(c) ? 'true' : `${c} IS NOT NULL`;
    })
    .join(' AND ');
}

const NUMBER_TEXT = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** A file row as the SQLite reader would have returned it: number-looking text in an integer column is a number (INTEGER affinity). */
export function asSqliteRow(
  columns: readonly string[],
  integer: ReadonlySet<string>,
  row: Record<string, string | null>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c] ?? null;
    out[c] = v !== null && integer.has(c) && NUMBER_TEXT.test(v) ? Number(v) : v;
  }
  return out;
}
