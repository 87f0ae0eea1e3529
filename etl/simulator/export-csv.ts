import { mkdir, rename, writeFile } from 'node:fs/promises';
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

/** Writes the file whole or not at all (a reader never sees half of it). */
export async function writeExport(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.part`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
