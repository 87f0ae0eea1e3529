import type { ClickHouse } from '@/server/clickhouse/client';

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
}

export interface QuarantinedRow {
  recordKey: string;
  reason: string;
  raw: unknown;
}
