import type { Client } from '@libsql/client';
import { openSqlite, simulatorHallQueueUrl } from '@/etl/connectors/sqlite-source';
import type { EtlJob } from '@/etl/runtime/job';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import type { Env } from '../env';

export interface SimulatorTask {
  name: string;
  schedule: string;
  tick(now: number): Promise<number>;
  close(): void;
}

/** The ETL jobs this deployment runs, from configuration. */
export function etlJobs(e: Env): EtlJob[] {
  const url = e.HALL_QUEUE_SOURCE_URL ?? simulatorHallQueueUrl(e.dataDir);
  return hallQueueJobs({ open: () => openSqlite(url), tz: e.BUSINESS_TZ });
}

/** The built-in source simulator (on by default), playing the utility's source systems. */
export async function simulatorTasks(e: Env): Promise<SimulatorTask[]> {
  if (!e.SIMULATOR) return [];
  const db: Client = openSqlite(simulatorHallQueueUrl(e.dataDir));
  const sim = new HallQueueSimulator(db, { seed: e.SIMULATOR_SEED, tz: e.BUSINESS_TZ });
  await sim.init();
  return [{ name: 'simulator.hall-queue', schedule: '*/5 * * * * *', tick: (now) => sim.advanceTo(now), close: () => db.close() }];
}
