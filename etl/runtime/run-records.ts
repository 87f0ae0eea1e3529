import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNullableTimestamp, chNumber } from '@/core/clickhouse/row-types';

const freshnessRow = z.object({
  source: z.string(),
  last_ok_started: chNullableTimestamp,
  last_ok_finished: chNullableTimestamp,
  last_ok_rows: chNumber,
  last_status: z.string(),
  last_error: z.string(),
  last_run_finished: chNullableTimestamp,
  failures_since_ok: chNumber,
  quarantined_total: chNumber,
});

export interface SourceFreshness {
  source: string;
  lastSuccessAt: number | null;
  /** Data is complete up to the start of the last successful run. */
  completeUpTo: number | null;
  rowsInLastSuccess: number;
  lastStatus: 'ok' | 'failed';
  lastError: string | null;
  lastRunAt: number | null;
  failuresSinceSuccess: number;
  quarantinedTotal: number;
}

/**
 * Per source: the last successful run and what happened since. One query over etl_run (TTL-bounded).
 * Backfills (job `backfill`, see etl/cli.ts) are left out: re-loading old dates says nothing about how
 * current the source is.
 */
export async function sourceFreshness(ch: ClickHouse): Promise<SourceFreshness[]> {
  const rows = await ch.query(
    'repo.etl.freshness',
    `SELECT
       source,
       if(countIf(status = 'ok') = 0, NULL, argMaxIf(started_at, started_at, status = 'ok')) AS last_ok_started,
       if(countIf(status = 'ok') = 0, NULL, argMaxIf(finished_at, started_at, status = 'ok')) AS last_ok_finished,
       argMaxIf(rows_loaded, started_at, status = 'ok') AS last_ok_rows,
       argMax(status, started_at) AS last_status,
       argMax(error, started_at) AS last_error,
       max(finished_at) AS last_run_finished,
       countIf(status = 'failed' AND started_at > o.ok_at) AS failures_since_ok,
       sum(rows_quarantined) AS quarantined_total
     FROM etl_run
     LEFT JOIN (SELECT source, maxIf(started_at, status = 'ok') AS ok_at FROM etl_run WHERE job != 'backfill' GROUP BY source) AS o
       USING (source)
     WHERE job != 'backfill'
     GROUP BY source
     ORDER BY source`,
    {},
    freshnessRow,
  );
  return rows.map((r) => ({
    source: r.source,
    lastSuccessAt: r.last_ok_finished,
    completeUpTo: r.last_ok_started,
    rowsInLastSuccess: r.last_ok_rows,
    lastStatus: r.last_status === 'ok' ? 'ok' : 'failed',
    lastError: r.last_error || null,
    lastRunAt: r.last_run_finished,
    failuresSinceSuccess: r.failures_since_ok,
    quarantinedTotal: r.quarantined_total,
  }));
}
