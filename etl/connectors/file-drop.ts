import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { StringDecoder } from 'node:string_decoder';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { DroppedFile, FileDropConfig } from './types';

// Files operators drop into a directory: CSV exported by Chinese Windows tools (GBK, or UTF-8 with a BOM)
// and Excel workbooks. Read → load → archive, or reject with a reason file an operator can read.

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/**
 * Files waiting in `cfg.dir` with one of the configured extensions, by name (operators name drops by date).
 * `accept` narrows them by name before they are hashed: a job reading one export kind of a shared folder
 * need not read every other kind's files.
 */
export async function listDroppedFiles(cfg: FileDropConfig, accept: (name: string) => boolean = () => true): Promise<DroppedFile[]> {
  await mkdir(cfg.dir, { recursive: true });
  const exts = cfg.extensions.map((e) => e.toLowerCase());
  const names = (await readdir(cfg.dir, { withFileTypes: true }))
    .filter((d) => d.isFile() && !d.name.startsWith('.') && exts.some((e) => d.name.toLowerCase().endsWith(e)))
    .map((d) => d.name)
    .filter(accept)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: DroppedFile[] = [];
  for (const name of names) {
    const p = path.join(cfg.dir, name);
    try {
      files.push({ path: p, name, sha256: await sha256Of(p), bytes: (await stat(p)).size });
    } catch (err) {
      // Gone since the listing: another job of the shared folder took it (archived), so it no longer waits.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return files;
}

export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

// Text never holds C0 controls other than tab, LF, FF and CR, nor DEL, nor U+FFFD (what a failed decode leaves);
// binary data does, whichever encoding it is forced through.
function looksBinary(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}

function decodeUtf8(buf: Buffer): string | null {
  const body = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return null;
  }
}

function decodeGbk(buf: Buffer): string {
  // GB18030 is a superset of GBK (CP936) that also decodes the rarer characters of some names; iconv-lite
  // never throws, it substitutes U+FFFD, which looksBinary catches.
  return iconv.decode(buf, 'gb18030');
}

/** Text of a CSV in the configured encoding; throws an UnreadableFileError for anything that is not text. */
export function decodeText(buf: Buffer, encoding: FileDropConfig['encoding'], name: string): string {
  let text: string | null;
  if (encoding === 'utf-8') text = decodeUtf8(buf);
  else if (encoding === 'gbk') text = decodeGbk(buf);
  else text = decodeUtf8(buf) ?? decodeGbk(buf);
  if (text === null || looksBinary(text)) {
    const tried = encoding === 'auto' ? 'UTF-8 or GBK' : encoding.toUpperCase();
    throw new UnreadableFileError(`${name}: not ${tried} text (binary data, or another encoding)`);
  }
  return text;
}

/** Header row → record keys (trimmed); an empty or repeated name makes the file unreadable. */
export function headerKeys(header: string[], name: string): string[] {
  const cols = header.map((h) => h.trim());
  const seen = new Set<string>();
  for (const c of cols) {
    if (!c) throw new UnreadableFileError(`${name}: empty column name in the header row`);
    if (seen.has(c)) throw new UnreadableFileError(`${name}: column ${JSON.stringify(c)} appears twice in the header row`);
    seen.add(c);
  }
  return cols;
}

function readCsv(buf: Buffer, cfg: FileDropConfig, name: string): Record<string, string>[] {
  return parseCsvText(decodeText(buf, cfg.encoding, name), name);
}

/** Records of decoded CSV text, header row → keys; throws an UnreadableFileError for what is not CSV. */
export function parseCsvText(text: string, name: string): Record<string, string>[] {
  try {
    return parse(text, {
      columns: (header: string[]) => headerKeys(header, name),
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as Record<string, string>[];
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError(`${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Excel stores date-times as naive serial numbers and exceljs hands them over as Dates whose UTC fields are
 * the wall clock the sheet shows, so the UTC fields are the local time, whatever the source's zone.
 */
function excelDate(d: Date, numFmt: string | undefined): string {
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  // A date-only format ('yyyy-mm-dd', 'yyyy"年"m"月"d"日"') has neither hours nor seconds.
  if (numFmt && !/[hs]/i.test(numFmt.replace(/"[^"]*"/g, ''))) return date;
  const ms = d.getUTCMilliseconds();
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return excelDate(v, cell.numFmt);
  if (typeof v === 'object') {
    if ('result' in v) {
      const r = v.result;
      if (r instanceof Date) return excelDate(r, cell.numFmt);
      if (r !== null && typeof r === 'object' && 'error' in r) return String(r.error);
      return r === undefined || r === null ? '' : String(r);
    }
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
    return cell.text;
  }
  return String(v);
}

/** ExcelJS's test for a date format (utils.isDateFmt): what is left outside quotes and brackets names a date part. */
const isDateFormat = (fmt: string | undefined) => !!fmt && /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/**
 * The streaming reader leaves a formula's cached result as the number the sheet stores; the whole-workbook
 * reader turns it into a Date when the cell has a date format (cell-xform reconcile). Done here the same way,
 * so a formula's date reads as the same text either way.
 */
function formulaDate(cell: ExcelJS.Cell, date1904: boolean): void {
  const v = cell.value;
  if (v === null || typeof v !== 'object' || !('formula' in v || 'sharedFormula' in v) || !('result' in v)) return;
  if (typeof v.result !== 'number' || !isDateFormat(cell.numFmt)) return;
  cell.value = { ...v, result: new Date(Math.round((v.result - 25569 + (date1904 ? 1462 : 0)) * 86_400_000)) } as ExcelJS.CellValue;
}

/** The parts of ExcelJS's streaming reader that receive a zip entry's bytes (lib/stream/xlsx/workbook-reader.js). */
interface ReaderInternals {
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncGenerator<unknown>;
  _parseStyles(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorksheet(chunks: AsyncIterable<unknown>, sheetNo: string): Generator<unknown>;
}

async function* utf8Chunks(chunks: AsyncIterable<unknown>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const c of chunks) {
    const text = typeof c === 'string' ? c : decoder.write(c as Buffer);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * ExcelJS's streaming reader (4.4.0) decodes each chunk of a zip entry as UTF-8 on its own, so a Chinese
 * character split across two chunks comes out as U+FFFD (居民 → ��民 in a customer export). Its XML parser
 * takes text as it is: the entries are handed over as text decoded across chunk boundaries instead.
 */
function decodeAcrossChunks(reader: object): void {
  const own = Object.getPrototypeOf(reader) as ReaderInternals;
  const patched = reader as ReaderInternals;
  patched._parseSharedStrings = (entry) => own._parseSharedStrings.call(reader, entry.setEncoding('utf8'));
  patched._parseStyles = (entry) => own._parseStyles.call(reader, entry.setEncoding('utf8'));
  patched._parseWorksheet = (chunks, sheetNo) => own._parseWorksheet.call(reader, utf8Chunks(chunks), sheetNo);
}

/**
 * The first sheet's records, read as a stream of rows: the whole-workbook model kept every cell of an export as
 * an object with its style, about 400 MB of heap for a 100,000-row customer export, which made the server's
 * resident memory jump by that much whenever one was loaded.
 */
async function readXlsx(file: DroppedFile): Promise<Record<string, string>[]> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file.path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles carry the number formats that say which numbers are dates.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  decodeAcrossChunks(reader);
  const records: Record<string, string>[] = [];
  let sheets = 0;
  let columns: { index: number; key: string }[] | null = null;
  let names: string[] = [];
  const header = (fields: { index: number; key: string }[]) => {
    columns = fields;
    names = headerKeys(
      fields.map((c) => c.key),
      file.name,
    );
  };
  try {
    for await (const sheet of reader) {
      sheets++;
      const date1904 = !!(reader as unknown as { properties?: { model?: { date1904?: boolean } } }).properties?.model?.date1904;
      for await (const row of sheet) {
        // Only the first sheet holds the export; the others are read through (the zip is one stream).
        if (sheets > 1) continue;
        const cells: ExcelJS.Cell[] = [];
        row.eachCell({ includeEmpty: false }, (cell) => {
          formulaDate(cell, date1904);
          cells.push(cell);
        });
        if (row.number === 1) {
          header(cells.map((cell) => ({ index: Number(cell.col), key: cellText(cell) })));
          continue;
        }
        // No row 1: no header, as the whole-workbook reader saw it (headerKeys says what is wrong).
        if (!columns) header([]);
        const rec: Record<string, string> = {};
        columns!.forEach((c, i) => (rec[names[i]!] = cellText(row.getCell(c.index))));
        if (Object.values(rec).some((v) => v !== '')) records.push(rec);
      }
    }
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError(`${file.name}: not an Excel workbook (${err instanceof Error ? err.message : String(err)})`);
  }
  if (sheets === 0) throw new UnreadableFileError(`${file.name}: the workbook has no sheet`);
  if (!columns) header([]);
  return records;
}

/** Records of a dropped CSV or .xlsx file, header row → keys, every value a string. */
export async function readTabular(file: DroppedFile, cfg: FileDropConfig): Promise<Record<string, string>[]> {
  const ext = path.extname(file.name).toLowerCase();
  if (ext === '.xlsx') return readXlsx(file);
  if (ext === '.csv' || ext === '.txt') return readCsv(await readFile(file.path), cfg, file.name);
  throw new UnreadableFileError(`${file.name}: unsupported file type ${ext || '(none)'}`);
}

async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? name : `${stem}.${n}${ext}`;
    try {
      await stat(path.join(dir, candidate));
    } catch {
      return path.join(dir, candidate);
    }
  }
}

// The drop, archive and rejected directories may be different mounts, where rename is refused.
async function move(file: DroppedFile, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  // A file of the same name dropped again (the next day's export) must not overwrite the earlier one.
  const target = await freeName(dir, file.name);
  try {
    await rename(file.path, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await copyFile(file.path, target);
    await unlink(file.path);
  }
  return target;
}

/** Moves a loaded (or already loaded) file out of the drop directory; returns where it went. */
export function archiveFile(file: DroppedFile, cfg: FileDropConfig): Promise<string> {
  return move(file, cfg.archiveDir);
}

/** Moves a file that cannot be loaded aside, with `<name>.reason.txt` next to it; returns where it went. */
export async function rejectFile(file: DroppedFile, cfg: FileDropConfig, reason: string): Promise<string> {
  const target = await move(file, cfg.rejectedDir);
  await writeFile(
    `${target}.reason.txt`,
    `${reason}\n\nfile: ${file.name}\nsha256: ${file.sha256}\nrejected at: ${new Date().toISOString()}\n`,
  );
  return target;
}
