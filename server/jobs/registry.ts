import type { Client } from '@libsql/client';
import { DEFAULT_SOURCES_FILE, jobsFromSources, loadSourcesFile } from '@/etl/config/sources';
import { openSqlite, simulatorHallQueueUrl } from '@/etl/connectors/sqlite-source';
import type { EtlJob } from '@/etl/runtime/job';
import { startCtiApi } from '@/etl/simulator/cti-api';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import type { Env } from '../env';

export interface SimulatorTask {
  name: string;
  schedule: string;
  tick(now: number): Promise<number>;
}

/** The running simulator: its periodic tasks, the addresses of the systems it plays, and a way to stop it. */
export interface Simulator {
  tasks: SimulatorTask[];
  /** Placeholder values for the sources file, e.g. SIMULATOR_CTI_URL. */
  vars: Record<string, string>;
  close(): Promise<void>;
}

/** The ETL jobs this deployment runs, from the sources file (ETL_SOURCES_FILE, else the simulator's). */
export function etlJobs(e: Env, vars: Record<string, string> = {}): EtlJob[] {
  return jobsFromSources(loadSourcesFile(e.ETL_SOURCES_FILE ?? DEFAULT_SOURCES_FILE, { DATA_DIR: e.dataDir, ...vars }));
}

/** The built-in source simulator (on by default), playing the utility's source systems. */
export async function startSimulator(e: Env): Promise<Simulator> {
  if (!e.SIMULATOR) return { tasks: [], vars: {}, close: async () => undefined };
  const db: Client = openSqlite(simulatorHallQueueUrl(e.dataDir));
  const hallQueue = new HallQueueSimulator(db, { seed: e.SIMULATOR_SEED, tz: e.BUSINESS_TZ });
  await hallQueue.init();
  // The CTI answers from its deterministic plan up to "now", so it needs no tick of its own.
  const cti = await startCtiApi({ seed: e.SIMULATOR_SEED, tz: e.BUSINESS_TZ, host: '127.0.0.1', now: Date.now });
  return {
    tasks: [{ name: 'simulator.hall-queue', schedule: '*/5 * * * * *', tick: (now) => hallQueue.advanceTo(now) }],
    vars: { SIMULATOR_CTI_URL: cti.url },
    async close() {
      db.close();
      await cti.close();
    },
  };
}
