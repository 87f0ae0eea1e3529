import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chParamTime, flag, isoTime, LIST_LIMIT, num } from './common';

// One outage event (停电通知, DOMAIN.md §2.3): the event (fact_outage), its affected customers
// (fact_outage_customer) and every notice attempt (fact_notice) with the SMS gateway's delivery report joined
// on msg_id (fact_sms_report): the effective status of an SMS is the report's when there is one.

const outageRow = z.object({
  outage_id: z.string(),
  source: z.string(),
  province_code: z.string(),
  city_code: z.string(),
  county_code: z.string(),
  outage_type: z.string(),
  feeder: z.string(),
  area: z.string(),
  created_at: isoTime,
  planned_start: isoTime,
  planned_end: isoTime,
  actual_start: isoTime,
  actual_end: isoTime,
  affected_customers: num,
  status: z.string(),
  src_updated_at: isoTime,
  loaded_at: isoTime,
});
export type OutageRow = z.infer<typeof outageRow>;

const customerRow = z.object({ customer_id: z.string(), important: flag });
export type OutageCustomerRow = z.infer<typeof customerRow>;

const noticeRow = z.object({
  notice_id: z.string(),
  customer_id: z.string(),
  channel: z.string(),
  msg_id: z.string(),
  sent_at: isoTime,
  delivery_status: z.string(),
  failure_reason: z.string(),
  status_code: z.string(),
  reported_at: isoTime,
});
export type NoticeRow = z.infer<typeof noticeRow>;

const RECORD_COLUMNS = Object.keys(outageRow.shape).join(', ');

export async function findOutage(ch: ClickHouse, id: string): Promise<OutageRow | null> {
  const rows = await ch.query(
    'repo.records.outage',
    `SELECT ${RECORD_COLUMNS} FROM fact_outage FINAL WHERE outage_id = {id:String} LIMIT 1`,
    { id },
    outageRow,
  );
  return rows[0] ?? null;
}

/** The affected customers (停电用户清单), important ones first; capped, with the full count. */
export async function outageCustomers(ch: ClickHouse, id: string): Promise<{ rows: OutageCustomerRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    ch.query(
      'repo.records.outage-customers',
      `SELECT customer_id, important FROM fact_outage_customer FINAL WHERE outage_id = {id:String}
       ORDER BY important DESC, customer_id LIMIT {limit:UInt32}`,
      { id, limit: LIST_LIMIT },
      customerRow,
    ),
    ch.query(
      'repo.records.outage-customers-count',
      'SELECT count() AS n FROM fact_outage_customer FINAL WHERE outage_id = {id:String}',
      { id },
      z.object({ n: num }),
    ),
  ]);
  return { rows, total: total[0]?.n ?? 0 };
}

/** Every notice attempt of the outage (public announcements too, with no customer), oldest first. */
export function outageNotices(ch: ClickHouse, id: string): Promise<NoticeRow[]> {
  return ch.query(
    'repo.records.outage-notices',
    `SELECT n.notice_id AS notice_id, n.customer_id AS customer_id, n.channel AS channel, n.msg_id AS msg_id, n.sent_at AS sent_at,
            if(n.channel = 'sms' AND r.msg_id != '', r.delivery_status, n.delivery_status) AS delivery_status,
            if(r.failure_reason != '', r.failure_reason, n.failure_reason) AS failure_reason,
            r.status_code AS status_code, if(r.msg_id != '', r.reported_at, NULL) AS reported_at
     FROM (SELECT * FROM fact_notice FINAL WHERE outage_id = {id:String}) AS n
     LEFT JOIN (
       SELECT msg_id, delivery_status, failure_reason, status_code, reported_at FROM fact_sms_report FINAL
       WHERE msg_id IN (SELECT msg_id FROM fact_notice WHERE outage_id = {id:String} AND channel = 'sms' AND msg_id != '')
     ) AS r ON r.msg_id = n.msg_id AND n.channel = 'sms'
     ORDER BY n.sent_at, n.notice_id
     LIMIT 5000`,
    { id },
    noticeRow,
  );
}

const relatedOutageRow = z.object({
  outage_id: z.string(),
  county_code: z.string(),
  outage_type: z.string(),
  feeder: z.string(),
  planned_start: isoTime,
  actual_start: isoTime,
  actual_end: isoTime,
  status: z.string(),
  affected_customers: num,
});
export type RelatedOutageRow = z.infer<typeof relatedOutageRow>;

/**
 * Outages of a county whose power was off at `at` (started within the 12 hours before it, not restored by
 * then): what a fault-repair call or order of that county at that time is likely about (DOMAIN.md §2.3).
 */
export function outagesOffAt(ch: ClickHouse, countyCode: string, at: string): Promise<RelatedOutageRow[]> {
  return ch.query(
    'repo.records.outages-off-at',
    `SELECT outage_id, county_code, outage_type, feeder, planned_start, actual_start, actual_end, status, affected_customers
     FROM fact_outage FINAL
     WHERE county_code = {county:String} AND status != 'cancelled' AND actual_start IS NOT NULL
       AND actual_start <= {at:DateTime64(3, 'UTC')} AND actual_start >= {at:DateTime64(3, 'UTC')} - INTERVAL 12 HOUR
       AND (actual_end IS NULL OR actual_end >= {at:DateTime64(3, 'UTC')})
     ORDER BY actual_start DESC LIMIT 20`,
    { county: countyCode, at: chParamTime(at) },
    relatedOutageRow,
  );
}

/** The outages that affected one customer, newest first. */
export function outagesOfCustomer(ch: ClickHouse, customerId: string): Promise<RelatedOutageRow[]> {
  return ch.query(
    'repo.records.customer-outages',
    `SELECT outage_id, county_code, outage_type, feeder, planned_start, actual_start, actual_end, status, affected_customers
     FROM fact_outage FINAL
     WHERE outage_id IN (SELECT outage_id FROM fact_outage_customer WHERE customer_id = {customer:String})
     ORDER BY planned_start DESC LIMIT 50`,
    { customer: customerId },
    relatedOutageRow,
  );
}
