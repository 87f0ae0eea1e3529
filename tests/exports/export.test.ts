import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { parseLocal } from '@/core/time';
import { localTime } from '@/server/exports/cells';
import { exportInput, type ExportInput } from '@/server/exports/request';
import { ExportService, type ExportPrincipal } from '@/server/exports/service';
import type { Db } from '@/server/db/client';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { loadSimulatorData } from '../helpers/kpi-fixture';
import { testRuntime } from '../helpers/runtime';
import { dutyDb } from '../duty/helpers';

// Issue 15: an export holds exactly the records the drill-down counts, with the filters and the export time in
// its header, times in Beijing time, personal data masked as the table masks it; a large one runs as a job
// that exactly one runner writes.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 10:00:00', TZ)!;
const EXPORTED_AT = parseLocal('2026-11-23 10:30:05', TZ)!;
const HOUR = 3_600_000;
const PROVINCE_DUTY: SessionUser = { id: 'duty-wang', name: '王值班', role: 'duty_officer', orgCode: '53', kind: 'user' };
const KM_MANAGER: SessionUser = { id: 'km-li', name: '李经理', role: 'manager', orgCode: '5301', kind: 'user' };
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
let dir: string;

const caller = (user: SessionUser = PROVINCE_DUTY) => createCaller({ rt, user, headers: new Headers(), now: () => NOW } satisfies Context);

beforeAll(async () => {
  ch = await testClickHouse();
  await loadSimulatorData(ch, NOW, { customers: 1000 });
  db = await dutyDb();
  dir = mkdtempSync(path.join(tmpdir(), 'exports-'));
  const base = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ, DATA_DIR: dir }, bootedAt: NOW - HOUR });
  // The export runner on the test's clock (its rounds prune by it, its jobs finish by it).
  rt = { ...base, exports: new ExportService({ db, kpi: base.kpi, env: base.env, now: () => NOW + 60_000 }) };
}, 300_000);
afterAll(async () => {
  await rt?.exports.runner.stop();
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Writes an export as a direct download does, into a file. */
async function exportFile(who: ExportPrincipal, input: ExportInput) {
  const spec = exportInput.parse(input);
  rt.exports.authorize(who, spec);
  const prepared = await rt.exports.prepare(who, spec, NOW, EXPORTED_AT);
  await rt.exports.auditDirect(who, spec, prepared);
  const file = path.join(dir, `t-${Math.random().toString(36).slice(2)}.${spec.format}`);
  const out = createWriteStream(file);
  const closed = once(out, 'close');
  const result = await rt.exports.write(spec, prepared, out);
  await closed;
  return { prepared, file, result, metaLines: prepared.doc.meta.length };
}

/** The sheet as rows of cell values (1-based like the sheet; index 0 unused). */
async function readXlsx(file: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    rows[n] = (row.values as unknown[]).slice(1);
  });
  return rows;
}

/** RFC 4180 CSV into rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const callsToday = {
  kind: 'kpi.rows' as const,
  kpi: 'call.inbound' as const,
  orgCode: '5301',
  time: { preset: 'today' as const },
  filters: { category: ['fault_repair', 'inquiry'] },
};

describe('a drill-down export', () => {
  it('holds exactly the records kpi.rows counts, in its order, with the header block and Beijing times', async () => {
    const page = await caller().kpi.rows({ ...callsToday, page: 1, pageSize: 50 });
    expect(page.total).toBeGreaterThan(50);
    const { file, result, metaLines } = await exportFile(PROVINCE_DUTY, { format: 'xlsx', request: callsToday });
    expect(result.rows).toBe(page.total);
    const rows = await readXlsx(file);
    const labelRow = metaLines + 3;
    const data = rows.slice(labelRow + 1);
    expect(data).toHaveLength(page.total);
    // Header block: title, then label/value lines.
    expect(String(rows[1]![0])).toMatch(/明细$/);
    const meta = new Map(rows.slice(2, labelRow - 1).map((r) => [String(r[0]), String(r[1])]));
    expect(meta.get('导出时间')).toBe('2026-11-23 10:30:05（北京时间）');
    expect(meta.get('筛选条件')).toBe('诉求类别: fault_repair、inquiry');
    expect(meta.get('单位')).toBe('昆明市（5301）');
    expect(meta.get('时间范围（北京时间）')).toBe('今天：2026-11-23 00:00:00 至 2026-11-24 00:00:00');
    expect(meta.get('导出人')).toBe('王值班（duty-wang）');
    expect(meta.get('记录数')).toBe(String(page.total));
    expect(meta.get('排序')).toBe('进线时间 降序');
    expect(rows[labelRow]).toEqual(page.columns.map((c) => c.label.zh));
    // The first page, cell by cell: times as the Beijing wall clock.
    page.rows.forEach((r, i) => {
      const expected = page.columns.map((c) => {
        const v = r[c.name];
        if (v === null || v === undefined || v === '') return undefined;
        return c.type === 'time' ? localTime(v as string, TZ) : v;
      });
      const got = data[i]!.concat(Array(page.columns.length - data[i]!.length).fill(undefined));
      expect(got).toEqual(expected);
    });
    const ivr = page.columns.findIndex((c) => c.name === 'ivr_at');
    expect(String(data[0]![ivr])).toMatch(/^2026-11-23 \d{2}:\d{2}:\d{2}$/);
    // Every record of the day at most "now" (10:00 Beijing), never the UTC clock (02:00).
    expect(data.every((r) => String(r[ivr]) <= '2026-11-23 10:00:00')).toBe(true);
    expect(data.some((r) => String(r[ivr]) > '2026-11-23 08:00:00')).toBe(true);
  });

  it('reads every record in chunks: the same rows as the drill-down pages', async () => {
    const q = {
      kpi: 'call.inbound' as const,
      orgCode: '5301',
      time: { preset: 'today' as const },
      filters: {},
      part: 'numerator' as const,
    };
    const stream = await rt.kpi.rowsStream(q, NOW, { chunkSize: 97 });
    const ids: string[] = [];
    let batches = 0;
    for await (const b of stream.batches()) {
      batches++;
      ids.push(...b.map((r) => String(r.call_id)));
    }
    expect(ids).toHaveLength(stream.total);
    expect(batches).toBe(Math.ceil(stream.total / 97));
    const paged: string[] = [];
    for (let page = 1; paged.length < stream.total; page++) {
      const p = await caller().kpi.rows({ ...q, page, pageSize: 500 });
      paged.push(...p.rows.map((r) => String(r.call_id)));
      if (p.rows.length === 0) break;
    }
    expect(ids).toEqual(paged);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('masks personal columns as kpi.rows does, and reveals them only to pii.reveal, audited', async () => {
    const arrears = { kind: 'kpi.rows' as const, kpi: 'arrears.amount' as const, orgCode: '5301' };
    const page = await caller().kpi.rows({ ...arrears, page: 1, pageSize: 20 });
    expect(page.total).toBeGreaterThan(0);
    const col = page.columns.findIndex((c) => c.name === 'customer_id');
    expect(page.columns[col]!.masked).toBe(true);
    const masked = await exportFile(PROVINCE_DUTY, { format: 'csv', request: arrears });
    const csv = readFileSync(masked.file, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(csv.slice(1));
    const labelRow = masked.metaLines + 2; // 0-based: title, meta lines, blank line
    expect(rows[labelRow]).toEqual(page.columns.map((c) => c.label.zh));
    const data = rows.slice(labelRow + 1);
    expect(data).toHaveLength(page.total);
    expect(data.slice(0, page.rows.length).map((r) => r[col])).toEqual(page.rows.map((r) => r.customer_id));
    expect(data.every((r) => r[col]!.includes('*'))).toBe(true);
    // Money as plain numbers.
    const owed = page.columns.findIndex((c) => c.name === 'owed');
    expect(data.every((r) => /^-?\d+(\.\d+)?$/.test(r[owed]!))).toBe(true);
    expect(new Map(rows.slice(1, labelRow - 1).map((r) => [r[0], r[1]])).get('个人信息')).toBe('已脱敏');

    const full = await caller().kpi.rows({ ...arrears, page: 1, pageSize: 20, reveal: true });
    const revealed = await exportFile(PROVINCE_DUTY, { format: 'csv', request: { ...arrears, reveal: true } });
    const rdata = parseCsv(readFileSync(revealed.file, 'utf8').slice(1)).slice(labelRow + 1);
    expect(rdata.slice(0, full.rows.length).map((r) => r[col])).toEqual(full.rows.map((r) => r.customer_id));
    expect(rdata.some((r) => r[col]!.includes('*'))).toBe(false);
    const reveals = await db.prisma.auditLog.findMany({
      where: { action: 'pii.reveal', actor: PROVINCE_DUTY.id, target: 'arrears.amount' },
    });
    expect(reveals.map((a) => (a.detail as { export?: string }).export)).toContain('csv');
    // A role without pii.reveal may not ask for it.
    expect(() => rt.exports.authorize(KM_MANAGER, exportInput.parse({ format: 'csv', request: { ...arrears, reveal: true } }))).toThrow(
      /personal data/,
    );
  });

  it('guards a title a spreadsheet would run as a formula', async () => {
    const title = '=HYPERLINK("http://evil.example","点我")';
    const { file } = await exportFile(PROVINCE_DUTY, { format: 'csv', request: { ...callsToday, title } });
    const text = readFileSync(file, 'utf8');
    expect(text.slice(1).split('\r\n')[0]).toBe(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(parseCsv(text.slice(1))[0]![0]).toBe(`'${title}`);
  });

  it('exports a view’s figures: units × KPIs from the KPI batch', async () => {
    const request = {
      kind: 'kpi.table' as const,
      kpis: ['call.inbound' as const, 'call.loss_rate' as const],
      orgCode: '53',
      by: 'city' as const,
    };
    const answer = await caller().kpi.query({ queries: [{ kpis: request.kpis, orgCode: '53', by: 'city' }] });
    const { file, metaLines } = await exportFile(PROVINCE_DUTY, { format: 'xlsx', request });
    const rows = await readXlsx(file);
    const labelRow = metaLines + 3;
    expect(rows[labelRow]).toEqual(['单位编码', '单位名称', '呼入总量', '呼损率（%）']);
    const data = rows.slice(labelRow + 1);
    expect(data).toHaveLength(16);
    const inbound = answer.results[0]!.kpis[0]!.points;
    const loss = answer.results[0]!.kpis[1]!.points;
    for (const r of data) {
      expect(r[2]).toBe(inbound.find((p) => p.orgCode === r[0])!.value);
      const lossValue = loss.find((p) => p.orgCode === r[0])!.value;
      // Percent as the table shows it: × 100 without binary tails (0.1053 × 100 = 10.530000000000001 in floats).
      if (lossValue === null) expect(r[3] ?? null).toBeNull();
      else expect(r[3]).toBe(Number((lossValue * 100).toPrecision(12)));
    }
  });
});

describe('exports.create', () => {
  it('sends a small export to the download address and refuses another city', async () => {
    const r = await caller(KM_MANAGER).exports.create({ format: 'xlsx', request: callsToday });
    expect(r.mode).toBe('direct');
    if (r.mode === 'direct') expect(r.url).toMatch(/^\/api\/export\?format=xlsx&locale=zh-CN&q=/);
    await expect(caller(KM_MANAGER).exports.create({ format: 'xlsx', request: { ...callsToday, orgCode: '5303' } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('queues a large export; the runner writes it once; only its requester downloads it', async () => {
    const created = await caller(KM_MANAGER).exports.create({ format: 'csv', request: callsToday, background: true });
    expect(created.mode).toBe('background');
    const jobId = created.mode === 'background' ? created.jobId : '';
    await rt.exports.runner.stop();
    // The kick from create may be running already: wait for whichever round runs the job.
    for (let i = 0; i < 50 && (await caller(KM_MANAGER).exports.get({ id: jobId })).status !== 'ready'; i++) await rt.exports.runner.kick();
    const job = await caller(KM_MANAGER).exports.get({ id: jobId });
    expect(job).toMatchObject({ status: 'ready', rows: created.rows, url: `/api/export/${jobId}` });
    expect(job.fileName).toMatch(/_昆明市_2026-\d{2}-\d{2}\.csv$/);
    const file = await rt.exports.file(KM_MANAGER, jobId);
    expect(file).not.toBeNull();
    file!.stream.destroy();
    expect(await rt.exports.file({ ...KM_MANAGER, id: 'km-other' }, jobId)).toBeNull();
    expect(await rt.exports.file({ id: 'admin', name: 'admin', role: 'admin', orgCode: '53' }, jobId)).not.toBeNull();
    expect((await caller(KM_MANAGER).exports.list()).map((j) => j.id)).toContain(jobId);
    const qj: SessionUser = { id: 'qj-zhao', name: '赵', role: 'manager', orgCode: '5303', kind: 'user' };
    await expect(caller(qj).exports.get({ id: jobId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const audits = await db.prisma.auditLog.findMany({ where: { action: 'export.create', target: jobId } });
    expect(audits).toHaveLength(1);
    // Pruned after EXPORT_KEEP_DAYS: the row and the file.
    const path_ = rt.exports.filePath(jobId, 'csv');
    expect(existsSync(path_)).toBe(true);
    await rt.exports.prune(NOW + 8 * 86_400_000);
    expect(existsSync(path_)).toBe(false);
    expect(await db.prisma.exportJob.findUnique({ where: { id: jobId } })).toBeNull();
  });
});
