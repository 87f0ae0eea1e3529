import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EtlJob, JobResult } from '@/etl/runtime/job';
import type { ClickHouse } from '@/core/clickhouse/client';
import { loadEnv } from '@/core/env';
import { etlJobs, startSimulator, type Simulator } from '@/etl/simulator/start';
import cron from 'node-cron';
import { CRON_LOGGER, feederOf, Scheduler } from '@/server/jobs/scheduler';
import type { Runtime } from '@/server/runtime';
import { testRuntime } from '../helpers/runtime';

// First-start ordering: a simulated system's first tick (a fresh start's catch-up of yesterday and today)
// must end before any job reading that system runs, by its first pass or by its cron schedule.
// node-cron arms its ticks with setTimeout and reads new Date(), so these tests run it on vitest's fake
// timers: "two cron seconds go by" is two seconds of the fake clock, whatever the load on the machine.

/** Lets `ms` of fake time pass, firing the cron ticks due in it and settling the work they start. */
const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const deferred = () => {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
};
const noRows: JobResult = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };

/** A runtime whose ClickHouse only swallows the run records: the jobs here are fakes. */
const runtime = (): Runtime =>
  testRuntime({
    ch: {
      insert: async () => undefined,
      lane() {
        return this;
      },
    } as unknown as ClickHouse,
    env: { SIMULATOR_HISTORY_DAYS: '0' },
    bootedAt: Date.now(),
    jobs: { role: 'web' },
  });

/** A simulated system `sim.queue` feeding `queue.*`, whose first tick ends when the test says so, and an API-only source. */
function fakeSystem() {
  const events: string[] = [];
  const firstTick = deferred();
  let ticks = 0;
  let closed = false;
  const job = (source: string): EtlJob => ({
    source,
    // Every second: a cron run that came before the first tick ended would show within the test's waits.
    schedule: '* * * * * *',
    run: async () => {
      events.push(`run ${source}`);
      return noRows;
    },
  });
  const sim: Simulator = {
    tasks: [
      {
        name: 'sim.queue',
        schedule: '* * * * * *',
        feeds: ['queue.'],
        tick: async () => {
          if (++ticks === 1) {
            events.push('tick start');
            await firstTick.promise;
            events.push('tick end');
          }
          return 0;
        },
      },
    ],
    vars: {},
    close: async () => void (closed = true),
  };
  return {
    events,
    firstTick,
    closed: () => closed,
    sources: { startSimulator: async () => sim, etlJobs: () => [job('queue.halls'), job('queue.tickets'), job('api.calls')] },
  };
}

let scheduler: Scheduler | undefined;

describe('scheduler first start', () => {
  // Half a second past a whole second: the cron seconds fall at +0.5 s, +1.5 s, … of each test.
  beforeEach(() => void vi.useFakeTimers({ now: new Date('2026-11-23T02:00:00.500Z') }));
  afterEach(async () => {
    await scheduler?.stop(); // before the real timers come back: its tasks were armed on the fake ones
    scheduler = undefined;
    vi.useRealTimers();
  });

  it('runs the jobs a simulated system feeds only after its first tick, by first pass or cron', async () => {
    const sys = fakeSystem();
    const rt = runtime();
    scheduler = new Scheduler(rt, sys.sources);
    await scheduler.start();
    // Two cron seconds go by while the catch-up is still writing.
    await pass(2300);
    expect(sys.events.filter((e) => e.includes('queue.'))).toEqual([]);
    // They did go by: the API-only job ran its first pass and then on both cron seconds.
    expect(sys.events.filter((e) => e === 'run api.calls').length).toBeGreaterThanOrEqual(3);
    expect(sys.events[0]).toBe('tick start');

    sys.firstTick.resolve();
    await pass(300);
    const end = sys.events.indexOf('tick end');
    expect(end).toBeGreaterThan(0);
    expect(sys.events.indexOf('run queue.halls')).toBeGreaterThan(end);
    expect(sys.events.indexOf('run queue.tickets')).toBeGreaterThan(end);
    // And their schedules run from then on.
    const runs = sys.events.filter((e) => e === 'run queue.halls').length;
    await pass(1300);
    expect(sys.events.filter((e) => e === 'run queue.halls').length).toBeGreaterThan(runs);
    expect(rt.jobs.lastTick['sim.queue']).toMatchObject({ ok: true });
  });

  it('still schedules the jobs when the first tick fails: the source may hold data from before', async () => {
    const sys = fakeSystem();
    scheduler = new Scheduler(runtime(), sys.sources);
    await scheduler.start();
    sys.firstTick.reject(new Error('disk full'));
    await pass(300);
    expect(sys.events).toContain('run queue.halls');
    expect(sys.events).toContain('run queue.tickets');
  });

  it('schedules nothing for a system whose first tick ends after the schedules were stopped', async () => {
    const sys = fakeSystem();
    scheduler = new Scheduler(runtime(), sys.sources);
    await scheduler.start();
    await scheduler.stop();
    expect(sys.closed()).toBe(true);
    sys.firstTick.resolve();
    await pass(1300);
    expect(sys.events.filter((e) => e.includes('queue.'))).toEqual([]);
  });
});

describe('built-in simulator', () => {
  it('names the system feeding every job that reads what a tick writes; only the on-demand APIs feed none', async () => {
    const e = loadEnv({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'sched-')), SIMULATOR_CUSTOMERS: '100' });
    const sim = await startSimulator(e);
    try {
      const jobs = etlJobs(e, sim.vars);
      const fedBy = Object.fromEntries(jobs.map((j) => [j.source, feederOf(j, sim.tasks)?.name ?? null]));
      expect(fedBy).toEqual({
        'hall-queue.halls': 'simulator.hall-queue',
        'hall-queue.tickets': 'simulator.hall-queue',
        'cti.calls': null,
        'cti.agent-states': null,
        'outage.events': 'simulator.outage',
        'outage.customers': 'simulator.outage',
        'outage.notices': 'simulator.outage',
        'outage.sms-reports': 'simulator.outage',
        'workorder.orders': null,
        'billing.customers': 'simulator.billing',
        'billing.bills': 'simulator.billing',
        'billing.payments': 'simulator.billing',
        'billing.dunning': 'simulator.billing',
        'billing.reconnections': 'simulator.billing',
        'billing.balances': 'simulator.billing',
      });
    } finally {
      await sim.close();
    }
  });
});

describe('cron log', () => {
  beforeEach(() => void vi.useFakeTimers({ now: new Date('2026-11-23T02:00:00.500Z') }));
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  /** What the console was told while a task whose run never ends had three more ticks come due. */
  async function logOfSkippedTicks(logger?: typeof CRON_LOGGER): Promise<string[]> {
    const said: string[] = [];
    for (const level of ['warn', 'info', 'error', 'log'] as const)
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void said.push(args.map(String).join(' ')));
    const task = cron.schedule('* * * * * *', () => new Promise<void>(() => undefined), { noOverlap: true, name: 'stuck', logger });
    await vi.advanceTimersByTimeAsync(4000);
    await task.destroy();
    return said;
  }

  it('says nothing about ticks skipped while a run is still going (by design), unlike node-cron by default', async () => {
    expect((await logOfSkippedTicks()).filter((m) => m.includes('overlap prevention')).length).toBeGreaterThan(0);
    expect(await logOfSkippedTicks(CRON_LOGGER)).toEqual([]);
  });

  it('still logs what else node-cron reports', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    CRON_LOGGER.warn('missed execution at 02:00:01');
    CRON_LOGGER.error('Task failed with error!', new Error('boom'));
    expect(warn).toHaveBeenCalledWith('[cron] missed execution at 02:00:01');
    expect(error.mock.calls[0]![0]).toBe('[cron] Task failed with error!');
  });
});
