import { openSqlSource } from '../../connectors/sql';
import type { SqlConnectionConfig, SqlIncrementalConfig, SqlSource } from '../../connectors/types';
import { formatLocal } from '@/core/time';
import type { BackfillProgress, BackfillRange, EtlJob, JobContext, JobResult, QuarantinedRow } from '../../runtime/job';
import { reconcileHallQueueTickets } from '../../runtime/reconcile';
import { quarantine } from '../../runtime/run-job';
import { readWatermark, writeWatermark, type Watermark } from '../../runtime/watermark';
import { transformHall, transformTicket, type HallOrg } from './transform';

export interface HallQueueSourceConfig {
  /** The hall queue database; connected per run, so a source that was down is simply retried next run. */
  connection: SqlConnectionConfig;
  tz: string;
  /** Re-read this much before the watermark, for rows committed late with an older updated_at. */
  lookbackMs?: number;
  pageSize?: number;
  ticketSchedule?: string;
  hallSchedule?: string;
}

async function loadHalls(
  db: SqlSource,
  tz: string,
): Promise<{ rows: Record<string, unknown>[]; bad: QuarantinedRow[]; orgs: Map<string, HallOrg>; read: number }> {
  const source = await db.query('SELECT hall_id, hall_name, org_code, lon, lat, window_count, updated_at FROM q_hall');
  const rows: Record<string, unknown>[] = [];
  const bad: QuarantinedRow[] = [];
  const orgs = new Map<string, HallOrg>();
  for (const obj of source) {
    const t = transformHall(obj, tz);
    if (t.ok) {
      rows.push(t.row);
      orgs.set(String(obj.hall_id), t.org);
    } else bad.push({ recordKey: String(obj.hall_id ?? ''), reason: t.reason, raw: obj });
  }
  return { rows, bad, orgs, read: source.length };
}

/**
 * An instant as the vendor writes updated_at (local wall clock). Whole seconds without a fraction, so the
 * text compares right against values written with or without milliseconds: '…00:00:00' sorts before
 * '…00:00:00.000'.
 */
function wallClock(ms: number, tz: string): string {
  const text = formatLocal(ms, tz);
  return ms % 1000 === 0 ? text.slice(0, 19) : text;
}

export function hallQueueJobs(cfg: HallQueueSourceConfig): EtlJob[] {
  const lookbackMs = cfg.lookbackMs ?? 120_000;
  const pageSize = cfg.pageSize ?? 5000;
  const ticketRead: SqlIncrementalConfig = {
    table: 'q_ticket',
    columns: [
      'ticket_id',
      'hall_id',
      'ticket_no',
      'biz_type',
      'window_no',
      'take_time',
      'call_time',
      'finish_time',
      'state',
      'evaluation',
      'updated_at',
    ],
    updatedAtColumn: 'updated_at',
    idColumn: 'ticket_id',
    lookbackMs,
    pageSize,
    timeZone: cfg.tz,
  };

  const halls: EtlJob = {
    source: 'hall-queue.halls',
    schedule: cfg.hallSchedule ?? '0 */10 * * * *',
    async run({ ch, runId, now }: JobContext): Promise<JobResult> {
      const db = openSqlSource(cfg.connection);
      try {
        const { rows, bad, read } = await loadHalls(db, cfg.tz);
        await ch.insert('etl.hall-queue.halls', 'dim_hall', rows);
        if (bad.length) await quarantine(ch, 'hall-queue.halls', runId, bad, now);
        return { rowsRead: read, rowsLoaded: rows.length, rowsQuarantined: bad.length, watermarkFrom: '', watermarkTo: '' };
      } finally {
        await db.close();
      }
    },
  };

  /** Transforms and loads one page of q_ticket rows; the bad ones go to quarantine. */
  async function loadTicketPage(ctx: JobContext, db: SqlSource, orgs: Map<string, HallOrg>, rows: Record<string, unknown>[]) {
    // A hall opened (or first written) while this run was paging is not in the map read at its start:
    // read the halls again before calling its tickets unknown, or they would be quarantined for good.
    if (rows.some((r) => !orgs.has(String(r.hall_id)))) {
      for (const [code, org] of (await loadHalls(db, cfg.tz)).orgs) orgs.set(code, org);
    }
    const good: Record<string, unknown>[] = [];
    const bad: QuarantinedRow[] = [];
    for (const obj of rows) {
      const t = transformTicket(obj, orgs, cfg.tz, 'hall-queue');
      if (t.ok) good.push(t.row);
      else bad.push({ recordKey: String(obj.ticket_id ?? ''), reason: t.reason, raw: obj });
    }
    await ctx.ch.insert('etl.hall-queue.tickets', 'fact_queue_ticket', good);
    if (bad.length) await quarantine(ctx.ch, 'hall-queue.tickets', ctx.runId, bad, ctx.now);
    return { loaded: good.length, quarantined: bad.length };
  }

  const tickets: EtlJob = {
    source: 'hall-queue.tickets',
    schedule: cfg.ticketSchedule ?? '*/30 * * * * *',
    async run(ctx: JobContext): Promise<JobResult> {
      const { ch } = ctx;
      const db = openSqlSource(cfg.connection);
      try {
        const { orgs } = await loadHalls(db, cfg.tz);
        const wm = await readWatermark(ch, 'hall-queue.tickets');
        const from = wm ? `${wm.ts}|${wm.id}` : '';
        let newest: Watermark | null = wm;
        let read = 0;
        let loaded = 0;
        let quarantined = 0;
        // Restarted a little before the watermark (the connector's lookback): late rows are caught, and rows
        // read twice collapse in ReplacingMergeTree.
        for await (const page of db.readIncremental(ticketRead, wm)) {
          read += page.rows.length;
          const r = await loadTicketPage(ctx, db, orgs, page.rows);
          loaded += r.loaded;
          quarantined += r.quarantined;
          const cursor = page.next;
          // A page inside the lookback window ends before the stored watermark; never move it backwards.
          if (!newest || cursor.ts > newest.ts || (cursor.ts === newest.ts && cursor.id > newest.id)) newest = cursor;
          // Data first, then the watermark: a crash between the two re-reads this page, never skips it.
          await writeWatermark(ch, 'hall-queue.tickets', newest);
        }
        return {
          rowsRead: read,
          rowsLoaded: loaded,
          rowsQuarantined: quarantined,
          watermarkFrom: from,
          watermarkTo: newest ? `${newest.ts}|${newest.id}` : '',
        };
      } finally {
        await db.close();
      }
    },

    async backfill(ctx: JobContext, range: BackfillRange, progress: (p: BackfillProgress) => void, resumeKey: string): Promise<JobResult> {
      const db = openSqlSource(cfg.connection);
      try {
        const { orgs } = await loadHalls(db, cfg.tz);
        const bounds = { from: wallClock(range.from, cfg.tz), until: wallClock(range.to, cfg.tz) };
        const start = await readWatermark(ctx.ch, resumeKey);
        // Pages already committed by an interrupted call count as done, so the bar resumes where it stopped.
        const pages = (n: number) => Math.ceil(n / pageSize);
        const total = pages(await db.countRange(ticketRead, bounds, null));
        let done = start ? Math.max(0, total - pages(await db.countRange(ticketRead, bounds, start))) : 0;
        let cursor = start;
        let read = 0;
        let loaded = 0;
        let quarantined = 0;
        progress({ rows: 0, done, total });
        for await (const page of db.readRange(ticketRead, bounds, start)) {
          read += page.rows.length;
          const r = await loadTicketPage(ctx, db, orgs, page.rows);
          loaded += r.loaded;
          quarantined += r.quarantined;
          cursor = page.next;
          // Data first, then the position, under the backfill's own key: the live watermark is not touched.
          await writeWatermark(ctx.ch, resumeKey, cursor);
          done++;
          progress({ rows: read, done, total: Math.max(total, done) });
        }
        return {
          rowsRead: read,
          rowsLoaded: loaded,
          rowsQuarantined: quarantined,
          watermarkFrom: start ? `${start.ts}|${start.id}` : bounds.from,
          watermarkTo: cursor ? `${cursor.ts}|${cursor.id}` : '',
        };
      } finally {
        await db.close();
      }
    },

    async reconcile(ch, day) {
      const db = openSqlSource(cfg.connection);
      try {
        return await reconcileHallQueueTickets(ch, db, day, cfg.tz);
      } finally {
        await db.close();
      }
    },
  };

  return [halls, tickets];
}
