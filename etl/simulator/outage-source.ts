import type { Client, InStatement, InValue } from '@libsql/client';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { openSqlite } from '../connectors/sqlite-source';
import { COUNTIES } from '@/core/org/divisions';
import { formatLocal, localDateKey, parseLocal, startOfLocalDay } from '@/core/time';
import {
  NOTICE_CHANNEL,
  OUTAGE_SOURCE_DDL,
  OUTAGE_STATUS,
  OUTAGE_TYPE,
  SEND_RESULT,
  SMS_DELIVERED,
  SMS_REPORT_COLUMNS,
  type OutageStatus,
} from '../sources/outage/source-schema';
import {
  localDays,
  OUTAGE_MAX_LEAD_MS,
  OUTAGE_MAX_TAIL_MS,
  outageCustomers,
  outageNotices,
  planOutageDay,
  SMS_FAILURE_CODE,
  type PlannedNotice,
  type PlannedOutage,
} from './outage-plan';
import { seedOf } from './random';
import { CsvBytes, writeExport } from './export-csv';
import { jsonUpsert } from './sqlite-json-upsert';

// Plays the outage management system (综合停电) and its SMS gateway: keeps the outage database at "now" by
// writing every outage, affected customer and notice whose time has come since the last tick, and drops the
// gateway's delivery reports as GBK CSV files, one per 5 minutes of reports. On first start it writes
// everything about outages starting from the beginning of the previous local day: the planned ones for the
// coming days already exist, because they were planned (and announced) days earlier.

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** The gateway exports the delivery reports of each 5 minutes in one file. */
export const SMS_REPORT_SLOT_MS = 5 * MIN;
const ROWS_PER_STATEMENT = 2000;
const STATEMENTS_PER_TX = 4;

export interface OutageSimOptions {
  seed: number;
  tz: string;
  /** Where the SMS gateway drops its delivery report files. */
  smsReportDir: string;
  /** Only these counties (tests); every county of the province by default. */
  countyCodes?: string[];
  /** Share of text messages the gateway fails to deliver. */
  smsFailureRate?: number;
  /** Rare garbled report rows (an impossible report time) so the ETL's quarantine has work. */
  faultRate?: number;
}

interface Upsert {
  table: string;
  columns: string[];
  key: string;
}

const OUTAGE_UPSERT: Upsert = {
  table: 'td_outage',
  columns: [
    'outage_id',
    'outage_type',
    'county_code',
    'feeder_name',
    'area_desc',
    'plan_start',
    'plan_end',
    'actual_start',
    'actual_end',
    'affected_count',
    'status',
    'create_time',
    'updated_at',
  ],
  key: 'outage_id',
};
const CUSTOMER_UPSERT: Upsert = {
  table: 'td_outage_customer',
  columns: ['rec_id', 'outage_id', 'cust_no', 'important_flag', 'updated_at'],
  key: 'rec_id',
};
const NOTICE_UPSERT: Upsert = {
  table: 'td_notice',
  columns: ['notice_id', 'outage_id', 'cust_no', 'channel', 'msg_id', 'send_time', 'send_result', 'fail_desc', 'updated_at'],
  key: 'notice_id',
};

const statements = new Map<Upsert, (rows: InValue[][]) => InStatement>();

function upsert(u: Upsert, rows: InValue[][]): InStatement {
  let build = statements.get(u);
  if (!build) statements.set(u, (build = jsonUpsert(u.table, u.columns, u.key)));
  return build(rows);
}

/** Multi-row upserts of outage, affected-customer and notice rows, in that order. */
function upserts(outageRows: InValue[][], customerRows: InValue[][], noticeRows: InValue[][]): InStatement[] {
  const stmts: InStatement[] = [];
  for (const [u, rows] of [
    [OUTAGE_UPSERT, outageRows],
    [CUSTOMER_UPSERT, customerRows],
    [NOTICE_UPSERT, noticeRows],
  ] as const)
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) stmts.push(upsert(u, rows.slice(i, i + ROWS_PER_STATEMENT)));
  return stmts;
}

/** The last instant any record of an outage changes: its restoration, a notice sent late, a delivery report. */
function lastChangeOf(o: PlannedOutage, notices: PlannedNotice[]): number {
  let last = o.actualEnd;
  for (const n of notices) last = Math.max(last, n.sentAt, n.sms?.reportAt ?? 0);
  return last;
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export class OutageSimulator {
  private readonly counties: string[];
  private readonly plans = new Map<string, PlannedOutage[]>();
  private readonly notices = new Map<string, PlannedNotice[]>();
  /**
   * The history's planned days (every county's outages, their notices and last change), kept while the
   * history's next days read them: a day's records come from the outages planned on it and the two days
   * before, so each planned day was planned three times. Not the live plan cache, which the history would fill.
   */
  private readonly historyPlans = new Map<string, { o: PlannedOutage; notices: PlannedNotice[]; last: number }[]>();

  constructor(
    private readonly db: Client,
    private readonly opts: OutageSimOptions,
  ) {
    this.counties = opts.countyCodes ?? COUNTIES.map((c) => c.code);
  }

  async init(): Promise<void> {
    await this.db.execute('PRAGMA journal_mode = WAL');
    await this.db.execute('PRAGMA cache_size = -65536');
    for (const ddl of OUTAGE_SOURCE_DDL) await this.db.execute(ddl);
    await mkdir(this.opts.smsReportDir, { recursive: true });
  }

  /** Writes all changes in (last tick, now] and the report files of the 5-minute slots ended by now; returns rows written. */
  async advanceTo(now: number): Promise<number> {
    const last = await this.getState('advanced_to');
    const firstStart = (await this.getState('history_from')) ?? String(this.firstStart(now));
    const historyFrom = Number(firstStart);
    const from = last === null ? -Infinity : Number(last);
    if (now <= from) return 0;
    const lastSlot = await this.getState('reports_to');
    const reportsFrom = lastSlot === null ? -Infinity : Number(lastSlot);
    const reportsTo = Math.floor(now / SMS_REPORT_SLOT_MS) * SMS_REPORT_SLOT_MS;
    const since = Math.min(from, reportsFrom);
    const due = (t: number) => t > from && t <= now;

    const outageRows: InValue[][] = [];
    const customerRows: InValue[][] = [];
    const noticeRows: InValue[][] = [];
    const reports = new Map<string, string[][]>();
    // Outages that started before the history began but still changed after it (a fault across midnight) are
    // live too: the history takes only outages done by then (see writeHistoryDay).
    const firstDay = (Number.isFinite(since) ? Math.max(historyFrom, since) : historyFrom) - OUTAGE_MAX_TAIL_MS;
    for (const ymd of localDays(firstDay, now + OUTAGE_MAX_LEAD_MS, this.opts.tz)) {
      for (const county of this.counties) {
        for (const o of this.plan(county, ymd)) {
          if (o.createdAt > now || (o.plannedStart < historyFrom && lastChangeOf(o, this.noticesOf(o)) < historyFrom)) continue;
          const changes = (o.type === 'fault' ? [o.createdAt, o.actualEnd] : [o.createdAt, o.actualStart, o.actualEnd]).filter(due);
          if (changes.length) outageRows.push(this.outageRow(o, Math.max(...changes)));
          if (due(o.createdAt))
            for (const c of outageCustomers(o, this.opts.seed)) customerRows.push(this.customerRow(o, c.customerId, c.important));
          // Notices go out within two days of the record's creation; skip the work for outages long done.
          if (o.createdAt + OUTAGE_MAX_TAIL_MS <= since) continue;
          for (const n of this.noticesOf(o)) {
            if (due(n.sentAt)) noticeRows.push(this.noticeRow(n));
            if (n.sms && n.sms.reportAt > reportsFrom && n.sms.reportAt <= reportsTo) this.addReport(reports, n, historyFrom);
          }
        }
      }
    }

    // Reports first, the position last: a crash re-writes the same files (same content, which the ETL's
    // file ledger loads once) and replays the same idempotent upserts.
    for (const [name, rows] of [...reports].sort(([a], [b]) => (a < b ? -1 : 1)))
      await this.writeReportFile(this.opts.smsReportDir, name, rows);
    const stmts = upserts(outageRows, customerRows, noticeRows);
    const state = (key: string, value: number): InStatement => ({
      sql: 'INSERT INTO sim_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      args: [key, String(value)],
    });
    const savePosition = [state('history_from', historyFrom), state('advanced_to', now), state('reports_to', reportsTo)];
    if (stmts.length === 0) await this.db.batch(savePosition, 'write');
    for (let i = 0; i < stmts.length; i += STATEMENTS_PER_TX) {
      const chunk = stmts.slice(i, i + STATEMENTS_PER_TX);
      if (i + STATEMENTS_PER_TX >= stmts.length) chunk.push(...savePosition);
      await this.db.batch(chunk, 'write');
    }
    this.dropOldPlans(now);
    return outageRows.length + customerRows.length + noticeRows.length;
  }

  /**
   * Writes the outages of one past local day (YYYY-MM-DD) as the system holds them afterwards: every outage
   * whose records last changed that day (restoration, a late notice, a delivery report), with its affected
   * customers and notices, and the gateway's reports for its texts as one export file. Each record keeps
   * its own time, never later than that day, so a back-fill of this day and the older ones takes them all.
   * Outages still changing when the live simulation began are the live side's. Idempotent (upserts; the
   * report file has the same content each time, which the ETL's file ledger loads once).
   */
  async writeHistoryDay(ymd: string): Promise<number> {
    const outageRows: InValue[][] = [];
    const customerRows: InValue[][] = [];
    const noticeRows: InValue[][] = [];
    const reports = await this.historyDayRows(ymd, {
      outage: (r) => outageRows.push(r),
      customer: (r) => customerRows.push(r),
      notice: (r) => noticeRows.push(r),
    });
    if (!reports) return 0;
    if (reports.length) await this.writeReportFile(this.opts.smsReportDir, `sms_report_${ymd.replace(/-/g, '')}_history.csv`, reports);
    const stmts = upserts(outageRows, customerRows, noticeRows);
    for (let i = 0; i < stmts.length; i += STATEMENTS_PER_TX) await this.db.batch(stmts.slice(i, i + STATEMENTS_PER_TX), 'write');
    return outageRows.length + customerRows.length + noticeRows.length;
  }

  /**
   * The same day as the outage system's export for an initial load, into `dir`: a CSV of each table's rows
   * (etl/simulator/export-csv.ts) and the gateway's report file of the day, by ETL source. Nothing enters the
   * system's database.
   */
  async exportHistoryDay(ymd: string, dir: string): Promise<Record<string, string[]>> {
    // Each row written as it is made: a day's rows all held until the end outlived the young generation.
    const tables = [
      ['outage.events', OUTAGE_UPSERT],
      ['outage.customers', CUSTOMER_UPSERT],
      ['outage.notices', NOTICE_UPSERT],
    ] as const;
    const outs = tables.map(([, u]) => {
      const out = new CsvBytes();
      out.raw(u.columns.join(',')).end();
      return out;
    });
    const [outages, customers, notices] = outs as [CsvBytes, CsvBytes, CsvBytes];
    const reports = await this.historyDayRows(ymd, {
      outage: (r) => outages.row(r),
      customer: (r) => customers.row(r),
      notice: (r) => notices.row(r),
    });
    if (!reports) return {};
    const key = ymd.replace(/-/g, '');
    const files: Record<string, string[]> = {};
    for (const [i, [source, u]] of tables.entries()) {
      const file = path.join(dir, `${u.table}_${key}.csv`);
      await writeExport(file, outs[i]!.bytes());
      files[source] = [file];
    }
    if (reports.length) {
      const name = `sms_report_${key}_history.csv`;
      await this.writeReportFile(dir, name, reports);
      files['outage.sms-reports'] = [path.join(dir, name)];
    }
    return files;
  }

  /**
   * The rows of one past day (see writeHistoryDay), each handed to `emit` as it is made; returns the gateway's
   * reports of the day, by report time; null before the first tick.
   */
  private async historyDayRows(
    ymd: string,
    emit: { outage: (row: InValue[]) => void; customer: (row: InValue[]) => void; notice: (row: InValue[]) => void },
  ): Promise<string[][] | null> {
    const { tz } = this.opts;
    const historyFrom = Number((await this.getState('history_from')) ?? NaN);
    const dayStart = parseLocal(`${ymd} 00:00:00`, tz);
    if (dayStart === null) throw new Error(`bad date ${ymd}`);
    const dayEnd = startOfLocalDay(dayStart + DAY + 3 * HOUR, tz);
    // Before the first tick there is no live side to border on.
    if (Number.isNaN(historyFrom) || dayStart >= historyFrom) return null;

    const reports: string[][] = [];
    const days = localDays(dayStart - OUTAGE_MAX_TAIL_MS, dayEnd - 1, tz);
    for (const planned of days) {
      for (const { o, notices, last } of this.historyPlan(planned)) {
        if (last < dayStart || last >= dayEnd || last >= historyFrom) continue;
        emit.outage(this.outageRow(o, o.actualEnd));
        for (const c of outageCustomers(o, this.opts.seed)) emit.customer(this.customerRow(o, c.customerId, c.important));
        for (const n of notices) {
          emit.notice(this.noticeRow(n));
          if (n.sms) reports.push(this.reportRow(n));
        }
      }
    }
    // The history goes back a day at a time: the next day reads two of these planned days again.
    for (const planned of this.historyPlans.keys()) if (!days.includes(planned)) this.historyPlans.delete(planned);
    reports.sort((a, b) => (a[3]! < b[3]! ? -1 : a[3]! > b[3]! ? 1 : 0));
    return reports;
  }

  private historyPlan(planned: string) {
    let plan = this.historyPlans.get(planned);
    if (!plan) {
      plan = [];
      for (const county of this.counties)
        for (const o of planOutageDay(county, planned, this.opts.seed, this.opts.tz)) {
          const notices = outageNotices(o, this.opts.seed, { smsFailureRate: this.opts.smsFailureRate });
          plan.push({ o, notices, last: lastChangeOf(o, notices) });
        }
      this.historyPlans.set(planned, plan);
    }
    return plan;
  }

  /**
   * Drops the records last updated on a local day the history has loaded: the outage system's database keeps
   * months, not years. Only that day: older records of the same outages wait for their own day's back-fill.
   */
  async purgeDay(ymd: string): Promise<void> {
    const next = formatLocal(parseLocal(`${ymd} 12:00:00`, this.opts.tz)! + DAY, this.opts.tz).slice(0, 10);
    const range = [`${ymd} 00:00:00`, `${next} 00:00:00`];
    await this.db.batch(
      ['td_outage', 'td_outage_customer', 'td_notice'].map((table) => ({
        sql: `DELETE FROM ${table} WHERE updated_at >= ? AND updated_at < ?`,
        args: range,
      })),
      'write',
    );
  }

  private firstStart(now: number): number {
    // The beginning of the previous local day.
    const today = startOfLocalDay(now, this.opts.tz);
    return startOfLocalDay(today - 12 * 3600_000, this.opts.tz);
  }

  private plan(county: string, ymd: string): PlannedOutage[] {
    const key = `${county}|${ymd}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = planOutageDay(county, ymd, this.opts.seed, this.opts.tz);
      this.plans.set(key, plan);
    }
    return plan;
  }

  private noticesOf(o: PlannedOutage): PlannedNotice[] {
    let n = this.notices.get(o.outageId);
    if (!n) {
      n = outageNotices(o, this.opts.seed, { smsFailureRate: this.opts.smsFailureRate });
      this.notices.set(o.outageId, n);
    }
    return n;
  }

  private dropOldPlans(now: number) {
    const keep = localDays(now - 3 * 86_400_000, now - 3 * 86_400_000, this.opts.tz)[0]!;
    for (const key of this.plans.keys()) {
      if (key.split('|')[1]! >= keep) continue;
      for (const o of this.plans.get(key)!) this.notices.delete(o.outageId);
      this.plans.delete(key);
    }
  }

  private local(ms: number): string {
    return formatLocal(ms, this.opts.tz).slice(0, 19);
  }

  private outageRow(o: PlannedOutage, at: number): InValue[] {
    const status: OutageStatus = at >= o.actualEnd ? 'restored' : at >= o.actualStart ? 'in_progress' : 'announced';
    return [
      o.outageId,
      OUTAGE_TYPE[o.type],
      o.countyCode,
      o.feederName,
      o.areaDesc,
      this.local(o.plannedStart),
      this.local(o.plannedEnd),
      status === 'announced' ? null : this.local(o.actualStart),
      status === 'restored' ? this.local(o.actualEnd) : null,
      o.affectedCustomers,
      OUTAGE_STATUS[status],
      this.local(o.createdAt),
      this.local(at),
    ];
  }

  private customerRow(o: PlannedOutage, customerId: string, important: boolean): InValue[] {
    return [`${o.outageId}-${customerId}`, o.outageId, customerId, important ? 1 : 0, this.local(o.createdAt)];
  }

  private noticeRow(n: PlannedNotice): InValue[] {
    return [
      n.noticeId,
      n.outageId,
      n.customerId || null,
      NOTICE_CHANNEL[n.channel],
      n.sms?.msgId ?? null,
      this.local(n.sentAt),
      n.result === null ? null : SEND_RESULT[n.result],
      n.failDesc || null,
      this.local(n.sentAt),
    ];
  }

  private addReport(files: Map<string, string[][]>, n: PlannedNotice, historyFrom: number) {
    const slotEnd = Math.ceil(n.sms!.reportAt / SMS_REPORT_SLOT_MS) * SMS_REPORT_SLOT_MS;
    // Reports from before the simulated history began come as one back-fill export.
    const name =
      slotEnd <= historyFrom
        ? `sms_report_${localDateKey(historyFrom, this.opts.tz)}_0000_history.csv`
        : `sms_report_${this.local(slotEnd).slice(0, 16).replace(/[-:]/g, '').replace(' ', '_')}.csv`;
    let rows = files.get(name);
    if (!rows) files.set(name, (rows = []));
    rows.push(this.reportRow(n));
  }

  private reportRow(n: PlannedNotice): string[] {
    const s = n.sms!;
    const faultRate = this.opts.faultRate ?? 0.0005;
    const garbled = faultRate > 0 && seedOf('sms-fault', s.msgId) / 4294967296 < faultRate;
    return [
      s.msgId,
      s.phone,
      this.local(n.sentAt),
      garbled ? `${this.local(s.reportAt).slice(0, 10)} 24:61:00` : this.local(s.reportAt),
      s.failure ? SMS_FAILURE_CODE[s.failure] : SMS_DELIVERED,
      s.failure ?? '',
    ];
  }

  private async writeReportFile(dir: string, name: string, rows: string[][]) {
    // Windows line ends and GBK, as Chinese gateways export; written aside and renamed so the ETL never
    // lists a half-written file (it skips dot files).
    const text = [[...SMS_REPORT_COLUMNS], ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${name}.tmp`);
    await writeFile(tmp, iconv.encode(text, 'gbk'));
    await rename(tmp, path.join(dir, name));
  }

  private async getState(key: string): Promise<string | null> {
    const rs = await this.db.execute({ sql: 'SELECT value FROM sim_state WHERE key = ?', args: [key] });
    return rs.rows.length ? String(rs.rows[0]!.value) : null;
  }
}

/** Where the built-in simulator keeps the outage system's database and the SMS gateway's drop folders. */
export function simulatorOutagePaths(dataDir: string) {
  const drop = path.join(dataDir, 'drop', 'sms-reports');
  return {
    dbUrl: `file:${path.join(dataDir, 'sources', 'outage.db')}`,
    smsReportDir: drop,
    smsArchiveDir: path.join(drop, 'archive'),
    smsRejectedDir: path.join(drop, 'rejected'),
  };
}

/**
 * The outage system and SMS gateway of the built-in simulator, shaped like etl/simulator/start.ts's Simulator.
 * `vars` fill the sources file's placeholders.
 */
export async function startOutageSimulator(opts: {
  dataDir: string;
  seed: number;
  tz: string;
  countyCodes?: string[];
  /** Where the history's export files go (etl/simulator/start.ts clears it at start); none: no exports. */
  exportDir?: string;
}) {
  const paths = simulatorOutagePaths(opts.dataDir);
  const db = openSqlite(paths.dbUrl);
  const sim = new OutageSimulator(db, { seed: opts.seed, tz: opts.tz, smsReportDir: paths.smsReportDir, countyCodes: opts.countyCodes });
  await sim.init();
  return {
    tasks: [{ name: 'simulator.outage', schedule: '*/30 * * * * *', tick: (now: number) => sim.advanceTo(now), feeds: ['outage.'] }],
    history: {
      name: 'outage',
      sources: ['outage.events', 'outage.customers', 'outage.notices', 'outage.sms-reports'],
      // Four tables and a report file whose checks read none of the others' facts: loaded side by side (the
      // outage lane, four loads one after another, was the history's slowest).
      sourcesSideBySide: 'all' as const,
      prepareDay: async (ymd: string) => void (await sim.writeHistoryDay(ymd)),
      // The history in bulk: the day as the system's export files, never written into its database.
      ...(opts.exportDir ? { exportDay: (ymd: string) => sim.exportHistoryDay(ymd, opts.exportDir!) } : {}),
      purgeDay: (ymd: string) => sim.purgeDay(ymd),
    },
    vars: {
      SIMULATOR_OUTAGE_DB_URL: paths.dbUrl,
      SIMULATOR_SMS_REPORT_DIR: paths.smsReportDir,
      SIMULATOR_SMS_ARCHIVE_DIR: paths.smsArchiveDir,
      SIMULATOR_SMS_REJECTED_DIR: paths.smsRejectedDir,
    },
    async close() {
      db.close();
    },
  };
}
