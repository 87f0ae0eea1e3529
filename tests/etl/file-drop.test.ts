import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { archiveFile, decodeText, listDroppedFiles, readTabular, rejectFile, UnreadableFileError } from '@/etl/connectors/file-drop';
import type { DroppedFile, FileDropConfig } from '@/etl/connectors/types';
import { recordFile, wasLoaded } from '@/etl/runtime/file-ledger';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// A 欠费 (arrears) export as county offices send it: Chinese headers, names, amounts, a local date-time.
const HEADER = ['户号', '户名', '欠费金额', '停电日期', '备注'];
const ROWS = [
  ['0530012345', '张三', '128.5', '2026-11-23 09:15:02', '已催缴，"两次"'],
  ['0530067890', '昆明市五华区某某商店', '1024', '2026-11-24 00:00:00', ''],
  ['0530011111', '李四', '0.3', '2026-11-22 17:45:59', '多行\n备注'],
];
const EXPECTED = ROWS.map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]!])));

const csvText = () =>
  [HEADER, ...ROWS].map((row) => row.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n') + '\r\n';

let root: string;
let cfg: FileDropConfig;
let ch: ClickHouse;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'drop-'));
  cfg = {
    dir: path.join(root, 'in'),
    archiveDir: path.join(root, 'archive'),
    rejectedDir: path.join(root, 'rejected'),
    extensions: ['.csv', '.xlsx'],
    encoding: 'auto',
  };
  ch = await testClickHouse();
});
afterAll(() => dropTestClickHouse(ch));

async function writeDrops(): Promise<void> {
  // The drop directory does not exist until the first listing creates it.
  expect(await listDroppedFiles(cfg)).toEqual([]);
  writeFileSync(path.join(cfg.dir, 'a-utf8.csv'), csvText());
  writeFileSync(path.join(cfg.dir, 'b-gbk.csv'), iconv.encode(csvText(), 'gbk'));
  writeFileSync(path.join(cfg.dir, 'c-bom.csv'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csvText())]));
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('欠费明细');
  sheet.addRow(HEADER);
  for (const r of ROWS) {
    // Amounts as numbers and the date as a real Excel date-time, as an operator's sheet holds them.
    const [y, mo, d, h, mi, s] = r[3]!.split(/[- :]/).map(Number);
    sheet.addRow([r[0], r[1], Number(r[2]), new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)), r[4] || null]);
  }
  sheet.getColumn(4).numFmt = 'yyyy-mm-dd hh:mm:ss';
  wb.addWorksheet('说明').addRow(['not read']);
  await wb.xlsx.writeFile(path.join(cfg.dir, 'd-sheet.xlsx'));
  // Binary that carries an accepted extension: an image renamed by mistake, then random bytes.
  writeFileSync(
    path.join(cfg.dir, 'e-garbage.csv'),
    Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(2048)]),
  );
  writeFileSync(path.join(cfg.dir, 'notes.txt'), 'ignored: not a configured extension');
}

describe('file drop', () => {
  let files: DroppedFile[];

  it('lists configured files by name with their sha256', async () => {
    await writeDrops();
    files = await listDroppedFiles(cfg);
    expect(files.map((f) => f.name)).toEqual(['a-utf8.csv', 'b-gbk.csv', 'c-bom.csv', 'd-sheet.xlsx', 'e-garbage.csv']);
    for (const f of files) {
      const bytes = readFileSync(f.path);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(f.bytes).toBe(bytes.length);
    }
  });

  it('leaves out a file another job took between the listing and its hash', async () => {
    // Billing's jobs share one folder: the customer job archives the master while a fact job is listing it.
    // The accept filter runs after the folder is read and before anything is hashed: a file removed there is
    // one that vanished in between.
    const other = path.join(root, 'shared');
    mkdirSync(other);
    writeFileSync(path.join(other, 'x.csv'), 'a\n1\n');
    writeFileSync(path.join(other, 'y.csv'), 'a\n2\n');
    const listed = await listDroppedFiles({ ...cfg, dir: other }, (name) => {
      if (name === 'x.csv') rmSync(path.join(other, name));
      return true;
    });
    expect(listed.map((f) => f.name)).toEqual(['y.csv']);
  });

  it('reads UTF-8, GBK, UTF-8 with BOM and Excel to the same records', async () => {
    for (const f of files.slice(0, 4))
      expect({ file: f.name, records: await readTabular(f, cfg) }).toEqual({ file: f.name, records: EXPECTED });
    // A forced encoding that does not match is refused, not turned into mojibake.
    await expect(readTabular(files[1]!, { ...cfg, encoding: 'utf-8' })).rejects.toThrow(/b-gbk\.csv: not UTF-8 text/);
    expect(await readTabular(files[1]!, { ...cfg, encoding: 'gbk' })).toEqual(EXPECTED);
  });

  it('rejects binary data with a reason file, and archives the files it loaded', async () => {
    const garbage = files[4]!;
    const err = await readTabular(garbage, cfg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableFileError);
    expect((err as Error).message).toMatch(/e-garbage\.csv: not UTF-8 or GBK text/);
    const rejected = await rejectFile(garbage, cfg, (err as Error).message);
    expect(rejected).toBe(path.join(cfg.rejectedDir, 'e-garbage.csv'));
    expect(readFileSync(`${rejected}.reason.txt`, 'utf8')).toContain('not UTF-8 or GBK text');
    expect(existsSync(garbage.path)).toBe(false);

    for (const f of files.slice(0, 4)) expect(await archiveFile(f, cfg)).toBe(path.join(cfg.archiveDir, f.name));
    expect(readdirSync(cfg.archiveDir).sort()).toEqual(['a-utf8.csv', 'b-gbk.csv', 'c-bom.csv', 'd-sheet.xlsx']);
    expect(await listDroppedFiles(cfg)).toEqual([]);

    // The same name dropped again later does not overwrite the archived one.
    writeFileSync(path.join(cfg.dir, 'a-utf8.csv'), 'x,y\n1,2\n');
    const [again] = await listDroppedFiles(cfg);
    expect(await archiveFile(again!, cfg)).toBe(path.join(cfg.archiveDir, 'a-utf8.1.csv'));
    expect(readFileSync(path.join(cfg.archiveDir, 'a-utf8.csv'), 'utf8')).toBe(csvText());
  });

  it('refuses control characters and header rows that cannot become keys', async () => {
    expect(() => decodeText(Buffer.from([0x41, 0x00, 0x42]), 'auto', 'nul.csv')).toThrow(/nul\.csv: not UTF-8 or GBK text/);
    const dup = path.join(root, 'dup.csv');
    writeFileSync(dup, '户号,户号\n1,2\n');
    const file = { path: dup, name: 'dup.csv', sha256: '', bytes: 0 };
    await expect(readTabular(file, cfg)).rejects.toThrow(/dup\.csv: column "户号" appears twice/);
    writeFileSync(dup, 'a,b\n1,2,3\n');
    await expect(readTabular(file, cfg)).rejects.toThrow(UnreadableFileError);
  });

  it('loads each content once: the ledger knows it by sha256, whatever the file is called', async () => {
    const [utf8] = files;
    expect(await wasLoaded(ch, 'arrears', utf8!.sha256)).toBe(false);
    await recordFile(ch, { source: 'arrears', fileName: utf8!.name, sha256: utf8!.sha256, rows: 3, status: 'loaded' });
    expect(await wasLoaded(ch, 'arrears', utf8!.sha256)).toBe(true);
    // Another source has not loaded it.
    expect(await wasLoaded(ch, 'outage', utf8!.sha256)).toBe(false);

    // The same export dropped again under another name.
    writeFileSync(path.join(cfg.dir, 'arrears-copy.csv'), csvText());
    const [copy] = await listDroppedFiles(cfg);
    expect(copy!.name).toBe('arrears-copy.csv');
    expect(copy!.sha256).toBe(utf8!.sha256);
    expect(await wasLoaded(ch, 'arrears', copy!.sha256)).toBe(true);

    // A rejection is not a load: fixed content dropped again is retried.
    const garbage = files[4]!;
    await recordFile(ch, {
      source: 'arrears',
      fileName: garbage.name,
      sha256: garbage.sha256,
      rows: 0,
      status: 'rejected',
      reason: 'binary',
    });
    expect(await wasLoaded(ch, 'arrears', garbage.sha256)).toBe(false);
    await expect(recordFile(ch, { source: 'arrears', fileName: 'x', sha256: 'not-a-hash', rows: 0, status: 'loaded' })).rejects.toThrow();
  });
});
