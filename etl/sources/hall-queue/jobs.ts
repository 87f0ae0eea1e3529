import type { Client } from '@libsql/client';
import type { EtlJob, JobContext, JobResult, QuarantinedRow } from '../../runtime/job';
import { quarantine } from '../../runtime/run-job';
import { readWatermark, writeWatermark, type Watermark } from '../../runtime/watermark';
import { formatLocal, parseLocal } from '../../lib/time';
import { transformHall, transformTicket, type HallOrg } from './transform';

export interface HallQueueSourceConfig {
  /** Opens the source database; called per run so a source that was down is retried next run. */
  open: () => Client;
  tz: string;
  /** Re-read this much before the watermark, for rows committed late with an older updated_at. */
  lookbackMs?: number;
  pageSize?: number;
  ticketSchedule?: string;
  hallSchedule?: string;
}

async function loadHalls(
  db: Client,
  tz: string,
): Promise<{ rows: Record<string, unknown>[]; bad: QuarantinedRow[]; orgs: Map<string, HallOrg>; read: number }> {
  const rs = await db.execute('SELECT hall_id, hall_name, org_code, lon, lat, window_count, updated_at FROM q_hall');
  const rows: Record<string, unknown>[] = [];
  const bad: QuarantinedRow[] = [];
  const orgs = new Map<string, HallOrg>();
  for (const raw of rs.rows) {
    const obj = { ...raw };
    const t = transformHall(obj, tz);
    if (t.ok) {
      rows.push(t.row);
      orgs.set(String(obj.hall_id), t.org);
    } else bad.push({ recordKey: String(obj.hall_id ?? ''), reason: t.reason, raw: obj });
  }
  return { rows, bad, orgs, read: rs.rows.length };
}

export function hallQueueJobs(cfg: HallQueueSourceConfig): EtlJob[] {
  const lookbackMs = cfg.lookbackMs ?? 120_000;
  const pageSize = cfg.pageSize ?? 5000;

  const halls: EtlJob = {
    source: 'hall-queue.halls',
    schedule: cfg.hallSchedule ?? '0 */10 * * * *',
    async run({ ch, runId, now }: JobContext): Promise<JobResult> {
      const db = cfg.open();
      try {
        const { rows, bad, read } = await loadHalls(db, cfg.tz);
        await ch.insert('etl.hall-queue.halls', 'dim_hall', rows);
        if (bad.length) await quarantine(ch, 'hall-queue.halls', runId, bad, now);
        return { rowsRead: read, rowsLoaded: rows.length, rowsQuarantined: bad.length, watermarkFrom: '', watermarkTo: '' };
      } finally {
        db.close();
      }
    },
  };

  const tickets: EtlJob = {
    source: 'hall-queue.tickets',
    schedule: cfg.ticketSchedule ?? '*/30 * * * * *',
    async run({ ch, runId, now }: JobContext): Promise<JobResult> {
      const db = cfg.open();
      try {
        const { orgs } = await loadHalls(db, cfg.tz);
        const wm = await readWatermark(ch, 'hall-queue.tickets');
        // Keyset paging on (updated_at, ticket_id), restarted a little before the watermark: late rows are
        // caught, and rows read twice collapse in ReplacingMergeTree.
        let cursor: Watermark = wm ? { ts: formatLocal(parseLocal(wm.ts, cfg.tz)! - lookbackMs, cfg.tz), id: '' } : { ts: '', id: '' };
        const from = wm ? `${wm.ts}|${wm.id}` : '';
        let newest: Watermark | null = wm;
        let read = 0;
        let loaded = 0;
        let quarantined = 0;
        for (;;) {
          const rs = await db.execute({
            sql: `SELECT ticket_id, hall_id, ticket_no, biz_type, window_no, take_time, call_time, finish_time, state, evaluation, updated_at
                  FROM q_ticket WHERE updated_at > ? OR (updated_at = ? AND ticket_id > ?)
                  ORDER BY updated_at, ticket_id LIMIT ?`,
            args: [cursor.ts, cursor.ts, cursor.id, pageSize],
          });
          if (rs.rows.length === 0) break;
          read += rs.rows.length;
          const good: Record<string, unknown>[] = [];
          const bad: QuarantinedRow[] = [];
          for (const r of rs.rows) {
            const obj = { ...r };
            const t = transformTicket(obj, orgs, cfg.tz, 'hall-queue');
            if (t.ok) good.push(t.row);
            else bad.push({ recordKey: String(obj.ticket_id ?? ''), reason: t.reason, raw: obj });
          }
          await ch.insert('etl.hall-queue.tickets', 'fact_queue_ticket', good);
          if (bad.length) await quarantine(ch, 'hall-queue.tickets', runId, bad, now);
          loaded += good.length;
          quarantined += bad.length;
          const last = rs.rows[rs.rows.length - 1]!;
          cursor = { ts: String(last.updated_at), id: String(last.ticket_id) };
          if (!newest || cursor.ts > newest.ts || (cursor.ts === newest.ts && cursor.id > newest.id)) newest = cursor;
          // Data first, then the watermark: a crash between the two re-reads this page, never skips it.
          await writeWatermark(ch, 'hall-queue.tickets', newest);
          if (rs.rows.length < pageSize) break;
        }
        return {
          rowsRead: read,
          rowsLoaded: loaded,
          rowsQuarantined: quarantined,
          watermarkFrom: from,
          watermarkTo: newest ? `${newest.ts}|${newest.id}` : '',
        };
      } finally {
        db.close();
      }
    },
  };

  return [halls, tickets];
}
