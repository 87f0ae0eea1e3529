import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { cellValue, csvLine, type Cell, type CellType } from './cells';

// The two file formats of an export, both written as the rows arrive, never built in memory: xlsx through
// exceljs's streaming WorkbookWriter (each row committed as it is added) and CSV (UTF-8 with a BOM so Excel
// reads Chinese; RFC 4180 quoting; formula guard). Both start with the same header block (title, unit, time,
// filters, export time, who), then the column labels and the records.

export interface ExportColumn {
  name: string;
  label: string;
  type: CellType;
  /** Decimals shown in the spreadsheet (numbers only). */
  digits?: number;
}

export interface ExportDocument {
  title: string;
  /** The header block, label and value per line. */
  meta: (readonly [string, string])[];
  columns: ExportColumn[];
  /** Business time zone the times are written in. */
  tz: string;
  /** The records, in order, in batches (read once). */
  batches: () => AsyncIterable<Record<string, unknown>[]>;
}

export interface WriteResult {
  rows: number;
}

/** Rows written between checks that the consumer keeps up (backpressure). */
const SLICE = 1000;
/** Bytes the destination may hold unread before the writer waits for it. */
const HIGH_WATER = 1 << 20;

/**
 * Waits until `out` has taken what was written (or is gone: then the write fails instead of hanging). `held`
 * is what sits unread before `out` (the zip stream's buffer for xlsx), which must drain too, or a slow reader
 * would let rows pile up in memory.
 */
async function relieve(out: Writable, held: () => number = () => 0): Promise<void> {
  for (;;) {
    // Let the zip stream and the destination move the data just written along before deciding.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (out.destroyed) throw new Error('export destination closed');
    if (out.writableNeedDrain) {
      const ac = new AbortController();
      try {
        await Promise.race([once(out, 'drain', { signal: ac.signal }), once(out, 'close', { signal: ac.signal })]);
      } finally {
        ac.abort();
      }
      continue;
    }
    if (out.writableLength <= HIGH_WATER && held() <= HIGH_WATER) return;
    // Data still moving between the zip stream and the destination: look again shortly (no busy loop).
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}

function rowCells(doc: ExportDocument, r: Record<string, unknown>): Cell[] {
  return doc.columns.map((c) => cellValue(c.type, r[c.name], doc.tz));
}

function sheetName(title: string): string {
  return title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet1';
}

function width(c: ExportColumn): number {
  if (c.type === 'time') return 20;
  if (c.type === 'date') return 12;
  if (c.type === 'money' || c.type === 'number' || c.type === 'percent') return Math.max(12, c.label.length * 2);
  return Math.max(14, Math.min(40, c.label.length * 2 + 4));
}

function numFmt(c: ExportColumn): string | undefined {
  if (c.type === 'money') return '#,##0.00';
  if ((c.type === 'number' || c.type === 'percent') && c.digits && c.digits > 0) return `0.${'0'.repeat(c.digits)}`;
  return undefined;
}

/** Writes the document as xlsx into `out` (ended when done). */
export async function writeXlsx(doc: ExportDocument, out: Writable): Promise<WriteResult> {
  // Loaded on the first export, not with the web server's routes (tests/browser/bundle.test.ts).
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '营销智能监控指挥中心';
  // The label row sits under the header block (title, meta lines, a blank line): frozen with it.
  const labelRow = doc.meta.length + 3;
  const ws = wb.addWorksheet(sheetName(doc.title), { views: [{ state: 'frozen', ySplit: labelRow }] });
  ws.columns = doc.columns.map((c) => ({ key: c.name, width: width(c) }));
  const title = ws.addRow([doc.title]);
  title.font = { bold: true, size: 14 };
  title.commit();
  for (const [label, value] of doc.meta) {
    const r = ws.addRow([label, value]);
    r.getCell(1).font = { bold: true };
    r.commit();
  }
  ws.addRow([]).commit();
  const labels = ws.addRow(doc.columns.map((c) => c.label));
  labels.font = { bold: true };
  labels.commit();
  const fmts = doc.columns.map(numFmt);
  // The archiver (a stream exceljs does not type) holding compressed bytes the destination has not taken yet.
  const zip = (wb as unknown as { zip?: { readableLength?: number } }).zip;
  const zipHeld = () => zip?.readableLength ?? 0;
  let rows = 0;
  for await (const batch of doc.batches()) {
    for (let i = 0; i < batch.length; i += SLICE) {
      for (const r of batch.slice(i, i + SLICE)) {
        const row = ws.addRow(rowCells(doc, r));
        fmts.forEach((f, j) => {
          if (f) row.getCell(j + 1).numFmt = f;
        });
        row.commit();
        rows++;
      }
      await relieve(out, zipHeld);
    }
  }
  ws.commit();
  await wb.commit();
  return { rows };
}

/** Writes the document as CSV into `out` (ended when done). */
export async function writeCsv(doc: ExportDocument, out: Writable): Promise<WriteResult> {
  const write = async (text: string) => {
    if (!out.write(text)) await relieve(out);
  };
  let head = `\uFEFF${csvLine([doc.title])}`;
  for (const [label, value] of doc.meta) head += csvLine([label, value]);
  head += '\r\n' + csvLine(doc.columns.map((c) => c.label));
  await write(head);
  let rows = 0;
  for await (const batch of doc.batches()) {
    for (let i = 0; i < batch.length; i += SLICE) {
      let text = '';
      for (const r of batch.slice(i, i + SLICE)) {
        text += csvLine(rowCells(doc, r));
        rows++;
      }
      await write(text);
    }
  }
  out.end();
  if (!out.writableFinished) await once(out, 'finish');
  return { rows };
}

export function writeExport(format: 'xlsx' | 'csv', doc: ExportDocument, out: Writable): Promise<WriteResult> {
  return format === 'xlsx' ? writeXlsx(doc, out) : writeCsv(doc, out);
}
