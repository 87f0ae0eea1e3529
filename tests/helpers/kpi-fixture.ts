import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouse } from '@/core/clickhouse/client';
import { runEtlJob } from '@/etl/runtime/run-job';
import { loadEnv } from '@/core/env';
import { etlJobs, startSimulator } from '@/etl/simulator/start';

/**
 * Plays the built-in simulator's systems up to `now` and loads everything through the ETL jobs, the way
 * a fresh start does: every domain and work orders end up in `ch`.
 */
export async function loadSimulatorData(ch: ClickHouse, now: number, opts: { customers?: number } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kpi-sim-'));
  const env = loadEnv({ DATA_DIR: dir, SIMULATOR_CUSTOMERS: String(opts.customers ?? 3000), SIMULATOR_HISTORY_DAYS: '0' });
  const sim = await startSimulator(env, () => now);
  try {
    const jobs = etlJobs(env, sim.vars);
    for (const t of sim.tasks) await t.tick(now);
    const outcomes = [];
    for (const j of jobs) outcomes.push(await runEtlJob(ch, j, now));
    return { env, outcomes };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
