import path from 'node:path';
import type { Client, InStatement, InValue } from '@libsql/client';
import { allHalls, type Hall } from './halls';
import { formatLocal, localParts, parseLocal, startOfLocalDay } from '@/core/time';
import { BIZ_TYPE, EVALUATION, HALL_QUEUE_SOURCE_DDL, STATE, TICKET_COLUMNS } from '../sources/hall-queue/source-schema';
import { seedOf } from './random';
import { CsvBytes, writeExport } from './export-csv';
import { jsonUpsert } from './sqlite-json-upsert';
import { planHallDay, ticketEvents, ticketStateAt, type PlannedTicket } from './hall-queue-day';

// Plays the hall queue system: keeps its database at "now" by writing every ticket change whose time has
// come since the last tick. On first start it catches up from the beginning of the previous local day, so
// the screens have data at once, also at night before the halls open.

const DAY = 86_400_000;
const ROWS_PER_STATEMENT = 2000;
const STATEMENTS_PER_TX = 5;

const upsertTickets = jsonUpsert('q_ticket', TICKET_COLUMNS, 'ticket_id', [
  'window_no',
  'call_time',
  'finish_time',
  'state',
  'evaluation',
  'updated_at',
]);

export interface HallQueueSimOptions {
  seed: number;
  tz: string;
  /** Rare machine faults (a call time before the take time) so the ETL's quarantine has work. */
  faultRate?: number;
}

export class HallQueueSimulator {
  private readonly halls: Hall[];
  private readonly plans = new Map<string, PlannedTicket[]>();

  constructor(
    private readonly db: Client,
    private readonly opts: HallQueueSimOptions,
  ) {
    this.halls = allHalls(opts.seed);
  }

  async init(): Promise<void> {
    await this.db.execute('PRAGMA journal_mode = WAL');
    await this.db.execute('PRAGMA cache_size = -65536');
    for (const ddl of HALL_QUEUE_SOURCE_DDL) await this.db.execute(ddl);
  }

  /** Writes all changes in (last tick, now]; returns the number of ticket rows written. */
  async advanceTo(now: number): Promise<number> {
    const last = await this.getState('advanced_to');
    const from = last === null ? this.firstStart(now) - 1 : Number(last);
    if (now <= from) return 0;
    if (last === null) {
      await this.writeHalls(now);
      await this.db.execute({
        sql: 'INSERT INTO sim_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
        args: ['live_since', String(this.firstStart(now))],
      });
    }

    const rows: InValue[][] = [];
    for (let day = startOfLocalDay(from + 1, this.opts.tz); day <= now; day = startOfLocalDay(day + DAY + 3600_000, this.opts.tz)) {
      for (const hall of this.halls) {
        for (const t of this.plan(hall, day)) {
          // One write per change that fell due; the row carries its state as of the latest one.
          const due = ticketEvents(t).filter((e) => e > from && e <= now);
          if (due.length === 0) continue;
          rows.push(this.ticketRow(t, Math.max(...due)));
        }
      }
    }
    // Multi-row upserts, committed in chunks so a reader (the ETL) is never blocked for long; the position is
    // saved with the last chunk, so a crash mid-way replays the same (idempotent) upserts.
    const stmts: InStatement[] = [];
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) stmts.push(upsertTickets(rows.slice(i, i + ROWS_PER_STATEMENT)));
    const savePosition: InStatement = {
      sql: 'INSERT INTO sim_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      args: ['advanced_to', String(now)],
    };
    if (stmts.length === 0) await this.db.execute(savePosition);
    for (let i = 0; i < stmts.length; i += STATEMENTS_PER_TX) {
      const chunk = stmts.slice(i, i + STATEMENTS_PER_TX);
      if (i + STATEMENTS_PER_TX >= stmts.length) chunk.push(savePosition);
      await this.db.batch(chunk, 'write');
    }
    this.dropOldPlans(now);
    return rows.length;
  }

  /** Local start of the first day the live simulation wrote; history lies before it. Null before the first tick. */
  async liveSince(): Promise<number | null> {
    const v = await this.getState('live_since');
    return v === null ? null : Number(v);
  }

  /**
   * Writes one past local day (YYYY-MM-DD) in its final state, as the queue system holds it after the day:
   * the history the ETL back-fills. Idempotent (upserts).
   */
  async writeHistoryDay(ymd: string): Promise<number> {
    const dayStart = parseLocal(`${ymd} 00:00:00`, this.opts.tz);
    if (dayStart === null) throw new Error(`bad date ${ymd}`);
    // The halls' reference rows come with the first live tick; history alone must not leave them out.
    const halls = await this.db.execute('SELECT count(*) FROM q_hall');
    if (Number(halls.rows[0]![0]) === 0) await this.writeHalls(dayStart);
    // Written a transaction's worth at a time as the halls are planned: a whole day's rows and statements at
    // once (a hundred thousand tickets) kept the simulator's collector busy for a third of its time.
    let written = 0;
    let rows: InValue[][] = [];
    const flush = async () => {
      const stmts: InStatement[] = [];
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) stmts.push(upsertTickets(rows.slice(i, i + ROWS_PER_STATEMENT)));
      if (stmts.length) await this.db.batch(stmts, 'write');
      written += rows.length;
      rows = [];
    };
    for (const hall of this.halls) {
      for (const t of planHallDay(hall, ymd, this.opts.seed, this.opts.tz)) rows.push(this.ticketRow(t, Math.max(...ticketEvents(t))));
      if (rows.length >= ROWS_PER_STATEMENT * STATEMENTS_PER_TX) await flush();
    }
    await flush();
    return written;
  }

  /**
   * The same day as an export file of q_ticket (export-csv.ts) in `dir`, instead of rows in the database: the
   * history in bulk, which the ETL loads whole (loadExport). Returns the file's path.
   */
  async exportHistoryDay(ymd: string, dir: string): Promise<string> {
    if (parseLocal(`${ymd} 00:00:00`, this.opts.tz) === null) throw new Error(`bad date ${ymd}`);
    // The halls' reference rows, which the ETL reads from the database, come with the first live tick.
    const halls = await this.db.execute('SELECT count(*) FROM q_hall');
    if (Number(halls.rows[0]![0]) === 0) await this.writeHalls(parseLocal(`${ymd} 00:00:00`, this.opts.tz)!);
    // Each row written as it is made: a day's rows all held until the end outlived the young generation.
    const out = new CsvBytes();
    out.raw(TICKET_COLUMNS.join(',')).end();
    for (const hall of this.halls)
      for (const t of planHallDay(hall, ymd, this.opts.seed, this.opts.tz)) out.row(this.ticketRow(t, Math.max(...ticketEvents(t))));
    const file = path.join(dir, `q_ticket_${ymd.replaceAll('-', '')}.csv`);
    await writeExport(file, out.bytes());
    return file;
  }

  /**
   * Drops tickets taken before a local date: a queue machine keeps weeks, not years; the ETL has the rest.
   * Only ever called for days whose history has been loaded.
   */
  async purgeBefore(ymd: string): Promise<void> {
    await this.db.execute({ sql: 'DELETE FROM q_ticket WHERE take_time < ?', args: [`${ymd} 00:00:00`] });
  }

  private firstStart(now: number): number {
    const today = startOfLocalDay(now, this.opts.tz);
    return startOfLocalDay(today - 12 * 3600_000, this.opts.tz);
  }

  private plan(hall: Hall, dayStart: number): PlannedTicket[] {
    const p = localParts(dayStart + 12 * 3600_000, this.opts.tz);
    const ymd = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    const key = `${hall.code}|${ymd}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = planHallDay(hall, ymd, this.opts.seed, this.opts.tz);
      this.plans.set(key, plan);
    }
    return plan;
  }

  private dropOldPlans(now: number) {
    const today = formatLocal(now, this.opts.tz).slice(0, 10);
    for (const key of this.plans.keys()) if (key.split('|')[1]! < today) this.plans.delete(key);
  }

  private ticketRow(t: PlannedTicket, at: number): InValue[] {
    const s = ticketStateAt(t, at)!;
    const tz = this.opts.tz;
    let callTime = s.calledAt === null ? null : formatLocal(s.calledAt, tz);
    const faultRate = this.opts.faultRate ?? 0.0005;
    // Deterministic per ticket: the same tickets are faulty on every run.
    if (callTime && faultRate > 0 && seedOf('fault', t.ticketId) / 4294967296 < faultRate)
      callTime = formatLocal(t.issuedAt - 3 * 60_000, tz);
    return [
      t.ticketId,
      t.hallCode,
      t.ticketNo,
      BIZ_TYPE[t.businessType],
      s.calledAt === null ? null : t.windowNo,
      formatLocal(t.issuedAt, tz),
      callTime,
      s.endedAt === null ? null : formatLocal(s.endedAt, tz),
      STATE[s.status],
      s.rating === 'none' ? null : EVALUATION[s.rating],
      formatLocal(s.updatedAt, tz),
    ];
  }

  private async writeHalls(now: number) {
    const updated = formatLocal(now, this.opts.tz);
    await this.db.batch(
      this.halls.map((h) => ({
        sql: `INSERT INTO q_hall (hall_id, hall_name, org_code, lon, lat, window_count, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (hall_id) DO UPDATE SET hall_name = excluded.hall_name, org_code = excluded.org_code, lon = excluded.lon, lat = excluded.lat,
                window_count = excluded.window_count, updated_at = excluded.updated_at`,
        args: [h.code, h.name, h.countyCode, h.lon, h.lat, h.windows, updated],
      })),
      'write',
    );
  }

  private async getState(key: string): Promise<string | null> {
    const rs = await this.db.execute({ sql: 'SELECT value FROM sim_state WHERE key = ?', args: [key] });
    return rs.rows.length ? String(rs.rows[0]!.value) : null;
  }
}
