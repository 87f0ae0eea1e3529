import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@libsql/client';
import { DEFAULT_SOURCES_FILE, jobsFromSources, loadSourcesFile } from '@/etl/config/sources';
import { openSqlite, simulatorHallQueueUrl } from '@/etl/connectors/sqlite-source';
import type { EtlJob } from '@/etl/runtime/job';
import { startCtiApi } from '@/etl/simulator/cti-api';
import { defaultAnomalies } from '@/etl/simulator/cti-day';
import { outageCallSurges } from '@/etl/simulator/coupling';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { startBalanceSimulator } from '@/etl/simulator/billing-balances';
import { billingDropDir, startBillingSimulator } from '@/etl/simulator/billing-source';
import { startOutageSimulator } from '@/etl/simulator/outage-source';
import { startWorkOrderSimulator } from '@/etl/simulator/workorder-api';
import { DEMO_LIMITS, demoChannelConfigs, startReceivers } from '@/etl/simulator/receivers';
import type { Env } from '@/core/env';
import { shiftDay } from './history';
import type { Simulator } from './types';

export type { Simulator, SimulatorHistory, SimulatorHistorySystem, SimulatorTask } from './types';

/** The ETL jobs this deployment runs, from the sources file (ETL_SOURCES_FILE, else the simulator's). */
export function etlJobs(e: Env, vars: Record<string, string> = {}): EtlJob[] {
  return jobsFromSources(loadSourcesFile(e.ETL_SOURCES_FILE ?? DEFAULT_SOURCES_FILE, { DATA_DIR: e.dataDir, ...vars }));
}

/**
 * The built-in source simulator (on by default), playing the utility's source systems. `clock` is "now" for the systems that answer on demand (the CTI and
 * work-order APIs); tests that play a fixed moment pass theirs, or the APIs would answer as of today.
 */
export async function startSimulator(e: Env, clock: () => number = Date.now): Promise<Simulator> {
  if (!e.SIMULATOR) return { tasks: [], vars: {}, close: async () => undefined };
  const db: Client = openSqlite(simulatorHallQueueUrl(e.dataDir));
  // The history's export files are transfer files: the back-fill removes each once loaded, and a file a
  // stopped run left is written again when its day comes.
  const exports = path.join(e.dataDir, 'sources', 'history-export');
  await rm(exports, { recursive: true, force: true });
  const hallQueue = new HallQueueSimulator(db, { seed: e.SIMULATOR_SEED, tz: e.BUSINESS_TZ });
  await hallQueue.init();
  // The CTI answers from its deterministic plan up to "now", so it needs no tick of its own.
  // The CTI hears about the simulated outages: their customers call in the hour after the power goes.
  const cti = await startCtiApi({
    seed: e.SIMULATOR_SEED,
    tz: e.BUSINESS_TZ,
    host: '127.0.0.1',
    now: clock,
    anomalies: (ymd) => [...defaultAnomalies(e.SIMULATOR_SEED, ymd), ...outageCallSurges(ymd, e.SIMULATOR_SEED, e.BUSINESS_TZ)],
  });
  const ctiExport = async (kind: 'cdr' | 'agent-states', ymd: string) => {
    const file = path.join(exports, 'cti', `${kind}_${ymd.replaceAll('-', '')}.csv`);
    await cti.exportDay(kind, ymd, file);
    return file;
  };
  const outage = await startOutageSimulator({
    dataDir: e.dataDir,
    seed: e.SIMULATOR_SEED,
    tz: e.BUSINESS_TZ,
    exportDir: path.join(exports, 'outage'),
  });
  const billing = await startBillingSimulator({
    dataDir: e.dataDir,
    seed: e.SIMULATOR_SEED,
    tz: e.BUSINESS_TZ,
    customers: e.SIMULATOR_CUSTOMERS,
  });
  // The balance snapshots (余额快照) of fee-controlled customers, into the same drop folder.
  const balances = await startBalanceSimulator({
    dropDir: billingDropDir(e.dataDir),
    dataDir: e.dataDir,
    seed: e.SIMULATOR_SEED,
    tz: e.BUSINESS_TZ,
    customers: e.SIMULATOR_CUSTOMERS,
  });
  const workOrders = await startWorkOrderSimulator({ seed: e.SIMULATOR_SEED, tz: e.BUSINESS_TZ, host: '127.0.0.1', now: clock });
  // The services duty messages go to (robots, SMS, SMPP, SMTP, webhook), each checking what the real one checks.
  const receivers = await startReceivers({ host: '127.0.0.1', now: clock, limits: DEMO_LIMITS });
  return {
    tasks: [
      { name: 'simulator.hall-queue', schedule: '*/5 * * * * *', tick: (now) => hallQueue.advanceTo(now), feeds: ['hall-queue.'] },
      ...outage.tasks,
      // The balance snapshots after the billing exports, in the same task: they name the master's customers.
      ...billing.tasks.map((t) => ({ ...t, tick: async (now: number) => (await t.tick(now)) + (await balances.tick(now)) })),
    ],
    history: {
      liveSince: () => hallQueue.liveSince(),
      systems: [
        {
          name: 'hall-queue',
          sources: ['hall-queue.tickets'],
          prepareDay: async (ymd) => void (await hallQueue.writeHistoryDay(ymd)),
          // The history in bulk: the day as an export file the ETL loads whole, not rows in the queue database.
          exportDay: async (ymd) => ({ 'hall-queue.tickets': [await hallQueue.exportHistoryDay(ymd, path.join(exports, 'hall-queue'))] }),
          purgeDay: (ymd) => hallQueue.purgeBefore(shiftDay(ymd, 1, e.BUSINESS_TZ)),
        },
        // The CTI serves any past day on demand. It was part of the hall queue's system (the history's critical
        // path); on lanes of their own, its calls and its agent states load beside the queue's and each other's
        // (both read the day the API planned once).
        // In bulk, each day is the vendor's export of the listing, written ahead while other days load.
        {
          name: 'cti',
          sources: ['cti.calls'],
          splitFrom: 'hall-queue',
          exportDay: async (ymd) => ({ 'cti.calls': [await ctiExport('cdr', ymd)] }),
        },
        {
          name: 'cti-agent-states',
          sources: ['cti.agent-states'],
          splitFrom: 'cti',
          exportDay: async (ymd) => ({ 'cti.agent-states': [await ctiExport('agent-states', ymd)] }),
        },
        // The work-order API, too, answers any past window from its plan; in bulk, each day is the vendor's
        // export of the listing (orders and their steps).
        {
          name: 'workorder',
          sources: ['workorder.orders'],
          exportDay: async (ymd) => ({ 'workorder.orders': await workOrders.exportDay(ymd, path.join(exports, 'workorder')) }),
        },
        outage.history,
        billing.history,
        balances.history,
      ],
    },
    vars: { SIMULATOR_CTI_URL: cti.url, ...outage.vars, ...workOrders.vars, ...billing.vars },
    receivers,
    demoChannels: demoChannelConfigs(receivers),
    async close() {
      db.close();
      await Promise.all([cti.close(), outage.close(), workOrders.close(), billing.close(), receivers.close()]);
    },
  };
}
