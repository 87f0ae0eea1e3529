import { openSqlSource } from '../../connectors/sql';
import type { SqlConnectionConfig, SqlIncrementalConfig, SqlSource } from '../../connectors/types';
import { flagReason, type EtlJob, type JobContext, type JobResult, type QuarantinedRow } from '../../runtime/job';
import { keysetJob } from '../../runtime/keyset-pull';
import { loadTicketExport, loadTicketRange, type TicketExportLoad } from './bulk';
import { withSqliteBulkBackfill } from '../../runtime/sqlite-bulk';
import { reconcileHallQueueTickets } from '../../runtime/reconcile';
import { quarantine } from '../../runtime/run-job';
import { HALL_QUEUE_SOURCES } from './config';
import { TICKET_COLUMNS } from './source-schema';
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
  /**
   * A back-fill of a SQLite source the embedded engine can read runs as one INSERT … SELECT per range (bulk.ts;
   * default); false pages it through JavaScript (the reference the bulk path is tested against).
   */
  bulk?: boolean;
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

export function hallQueueJobs(cfg: HallQueueSourceConfig): EtlJob[] {
  const lookbackMs = cfg.lookbackMs ?? 120_000;
  const pageSize = cfg.pageSize ?? 5000;
  const ticketRead: SqlIncrementalConfig = {
    table: 'q_ticket',
    columns: [...TICKET_COLUMNS],
    updatedAtColumn: 'updated_at',
    idColumn: 'ticket_id',
    lookbackMs,
    pageSize,
    timeZone: cfg.tz,
  };

  const halls: EtlJob = {
    source: HALL_QUEUE_SOURCES.halls,
    schedule: cfg.hallSchedule ?? '0 */10 * * * *',
    async run({ ch, runId, now }: JobContext): Promise<JobResult> {
      const db = openSqlSource(cfg.connection);
      try {
        const { rows, bad, read } = await loadHalls(db, cfg.tz);
        await ch.insert(`etl.${HALL_QUEUE_SOURCES.halls}`, 'dim_hall', rows);
        if (bad.length) await quarantine(ch, HALL_QUEUE_SOURCES.halls, runId, bad, now);
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
    const flagged: QuarantinedRow[] = [];
    for (const obj of rows) {
      const t = transformTicket(obj, orgs, cfg.tz, 'hall-queue');
      if (t.ok) {
        good.push(t.row);
        // Loaded with a field emptied: recorded with its reason, so the source's flagged rows stay visible.
        for (const f of t.flags) flagged.push({ recordKey: String(obj.ticket_id ?? ''), reason: flagReason(f), raw: obj });
      } else bad.push({ recordKey: String(obj.ticket_id ?? ''), reason: t.reason, raw: obj });
    }
    await ctx.ch.insert(`etl.${HALL_QUEUE_SOURCES.tickets}`, 'fact_queue_ticket', good);
    if (bad.length || flagged.length) await quarantine(ctx.ch, HALL_QUEUE_SOURCES.tickets, ctx.runId, [...bad, ...flagged], ctx.now);
    return { loaded: good.length, quarantined: bad.length };
  }

  /** What the bulk paths (a range, an export file) need to know of this run and source. */
  const ticketLoad = (ctx: JobContext, orgs: Map<string, HallOrg>): TicketExportLoad => ({
    halls: orgs,
    tz: cfg.tz,
    source: HALL_QUEUE_SOURCES.tickets,
    sourceName: 'hall-queue',
    runId: ctx.runId,
    now: ctx.now,
  });

  const keyset = keysetJob({
    source: HALL_QUEUE_SOURCES.tickets,
    schedule: cfg.ticketSchedule ?? '*/30 * * * * *',
    connection: cfg.connection,
    read: ticketRead,
    async pageLoader(db) {
      const { orgs } = await loadHalls(db, cfg.tz);
      return (ctx, rows) => loadTicketPage(ctx, db, orgs, rows);
    },
  });

  const tickets: EtlJob = {
    // A range in one statement where the embedded engine reads the source file itself; else page by page.
    ...withSqliteBulkBackfill(keyset, {
      connection: cfg.connection,
      tz: cfg.tz,
      enabled: cfg.bulk !== false,
      async load(ctx, db, range) {
        const { orgs } = await loadHalls(db, cfg.tz);
        return loadTicketRange(ctx.ch, db, { ...range, ...ticketLoad(ctx, orgs) }, (rows) => loadTicketPage(ctx, db, orgs, rows));
      },
    }),

    async loadExport(ctx, files) {
      const db = openSqlSource(cfg.connection);
      try {
        const { orgs } = await loadHalls(db, cfg.tz);
        const load = ticketLoad(ctx, orgs);
        const sum = { rowsRead: 0, rowsLoaded: 0, rowsQuarantined: 0, watermarkFrom: '', watermarkTo: '' };
        for (const file of files) {
          const r = await loadTicketExport(ctx.ch, file, load, (rows) => loadTicketPage(ctx, db, orgs, rows));
          sum.rowsRead += r.read;
          sum.rowsLoaded += r.loaded;
          sum.rowsQuarantined += r.quarantined;
        }
        return sum;
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
