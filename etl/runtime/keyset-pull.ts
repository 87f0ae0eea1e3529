import { openSqlSource } from '../connectors/sql';
import type { SourcePage, SqlConnectionConfig, SqlIncrementalConfig, SqlSource } from '../connectors/types';
import { formatLocal } from '@/core/time';
import type { BackfillProgress, BackfillRange, EtlJob, JobContext, JobResult, PageLoad } from './job';
import { readWatermark, writeWatermark, type Watermark } from './watermark';

// A table read by keyset on (updated_at, id). The live run continues from its watermark (the connector
// restarts a little before it, its lookback: late rows are caught, and rows read twice collapse in
// ReplacingMergeTree); a backfill reads a range of updated_at under a position of its own. Both commit page by
// page, the rows first and the position after.

export type PageLoader = (ctx: JobContext, rows: Record<string, unknown>[]) => Promise<PageLoad>;

export interface KeysetSource {
  source: string;
  schedule: string;
  /** Connected per run, so a source that was down is simply retried next run. */
  connection: SqlConnectionConfig;
  read: SqlIncrementalConfig;
  /** Once per run, on the run's connection, before the first page: what loading the pages needs. */
  pageLoader(db: SqlSource): Promise<PageLoader>;
}

const position = (wm: Watermark | null) => (wm ? `${wm.ts}|${wm.id}` : '');

/**
 * An instant as the vendor writes updated_at (local wall clock). Whole seconds without a fraction, so the
 * text compares right against values written with or without milliseconds: '…00:00:00' sorts before
 * '…00:00:00.000'.
 */
export function wallClock(ms: number, tz: string): string {
  const text = formatLocal(ms, tz);
  return ms % 1000 === 0 ? text.slice(0, 19) : text;
}

/** A page inside the lookback window ends before the stored watermark; the live position never moves back. */
const newer = (reached: Watermark | null, next: Watermark): Watermark =>
  !reached || next.ts > reached.ts || (next.ts === reached.ts && next.id > reached.id) ? next : reached;

/** Loads the pages, committing each page's position under `key` after its rows. */
async function commitPages(
  ctx: JobContext,
  key: string,
  pages: AsyncIterable<SourcePage<Watermark>>,
  from: Watermark | null,
  loadPage: PageLoader,
  advance: (reached: Watermark | null, next: Watermark) => Watermark,
  committed: (read: number) => void = () => undefined,
) {
  let reached = from;
  let read = 0;
  let loaded = 0;
  let quarantined = 0;
  for await (const page of pages) {
    read += page.rows.length;
    const r = await loadPage(ctx, page.rows);
    loaded += r.loaded;
    quarantined += r.quarantined;
    reached = advance(reached, page.next);
    // Data first, then the position: a crash between the two re-reads this page, never skips it.
    await writeWatermark(ctx.ch, key, reached);
    committed(read);
  }
  return { rowsRead: read, rowsLoaded: loaded, rowsQuarantined: quarantined, reached };
}

/** The job of one keyset-read table: a live run from the watermark, and a backfill of a range. */
export function keysetJob(src: KeysetSource): EtlJob {
  const { source, read } = src;
  return {
    source,
    schedule: src.schedule,
    async run(ctx: JobContext): Promise<JobResult> {
      const db = openSqlSource(src.connection);
      try {
        const loadPage = await src.pageLoader(db);
        const wm = await readWatermark(ctx.ch, source);
        const { reached, ...rows } = await commitPages(ctx, source, db.readIncremental(read, wm), wm, loadPage, newer);
        return { ...rows, watermarkFrom: position(wm), watermarkTo: position(reached) };
      } finally {
        await db.close();
      }
    },

    async backfill(ctx: JobContext, range: BackfillRange, progress: (p: BackfillProgress) => void, resumeKey: string): Promise<JobResult> {
      const db = openSqlSource(src.connection);
      try {
        const loadPage = await src.pageLoader(db);
        const bounds = { from: wallClock(range.from, read.timeZone), until: wallClock(range.to, read.timeZone) };
        const start = await readWatermark(ctx.ch, resumeKey);
        // Pages already committed by an interrupted call count as done, so the bar resumes where it stopped.
        const pages = (n: number) => Math.ceil(n / read.pageSize);
        const total = pages(await db.countRange(read, bounds, null));
        let done = start ? Math.max(0, total - pages(await db.countRange(read, bounds, start))) : 0;
        progress({ rows: 0, done, total });
        // Under the backfill's own key, so the live watermark is not touched. A range is read forwards from
        // its start with no lookback, so each page's end is the position as it stands: the live rule compares
        // ids as text, which could hold the position back where the source orders them as numbers.
        const { reached, ...rows } = await commitPages(
          ctx,
          resumeKey,
          db.readRange(read, bounds, start),
          start,
          loadPage,
          (_, next) => next,
          (rowsRead) => {
            done++;
            progress({ rows: rowsRead, done, total: Math.max(total, done) });
          },
        );
        return { ...rows, watermarkFrom: start ? position(start) : bounds.from, watermarkTo: position(reached) };
      } finally {
        await db.close();
      }
    },
  };
}
