import type { ClickHouse } from '@/core/clickhouse/client';
import type { BackfillProgress, EtlJob } from './job';
import { localDayRange } from './reconcile';
import { runRecorded, type RunOutcome } from './run-job';
import { clearWatermark } from './watermark';

// A backfill re-loads a range of local dates for one source, beside the live job: its position lives under
// a key of its own in etl_watermark, so the scheduled runs carry on from where they were.

/** The etl_watermark key of a backfill; the same command line gives the same key, which is what resumes it. */
export const backfillKey = (source: string, from: string, to: string) => `backfill:${source}:${from}:${to}`;

/** [start of `from`, end of `to`) in epoch ms: both dates are included. */
export function backfillRange(from: string, to: string, tz: string): { from: number; to: number } {
  const range = { from: localDayRange(from, tz).from, to: localDayRange(to, tz).to };
  if (range.to <= range.from) throw new Error(`--to ${to} is before --from ${from}`);
  return range;
}

export interface BackfillOptions {
  from: string;
  to: string;
  tz: string;
  /** Forget the committed position and load the whole range again. */
  restart?: boolean;
  progress?: (p: BackfillProgress) => void;
  now?: number;
}

/** Runs the job's backfill as one etl_run record (job `backfill`); a failure is the outcome, not a throw. */
export async function runBackfill(ch: ClickHouse, job: EtlJob, opts: BackfillOptions): Promise<RunOutcome> {
  const backfill = job.backfill?.bind(job);
  if (!backfill) throw new Error(`${job.source} has no backfill`);
  const range = backfillRange(opts.from, opts.to, opts.tz);
  const key = backfillKey(job.source, opts.from, opts.to);
  if (opts.restart) await clearWatermark(ch, key);
  return runRecorded(ch, job.source, 'backfill', (ctx) => backfill(ctx, range, opts.progress ?? (() => undefined), key), opts.now);
}
