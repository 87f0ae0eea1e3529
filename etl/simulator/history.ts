import { rm } from 'node:fs/promises';
import { formatLocal, parseLocal } from '@/core/time';
import { runBackfill } from '@/etl/runtime/backfill';
import { engineReadsFiles, type EtlJob } from '@/etl/runtime/job';
import { runRecorded, type RunOutcome } from '@/etl/runtime/run-job';
import { readWatermark, writeWatermark } from '@/etl/runtime/watermark';
import type { ClickHouse } from '@/core/clickhouse/client';
import type { SimulatorHistory } from './types';

// After the first start the simulator's past (default 13 months, so year-on-year works) is written into
// its source systems and back-filled through the same ETL jobs, one day at a time, newest first: recent
// weeks are usable soonest and the wall is up long before the history finishes. Each simulated system's
// progress is committed per day under a key of its own, so a restart continues where it stopped, and a
// system whose history came later (an upgrade) catches up without redoing the others.

export interface HistoryStatus {
  state: 'off' | 'running' | 'done' | 'failed';
  daysTotal: number;
  /** Days every system has loaded. */
  daysDone: number;
  /** Oldest local day every system has loaded so far. */
  oldestDay: string | null;
  error?: string;
}

const PROGRESS_PREFIX = 'history:simulator';
/** How many days a system's back-fill may run ahead of the slowest system's. */
const AHEAD = 3;
/** Sources keep this many days of what the history wrote; older rows are purged once loaded. */
const SOURCE_RETENTION_DAYS = 40;

export const shiftDay = (ymd: string, days: number, tz: string) =>
  formatLocal(parseLocal(`${ymd} 12:00:00`, tz)! + days * 86_400_000, tz).slice(0, 10);

/** The etl_watermark key of a system's history progress (the first system's predates the others: no suffix). */
export const historyProgressKey = (system: string, first: boolean) => (first ? PROGRESS_PREFIX : `${PROGRESS_PREFIX}:${system}`);

/** What a system's write of a day left for its loads: export files per source, or nothing (the source holds it). */
interface Written {
  files?: Record<string, string[]>;
}

/**
 * One source's load of one past day: the day's export files in bulk (loadExport) when the system wrote them, a
 * range back-fill where the job has one, else (a file drop) a run over what waits, under `exclusive`.
 */
export function loadHistoryDay(
  ch: ClickHouse,
  job: EtlJob,
  day: string,
  tz: string,
  files: Record<string, string[]> | undefined,
  exclusive: <T>(name: string, fn: () => Promise<T>) => Promise<T> = (_name, fn) => fn(),
): Promise<RunOutcome> {
  if (files) return runRecorded(ch, job.source, 'backfill', (ctx) => job.loadExport!(ctx, files[job.source] ?? []));
  if (job.backfill) return runBackfill(ch, job, { from: day, to: day, tz });
  return exclusive(job.source, () => runRecorded(ch, job.source, 'backfill', (ctx) => job.run(ctx)));
}

export interface HistoryOptions {
  days: number;
  tz: string;
  status: HistoryStatus;
  stopped: () => boolean;
  /**
   * Runs work under a job's name so it never overlaps that job's scheduled runs (the scheduler's runner);
   * needed for file sources, whose history is whatever waits in the drop folder the scheduled job also takes.
   */
  exclusive?: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  /**
   * Awaited before each step (a system's prepareDay, a source's load of a day): resolves when live work is
   * idle (the scheduler: no scheduled ETL run going or requested), so the back-fill never starves live loading.
   * A step already started runs to its end; live runs requested meanwhile start at once and the next step waits.
   */
  yieldToLive?: () => Promise<void>;
  /**
   * The engine for one system's loads. Embedded chDB runs one statement at a time per session: with a lane
   * per system (ClickHouse.lane), the systems' days load side by side instead of one after another.
   * Absent: every system on `rt.ch`.
   */
  laneFor?: (system: string) => ClickHouse;
}

export async function loadHistory(rt: { ch: ClickHouse }, history: SimulatorHistory, jobs: EtlJob[], opts: HistoryOptions): Promise<void> {
  const { status, tz } = opts;
  const liveSince = await history.liveSince();
  if (liveSince === null || opts.days <= 0 || history.systems.length === 0) {
    status.state = 'off';
    return;
  }
  const anchor = formatLocal(liveSince, tz).slice(0, 10);
  const daysBefore = (ymd: string) => Math.round((parseLocal(`${anchor} 12:00:00`, tz)! - parseLocal(`${ymd} 12:00:00`, tz)!) / 86_400_000);
  const exclusive = opts.exclusive ?? (<T>(_name: string, fn: () => Promise<T>) => fn());
  const yieldToLive = opts.yieldToLive ?? (() => Promise.resolve());
  /** Waits for live work to be idle; false when stopped meanwhile (the caller returns, progress so far kept). */
  const mayStep = async () => {
    if (opts.stopped()) return false;
    await yieldToLive();
    return !opts.stopped();
  };
  const keyOf = (name: string) => historyProgressKey(name, history.systems.findIndex((s) => s.name === name) === 0);
  /** A system's own progress, else (split off another) that system's, back along the chain of splits. */
  const progressOf = async (name: string, seen = new Set<string>()): Promise<string | null> => {
    const own = (await readWatermark(rt.ch, keyOf(name)))?.ts;
    if (own) return own;
    const from = history.systems.find((s) => s.name === name)?.splitFrom;
    if (!from || seen.has(from)) return null;
    seen.add(name);
    return progressOf(from, seen);
  };
  const systems = await Promise.all(
    history.systems.map(async (system) => {
      const key = keyOf(system.name);
      const done = await progressOf(system.name);
      const own = system.sources.map((s) => jobs.find((j) => j.source === s)).filter((j): j is EtlJob => j !== undefined);
      return {
        ...system,
        key,
        jobs: own,
        // In bulk where it can be: the day as export files every source loads whole, the engine reading them.
        viaExport: !!system.exportDay && engineReadsFiles(rt.ch) && own.length === system.sources.length && own.every((j) => j.loadExport),
        done: done ? Math.max(0, Math.min(opts.days, daysBefore(done))) : 0,
      };
    }),
  );
  const refresh = () => {
    status.daysDone = Math.min(...systems.map((s) => s.done));
    status.oldestDay = status.daysDone > 0 ? shiftDay(anchor, -status.daysDone, tz) : null;
  };
  status.state = 'running';
  status.daysTotal = opts.days;
  status.error = undefined;
  refresh();
  if (status.daysDone > 0) console.log(`[history] resuming: ${status.daysDone}/${opts.days} days loaded, back to ${status.oldestDay}`);

  // Where a day's time goes, per step, said with the progress line (the back-fill's rate is the product's
  // first-start experience; this is what says which system or source holds it up).
  const spent = new Map<string, number>();
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      spent.set(step, (spent.get(step) ?? 0) + performance.now() - t0);
    }
  };
  let saidAt = performance.now();
  const sayProgress = (i: number, day: string, days: number) => {
    const wall = (performance.now() - saidAt) / days / 1000;
    saidAt = performance.now();
    const per = [...spent]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([step, ms]) => `${step} ${(ms / days / 1000).toFixed(1)} s`)
      .join(', ');
    console.log(`[history] ${i}/${opts.days} days loaded, back to ${day}; ${wall.toFixed(1)} s a day, of which ${per}`);
    spent.clear();
  };

  const lanes = new Map(systems.map((system) => [system.name, opts.laneFor?.(system.name) ?? rt.ch]));
  /** A source's lane: its system's, or (sourcesSideBySide, after the first) one of its own. */
  const laneOf = (system: (typeof systems)[number], job: EtlJob, i: number) =>
    system.sourcesSideBySide && i > 0 ? (opts.laneFor?.(`${system.name}:${job.source}`) ?? rt.ch) : lanes.get(system.name)!;

  // A system's next day is written while the other systems' days load: the simulator runs in its own process
  // (in-worker.ts), so writing and loading use both cores. One write per system in flight, and only after that
  // system's previous day is loaded and purged, so a purge never meets a day not yet loaded.
  const prepared = new Map<string, { day: string; written: Promise<Written | false> }>();
  /** Writes the day into the source system, or as export files (viaExport). */
  const write = async (system: (typeof systems)[number], day: string): Promise<Written> =>
    system.viaExport ? { files: await system.exportDay!(day) } : (await system.prepareDay?.(day), {});
  /** Writes the day (or waits for the write ahead); false when stopped meanwhile. */
  const prepare = async (system: (typeof systems)[number], day: string): Promise<Written | false> => {
    const ahead = prepared.get(system.name);
    prepared.delete(system.name);
    const done = ahead?.day === day ? await ahead.written : false;
    if (done) return done;
    if (opts.stopped()) return false;
    return write(system, day);
  };
  const prepareAhead = (system: (typeof systems)[number], day: string) => {
    if (!system.prepareDay && !system.viaExport) return;
    // Live first here too: the write waits while a scheduled run is going or requested.
    const written = mayStep().then(async (go) => (go ? write(system, day) : false));
    // Awaited when its day comes; a failure then stops the back-fill as a direct call's would.
    written.catch(() => undefined);
    prepared.set(system.name, { day, written });
  };

  /** One system's day: written (or waited for), loaded, checked, purged, recorded. False when stopped. */
  const loadSystemDay = async (system: (typeof systems)[number], i: number, day: string): Promise<boolean> => {
    const ch = lanes.get(system.name)!;
    if (!(await mayStep())) return false;
    const written = await timed(`${system.name} write`, () => prepare(system, day));
    if (!written) return false;
    /** One source's load of the day; false when stopped before it started. */
    const loadSource = async (job: EtlJob, i: number): Promise<boolean> => {
      if (!(await mayStep())) return false;
      const r = await timed(job.source, () => loadHistoryDay(laneOf(system, job, i), job, day, tz, written.files, exclusive));
      if (r.status === 'failed') throw new Error(`${job.source} ${day}: ${r.error}`);
      return true;
    };
    const together = system.sourcesSideBySide === 'all' ? 0 : system.sourcesSideBySide === 'after-first' ? 1 : system.jobs.length;
    for (const [i, job] of system.jobs.slice(0, together).entries()) if (!(await loadSource(job, i))) return false;
    if (together < system.jobs.length) {
      // Side by side, each on its lane; every load ends before a failure is said (none is left running).
      const outcomes = await Promise.allSettled(system.jobs.slice(together).map((job, i) => loadSource(job, together + i)));
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
      if (outcomes.some((o) => o.status === 'fulfilled' && !o.value)) return false;
    }
    if (written.files) {
      // Loaded: the transfer files go (a stopped run leaves them to be written again when the day comes). The
      // day never entered the source system, so there is nothing to purge.
      await Promise.all(Object.values(written.files).flatMap((files) => files.map((f) => rm(f, { force: true }))));
    } else {
      // Recorded only when the day is in: a run can succeed without taking what prepareDay wrote.
      const missing = await system.verifyDay?.(day);
      if (missing) throw new Error(`${system.name} ${day}: ${missing}`);
      if (i > SOURCE_RETENTION_DAYS) await timed(`${system.name} purge`, async () => system.purgeDay?.(day));
    }
    await writeWatermark(ch, system.key, { ts: day, id: '' });
    system.done = i;
    if (i < opts.days) prepareAhead(system, shiftDay(anchor, -(i + 1), tz));
    return true;
  };

  try {
    // Each system goes back day by day on its lane, at most AHEAD days before the slowest: its recent weeks are
    // usable soonest, and a lane whose day was short starts its next one instead of waiting for the longest.
    // A failure or a stop ends every system's step in progress before it is said.
    let said = status.daysDone;
    let halt: 'stopped' | 'failed' | null = null;
    let woken: (() => void)[] = [];
    const wake = () => {
      const w = woken;
      woken = [];
      for (const f of w) f();
    };
    const slowest = () => Math.min(...systems.map((s) => s.done));
    const run = async (system: (typeof systems)[number]) => {
      try {
        while (system.done < opts.days && !halt) {
          if (system.done >= slowest() + AHEAD) {
            await new Promise<void>((r) => woken.push(r));
            continue;
          }
          const i = system.done + 1;
          if (!(await loadSystemDay(system, i, shiftDay(anchor, -i, tz)))) halt ??= 'stopped';
          else {
            refresh();
            // Said every ten days every system has (the slowest moves one day at a time), and at the end.
            const mark = status.daysDone === opts.days ? opts.days : status.daysDone - (status.daysDone % 10);
            if (mark > said) {
              sayProgress(mark, shiftDay(anchor, -mark, tz), mark - said);
              said = mark;
            }
          }
          wake();
        }
      } catch (err) {
        halt = 'failed';
        wake();
        throw err;
      }
    };
    const outcomes = await Promise.allSettled(systems.map(run));
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    if (halt) return;
    status.state = 'done';
  } catch (err) {
    status.state = 'failed';
    status.error = err instanceof Error ? err.message : String(err);
    console.error(`[history] stopped: ${status.error} (continues from ${status.oldestDay ?? anchor} on the next start)`);
  }
}
