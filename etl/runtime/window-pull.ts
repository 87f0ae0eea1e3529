import { startOfLocalDay } from '@/core/time';
import { fetchWindow } from '../connectors/http';
import type { HttpSourceConfig } from '../connectors/types';
import type { BackfillProgress, BackfillRange, EtlJob, JobContext, JobResult, PageLoad } from './job';
import { readWatermark, writeWatermark } from './watermark';

// An HTTP API that lists records by the time of their last change, pulled in time windows. The live run asks
// for [watermark − overlap, now): the overlap catches records the vendor wrote late (its clock, its batch
// jobs), and whatever is read twice collapses in ReplacingMergeTree. A backfill cuts its range into the same
// fixed windows under a position of its own. Both commit window by window, the rows first and the position
// after, so a run catching up after downtime keeps what it has done.

const HOUR = 3_600_000;

export interface WindowSource {
  source: string;
  schedule: string;
  /** Where the first run starts: the start of the previous local day in this zone. */
  tz: string;
  http: HttpSourceConfig;
  /** Longest window asked for in one go. */
  windowMs: number;
  /**
   * A back-fill's window (default windowMs): a past day asked for in one window where the API allows, instead
   * of a live run's short ones, costs the source one listing instead of several.
   */
  backfillWindowMs?: number;
  /** Re-read this much before the watermark. */
  overlapMs: number;
  loadPage(ctx: JobContext, records: Record<string, unknown>[]): Promise<PageLoad>;
}

interface WindowTotals {
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  /** The position last committed (ISO), or null when the range held no window. */
  reached: string | null;
}

/** Loads [start, end) window by window, committing each window's end under `key` after its rows. */
async function commitWindows(
  ctx: JobContext,
  src: WindowSource,
  key: string,
  start: number,
  end: number,
  windowMs: number,
  committed: (read: number) => void = () => undefined,
): Promise<WindowTotals> {
  let read = 0;
  let loaded = 0;
  let quarantined = 0;
  let reached: string | null = null;
  for (let from = start; from < end; from += windowMs) {
    const to = Math.min(end, from + windowMs);
    for await (const page of fetchWindow(src.http, { from: new Date(from).toISOString(), to: new Date(to).toISOString() })) {
      read += page.length;
      const r = await src.loadPage(ctx, page);
      loaded += r.loaded;
      quarantined += r.quarantined;
    }
    // Data first, then the position: a crash between the two re-reads this window, never skips it.
    reached = new Date(to).toISOString();
    await writeWatermark(ctx.ch, key, { ts: reached, id: '' });
    committed(read);
  }
  return { rowsRead: read, rowsLoaded: loaded, rowsQuarantined: quarantined, reached };
}

/**
 * Windows are cut from where the range was left (its start the first time); the position lives under the
 * backfill's own key (the live watermark is not touched). A position is always a window's end, so resuming
 * there skips nothing even when the window length was changed in between.
 */
async function backfillWindows(
  ctx: JobContext,
  src: WindowSource,
  range: BackfillRange,
  progress: (p: BackfillProgress) => void,
  resumeKey: string,
): Promise<JobResult> {
  const windowMs = src.backfillWindowMs ?? src.windowMs;
  const wm = await readWatermark(ctx.ch, resumeKey);
  const resumeAt = wm ? Date.parse(wm.ts) : range.from;
  if (Number.isNaN(resumeAt)) throw new Error(`${src.source}: unreadable backfill position ${JSON.stringify(wm)}`);
  const start = Math.min(range.to, Math.max(range.from, resumeAt));
  let done = Math.ceil((start - range.from) / windowMs);
  const total = done + Math.ceil((range.to - start) / windowMs);
  progress({ rows: 0, done, total });
  const { reached, ...rows } = await commitWindows(ctx, src, resumeKey, start, range.to, windowMs, (read) => {
    done++;
    progress({ rows: read, done, total });
  });
  return { ...rows, watermarkFrom: wm?.ts ?? new Date(range.from).toISOString(), watermarkTo: reached ?? wm?.ts ?? '' };
}

/** The job of one windowed API listing: a live run from the watermark to now, and a backfill of a range. */
export function windowJob(src: WindowSource): EtlJob {
  return {
    source: src.source,
    schedule: src.schedule,
    async run(ctx: JobContext): Promise<JobResult> {
      const { now } = ctx;
      const wm = await readWatermark(ctx.ch, src.source);
      // First run: from the start of the previous local day, so the screens have yesterday to compare with.
      const start = wm ? Date.parse(wm.ts) - src.overlapMs : startOfLocalDay(startOfLocalDay(now, src.tz) - HOUR, src.tz);
      if (Number.isNaN(start)) throw new Error(`${src.source}: unreadable watermark ${JSON.stringify(wm)}`);
      const { reached, ...rows } = await commitWindows(ctx, src, src.source, start, now, src.windowMs);
      return { ...rows, watermarkFrom: wm?.ts ?? '', watermarkTo: reached ?? wm?.ts ?? '' };
    },

    backfill(ctx: JobContext, range: BackfillRange, progress: (p: BackfillProgress) => void, resumeKey: string): Promise<JobResult> {
      return backfillWindows(ctx, src, range, progress, resumeKey);
    },
  };
}
