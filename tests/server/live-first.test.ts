import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { parseLocal } from '@/core/time';
import type { EtlJob, JobResult } from '@/etl/runtime/job';
import { loadHistory, type HistoryStatus } from '@/etl/simulator/history';
import type { Simulator } from '@/etl/simulator/start';
import { Scheduler } from '@/server/jobs/scheduler';
import { SerialRunner } from '@/server/jobs/serial-runner';
import { testRuntime } from '../helpers/runtime';

// Live first (issue 12, finding 7): the history back-fill never starts a step (a system's day written into its
// source, or a source's load of that day) while a scheduled ETL run is going or requested, so live loading
// never waits behind the back-fill for more than the one step already under way.

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
/** Lets every promise that can settle settle (no timers: just the event loop going round a few times). */
const ticks = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};
const noRows: JobResult = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };

/** Every step of the fakes logs `<label> start`, waits until the test releases it, then logs `<label> end`. */
function steps() {
  const events: string[] = [];
  const waiting = new Map<string, () => void>();
  const step = async (label: string) => {
    events.push(`${label} start`);
    const gate = deferred();
    waiting.set(label, gate.resolve);
    await gate.promise;
    events.push(`${label} end`);
  };
  /** Waits (a bounded number of event-loop turns) for `label` to be under way. */
  const started = async (label: string) => {
    for (let i = 0; i < 200 && !waiting.has(label); i++) await ticks(1);
    if (!waiting.has(label)) throw new Error(`${label} never started; events: ${events.join(' | ')}`);
  };
  /** Waits for `label` to be under way, then lets it end. */
  const release = async (label: string) => {
    await started(label);
    const go = waiting.get(label)!;
    waiting.delete(label);
    go();
    await ticks();
  };
  return { events, step, started, release, waiting };
}

const TZ = 'Asia/Shanghai';
const D1 = '2026-11-22';
const D2 = '2026-11-21';

/** Two live jobs read by one simulated system with two days of history; their cron never fires by itself. */
function fakeSetup() {
  const s = steps();
  const runs: Record<string, number> = {};
  const job = (source: string): EtlJob => ({
    source,
    schedule: '0 0 0 1 1 *',
    run: async () => {
      await s.step(`run ${source} #${(runs[source] = (runs[source] ?? 0) + 1)}`);
      return noRows;
    },
    backfill: async (_ctx, range) => {
      await s.step(`history ${source} ${new Date(range.from + 12 * 3600_000).toISOString().slice(0, 10)}`);
      return noRows;
    },
  });
  const sim: Simulator = {
    tasks: [],
    vars: {},
    close: async () => undefined,
    history: {
      liveSince: async () => parseLocal('2026-11-23 00:00:00', TZ),
      systems: [{ name: 'sys', sources: ['live.a', 'live.b'], prepareDay: (day) => s.step(`history prepare ${day}`) }],
    },
  };
  const rt = testRuntime({
    // Swallows run records and watermarks, finds no history progress: the jobs here are fakes.
    ch: {
      insert: async () => undefined,
      query: async () => [],
      command: async () => undefined,
      lane() {
        return this;
      },
    } as unknown as ClickHouse,
    env: { SIMULATOR_HISTORY_DAYS: '2', BUSINESS_TZ: TZ },
    bootedAt: Date.now(),
    jobs: { role: 'web' },
  });
  return { ...s, rt, sources: { startSimulator: async () => sim, etlJobs: () => [job('live.a'), job('live.b')] } };
}

/** A cron tick of the job's schedule, as node-cron would fire it. */
const cronTick = (name: string) => {
  const task = [...cron.getTasks().values()].filter((t) => t.name === name).at(-1);
  if (!task) throw new Error(`no cron task ${name}`);
  void task.execute();
};

/** No history step starts while a live run is going. */
function assertNoStepStartsDuringLive(events: string[]) {
  const open = new Set<string>();
  for (const e of events) {
    const [kind, ...rest] = e.split(' ');
    const label = rest.slice(0, -1).join(' ');
    if (kind === 'run') {
      if (e.endsWith(' start')) open.add(label);
      else open.delete(label);
    } else if (e.endsWith(' start')) {
      expect({ step: e, liveRunsGoing: [...open] }).toEqual({ step: e, liveRunsGoing: [] });
    }
  }
}

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

describe('history back-fill yields to live loading', () => {
  it('starts no step while a live run is going or requested; a run requested mid-step starts at once', async () => {
    const t = fakeSetup();
    scheduler = new Scheduler(t.rt, t.sources);
    await scheduler.start();
    // First passes; the back-fill waits for them.
    await t.release('run live.a #1');
    await t.release('run live.b #1');

    // The first step of the back-fill is under way when a cron tick requests live.a: it starts at once.
    await t.started(`history prepare ${D1}`);
    cronTick('live.a');
    await ticks();
    expect(t.waiting.has('run live.a #2')).toBe(true);
    expect(t.waiting.has(`history prepare ${D1}`)).toBe(true);

    // The step ends; the next one (live.a's load of that day) waits for the live run…
    await t.release(`history prepare ${D1}`);
    // …and for the run another tick requested meanwhile (a queued follow-up counts as live work).
    cronTick('live.a');
    await ticks();
    await t.release('run live.a #2');
    expect(t.waiting.has('run live.a #3')).toBe(true);
    expect(t.events.some((e) => e.startsWith(`history live.a ${D1}`))).toBe(false);
    await t.release('run live.a #3');
    expect(t.waiting.has(`history live.a ${D1}`)).toBe(true);

    // During that load live.b is requested: it runs at once, and live.b's own load of the day waits for it.
    cronTick('live.b');
    await ticks();
    expect(t.waiting.has('run live.b #2')).toBe(true);
    await t.release(`history live.a ${D1}`);
    expect(t.events.some((e) => e.startsWith(`history live.b ${D1}`))).toBe(false);
    await t.release('run live.b #2');

    // With live work idle, the back-fill goes on to its end.
    for (const label of [`history live.b ${D1}`, `history prepare ${D2}`, `history live.a ${D2}`, `history live.b ${D2}`])
      await t.release(label);
    for (let i = 0; i < 50 && t.rt.jobs.history.state === 'running'; i++) await ticks(1);
    expect(t.rt.jobs.history).toMatchObject({ state: 'done', daysDone: 2, oldestDay: D2 });
    assertNoStepStartsDuringLive(t.events);
    // Every live run requested during the back-fill ran during it, not after it.
    const historyEnd = t.events.lastIndexOf(`history live.b ${D2} end`);
    expect(t.events.indexOf('run live.b #2 end')).toBeLessThan(historyEnd);
    expect(t.events.indexOf('run live.a #3 end')).toBeLessThan(historyEnd);
  });
});

describe('loadHistory yieldToLive', () => {
  it('waits before each step, and starts none once stopped while it waited', async () => {
    const t = steps();
    let yields = 0;
    let stopped = false;
    const live = deferred();
    const status: HistoryStatus = { state: 'off', daysTotal: 0, daysDone: 0, oldestDay: null };
    const done = loadHistory(
      { ch: { insert: async () => undefined, query: async () => [] } as unknown as ClickHouse },
      {
        liveSince: async () => parseLocal('2026-11-23 00:00:00', TZ),
        systems: [{ name: 'sys', sources: [], prepareDay: (day) => t.step(`history prepare ${day}`) }],
      },
      [],
      {
        days: 2,
        tz: TZ,
        status,
        stopped: () => stopped,
        yieldToLive: async () => {
          if (++yields === 2) await live.promise;
        },
      },
    );
    await t.release(`history prepare ${D1}`);
    await ticks();
    // The next step (the day's own or the day written ahead) is waiting for live work.
    expect(yields).toBeGreaterThanOrEqual(2);
    expect(t.events.some((e) => e.startsWith(`history prepare ${D2}`))).toBe(false);
    stopped = true;
    live.resolve();
    await done;
    expect(t.events).toEqual([`history prepare ${D1} start`, `history prepare ${D1} end`]);
    expect(status).toMatchObject({ daysDone: 1, oldestDay: D1 });
  });
});

describe('SerialRunner.idle', () => {
  it('resolves once none of the names is running or has a follow-up requested; other names do not count', async () => {
    const runner = new SerialRunner(() => undefined);
    const gateA = deferred();
    const gateB = deferred();
    const order: string[] = [];
    const a = (label: string) => async () => {
      order.push(label);
      if (label === 'a1') await gateA.promise;
      return '';
    };
    void runner.run('a', a('a1'));
    void runner.run('a', a('a2'));
    void runner.run('other', async () => (await gateB.promise, ''));
    let idle = false;
    const waiting = runner.idle(['a']).then(() => (idle = true));
    await ticks();
    expect(idle).toBe(false);
    gateA.resolve();
    await waiting;
    // The follow-up ran before idle resolved; 'other' is still busy and did not hold it up.
    expect(order).toEqual(['a1', 'a2']);
    let all = false;
    const everything = runner.idle().then(() => (all = true));
    await ticks();
    expect(all).toBe(false);
    gateB.resolve();
    await everything;
    // Nothing running: at once.
    await runner.idle(['a', 'other']);
  });

  it('does not wait for a follow-up that will never run once stopped', async () => {
    const runner = new SerialRunner(() => undefined);
    const gate = deferred();
    void runner.run('a', async () => (await gate.promise, ''));
    void runner.run('a', async () => '');
    runner.stopped = true;
    const waiting = runner.idle(['a']);
    gate.resolve();
    await waiting;
  });
});
