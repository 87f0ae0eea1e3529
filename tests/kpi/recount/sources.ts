import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

// Plain reads of what the simulated source systems hold, for the independent recount (issue 12): the hall
// queue machines' and the outage system's SQLite files, the CTI and work-order APIs page by page, the billing
// and SMS-gateway drop files (as archived after loading). Nothing here knows the ETL or the KPI layer: vendor
// labels are spelled out as the vendor ships them, times are parsed as Beijing wall clock (UTC+8, no DST).

/** Beijing wall-clock text → epoch ms; null for empty, NaN-free: an unreadable time is null. */
export function bj(text: unknown): number | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59) return null;
  const ms = Date.UTC(y!, mo! - 1, d!, h! - 8, mi!, s!);
  // 2026-02-30 rolls over: not a date.
  const back = new Date(ms + 8 * 3_600_000);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo! - 1) return null;
  return ms;
}

/** Beijing calendar date of an instant. */
export const bjDate = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
/** Epoch ms of Beijing midnight starting a YYYY-MM-DD date. */
export const bjMidnight = (ymd: string) => Date.parse(`${ymd}T00:00:00+08:00`);

async function sqliteRows(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = createClient({ url });
  try {
    const r = await db.execute(sql);
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
  } finally {
    db.close();
  }
}

// ---- hall queue machines (排队叫号): SQLite ----

export interface Ticket {
  hall: string;
  county: string;
  take: number | null;
  call: number | null;
  /** Call text present but not a time, or before the take time: an impossible field. */
  callBad: boolean;
  finish: number | null;
  finishBad: boolean;
  state: number;
  evaluation: number | null;
}

export async function readTickets(dataDir: string): Promise<Ticket[]> {
  const url = `file:${path.join(dataDir, 'sources', 'hall-queue.db')}`;
  const halls = new Map(
    (await sqliteRows(url, 'SELECT hall_id, org_code FROM q_hall')).map((h) => [String(h.hall_id), String(h.org_code)]),
  );
  const rows = await sqliteRows(url, 'SELECT hall_id, take_time, call_time, finish_time, state, evaluation FROM q_ticket');
  return rows.map((r) => {
    const take = bj(r.take_time);
    const callRaw = bj(r.call_time);
    const callBad = r.call_time !== null && (callRaw === null || (take !== null && callRaw < take));
    const call = callBad ? null : callRaw;
    const finishRaw = bj(r.finish_time);
    const finishBad =
      r.finish_time !== null && (finishRaw === null || finishRaw < (call ?? take ?? 0) || (call === null && r.call_time === null));
    return {
      hall: String(r.hall_id),
      county: halls.get(String(r.hall_id)) ?? '',
      take,
      call,
      callBad,
      finish: finishBad ? null : finishRaw,
      finishBad,
      state: Number(r.state),
      evaluation: r.evaluation === null ? null : Number(r.evaluation),
    };
  });
}

// ---- paged vendor APIs ----

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

/** Local wall-clock text of an instant, as a person types it into the vendor's query form. */
const localText = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/** Every CTI record (call detail records or agent state events) released in [from, to), deduplicated by key. */
export async function readCti(base: string, kind: 'cdr' | 'agent-states', from: number, to: number): Promise<Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>>();
  for (let a = from; a < to; a += 7 * 86_400_000) {
    const b = Math.min(to, a + 7 * 86_400_000);
    for (let page = 1; ; page++) {
      const q = new URLSearchParams({ start: localText(a), end: localText(b), pageNo: String(page), pageSize: '5000' });
      const body = (await getJson(`${base}/cti/api/v1/${kind}?${q}`)) as { data: { records: Record<string, unknown>[]; pages: number } };
      for (const r of body.data.records) {
        const key = kind === 'cdr' ? String(r.callId) : `${String(r.agentId)}|${String(r.stateStartTime)}`;
        out.set(key, r);
      }
      if (page >= body.data.pages) break;
    }
  }
  return [...out.values()];
}

/** Every work order changed in [from, to), as of its latest change. */
export async function readWorkOrders(base: string, from: number, to: number): Promise<Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>>();
  for (let a = from; a < to; a += 3 * 86_400_000) {
    const b = Math.min(to, a + 3 * 86_400_000);
    for (let page = 1; ; page++) {
      const q = new URLSearchParams({ updatedFrom: localText(a), updatedTo: localText(b), page: String(page), size: '1000' });
      const body = (await getJson(`${base}/crm/api/v2/work-orders?${q}`)) as {
        result: { list: Record<string, unknown>[]; totalPages: number };
      };
      for (const r of body.result.list) {
        const prev = out.get(String(r.orderNo));
        if (!prev || String(prev.updateTime) <= String(r.updateTime)) out.set(String(r.orderNo), r);
      }
      if (page >= body.result.totalPages) break;
    }
  }
  return [...out.values()];
}

// ---- outage system (综合停电): SQLite, and the SMS gateway's GBK CSV reports ----

export interface OutageSource {
  outages: Record<string, unknown>[];
  customers: Record<string, unknown>[];
  notices: Record<string, unknown>[];
  /** Delivery status per SMS message id (the latest report of a message). */
  smsStatus: Map<string, string>;
}

function decode(buf: Buffer): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return iconv.decode(buf, 'gb18030');
  }
}

async function csvFile(file: string): Promise<Record<string, string>[]> {
  return parse(decode(await readFile(file)), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<
    string,
    string
  >[];
}

async function filesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

export async function readOutages(dataDir: string): Promise<OutageSource> {
  const url = `file:${path.join(dataDir, 'sources', 'outage.db')}`;
  const smsStatus = new Map<string, { at: string; status: string }>();
  const archive = path.join(dataDir, 'drop', 'sms-reports', 'archive');
  for (const name of await filesIn(archive)) {
    if (!name.toLowerCase().endsWith('.csv')) continue;
    for (const r of await csvFile(path.join(archive, name))) {
      const prev = smsStatus.get(r['短信ID']!);
      const at = r['报告时间'] ?? '';
      if (!prev || prev.at <= at) smsStatus.set(r['短信ID']!, { at, status: r['状态报告'] ?? '' });
    }
  }
  return {
    outages: await sqliteRows(url, 'SELECT * FROM td_outage'),
    customers: await sqliteRows(url, 'SELECT * FROM td_outage_customer'),
    notices: await sqliteRows(url, 'SELECT * FROM td_notice'),
    smsStatus: new Map([...smsStatus].map(([k, v]) => [k, v.status])),
  };
}

// ---- marketing system exports (抄核收): xlsx and CSV files in the drop folder's archive ----

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v) return v.result instanceof Date ? v.result.toISOString().slice(0, 10) : String(v.result ?? '');
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
  }
  return String(v);
}

async function xlsxFile(file: string): Promise<Record<string, string>[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const sheet = wb.worksheets[0]!;
  const header: string[] = [];
  sheet.getRow(1).eachCell((c, i) => (header[i] = cellText(c.value)));
  const out: Record<string, string>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const rec: Record<string, string> = {};
    header.forEach((h, i) => (rec[h] = cellText(row.getCell(i).value)));
    out.push(rec);
  });
  return out;
}

export interface BillingSource {
  customers: Map<string, { county: string; cls: string }>;
  bills: Record<string, string>[];
  payments: Record<string, string>[];
  dunning: Record<string, string>[];
  /** The latest record of each disconnection for arrears. */
  reconnections: Record<string, string>[];
  balances: Record<string, string>[];
  rejected: string[];
}

export async function readBilling(dataDir: string): Promise<BillingSource> {
  const archive = path.join(dataDir, 'drops', 'billing-archive');
  const kinds: Record<string, Record<string, string>[]> = {
    客户档案: [],
    电费账单: [],
    缴费流水: [],
    催费记录: [],
    停复电记录: [],
    余额快照: [],
  };
  for (const name of await filesIn(archive)) {
    const kind = Object.keys(kinds).find((k) => name.startsWith(`${k}_`));
    if (!kind) continue;
    const file = path.join(archive, name);
    kinds[kind]!.push(...(name.toLowerCase().endsWith('.xlsx') ? await xlsxFile(file) : await csvFile(file)));
  }
  const latest = (rows: Record<string, string>[], key: string, version?: string) => {
    const m = new Map<string, Record<string, string>>();
    for (const r of rows) {
      const prev = m.get(r[key]!);
      if (!prev || !version || prev[version]! <= r[version]!) m.set(r[key]!, r);
    }
    return [...m.values()];
  };
  return {
    customers: new Map(kinds['客户档案']!.map((c) => [c['户号']!, { county: c['县区编码']!, cls: c['用户类别']! }])),
    bills: latest(kinds['电费账单']!, '账单编号'),
    payments: latest(kinds['缴费流水']!, '流水号'),
    dunning: latest(kinds['催费记录']!, '催费编号'),
    reconnections: latest(kinds['停复电记录']!, '停电编号', '更新时间'),
    balances: kinds['余额快照']!,
    rejected: await filesIn(path.join(dataDir, 'drops', 'billing-rejected')),
  };
}
