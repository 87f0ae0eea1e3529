import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { parseLocal } from '@/core/time';
import { CITIES } from '@/core/org/divisions';
import type { EtlJob } from '@/etl/runtime/job';
import { clearWatermark } from '@/etl/runtime/watermark';
import { planBillingMonth } from '@/etl/simulator/billing-plan';
import { BillingSimulator } from '@/etl/simulator/billing-source';
import { localDays, outageNotices, planOutageDay } from '@/etl/simulator/outage-plan';
import { OutageSimulator } from '@/etl/simulator/outage-source';
import { startWorkOrderApi, type WorkOrderApi } from '@/etl/simulator/workorder-api';
import { billingJobs } from '@/etl/sources/billing/jobs';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { outageJobs } from '@/etl/sources/outage/jobs';
import { workOrderJobs } from '@/etl/sources/workorder/jobs';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { planHallDay } from '@/etl/simulator/hall-queue-day';
import { allHalls } from '@/etl/simulator/halls';
import type { ClickHouse } from '@/core/clickhouse/client';
import { loadHistory, type HistoryStatus } from '@/etl/simulator/history';
import type { SimulatorHistory } from '@/etl/simulator/start';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
let ch: ClickHouse;
let url: string;
let rt: { ch: ClickHouse };
let sim: HallQueueSimulator;
const prepared: string[] = [];

beforeAll(async () => {
  ch = await testClickHouse();
  url = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'hist-')), 'hall-queue.db')}`;
  sim = new HallQueueSimulator(openSqlite(url), { seed: 5, tz: TZ, faultRate: 0 });
  await sim.init();
  rt = { ch };
});
afterAll(() => dropTestClickHouse(ch));

// Live since Monday 2026-11-23: the history is the weekend before it (lighter days keep the test quick).
const history = (): SimulatorHistory => ({
  liveSince: async () => parseLocal('2026-11-23 00:00:00', TZ),
  systems: [
    {
      name: 'hall-queue',
      sources: ['hall-queue.tickets'],
      prepareDay: async (ymd) => {
        prepared.push(ymd);
        await sim.writeHistoryDay(ymd);
      },
    },
  ],
});
const status = (): HistoryStatus => ({ state: 'off', daysTotal: 0, daysDone: 0, oldestDay: null });
const ticketsByDay = async () =>
  ch.query(
    't.days',
    "SELECT toString(toDate(issued_at, 'Asia/Shanghai')) AS day, count() AS n FROM fact_queue_ticket FINAL GROUP BY day ORDER BY day",
    {},
    z.object({ day: z.string(), n: z.coerce.number() }),
  );

describe('history back-fill', () => {
  it('writes the days before the live start into the source and loads them through the ETL, newest first', async () => {
    const jobs = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
    const s = status();
    await loadHistory(rt, history(), jobs, { days: 2, tz: TZ, status: s, stopped: () => false });
    expect(s).toMatchObject({ state: 'done', daysTotal: 2, daysDone: 2, oldestDay: '2026-11-21' });
    expect(prepared).toEqual(['2026-11-22', '2026-11-21']);

    const db = openSqlite(url);
    const inSource = (
      await db.execute('SELECT substr(take_time, 1, 10) AS day, count(*) AS n FROM q_ticket GROUP BY day ORDER BY day')
    ).rows.map((r) => ({
      day: String(r[0]),
      n: Number(r[1]),
    }));
    db.close();
    expect(inSource.map((d) => d.day)).toEqual(['2026-11-21', '2026-11-22']);
    expect(await ticketsByDay()).toEqual(inSource);
  });

  it('resumes after a restart without redoing loaded days, and extends when more days are asked for', async () => {
    prepared.length = 0;
    const jobs = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
    const s = status();
    await loadHistory(rt, history(), jobs, { days: 2, tz: TZ, status: s, stopped: () => false });
    expect(s).toMatchObject({ state: 'done', daysDone: 2 });
    expect(prepared).toEqual([]);
    await loadHistory(rt, history(), jobs, { days: 3, tz: TZ, status: s, stopped: () => false });
    expect(prepared).toEqual(['2026-11-20']);
    expect((await ticketsByDay()).map((d) => d.day)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
  });
});

describe('history in bulk (export files)', () => {
  it("loads a day's export file through the source's bulk path, never writing the day into the source", async () => {
    const own = await ownRuntime();
    const dir = mkdtempSync(path.join(tmpdir(), 'hist-export-'));
    const dbUrl = `file:${path.join(dir, 'hall-queue.db')}`;
    const queue = new HallQueueSimulator(openSqlite(dbUrl), { seed: 9, tz: TZ, faultRate: 0 });
    await queue.init();
    const written: string[] = [];
    const seen: string[] = [];
    const jobs = hallQueueJobs({ connection: { dialect: 'sqlite', url: dbUrl }, tz: TZ });
    const tickets = jobs.find((j) => j.source === 'hall-queue.tickets')!;
    const load = tickets.loadExport!.bind(tickets);
    tickets.loadExport = async (ctx, files) => {
      // The files are there while they load, whole (no .part left).
      for (const f of files) seen.push(`${path.basename(f)} ${existsSync(f)} ${existsSync(`${f}.part`)}`);
      return load(ctx, files);
    };
    try {
      const s = status();
      await loadHistory(
        own,
        {
          liveSince: async () => parseLocal('2026-11-23 00:00:00', TZ),
          systems: [
            {
              name: 'hall-queue',
              sources: ['hall-queue.tickets'],
              prepareDay: async (ymd) => void written.push(ymd),
              purgeDay: async (ymd) => void written.push(`purge ${ymd}`),
              exportDay: async (ymd) => ({ 'hall-queue.tickets': [await queue.exportHistoryDay(ymd, path.join(dir, 'export'))] }),
            },
          ],
        },
        jobs,
        { days: 2, tz: TZ, status: s, stopped: () => false },
      );
      expect(s).toMatchObject({ state: 'done', daysDone: 2, oldestDay: '2026-11-21' });
      expect(written).toEqual([]);
      expect(seen).toEqual(['q_ticket_20261122.csv true false', 'q_ticket_20261121.csv true false']);
      // Loaded, the transfer files are gone; the queue database holds its halls and no ticket.
      expect(readdirSync(path.join(dir, 'export'))).toEqual([]);
      const db = openSqlite(dbUrl);
      expect(Number((await db.execute('SELECT count(*) FROM q_ticket')).rows[0]![0])).toBe(0);
      db.close();
      // Recounted from the simulator's plan of each day, which no loader shares.
      const halls = allHalls(9);
      const planned = ['2026-11-21', '2026-11-22'].map((day) => ({
        day,
        n: halls.reduce((sum, h) => sum + planHallDay(h, day, 9, TZ).length, 0),
      }));
      expect(planned[0]!.n).toBeGreaterThan(1000);
      const loaded = await own.ch.query(
        't.days',
        "SELECT toString(toDate(issued_at, 'Asia/Shanghai')) AS day, count() AS n FROM fact_queue_ticket FINAL GROUP BY day ORDER BY day",
        {},
        z.object({ day: z.string(), n: z.coerce.number() }),
      );
      expect(loaded).toEqual(planned);
      const runs = await own.ch.query(
        't.runs',
        "SELECT job, status, rows_read FROM etl_run WHERE source = 'hall-queue.tickets' ORDER BY started_at",
        {},
        z.object({ job: z.string(), status: z.string(), rows_read: z.coerce.number() }),
      );
      expect(runs).toEqual([
        { job: 'backfill', status: 'ok', rows_read: planned[1]!.n },
        { job: 'backfill', status: 'ok', rows_read: planned[0]!.n },
      ]);
    } finally {
      await dropTestClickHouse(own.ch);
    }
  }, 120_000);

  it('writes into the source system where a source of the system has no export loader', async () => {
    const own = await ownRuntime();
    try {
      const log: string[] = [];
      const job: EtlJob = {
        source: 'fake.src',
        schedule: '0 0 * * * *',
        run: async () => ({ rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' }),
      };
      const system = {
        name: 'fake',
        sources: ['fake.src'],
        prepareDay: async (ymd: string) => void log.push(`write ${ymd}`),
        exportDay: async (ymd: string) => (log.push(`export ${ymd}`), {}),
      };
      const s = status();
      const live = async () => parseLocal('2026-06-10 00:00:00', TZ);
      await loadHistory(own, { liveSince: live, systems: [system] }, [job], { days: 1, tz: TZ, status: s, stopped: () => false });
      expect(log).toEqual(['write 2026-06-09']);
      job.loadExport = async (_ctx, files) => (log.push(`load ${files.join(',')}`), job.run(_ctx));
      await loadHistory(own, { liveSince: live, systems: [system] }, [job], { days: 2, tz: TZ, status: s, stopped: () => false });
      expect(log).toEqual(['write 2026-06-09', 'export 2026-06-08', 'load ']);
      expect(s).toMatchObject({ state: 'done', daysDone: 2 });
    } finally {
      await dropTestClickHouse(own.ch);
    }
  });
});

/** A runtime on a ClickHouse database of its own: history progress keys are per deployment, not per test. */
async function ownRuntime(): Promise<{ ch: ClickHouse }> {
  return { ...rt, ch: await testClickHouse() };
}

describe('history progress per simulated system', () => {
  let rt: { ch: ClickHouse };
  beforeAll(async () => void (rt = await ownRuntime()));
  afterAll(() => dropTestClickHouse(rt.ch));

  it('lets a system added later catch up on the days the others have, without redoing theirs', async () => {
    const calls: string[] = [];
    const system = (name: string) => ({ name, sources: [], prepareDay: async (ymd: string) => void calls.push(`${name} ${ymd}`) });
    const live = async () => parseLocal('2026-06-10 00:00:00', TZ);
    const s = status();
    await loadHistory(rt, { liveSince: live, systems: [system('first')] }, [], { days: 2, tz: TZ, status: s, stopped: () => false });
    expect(calls).toEqual(['first 2026-06-09', 'first 2026-06-08']);
    calls.length = 0;
    await loadHistory(rt, { liveSince: live, systems: [system('first'), system('later')] }, [], {
      days: 3,
      tz: TZ,
      status: s,
      stopped: () => false,
    });
    // Newest first for each system; the first system's day 3 goes beside the later one's catching up.
    expect(calls.filter((c) => c.startsWith('later '))).toEqual(['later 2026-06-09', 'later 2026-06-08', 'later 2026-06-07']);
    expect(calls.filter((c) => c.startsWith('first '))).toEqual(['first 2026-06-07']);
    expect(s).toMatchObject({ state: 'done', daysDone: 3, oldestDay: '2026-06-07' });
  });

  it('lets a system split off another continue from its progress, where a new one starts from the newest day', async () => {
    const own = await ownRuntime();
    try {
      const calls: string[] = [];
      const system = (name: string, splitFrom?: string) => ({
        name,
        sources: [],
        ...(splitFrom ? { splitFrom } : {}),
        prepareDay: async (ymd: string) => void calls.push(`${name} ${ymd}`),
      });
      const live = async () => parseLocal('2026-06-10 00:00:00', TZ);
      const s = status();
      await loadHistory(own, { liveSince: live, systems: [system('queue')] }, [], { days: 2, tz: TZ, status: s, stopped: () => false });
      calls.length = 0;
      await loadHistory(
        own,
        { liveSince: live, systems: [system('queue'), system('calls', 'queue'), system('states', 'calls'), system('new')] },
        [],
        { days: 3, tz: TZ, status: s, stopped: () => false },
      );
      // `calls` had its days loaded as part of `queue`, and `states` (split off `calls`) too: only the third day
      // is new to them. `new` loads all three.
      expect(calls.filter((c) => c.startsWith('calls'))).toEqual(['calls 2026-06-07']);
      expect(calls.filter((c) => c.startsWith('states'))).toEqual(['states 2026-06-07']);
      expect(calls.filter((c) => c.startsWith('new'))).toEqual(['new 2026-06-09', 'new 2026-06-08', 'new 2026-06-07']);
      expect(s).toMatchObject({ state: 'done', daysDone: 3 });
    } finally {
      await dropTestClickHouse(own.ch);
    }
  });
});

describe('writing ahead', () => {
  let rt: { ch: ClickHouse };
  beforeAll(async () => void (rt = await ownRuntime()));
  afterAll(() => dropTestClickHouse(rt.ch));

  it("writes the systems' days side by side, a system's next day never before its own purge of the day before", async () => {
    const log: string[] = [];
    const system = (name: string) => ({
      name,
      sources: [],
      prepareDay: async (ymd: string) => {
        log.push(`${name} write ${ymd}`);
        await new Promise((r) => setImmediate(r));
        log.push(`${name} written ${ymd}`);
      },
      purgeDay: async (ymd: string) => void log.push(`${name} purge ${ymd}`),
    });
    const live = async () => parseLocal('2026-06-10 00:00:00', TZ);
    const s = status();
    const said = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await loadHistory(rt, { liveSince: live, systems: [system('a'), system('b')] }, [], {
      days: 43,
      tz: TZ,
      status: s,
      stopped: () => false,
    });
    const progress = said.mock.calls.map((c) => String(c[0])).filter((l) => l.startsWith('[history] '));
    said.mockRestore();
    expect(s).toMatchObject({ state: 'done', daysDone: 43 });
    // Every tenth day and the last, the progress line says where a day's time went, step by step.
    expect(progress.map((l) => l.split(';')[0])).toEqual(
      ['10', '20', '30', '40', '43'].map(
        (n, i) => `[history] ${n}/43 days loaded, back to ${['2026-05-31', '2026-05-21', '2026-05-11', '2026-05-01', '2026-04-28'][i]}`,
      ),
    );
    for (const line of progress) {
      expect(line).toMatch(/; \d+\.\d s a day, of which /);
      for (const step of ['a write', 'b write']) expect(line).toMatch(new RegExp(`${step} \\d+\\.\\d s`));
    }
    // Purges begin past the 40 days a source keeps: the three oldest days, each once per system.
    for (const name of ['a', 'b'])
      expect(log.filter((e) => e.startsWith(`${name} purge `))).toEqual(
        ['2026-04-30', '2026-04-29', '2026-04-28'].map((d) => `${name} purge ${d}`),
      );
    for (const step of ['a purge', 'b purge']) expect(progress[4]).toMatch(new RegExp(`${step} \\d+\\.\\d s`));
    const at = (entry: string) => {
      const i = log.indexOf(entry);
      expect(i, entry).toBeGreaterThanOrEqual(0);
      return i;
    };
    // The systems' days go side by side: b's first day is being written before a's is done.
    expect(at('b write 2026-06-09')).toBeLessThan(at('a written 2026-06-09'));
    // Past the 40 days a source keeps, each day is purged once loaded, and the next day is written only after.
    for (const name of ['a', 'b']) {
      expect(at(`${name} purge 2026-04-29`)).toBeLessThan(at(`${name} write 2026-04-28`));
      expect(at(`${name} purge 2026-04-28`)).toBeGreaterThan(at(`${name} written 2026-04-28`));
    }
    // Every day written exactly once per system.
    for (const name of ['a', 'b']) expect(log.filter((e) => e.startsWith(`${name} write `))).toHaveLength(43);
  });
});

describe('a system ahead of the others', () => {
  let rt: { ch: ClickHouse };
  beforeAll(async () => void (rt = await ownRuntime()));
  afterAll(() => dropTestClickHouse(rt.ch));

  it('goes on with its next days while a slower system is still on its day, up to three days ahead', async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const system = (name: string, slow = false) => ({
      name,
      sources: [],
      prepareDay: async (ymd: string) => {
        if (slow && ymd === '2026-06-09') await gate;
        log.push(`${name} ${ymd}`);
      },
    });
    const s = status();
    const said = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const live = async () => parseLocal('2026-06-10 00:00:00', TZ);
    const done = loadHistory(rt, { liveSince: live, systems: [system('slow', true), system('fast')] }, [], {
      days: 8,
      tz: TZ,
      status: s,
      stopped: () => false,
    });
    const fast = () => log.filter((e) => e.startsWith('fast '));
    // Three days loaded and the next one written ahead, then it waits for the slow system's first day.
    await vi.waitFor(() => expect(fast()).toHaveLength(4), { timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(fast()).toEqual(['fast 2026-06-09', 'fast 2026-06-08', 'fast 2026-06-07', 'fast 2026-06-06']);
    expect(s).toMatchObject({ state: 'running', daysDone: 0, oldestDay: null });
    release();
    await done;
    said.mockRestore();
    expect(s).toMatchObject({ state: 'done', daysDone: 8, oldestDay: '2026-06-02' });
    for (const name of ['slow', 'fast']) expect(log.filter((e) => e.startsWith(`${name} `))).toHaveLength(8);
  });
});

describe('systems side by side', () => {
  let rt: { ch: ClickHouse };
  beforeAll(async () => void (rt = await ownRuntime()));
  afterAll(() => dropTestClickHouse(rt.ch));

  it("loads each system's day on that system's own engine lane, while the other systems load theirs", async () => {
    const lanes = new Map(['a', 'b'].map((name) => [name, rt.ch.lane()]));
    const EMPTY = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };
    const used: string[] = [];
    // a's load of a day ends only once b's load of the same day has begun: one after the other, it never would.
    const begun = new Map<string, () => void>();
    const started = (day: string) => new Promise<void>((resolve) => begun.set(day, resolve));
    const bStarted = new Map<string, Promise<void>>();
    const job = (system: 'a' | 'b'): EtlJob => ({
      source: `${system}.facts`,
      schedule: '* * * * *',
      run: async () => EMPTY,
      backfill: async (ctx, range) => {
        const day = new Date(range.from).toISOString();
        used.push(`${system} ${ctx.ch === lanes.get(system) ? 'own lane' : 'other'}`);
        if (system === 'b') begun.get(day)?.();
        else await bStarted.get(day);
        return EMPTY;
      },
    });
    const live = parseLocal('2026-06-10 00:00:00', TZ);
    for (let i = 1; i <= 2; i++) {
      const day = new Date(parseLocal(`2026-06-${String(10 - i).padStart(2, '0')} 00:00:00`, TZ)!).toISOString();
      bStarted.set(day, started(day));
    }
    const s = status();
    await loadHistory(
      rt,
      {
        liveSince: async () => live,
        systems: [
          { name: 'a', sources: ['a.facts'] },
          { name: 'b', sources: ['b.facts'] },
        ],
      },
      [job('a'), job('b')],
      { days: 2, tz: TZ, status: s, stopped: () => false, laneFor: (name) => lanes.get(name)! },
    );
    expect(s).toMatchObject({ state: 'done', daysDone: 2 });
    expect(used.sort()).toEqual(['a own lane', 'a own lane', 'b own lane', 'b own lane']);
  });
});

describe('sources side by side', () => {
  // A runtime of its own: the first system's progress key is shared, and the test above leaves its days done.
  let rt: { ch: ClickHouse };
  beforeAll(async () => void (rt = await ownRuntime()));
  afterAll(() => dropTestClickHouse(rt.ch));

  it("loads a system's sources of a day side by side, each on a lane of its own, where it says so; the others in order", async () => {
    const lanes = new Map<string, ClickHouse>();
    const laneFor = (name: string) => {
      let lane = lanes.get(name);
      if (!lane) lanes.set(name, (lane = rt.ch.lane()));
      return lane;
    };
    const EMPTY = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };
    const log: string[] = [];
    // p.one's load of a day ends only once p.two's has begun, and r.x's once r.y's has: one after the other,
    // they never would.
    const gates = new Map<string, { begun: Promise<void>; begin: () => void }>();
    const gate = (key: string) => {
      let g = gates.get(key);
      if (!g) {
        let begin!: () => void;
        const begun = new Promise<void>((r) => (begin = r));
        gates.set(key, (g = { begun, begin }));
      }
      return g;
    };
    const waitsFor: Record<string, string> = { 'p.one': 'p.two', 'r.x': 'r.y' };
    const job = (source: string, lane: string): EtlJob => ({
      source,
      schedule: '* * * * *',
      run: async () => EMPTY,
      backfill: async (ctx, range) => {
        const day = new Date(range.from).toISOString();
        log.push(`${source} begins on ${ctx.ch === lanes.get(lane) ? lane : 'another lane'}`);
        gate(`${source} ${day}`).begin();
        const other = waitsFor[source];
        if (other) await gate(`${other} ${day}`).begun;
        log.push(`${source} ends`);
        return EMPTY;
      },
    });
    const s = status();
    await loadHistory(
      rt,
      {
        liveSince: async () => parseLocal('2026-06-10 00:00:00', TZ),
        systems: [
          { name: 'p', sources: ['p.one', 'p.two'], sourcesSideBySide: 'all' },
          { name: 'q', sources: ['q.one', 'q.two'] },
          { name: 'r', sources: ['r.master', 'r.x', 'r.y'], sourcesSideBySide: 'after-first' },
        ],
      },
      [
        job('p.one', 'p'),
        job('p.two', 'p:p.two'),
        job('q.one', 'q'),
        job('q.two', 'q'),
        job('r.master', 'r'),
        job('r.x', 'r:r.x'),
        job('r.y', 'r:r.y'),
      ],
      { days: 2, tz: TZ, status: s, stopped: () => false, laneFor },
    );
    expect(s).toMatchObject({ state: 'done', daysDone: 2 });
    const of = (prefix: string) => log.filter((l) => l.startsWith(prefix));
    // Each of p's sources on its own lane (p's first on p's), both days.
    expect(of('p.one begins')).toEqual(['p.one begins on p', 'p.one begins on p']);
    expect(of('p.two begins')).toEqual(['p.two begins on p:p.two', 'p.two begins on p:p.two']);
    // q's in order, on q's lane: q.two begins only after q.one ended.
    const q = of('q.');
    expect(q).toEqual([
      'q.one begins on q',
      'q.one ends',
      'q.two begins on q',
      'q.two ends',
      'q.one begins on q',
      'q.one ends',
      'q.two begins on q',
      'q.two ends',
    ]);
    // r's master first, on r's lane; then r.x and r.y side by side, each on its own.
    const r = of('r.');
    for (const day of [0, 1]) {
      const d = r.slice(day * 6, day * 6 + 6);
      expect(d.slice(0, 2)).toEqual(['r.master begins on r', 'r.master ends']);
      expect(d.slice(2).sort()).toEqual(['r.x begins on r:r.x', 'r.x ends', 'r.y begins on r:r.y', 'r.y ends']);
    }
  });
});

describe('a history day that was not loaded', () => {
  let rt: { ch: ClickHouse };
  beforeAll(async () => void (rt = await ownRuntime()));
  afterAll(() => dropTestClickHouse(rt.ch));

  it('is not recorded as loaded: the back-fill fails with the reason and the next start loads it', async () => {
    const live = async () => parseLocal('2026-06-10 00:00:00', TZ);
    const prepared: string[] = [];
    let waiting: string | null = '缴费流水_20260609_history.csv still waiting';
    const system = {
      name: 'billing',
      sources: [],
      prepareDay: async (ymd: string) => void prepared.push(ymd),
      verifyDay: async () => waiting,
    };
    const s = status();
    await loadHistory(rt, { liveSince: live, systems: [system] }, [], { days: 2, tz: TZ, status: s, stopped: () => false });
    expect(s).toMatchObject({ state: 'failed', daysDone: 0, oldestDay: null });
    expect(s.error).toContain('缴费流水_20260609_history.csv');

    waiting = null;
    await loadHistory(rt, { liveSince: live, systems: [system] }, [], { days: 2, tz: TZ, status: s, stopped: () => false });
    expect(prepared).toEqual(['2026-06-09', '2026-06-09', '2026-06-08']);
    expect(s).toMatchObject({ state: 'done', daysDone: 2, oldestDay: '2026-06-08' });
  });
});

describe('history of the outage system, the billing exports and the work orders', () => {
  // The simulators started live at NOW: billing's first exports begin at its previous run (2026-10-05 02:00),
  // the outage system's at the start of the day before (2026-11-22). The history asked for here lies before
  // both: the three days before 2026-09-07, the billing run of 2026-09-05 among them.
  const NOW = parseLocal('2026-11-23 10:00:00', TZ)!;
  const FROM = parseLocal('2026-09-04 00:00:00', TZ)!;
  const TO = parseLocal('2026-09-07 00:00:00', TZ)!;
  const SEED = 11;
  const COUNTIES = CITIES.find((c) => c.name === '昆明市')!.counties.map((c) => c.code);
  const CUSTOMERS = 300;
  let rt: { ch: ClickHouse };
  let ch: ClickHouse;
  let dir: string;
  let outage: OutageSimulator;
  let billing: BillingSimulator;
  let api: WorkOrderApi;
  let jobs: EtlJob[];
  let systems: SimulatorHistory;
  // The wrapper refuses a value its query does not use: bind only the bounds the query names.
  const n = async (sql: string) => {
    const params = Object.fromEntries(Object.entries({ from: FROM, to: TO }).filter(([k]) => sql.includes(`{${k}:`)));
    return (await ch.query('t.n', sql, params, z.object({ n: z.coerce.number() })))[0]!.n;
  };
  const inRange = (column: string) =>
    `${column} >= fromUnixTimestamp64Milli(toInt64({from:UInt64})) AND ${column} < fromUnixTimestamp64Milli(toInt64({to:UInt64}))`;
  const counts = async () => ({
    outages: await n('SELECT count() AS n FROM fact_outage FINAL'),
    customers: await n('SELECT count() AS n FROM fact_outage_customer FINAL'),
    notices: await n('SELECT count() AS n FROM fact_notice FINAL'),
    reports: await n('SELECT count() AS n FROM fact_sms_report FINAL'),
    bills: await n('SELECT count() AS n FROM fact_bill FINAL'),
    payments: await n('SELECT count() AS n FROM fact_payment FINAL'),
    dunning: await n('SELECT count() AS n FROM fact_dunning FINAL'),
    orders: await n('SELECT count() AS n FROM fact_work_order FINAL'),
  });

  beforeAll(async () => {
    rt = await ownRuntime();
    ch = rt.ch;
    dir = mkdtempSync(path.join(tmpdir(), 'hist-all-'));
    const sms = { dir: path.join(dir, 'sms'), archiveDir: path.join(dir, 'sms-archive'), rejectedDir: path.join(dir, 'sms-rejected') };
    const outageUrl = `file:${path.join(dir, 'outage.db')}`;
    outage = new OutageSimulator(openSqlite(outageUrl), { seed: SEED, tz: TZ, smsReportDir: sms.dir, countyCodes: COUNTIES });
    await outage.init();
    await outage.advanceTo(NOW);
    const drop = {
      dir: path.join(dir, 'billing'),
      archiveDir: path.join(dir, 'billing-archive'),
      rejectedDir: path.join(dir, 'billing-rejected'),
    };
    billing = new BillingSimulator({
      seed: SEED,
      tz: TZ,
      customers: CUSTOMERS,
      dropDir: drop.dir,
      stateFile: path.join(dir, 'billing.json'),
    });
    await billing.init();
    await billing.advanceTo(NOW);
    api = await startWorkOrderApi({ seed: SEED, tz: TZ, now: () => NOW });
    jobs = [
      ...outageJobs({
        connection: { dialect: 'sqlite', url: outageUrl },
        tz: TZ,
        smsReports: { ...sms, extensions: ['.csv'], encoding: 'auto' },
      }),
      ...billingJobs({ folder: drop, tz: TZ }),
      ...workOrderJobs({ http: { baseUrl: api.url }, tz: TZ }),
    ];
    systems = {
      liveSince: async () => TO,
      systems: [
        { name: 'workorder', sources: ['workorder.orders'] },
        {
          name: 'outage',
          sources: ['outage.events', 'outage.customers', 'outage.notices', 'outage.sms-reports'],
          prepareDay: async (ymd) => void (await outage.writeHistoryDay(ymd)),
        },
        {
          name: 'billing',
          sources: ['billing.customers', 'billing.bills', 'billing.payments', 'billing.dunning', 'billing.reconnections'],
          prepareDay: async (ymd) => void (await billing.writeHistoryDay(ymd)),
        },
      ],
    };
    const s = status();
    await loadHistory(rt, systems, jobs, { days: 3, tz: TZ, status: s, stopped: () => false });
    expect(s).toMatchObject({ state: 'done', daysDone: 3, oldestDay: '2026-09-04' });
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await dropTestClickHouse(ch);
  });

  it('loads the outages whose records last changed on those days, down to the oldest, with customers, notices and reports', async () => {
    // From the plan, independently of the simulator's bookkeeping: outages whose last change (restoration,
    // notice, delivery report) falls in the three days; their own row carries their restoration time.
    const expected = localDays(FROM - 3 * 86_400_000, TO - 1, TZ)
      .flatMap((d) => COUNTIES.flatMap((c) => planOutageDay(c, d, SEED, TZ)))
      .filter((o) => {
        const last = Math.max(o.actualEnd, ...outageNotices(o, SEED).flatMap((x) => [x.sentAt, x.sms?.reportAt ?? 0]));
        return last >= FROM && last < TO && o.actualEnd >= FROM;
      });
    const loaded = await ch.query(
      't.outages',
      'SELECT outage_id, toUnixTimestamp64Milli(actual_end) AS end FROM fact_outage FINAL ORDER BY outage_id',
      {},
      z.object({ outage_id: z.string(), end: z.coerce.number() }),
    );
    expect(loaded.map((o) => o.outage_id)).toEqual(expected.map((o) => o.outageId).sort());
    expect(loaded.some((o) => o.end < FROM + 86_400_000)).toBe(true);
    expect(await n(`SELECT count() AS n FROM fact_notice FINAL WHERE ${inRange('sent_at')}`)).toBeGreaterThan(0);
    expect(await n(`SELECT count() AS n FROM fact_outage_customer FINAL`)).toBeGreaterThan(0);
    expect(
      await n(
        `SELECT count() AS n FROM fact_sms_report FINAL WHERE reported_at < fromUnixTimestamp64Milli(toInt64({from:UInt64}) + 86400000)`,
      ),
    ).toBeGreaterThan(0);
  });

  it('loads every customer bill of the billing run on those days and every payment made on them', async () => {
    expect(await n("SELECT count() AS n FROM fact_bill FINAL WHERE bill_month = '2026-08-01'")).toBe(CUSTOMERS);
    const opts = { seed: SEED, tz: TZ, customers: CUSTOMERS };
    const months = ['2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08'];
    const planned = months
      .flatMap((m) => planBillingMonth(opts, m).flatMap((b) => b.payments))
      .filter((p) => p.paidAt >= FROM && p.paidAt < TO);
    expect(planned.length).toBeGreaterThan(0);
    expect(await n(`SELECT count() AS n FROM fact_payment FINAL WHERE ${inRange('paid_at')}`)).toBe(planned.length);
  });

  it('loads the work orders last changed on those days, down to the oldest', async () => {
    expect(await n(`SELECT count() AS n FROM fact_work_order FINAL WHERE NOT (${inRange('src_updated_at')})`)).toBe(0);
    expect(
      await n(
        `SELECT count() AS n FROM fact_work_order FINAL WHERE src_updated_at < fromUnixTimestamp64Milli(toInt64({from:UInt64}) + 86400000)`,
      ),
    ).toBeGreaterThan(0);
  });

  it('is idempotent: loading the same days again from scratch changes nothing', async () => {
    const before = await counts();
    const keys = await ch.query(
      't.keys',
      "SELECT DISTINCT source FROM etl_watermark WHERE startsWith(source, 'history:') OR startsWith(source, 'backfill:')",
      {},
      z.object({ source: z.string() }),
    );
    for (const k of keys) await clearWatermark(ch, k.source);
    const s = status();
    await loadHistory(rt, systems, jobs, { days: 3, tz: TZ, status: s, stopped: () => false });
    expect(s).toMatchObject({ state: 'done', daysDone: 3 });
    expect(await counts()).toEqual(before);
  }, 120_000);

  it("loads the outage system's days from its export files as it loads them from its database", async () => {
    const other = await ownRuntime();
    try {
      const exportDir = mkdtempSync(path.join(tmpdir(), 'hist-outage-export-'));
      const viaExport: SimulatorHistory = {
        liveSince: async () => TO,
        systems: [
          {
            name: 'outage',
            sources: ['outage.events', 'outage.customers', 'outage.notices', 'outage.sms-reports'],
            prepareDay: async () => {
              throw new Error('the days must come as export files, not into the database');
            },
            exportDay: (ymd) => outage.exportHistoryDay(ymd, exportDir),
          },
        ],
      };
      const s = status();
      await loadHistory(other, viaExport, jobs, { days: 3, tz: TZ, status: s, stopped: () => false });
      expect(s).toMatchObject({ state: 'done', daysDone: 3, oldestDay: '2026-09-04' });
      const rows = (c: ClickHouse, sql: string, params: Record<string, unknown> = {}) =>
        c.query('t.rows', sql, params, z.record(z.string(), z.unknown()));
      // A day's export holds every record of the outages last changed that day; the database path takes a
      // day's records by their own last update, so an outage's customers (updated when it was created, up
      // to two weeks before) come with the day they were created. Within the three days the two agree, record
      // for record; the export's others are the same outages' earlier records, which the database path takes
      // with their own (older) days.
      const ids = (await rows(other.ch, 'SELECT DISTINCT outage_id FROM fact_outage FINAL')).map((r) => String(r.outage_id));
      expect(ids.length).toBeGreaterThan(5);
      const window =
        'src_updated_at >= fromUnixTimestamp64Milli(toInt64({from:UInt64})) AND src_updated_at < fromUnixTimestamp64Milli(toInt64({to:UInt64}))';
      for (const table of ['fact_outage', 'fact_outage_customer', 'fact_notice']) {
        const sql = `SELECT * EXCEPT loaded_at FROM ${table} FINAL WHERE ${window} AND outage_id IN {ids:Array(String)} ORDER BY ALL`;
        const params = { from: FROM, to: TO, ids };
        const [a, b] = [await rows(ch, sql, params), await rows(other.ch, sql, params)];
        expect(a.length, table).toBeGreaterThan(0);
        expect(b.length, table).toBe(a.length);
        expect(b, table).toEqual(a);
        const strays = `SELECT count() AS n FROM ${table} FINAL WHERE outage_id NOT IN {ids:Array(String)}`;
        expect(Number((await rows(other.ch, strays, { ids }))[0]!.n), table).toBe(0);
      }
      // The database path's drop folder also held the live side's report files: compare the history's.
      const day = String.raw`^sms_report_\d{8}_history\.csv`;
      const reports = `SELECT * EXCEPT loaded_at FROM fact_sms_report FINAL WHERE match(file_name, {day:String}) ORDER BY ALL`;
      const [ra, rb] = [await rows(ch, reports, { day }), await rows(other.ch, reports, { day })];
      expect(ra.length).toBeGreaterThan(0);
      expect(rb).toEqual(ra);
      const quarantine = `SELECT record_key, reason, raw FROM etl_quarantine FINAL
        WHERE source = 'outage.sms-reports' AND match(reason, {day:String}) ORDER BY ALL`;
      expect(await rows(other.ch, quarantine, { day })).toEqual(await rows(ch, quarantine, { day }));
      // Loaded, the transfer files are gone.
      expect(readdirSync(exportDir)).toEqual([]);
    } finally {
      await dropTestClickHouse(other.ch);
    }
  }, 180_000);
});
