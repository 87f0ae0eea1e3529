import { readWatermark, writeWatermark } from './watermark';
import type { BackfillProgress, BackfillRange, JobContext, JobResult } from './job';

export interface WindowLoad {
  read: number;
  loaded: number;
  quarantined: number;
}

/**
 * Back-fills a time-window source (an HTTP API listing records by time) over `range` in fixed windows.
 * Windows are cut from the range's start, so a resumed call meets the same windows as the first one; each
 * window's data is committed before its position, under the backfill's own key (the live watermark is not
 * touched).
 */
export async function backfillWindows(
  ctx: JobContext,
  range: BackfillRange,
  progress: (p: BackfillProgress) => void,
  resumeKey: string,
  opts: { source: string; windowMs: number; loadWindow: (ctx: JobContext, from: number, to: number) => Promise<WindowLoad> },
): Promise<JobResult> {
  const { windowMs } = opts;
  const total = Math.ceil((range.to - range.from) / windowMs);
  const wm = await readWatermark(ctx.ch, resumeKey);
  const resumeAt = wm ? Date.parse(wm.ts) : range.from;
  if (Number.isNaN(resumeAt)) throw new Error(`${opts.source}: unreadable backfill position ${JSON.stringify(wm)}`);
  let done = Math.min(total, Math.ceil((resumeAt - range.from) / windowMs));
  let read = 0;
  let loaded = 0;
  let quarantined = 0;
  let reached = wm?.ts ?? '';
  progress({ rows: 0, done, total });
  for (let from = range.from + done * windowMs; from < range.to; from += windowMs) {
    const to = Math.min(range.to, from + windowMs);
    const r = await opts.loadWindow(ctx, from, to);
    read += r.read;
    loaded += r.loaded;
    quarantined += r.quarantined;
    reached = new Date(to).toISOString();
    await writeWatermark(ctx.ch, resumeKey, { ts: reached, id: '' });
    done++;
    progress({ rows: read, done, total });
  }
  return {
    rowsRead: read,
    rowsLoaded: loaded,
    rowsQuarantined: quarantined,
    watermarkFrom: wm?.ts ?? new Date(range.from).toISOString(),
    watermarkTo: reached,
  };
}
