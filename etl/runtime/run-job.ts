import { randomUUID } from 'node:crypto';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chTime } from '@/core/time';
import type { EtlJob, JobContext, JobResult, QuarantinedRow } from './job';

export interface RunOutcome extends Partial<JobResult> {
  runId: string;
  source: string;
  status: 'ok' | 'failed';
  error?: string;
  durationMs: number;
}

/**
 * Runs a job and records the run in etl_run whatever happens: a source that is down is a failed run with
 * its error, which freshness then shows as lag; it never takes the process down.
 */
export function runEtlJob(ch: ClickHouse, job: EtlJob, now = Date.now()): Promise<RunOutcome> {
  return runRecorded(ch, job.source, job.source, (ctx) => job.run(ctx), now);
}

/**
 * Runs `work` as one recorded run of `source` under the job name `jobName` (the source's own id for its
 * scheduled runs, `backfill` for a backfill). Never throws: a failure is the outcome's status and error.
 */
export async function runRecorded(
  ch: ClickHouse,
  source: string,
  jobName: string,
  work: (ctx: JobContext) => Promise<JobResult>,
  now = Date.now(),
): Promise<RunOutcome> {
  const runId = randomUUID();
  const started = Date.now();
  let outcome: RunOutcome;
  try {
    const result = await work({ ch, now, runId });
    outcome = { runId, source, status: 'ok', durationMs: Date.now() - started, ...result };
  } catch (err) {
    outcome = {
      runId,
      source,
      status: 'failed',
      error: err instanceof Error ? err.message : String(err),
      durationMs: Date.now() - started,
    };
  }
  try {
    await ch.insert('etl.run.record', 'etl_run', [
      {
        run_id: runId,
        source,
        job: jobName,
        started_at: chTime(started),
        finished_at: chTime(Date.now()),
        status: outcome.status,
        rows_read: outcome.rowsRead ?? 0,
        rows_loaded: outcome.rowsLoaded ?? 0,
        rows_quarantined: outcome.rowsQuarantined ?? 0,
        watermark_from: outcome.watermarkFrom ?? '',
        watermark_to: outcome.watermarkTo ?? '',
        error: (outcome.error ?? '').slice(0, 2000),
      },
    ]);
  } catch (err) {
    // ClickHouse itself is unreachable: nothing to record into; the health endpoint reports it.
    console.error(`[etl] ${source}: could not record run: ${err instanceof Error ? err.message : err}`);
  }
  return outcome;
}

export async function quarantine(ch: ClickHouse, source: string, runId: string, rows: QuarantinedRow[], now = Date.now()): Promise<void> {
  await ch.insert(
    'etl.quarantine',
    'etl_quarantine',
    rows.map((r) => ({
      source,
      run_id: runId,
      quarantined_at: chTime(now),
      record_key: r.recordKey,
      reason: r.reason,
      raw: JSON.stringify(r.raw),
    })),
  );
}
