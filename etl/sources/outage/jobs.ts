import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TableName } from '@/core/clickhouse/tables';
import { archiveFile, headerKeys, listDroppedFiles, readTabular, rejectFile, UnreadableFileError } from '../../connectors/file-drop';
import type { DroppedFile, FileDropConfig, SqlConnectionConfig, SqlIncrementalConfig } from '../../connectors/types';
import { closeStage, newLoadId, openStage, readableByEngine, scanCsv, stageCsvFiles, type FileLoad } from '../../runtime/bulk-csv';
import { loadedAmong, recordFile } from '../../runtime/file-ledger';
import { flagReason, type EtlJob, type JobContext, type JobResult, type QuarantinedRow } from '../../runtime/job';
import { keysetJob } from '../../runtime/keyset-pull';
import { quarantine } from '../../runtime/run-job';
import { withSqliteBulkBackfill } from '../../runtime/sqlite-bulk';
import {
  BULK_TABLES,
  loadOutageExport,
  loadOutageRange,
  moveSmsReportFile,
  readOutageExport,
  SMS_BULK_MIN_RECORDS,
  type BulkTableName,
} from './bulk';
import { OUTAGE_SOURCES } from './config';
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
  /**
   * A back-fill of notices and affected customers from a SQLite source the embedded engine can read runs as one
   * INSERT … SELECT per range, and an SMS report CSV of SMS_BULK_MIN_RECORDS or more that the engine can read
   * is checked there as one set (bulk.ts; default); false takes both through JavaScript row by row (the
   * reference the bulk paths are tested against). Outages themselves (a few hundred a day) always go row by row.
   */
  bulk?: boolean;
}

const EVERY_5_MIN = '0 */5 * * * *';

interface SqlFeed {
  source: string;
  schedule: string;
  table: TableName;
  read: SqlIncrementalConfig;
  transform: (raw: unknown, tz: string, source: string) => Transform;
  /** The table's set-based back-fill (bulk.ts), where it has one. */
  bulk?: BulkTableName;
  /** The table's integer columns (SQLite INTEGER), for reading its export file as SQLite returns rows. */
  integer: ReadonlySet<string>;
}

function sqlJob(cfg: OutageSourceConfig, feed: SqlFeed): EtlJob {
  const { source, read } = feed;

  /** Transforms and loads one page; the bad rows go to quarantine. */
  async function loadPage(ctx: JobContext, rows: Record<string, unknown>[]) {
    const good: Record<string, unknown>[] = [];
    const bad: QuarantinedRow[] = [];
    const flagged: QuarantinedRow[] = [];
    for (const obj of rows) {
      const t = feed.transform(obj, cfg.tz, 'outage');
      const recordKey = String(obj[read.idColumn] ?? '');
      if (t.ok) {
        good.push(t.row);
        for (const f of t.flags ?? []) flagged.push({ recordKey, reason: flagReason(f), raw: obj });
      } else bad.push({ recordKey, reason: t.reason, raw: obj });
    }
    await ctx.ch.insert(`etl.${source}`, feed.table, good);
    if (bad.length || flagged.length) await quarantine(ctx.ch, source, ctx.runId, [...bad, ...flagged], ctx.now);
    return { loaded: good.length, quarantined: bad.length };
  }

  const keyset = keysetJob({ source, schedule: feed.schedule, connection: cfg.connection, read, pageLoader: async () => loadPage });
  const bulk = feed.bulk;
  // The system's export of the table (the simulator's history in bulk): a bulk table's file read and checked
  // by the engine; a small table's (or with bulk off) read by the engine, then page by page.
  keyset.loadExport = async (ctx, files) => {
    const sum = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };
    const r = { tz: cfg.tz, source, sourceName: 'outage', runId: ctx.runId, now: ctx.now };
    for (const file of files) {
      if (bulk && cfg.bulk !== false) {
        const moved = await loadOutageExport(ctx.ch, bulk, file, r, (rows) => loadPage(ctx, rows));
        sum.rowsRead += moved.read;
        sum.rowsLoaded += moved.loaded;
        sum.rowsQuarantined += moved.quarantined;
        continue;
      }
      const rows = await readOutageExport(ctx.ch, `etl.${source}.export`, file, read.columns, feed.integer);
      for (let i = 0; i < rows.length; i += read.pageSize) {
        const page = await loadPage(ctx, rows.slice(i, i + read.pageSize));
        sum.rowsLoaded += page.loaded;
        sum.rowsQuarantined += page.quarantined;
      }
      sum.rowsRead += rows.length;
    }
    return sum;
  };
  if (!bulk) return keyset;
  // A range in one statement where the embedded engine reads the source file itself; else page by page.
  return withSqliteBulkBackfill(keyset, {
    connection: cfg.connection,
    tz: cfg.tz,
    enabled: cfg.bulk !== false,
    load: (ctx, db, range) =>
      loadOutageRange(ctx.ch, db, bulk, { ...range, tz: cfg.tz, source, sourceName: 'outage', runId: ctx.runId, now: ctx.now }, (rows) =>
        loadPage(ctx, rows),
      ),
  });
}

/**
 * The SMS gateway's delivery report files: each content loads once whatever the file is called (the file
 * ledger), bad rows are quarantined while the rest loads, a file that is not a report goes to the rejected
 * folder with its reason. Files are archived only after their rows and ledger record are in: a crash before
 * re-loads the same rows, which collapse in ReplacingMergeTree.
 */
function smsReportJob(drop: FileDropConfig, tz: string, schedule: string, bulk: boolean): EtlJob {
  const source = OUTAGE_SOURCES.smsReports;

  /**
   * Loads one report file (data and quarantine; the caller records it in the ledger after). A file that is not
   * a report throws UnreadableFileError with the reason.
   */
  async function loadFile(
    { ch, runId, now }: JobContext,
    file: DroppedFile,
  ): Promise<{ read: number; loaded: number; quarantined: number }> {
    let records: Record<string, string>[] = [];
    let staged: FileLoad | null = null;
    let header: string[] = [];
    const missingIn = (keys: string[]) => {
      const missing = SMS_REPORT_COLUMNS.filter((c) => c !== '失败原因' && !keys.includes(c));
      if (missing.length)
        throw new UnreadableFileError(`${file.name}: not an SMS delivery report, missing column(s) ${missing.join(', ')}`);
    };
    // A large plain CSV is read and checked by the embedded engine itself (bulk.ts); the rest row by row.
    const ext = path.extname(file.name).toLowerCase();
    if (bulk && (ext === '.csv' || ext === '.txt') && readableByEngine(ch, [file.path])) {
      const scan = scanCsv(await readFile(file.path), drop.encoding);
      if (scan && scan.records >= SMS_BULK_MIN_RECORDS) {
        header = headerKeys(scan.header, file.name);
        missingIn(header);
        staged = { path: file.path, loadId: newLoadId(), scan };
      }
    }
    if (!staged) {
      records = await readTabular(file, drop);
      if (records.length > 0) missingIn(Object.keys(records[0]!));
    }
    if (staged) {
      const stage = await openStage<'etl_stage_csv'>(ch, staged.loadId);
      try {
        await stageCsvFiles(ch, `etl.${source}.bulk.stage`, [staged], stage);
        return await moveSmsReportFile(ch, {
          name: file.name,
          keyPrefix: file.sha256.slice(0, 16),
          header,
          loadId: staged.loadId,
          stage,
          tz,
          source,
          sourceName: 'outage',
          runId,
          now,
        });
      } finally {
        await closeStage(ch, staged.loadId, source);
      }
    }
    const good: Record<string, unknown>[] = [];
    const bad: QuarantinedRow[] = [];
    const flagged: QuarantinedRow[] = [];
    records.forEach((rec, i) => {
      const t = transformSmsReport(rec, tz, 'outage', file.name);
      // Keyed by content and line (header = line 1), so a re-load after a crash does not quarantine twice.
      const recordKey = `${file.sha256.slice(0, 16)}:${i + 2}`;
      if (t.ok) {
        good.push(t.row);
        for (const f of t.flags ?? []) flagged.push({ recordKey, reason: `${file.name} line ${i + 2}: ${flagReason(f)}`, raw: rec });
      } else bad.push({ recordKey, reason: `${file.name} line ${i + 2}: ${t.reason}`, raw: rec });
    });
    await ch.insert(`etl.${source}`, 'fact_sms_report', good);
    if (bad.length || flagged.length) await quarantine(ch, source, runId, [...bad, ...flagged], now);
    return { read: records.length, loaded: good.length, quarantined: bad.length };
  }

  return {
    source,
    schedule,
    async run(ctx: JobContext): Promise<JobResult> {
      const { ch, now } = ctx;
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
        let moved: { read: number; loaded: number; quarantined: number };
        try {
          moved = await loadFile(ctx, file);
        } catch (err) {
          if (!(err instanceof UnreadableFileError)) throw err;
          await rejectFile(file, drop, err.message);
          await recordFile(ch, { source, fileName: file.name, sha256: file.sha256, rows: 0, status: 'rejected', reason: err.message }, now);
          continue;
        }
        // Data, then the ledger, then the move.
        await recordFile(ch, { source, fileName: file.name, sha256: file.sha256, rows: moved.loaded, status: 'loaded' }, now);
        done.add(file.sha256);
        await archiveFile(file, drop);
        read += moved.read;
        loaded += moved.loaded;
        quarantined += moved.quarantined;
      }
      return { rowsRead: read, rowsLoaded: loaded, rowsQuarantined: quarantined, watermarkFrom: first, watermarkTo: last };
    },
    // The gateway's report files handed over directly (the simulator's history in bulk): loaded as a dropped
    // file is, each content once (the ledger), but never moved; a file that is not a report fails the load.
    async loadExport(ctx: JobContext, paths: string[]): Promise<JobResult> {
      let read = 0;
      let loaded = 0;
      let quarantined = 0;
      for (const p of paths) {
        const buf = await readFile(p);
        const file: DroppedFile = {
          path: p,
          name: path.basename(p),
          sha256: createHash('sha256').update(buf).digest('hex'),
          bytes: buf.length,
        };
        if ((await loadedAmong(ctx.ch, source, [file.sha256])).has(file.sha256)) continue;
        const moved = await loadFile(ctx, file);
        await recordFile(ctx.ch, { source, fileName: file.name, sha256: file.sha256, rows: moved.loaded, status: 'loaded' }, ctx.now);
        read += moved.read;
        loaded += moved.loaded;
        quarantined += moved.quarantined;
      }
      const names = paths.map((p) => path.basename(p));
      return {
        rowsRead: read,
        rowsLoaded: loaded,
        rowsQuarantined: quarantined,
        watermarkFrom: names[0] ?? '',
        watermarkTo: names.at(-1) ?? '',
      };
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
      source: OUTAGE_SOURCES.events,
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
      integer: new Set(['affected_count']),
    }),
    sqlJob(cfg, {
      source: OUTAGE_SOURCES.customers,
      schedule: s.customers ?? EVERY_5_MIN,
      table: 'fact_outage_customer',
      read: read(BULK_TABLES.customers.table, BULK_TABLES.customers.id, [...BULK_TABLES.customers.columns]),
      transform: transformOutageCustomer,
      bulk: 'customers',
      integer: BULK_TABLES.customers.integer,
    }),
    sqlJob(cfg, {
      source: OUTAGE_SOURCES.notices,
      schedule: s.notices ?? EVERY_5_MIN,
      table: 'fact_notice',
      read: read(BULK_TABLES.notices.table, BULK_TABLES.notices.id, [...BULK_TABLES.notices.columns]),
      transform: transformNotice,
      bulk: 'notices',
      integer: BULK_TABLES.notices.integer,
    }),
  ];
  if (cfg.smsReports) jobs.push(smsReportJob(cfg.smsReports, cfg.tz, s.smsReports ?? EVERY_5_MIN, cfg.bulk !== false));
  return jobs;
}
