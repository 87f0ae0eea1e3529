import { formatLocal, parseLocal } from '@/etl/lib/time';
import { runBackfill } from '@/etl/runtime/backfill';
import type { EtlJob } from '@/etl/runtime/job';
import { readWatermark, writeWatermark } from '@/etl/runtime/watermark';
import type { Runtime } from '../runtime';
import type { SimulatorHistory } from './registry';

// After the first start the simulator's past (default 13 months, so year-on-year works) is written into
// its source systems and back-filled through the same ETL jobs, one day at a time, newest first: recent
// weeks are usable soonest and the wall is up long before the history finishes. Progress is committed per
// day, so a restart continues where it stopped.

export interface HistoryStatus {
  state: 'off' | 'running' | 'done' | 'failed';
  daysTotal: number;
  daysDone: number;
  /** Oldest local day loaded so far. */
  oldestDay: string | null;
  error?: string;
}

const PROGRESS_KEY = 'history:simulator';
/** The simulated queue machines keep this many days; older tickets are purged once loaded. */
const SOURCE_RETENTION_DAYS = 40;

export const shiftDay = (ymd: string, days: number, tz: string) =>
  formatLocal(parseLocal(`${ymd} 12:00:00`, tz)! + days * 86_400_000, tz).slice(0, 10);

export async function loadHistory(
  rt: Runtime,
  history: SimulatorHistory,
  jobs: EtlJob[],
  opts: { days: number; tz: string; status: HistoryStatus; stopped: () => boolean },
): Promise<void> {
  const { status, tz } = opts;
  const liveSince = await history.liveSince();
  if (liveSince === null || opts.days <= 0) {
    status.state = 'off';
    return;
  }
  const anchor = formatLocal(liveSince, tz).slice(0, 10);
  const backfillable = jobs.filter((j) => j.backfill && history.sources.includes(j.source));
  const done = await readWatermark(rt.ch, PROGRESS_KEY);
  let oldest = done?.ts || null;
  status.state = 'running';
  status.daysTotal = opts.days;
  status.oldestDay = oldest;
  status.daysDone = oldest
    ? Math.min(opts.days, Math.round((parseLocal(`${anchor} 12:00:00`, tz)! - parseLocal(`${oldest} 12:00:00`, tz)!) / 86_400_000))
    : 0;
  if (status.daysDone > 0) console.log(`[history] resuming: ${status.daysDone}/${opts.days} days loaded, back to ${oldest}`);
  try {
    for (let i = status.daysDone + 1; i <= opts.days; i++) {
      if (opts.stopped()) return;
      const day = shiftDay(anchor, -i, tz);
      await history.prepareDay(day);
      for (const job of backfillable) {
        const r = await runBackfill(rt.ch, job, { from: day, to: day, tz });
        if (r.status === 'failed') throw new Error(`${job.source} ${day}: ${r.error}`);
      }
      if (i > SOURCE_RETENTION_DAYS) await history.purgeDay(day);
      await writeWatermark(rt.ch, PROGRESS_KEY, { ts: day, id: '' });
      oldest = day;
      status.daysDone = i;
      status.oldestDay = day;
      if (i % 10 === 0 || i === opts.days) console.log(`[history] ${i}/${opts.days} days loaded, back to ${day}`);
    }
    status.state = 'done';
  } catch (err) {
    status.state = 'failed';
    status.error = err instanceof Error ? err.message : String(err);
    console.error(`[history] stopped: ${status.error} (continues from ${oldest ?? anchor} on the next start)`);
  }
}
