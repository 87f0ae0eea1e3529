import type { ClickHouse } from '@/core/clickhouse/client';
import type { ReconcileResult } from './reconcile';

export interface JobContext {
  ch: ClickHouse;
  now: number;
  runId: string;
}

export interface JobResult {
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  watermarkFrom: string;
  watermarkTo: string;
}

/** One pull from one source into ClickHouse. Scheduling, run records and failure handling are the runner's. */
export interface EtlJob {
  /** Stable id used in etl_run, etl_watermark, etl_quarantine and /api/health, e.g. "hall-queue.tickets". */
  source: string;
  /** node-cron expression (six fields: seconds first). */
  schedule: string;
  run(ctx: JobContext): Promise<JobResult>;
  /**
   * Re-loads the source's changes in [range.from, range.to) (epoch ms) without touching the live watermark:
   * progress is committed per page or window under `resumeKey`, so calling again with the same key continues
   * after the last committed page. `progress` is called after each commit; what it throws ends the backfill.
   */
  backfill?(ctx: JobContext, range: BackfillRange, progress: (p: BackfillProgress) => void, resumeKey: string): Promise<JobResult>;
  /**
   * Loads export files of the source whole, through the bulk path: files in the source's own columns that
   * its system writes for an initial load (the simulator's history in bulk). Only where the engine reads our
   * disk (engineReadsFiles); absent when the source has no export format.
   */
  loadExport?(ctx: JobContext, files: string[]): Promise<JobResult>;
  /** Compares one local day's counts in the source with ClickHouse. */
  reconcile?(ch: ClickHouse, day: string): Promise<ReconcileResult>;
}

export interface BackfillRange {
  from: number;
  to: number;
}

export interface BackfillProgress {
  /** Rows read so far in this call. */
  rows: number;
  /** Pages (SQL) or windows (HTTP) committed so far, counting those of earlier, interrupted calls. */
  done: number;
  /** Pages or windows the whole range needs, when known. */
  total?: number;
}

/** What loading one page (or window) of source records did: rows in ClickHouse, rows in quarantine. */
export interface PageLoad {
  loaded: number;
  quarantined: number;
}

export interface QuarantinedRow {
  recordKey: string;
  reason: string;
  raw: unknown;
}

/**
 * One impossible field of a row that is loaded anyway (DOMAIN.md §2: flag and empty the bad field, keep the
 * row wherever a figure does not need that field). The transform has already emptied `field` in the row.
 */
export interface FlaggedField {
  field: string;
  reason: string;
}

/** How a loaded row's flagged field is recorded in etl_quarantine: the row is in the fact table, the field empty. */
export const flagReason = (f: FlaggedField) => `flagged, row loaded without ${f.field}: ${f.reason}`;

/** Whether the engine reads files on our disk (file()): embedded; a server cannot see them. */
export const engineReadsFiles = (ch: ClickHouse) => ch.engine === 'embedded';
