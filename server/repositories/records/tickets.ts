import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chParamTime, isoTime, num } from './common';

// One hall queue ticket (营业厅排队, DOMAIN.md §2.1): the newest version in fact_queue_ticket (called, served and
// rated versions replace the issued one) and the hall it was taken in (dim_hall).

const ticketRow = z.object({
  ticket_id: z.string(),
  source: z.string(),
  province_code: z.string(),
  city_code: z.string(),
  county_code: z.string(),
  hall_code: z.string(),
  window_no: num,
  business_type: z.string(),
  issued_at: isoTime,
  called_at: isoTime,
  ended_at: isoTime,
  status: z.string(),
  rating: z.string(),
  src_updated_at: isoTime,
  loaded_at: isoTime,
});
export type TicketRow = z.infer<typeof ticketRow>;

const hallRow = z.object({ hall_code: z.string(), hall_name: z.string(), windows: num });
export type TicketHallRow = z.infer<typeof hallRow>;

export async function findTicket(ch: ClickHouse, id: string): Promise<TicketRow | null> {
  const rows = await ch.query(
    'repo.records.ticket',
    `SELECT ${Object.keys(ticketRow.shape).join(', ')} FROM fact_queue_ticket FINAL WHERE ticket_id = {id:String} LIMIT 1`,
    { id },
    ticketRow,
  );
  return rows[0] ?? null;
}

export async function ticketHall(ch: ClickHouse, hallCode: string): Promise<TicketHallRow | null> {
  const rows = await ch.query(
    'repo.records.ticket-hall',
    'SELECT hall_code, hall_name, windows FROM dim_hall FINAL WHERE hall_code = {hall:String} LIMIT 1',
    { hall: hallCode },
    hallRow,
  );
  return rows[0] ?? null;
}

/** Tickets of the same hall taken before this one and not yet called when it was taken (the queue ahead). */
export async function queueAhead(ch: ClickHouse, t: Pick<TicketRow, 'hall_code' | 'issued_at' | 'ticket_id'>): Promise<number> {
  if (!t.issued_at) return 0;
  const rows = await ch.query(
    'repo.records.ticket-ahead',
    `SELECT count() AS n FROM fact_queue_ticket FINAL
     WHERE hall_code = {hall:String} AND ticket_id != {id:String}
       AND issued_at < {at:DateTime64(3, 'UTC')} AND issued_at >= {at:DateTime64(3, 'UTC')} - INTERVAL 1 DAY
       AND status != 'voided' AND (called_at IS NULL OR called_at > {at:DateTime64(3, 'UTC')})`,
    { hall: t.hall_code, id: t.ticket_id, at: chParamTime(t.issued_at) },
    z.object({ n: num }),
  );
  return rows[0]?.n ?? 0;
}
