import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTabular, UnreadableFileError } from '@/etl/connectors/file-drop';
import type { DroppedFile, FileDropConfig } from '@/etl/connectors/types';
import { startBillingSimulator } from '@/etl/simulator/billing-source';

// The drop folder reads .xlsx as a stream of rows. What it must give is what the whole-workbook reader gave
// before (ExcelJS's full model): the reference below reads that way, with its own cell → text rules written
// out again here from the conventions (date-only formats print a date, Excel's serial date-times print their
// wall clock, rich text joins its runs, a formula gives its cached result, an error its code).

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function referenceText(cell: ExcelJS.Cell): string {
  const date = (d: Date) => {
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    const fmt = (cell.numFmt ?? '').replace(/"[^"]*"/g, '');
    if (cell.numFmt && !/[hs]/i.test(fmt)) return day;
    const ms = d.getUTCMilliseconds();
    return `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
  };
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return date(v);
  if (typeof v !== 'object') return String(v);
  if ('result' in v) {
    const r = v.result;
    if (r instanceof Date) return date(r);
    if (r !== null && typeof r === 'object' && 'error' in r) return String(r.error);
    return r === undefined || r === null ? '' : String(r);
  }
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('text' in v) return String(v.text);
  if ('error' in v) return String(v.error);
  return cell.text;
}

async function referenceRecords(file: string): Promise<Record<string, string>[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.worksheets[0]!;
  const cols: { index: number; key: string }[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: false }, (cell, index) => cols.push({ index, key: referenceText(cell).trim() }));
  const out: Record<string, string>[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1) return;
    const rec = Object.fromEntries(cols.map((c) => [c.key, referenceText(row.getCell(c.index))]));
    if (Object.values(rec).some((x) => x !== '')) out.push(rec);
  });
  return out;
}

let root: string;
const cfg = (): FileDropConfig => ({ dir: root, archiveDir: root, rejectedDir: root, extensions: ['.xlsx'], encoding: 'auto' });
const dropped = (file: string): DroppedFile => ({ name: path.basename(file), path: file, sha256: '', bytes: 0 });

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'xlsx-stream-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('xlsx read as a stream of rows', () => {
  it('gives the whole-workbook reader’s records for every kind of cell an operator’s sheet holds', async () => {
    const file = path.join(root, 'cells.xlsx');
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('明细');
    sheet.addRow(['户号', '户名', '日期', '时间', '金额', '公式', '公式日期', '富文本', '布尔', '错误', '链接', '中文日期']);
    const at = (s: string) => new Date(`${s}Z`);
    sheet.addRow([
      '0530012345',
      '张三',
      at('2026-11-23T00:00:00'),
      at('2026-11-23T09:15:02.250'),
      128.5,
      { formula: 'E2*2', result: 257 },
      { formula: 'C2+1', result: at('2026-11-24T00:00:00') },
      { richText: [{ text: '昆明' }, { font: { bold: true }, text: '五华区' }] },
      true,
      { error: '#N/A' },
      { text: '工单 1', hyperlink: 'http://127.0.0.1/x' },
      at('2026-01-02T00:00:00'),
    ]);
    // A blank row, then a row with gaps and nothing after its third cell.
    sheet.addRow([]);
    sheet.addRow(['0530067890', null, at('2026-12-31T00:00:00')]);
    sheet.addRow(['0530011111', '李四', null, at('2026-02-28T23:59:59'), 0.3, { formula: 'E5*2', result: 0.6 }]);
    sheet.getColumn(3).numFmt = 'yyyy-mm-dd';
    sheet.getColumn(4).numFmt = 'yyyy-mm-dd hh:mm:ss';
    sheet.getColumn(7).numFmt = 'yyyy-mm-dd';
    sheet.getColumn(12).numFmt = 'yyyy"年"m"月"d"日"';
    wb.addWorksheet('说明').addRow(['not read', 'either']);
    await wb.xlsx.writeFile(file);

    const expected = await referenceRecords(file);
    // The reference itself saw what was written: four records, dates as text, the formula's date as a date.
    expect(expected).toHaveLength(3);
    expect(expected[0]).toMatchObject({
      日期: '2026-11-23',
      时间: '2026-11-23 09:15:02.250',
      公式: '257',
      公式日期: '2026-11-24',
      富文本: '昆明五华区',
    });
    expect(expected[0]).toMatchObject({ 布尔: 'true', 错误: '#N/A', 链接: '工单 1', 中文日期: '2026-01-02' });
    expect(await readTabular(dropped(file), cfg())).toEqual(expected);
  });

  it('reads a 1904-dated workbook’s dates as the same days', async () => {
    const file = path.join(root, 'mac.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.properties.date1904 = true;
    const sheet = wb.addWorksheet('s');
    sheet.addRow(['户号', '日期', '公式日期']);
    sheet.addRow(['1', new Date('2026-03-01T08:30:00Z'), { formula: 'B2+1', result: new Date('2026-03-02T08:30:00Z') }]);
    sheet.getColumn(2).numFmt = 'yyyy-mm-dd hh:mm';
    sheet.getColumn(3).numFmt = 'yyyy-mm-dd hh:mm';
    await wb.xlsx.writeFile(file);
    const expected = await referenceRecords(file);
    expect(expected).toEqual([{ 户号: '1', 日期: '2026-03-01 08:30:00', 公式日期: '2026-03-02 08:30:00' }]);
    expect(await readTabular(dropped(file), cfg())).toEqual(expected);
  });

  it('gives the same records for the simulator’s customer and bill exports', async () => {
    const dataDir = path.join(root, 'sim');
    const billing = await startBillingSimulator({ dataDir, seed: 11, tz: 'Asia/Shanghai', customers: 3000 });
    try {
      for (const t of billing.tasks) await t.tick(Date.UTC(2026, 10, 20, 4));
    } finally {
      await billing.close();
    }
    const dir = path.join(dataDir, 'drops', 'billing');
    const sheets = readdirSync(dir).filter((f) => f.endsWith('.xlsx'));
    // Customers (客户档案) and bills (电费账单) at least; a check over no file would pass on nothing.
    expect(sheets.length).toBeGreaterThanOrEqual(2);
    let records = 0;
    for (const name of sheets) {
      const file = path.join(dir, name);
      const expected = await referenceRecords(file);
      expect(expected.length).toBeGreaterThan(0);
      expect({ name, records: await readTabular(dropped(file), cfg()) }).toEqual({ name, records: expected });
      records += expected.length;
    }
    // Enough Chinese text that chunk boundaries fall inside characters (the bug this guards against).
    expect(records).toBeGreaterThan(3000);
  });

  it('rejects what is not a workbook with the reason', async () => {
    const file = path.join(root, 'not.xlsx');
    await import('node:fs').then((fs) => fs.writeFileSync(file, 'PK\u0003\u0004 not really a zip'));
    await expect(readTabular(dropped(file), cfg())).rejects.toThrow(UnreadableFileError);
    await expect(readTabular(dropped(file), cfg())).rejects.toThrow(/not an Excel workbook/);
  });
});
