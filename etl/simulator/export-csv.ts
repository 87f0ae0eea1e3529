import { mkdir, open, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

// A source table's export as its vendor ships one for an initial load: CSV in the table's own columns, a header
// first, UTF-8; NULL as \N and every text value quoted, so an empty text is told apart from a missing one.

/** One value as the export writes it (exportCsv's rows, or a writer that builds its lines itself). */
export const csvField = (v: unknown): string => {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return `"${String(v).replace(/"/g, '""')}"`;
};

/** The CSV text of `rows` (values in `columns` order) under a header of `columns`. */
export function exportCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const lines = [columns.join(',')];
  for (const r of rows) lines.push(r.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

/** The days of an export in its file name: YYYYMMDD for one day, YYYYMMDD_YYYYMMDD for a range. */
export const daysName = (from: string, to: string): string =>
  from === to ? from.replaceAll('-', '') : `${from.replaceAll('-', '')}_${to.replaceAll('-', '')}`;

/** The calendar days `from`..`to` (YYYY-MM-DD, inclusive), oldest first. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Writes the file whole or not at all (a reader never sees half of it). */
export async function writeExport(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.part`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/**
 * exportCsv's text, written part by part as `parts` yields them (a day's rows at a time): the same file, without
 * holding every part's rows and text at once (a week of the queue's tickets is most of a million rows).
 */
export async function writeExportInParts(
  file: string,
  columns: readonly string[],
  parts: Iterable<readonly (readonly unknown[])[]>,
): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.part`;
  const out = await open(tmp, 'w');
  let rows = 0;
  try {
    await out.write(`${columns.join(',')}\n`);
    for (const part of parts) {
      if (part.length === 0) continue;
      const lines: string[] = [];
      for (const r of part) lines.push(r.map(csvField).join(','));
      await out.write(`${lines.join('\n')}\n`);
      rows += part.length;
    }
  } finally {
    await out.close();
  }
  await rename(tmp, file);
  return rows;
}
