import { z } from 'zod';
import type { TableName } from '@/core/clickhouse/tables';
import { archiveFile, listDroppedFiles, readTabular, rejectFile, UnreadableFileError } from '../../connectors/file-drop';
import { openSqlSource } from '../../connectors/sql';
import type { FileDropConfig, SqlConnectionConfig, SqlIncrementalConfig } from '../../connectors/types';
import { formatLocal } from '@/core/time';
import { loadedAmong, recordFile } from '../../runtime/file-ledger';
import type { BackfillProgress, BackfillRange, EtlJob, JobContext, JobResult, QuarantinedRow } from '../../runtime/job';
import { quarantine } from '../../runtime/run-job';
import { readWatermark, writeWatermark, type Watermark } from '../../runtime/watermark';
import { SMS_REPORT_COLUMNS } from './source-schema';
import { transformNotice, transformOutage, transformOutageCustomer, transformSmsReport, type Transform } from './transform';

// Outage management system (综合停电) → ClickHouse: outages, affected customers and notices read incrementally
// from its database (keyset on updated_at + id, with a lookback), and the SMS gateway's delivery reports taken
// from the files it drops (each content once, by sha256; bad rows quarantined, unreadable files rejected).

export interface OutageSourceConfig {
  /** The outage system's database; connected per run, so a source that was down is simply retried next run. */
  connection: SqlConnectionConfig;
  tz: string;
  /** Re-read this much before the watermark, for rows committed late with an older updated_at. */
  lookbackMs?: number;
  pageSize?: number;
  /** The SMS gateway's delivery report drop; no job when absent. */
  smsReports?: FileDropConfig;
  schedules?: { events?: string; customers?: string; notices?: string; smsReports?: string };
}

const cron = z.string().min(9, 'a node-cron expression, seconds first');

/** One entry of the sources file (etl/config) for the outage system and its SMS gateway's report drop. */
export const outageSourceConfigSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  kind: z.literal('sql'),
  domain: z.literal('outage'),
  enabled: z.boolean().default(true),
  connection: z.object({ dialect: z.enum(['postgresql', 'mysql', 'sqlite']), url: z.string().min(1) }),
  timeZone: z.string().default('Asia/Shanghai'),
  lookbackMs: z.number().int().nonnegative().default(120_000),
  pageSize: z.number().int().positive().max(100_000).default(5000),
  smsReports: z
    .object({
      dir: z.string().min(1),
      archiveDir: z.string().min(1),
      rejectedDir: z.string().min(1),
      extensions: z.array(z.string().min(2)).default(['.csv', '.xlsx']),
      encoding: z.enum(['utf-8', 'gbk', 'auto']).default('auto'),
    })
    .optional(),
  schedules: z
    .object({ events: cron.optional(), customers: cron.optional(), notices: cron.optional(), smsReports: cron.optional() })
    .default({}),
});
export type OutageSourceEntry = z.infer<typeof outageSourceConfigSchema>;

/** The jobs of one validated sources-file entry. */
export function outageJobsFromEntry(s: OutageSourceEntry): EtlJob[] {
  return outageJobs({
    connection: s.connection,
    tz: s.timeZone,
    lookbackMs: s.lookbackMs,
    pageSize: s.pageSize,
    smsReports: s.smsReports,
    schedules: s.schedules,
  });
}

const EVERY_5_MIN = '0 */5 * * * *';

/**
 * An instant as the vendor writes updated_at (local wall clock). Whole seconds without a fraction, so the
 * text compares right against values written with or without milliseconds.
 */
function wallClock(ms: number, tz: string): string {
  const text = formatLocal(ms, tz);
  return ms % 1000 === 0 ? text.slice(0, 19) : text;
}

interface SqlFeed {
  source: string;
  schedule: string;
  table: TableName;
  read: SqlIncrementalConfig;
  transform: (raw: unknown, tz: string, source: string) => Transform;
}

function sqlJob(cfg: OutageSourceConfig, feed: SqlFeed): EtlJob {
  const { source, read } = feed;

  /** Transforms and loads one page; the bad rows go to quarantine. */
  async function loadPage(ctx: JobContext, rows: Record<string, unknown>[]) {
    const good: Record<string, unknown>[] = [];
    const bad: QuarantinedRow[] = [];
    for (const obj of rows) {
      const t = feed.transform(obj, cfg.tz, 'outage');
      if (t.ok) good.push(t.row);
      else bad.push({ recordKey: String(obj[read.idColumn] ?? ''), reason: t.reason, raw: obj });
    }
    await ctx.ch.insert(`etl.${source}`, feed.table, good);
    if (bad.length) await quarantine(ctx.ch, source, ctx.runId, bad, ctx.now);
    return { loaded: good.length, quarantined: bad.length };
  }

  return {
    source,
    schedule: feed.schedule,
    async run(ctx: JobContext): Promise<JobResult> {
      const { ch } = ctx;
      const db = openSqlSource(cfg.connection);
      try {
        const wm = await readWatermark(ch, source);
        const from = wm ? `${wm.ts}|${wm.id}` : '';
        let newest: Watermark | null = wm;
        let read = 0;
        let loaded = 0;
        let quarantined = 0;
        // Restarted a little before the watermark (the connector's lookback): late rows are caught, and rows
        // read twice collapse in ReplacingMergeTree.
        for await (const page of db.readIncremental(feed.read, wm)) {
          read += page.rows.length;
          const r = await loadPage(ctx, page.rows);
          loaded += r.loaded;
          quarantined += r.quarantined;
          const cursor = page.next;
          // A page inside the lookback window ends before the stored watermark; never move it backwards.
          if (!newest || cursor.ts > newest.ts || (cursor.ts === newest.ts && cursor.id > newest.id)) newest = cursor;
          // Data first, then the watermark: a crash between the two re-reads this page, never skips it.
          await writeWatermark(ch, source, newest);
        }
        return {
          rowsRead: read,
          rowsLoaded: loaded,
          rowsQuarantined: quarantined,
          watermarkFrom: from,
          watermarkTo: newest ? `${newest.ts}|${newest.id}` : '',
        };
      } finally {
        await db.close();
      }
    },

    async backfill(ctx: JobContext, range: BackfillRange, progress: (p: BackfillProgress) => void, resumeKey: string): Promise<JobResult> {
      const db = openSqlSource(cfg.connection);
      try {
        const bounds = { from: wallClock(range.from, cfg.tz), until: wallClock(range.to, cfg.tz) };
        const start = await readWatermark(ctx.ch, resumeKey);
        const pageSize = feed.read.pageSize;
        // Pages already committed by an interrupted call count as done, so the bar resumes where it stopped.
        const pages = (n: number) => Math.ceil(n / pageSize);
        const total = pages(await db.countRange(feed.read, bounds, null));
        let done = start ? Math.max(0, total - pages(await db.countRange(feed.read, bounds, start))) : 0;
        let cursor = start;
        let read = 0;
        let loaded = 0;
        let quarantined = 0;
        progress({ rows: 0, done, total });
        for await (const page of db.readRange(feed.read, bounds, start)) {
          read += page.rows.length;
          const r = await loadPage(ctx, page.rows);
          loaded += r.loaded;
          quarantined += r.quarantined;
          cursor = page.next;
          // Data first, then the position, under the backfill's own key: the live watermark is not touched.
          await writeWatermark(ctx.ch, resumeKey, cursor);
          done++;
          progress({ rows: read, done, total: Math.max(total, done) });
        }
        return {
          rowsRead: read,
          rowsLoaded: loaded,
          rowsQuarantined: quarantined,
          watermarkFrom: start ? `${start.ts}|${start.id}` : bounds.from,
          watermarkTo: cursor ? `${cursor.ts}|${cursor.id}` : '',
        };
      } finally {
        await db.close();
      }
    },
  };
}

/**
 * The SMS gateway's delivery report files: each content loads once whatever the file is called (the file
 * ledger), bad rows are quarantined while the rest loads, a file that is not a report goes to the rejected
 * folder with its reason. Files are archived only after their rows and ledger record are in: a crash before
 * re-loads the same rows, which collapse in ReplacingMergeTree.
 */
function smsReportJob(drop: FileDropConfig, tz: string, schedule: string): EtlJob {
  const source = 'outage.sms-reports';
  return {
    source,
    schedule,
    async run({ ch, runId, now }: JobContext): Promise<JobResult> {
      let read = 0;
      let loaded = 0;
      let quarantined = 0;
      let first = '';
      let last = '';
      const files = await listDroppedFiles(drop);
      const done = await loadedAmong(
        ch,
        source,
        files.map((f) => f.sha256),
      );
      for (const file of files) {
        first ||= file.name;
        last = file.name;
        if (done.has(file.sha256)) {
          // The same export dropped again (under this or another name): nothing to load.
          await archiveFile(file, drop);
          continue;
        }
        let records: Record<string, string>[];
        try {
          records = await readTabular(file, drop);
          const missing = SMS_REPORT_COLUMNS.filter((c) => c !== '失败原因' && records.length > 0 && !(c in records[0]!));
          if (missing.length)
            throw new UnreadableFileError(`${file.name}: not an SMS delivery report, missing column(s) ${missing.join(', ')}`);
        } catch (err) {
          if (!(err instanceof UnreadableFileError)) throw err;
          await rejectFile(file, drop, err.message);
          await recordFile(ch, { source, fileName: file.name, sha256: file.sha256, rows: 0, status: 'rejected', reason: err.message }, now);
          continue;
        }
        const good: Record<string, unknown>[] = [];
        const bad: QuarantinedRow[] = [];
        records.forEach((rec, i) => {
          const t = transformSmsReport(rec, tz, 'outage', file.name);
          if (t.ok) good.push(t.row);
          // Keyed by content and line (header = line 1), so a re-load after a crash does not quarantine twice.
          else bad.push({ recordKey: `${file.sha256.slice(0, 16)}:${i + 2}`, reason: `${file.name} line ${i + 2}: ${t.reason}`, raw: rec });
        });
        read += records.length;
        await ch.insert('etl.outage.sms-reports', 'fact_sms_report', good);
        if (bad.length) await quarantine(ch, source, runId, bad, now);
        await recordFile(ch, { source, fileName: file.name, sha256: file.sha256, rows: good.length, status: 'loaded' }, now);
        done.add(file.sha256);
        await archiveFile(file, drop);
        loaded += good.length;
        quarantined += bad.length;
      }
      return { rowsRead: read, rowsLoaded: loaded, rowsQuarantined: quarantined, watermarkFrom: first, watermarkTo: last };
    },
  };
}

/** The outage system's jobs: outage.events, outage.customers, outage.notices and (with a drop) outage.sms-reports. */
export function outageJobs(cfg: OutageSourceConfig): EtlJob[] {
  const lookbackMs = cfg.lookbackMs ?? 120_000;
  const pageSize = cfg.pageSize ?? 5000;
  const read = (table: string, idColumn: string, columns: string[]): SqlIncrementalConfig => ({
    table,
    columns,
    updatedAtColumn: 'updated_at',
    idColumn,
    lookbackMs,
    pageSize,
    timeZone: cfg.tz,
  });
  const s = cfg.schedules ?? {};
  const jobs = [
    sqlJob(cfg, {
      source: 'outage.events',
      schedule: s.events ?? EVERY_5_MIN,
      table: 'fact_outage',
      read: read('td_outage', 'outage_id', [
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
      ]),
      transform: transformOutage,
    }),
    sqlJob(cfg, {
      source: 'outage.customers',
      schedule: s.customers ?? EVERY_5_MIN,
      table: 'fact_outage_customer',
      read: read('td_outage_customer', 'rec_id', ['rec_id', 'outage_id', 'cust_no', 'important_flag', 'updated_at']),
      transform: transformOutageCustomer,
    }),
    sqlJob(cfg, {
      source: 'outage.notices',
      schedule: s.notices ?? EVERY_5_MIN,
      table: 'fact_notice',
      read: read('td_notice', 'notice_id', [
        'notice_id',
        'outage_id',
        'cust_no',
        'channel',
        'msg_id',
        'send_time',
        'send_result',
        'fail_desc',
        'updated_at',
      ]),
      transform: transformNotice,
    }),
  ];
  if (cfg.smsReports) jobs.push(smsReportJob(cfg.smsReports, cfg.tz, s.smsReports ?? EVERY_5_MIN));
  return jobs;
}
