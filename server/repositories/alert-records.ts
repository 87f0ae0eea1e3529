import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chNullableTimestamp, chNumber, chTimestamp } from '@/core/clickhouse/row-types';
import { outageFamily } from '../kpi/families/outage';

// Record-level questions of the early-warning engine (DOMAIN.md §3): which work orders, outages,
// disconnections, tickets or notice batches are in a condition right now. Org columns come from the list
// below, every value is bound; the outage conditions reuse the KPI family's own predicates so an alert and the
// figure on the wall count the same customers.

const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * Delivery reports that may answer notices sent since `from`. A report whose 发送时间 was impossible is loaded
 * with it emptied (the zero DateTime: the column is not Nullable) and still says delivered or failed.
 */
const SMS_REPORT_SINCE = "(sent_at >= {from:DateTime64(3, 'UTC')} OR sent_at = toDateTime64(0, 3, 'UTC'))";

/** The column that holds an org code of this length (province, city, county). */
function orgPredicate(code: string, alias = ''): string {
  const col = code.length === 2 ? 'province_code' : code.length === 4 ? 'city_code' : code.length === 6 ? 'county_code' : null;
  if (!col) throw new Error(`record rules scope a province, city or county, not ${code}`);
  return `${alias}${col} = {org:String}`;
}

const orderRow = z.object({
  order_id: z.string(),
  type: z.string(),
  county_code: z.string(),
  created_at: chTimestamp,
  due_at: chTimestamp,
  due_step: z.string(),
  status: z.string(),
  share: chNumber,
});
export type OpenOrder = z.infer<typeof orderRow>;

/** The step an order's limit is for (power restored, or the reply), as in the KPI family. */
const DONE_AT = "if(due_step = 'handle', handled_at, replied_at)";

/**
 * Work orders whose limited step is not done yet and that have used at least `minShare` of their time
 * limit (1 = due now). An order handled in time but not yet closed (waiting for the callback) is no longer
 * at risk.
 */
export function ordersNearLimit(ch: ClickHouse, q: { orgCode: string; now: number; minShare: number; types?: string[] }) {
  return ch.query(
    'repo.alerts.orders-near-limit',
    `SELECT order_id, type, county_code, created_at, due_at, due_step, status,
            dateDiff('millisecond', created_at, {now:DateTime64(3, 'UTC')}) / greatest(1, dateDiff('millisecond', created_at, due_at)) AS share
     FROM fact_work_order FINAL
     WHERE closed_at IS NULL AND ${DONE_AT} IS NULL AND created_at >= {since:DateTime64(3, 'UTC')} AND created_at <= {now:DateTime64(3, 'UTC')}
       AND ${orgPredicate(q.orgCode)} ${q.types?.length ? 'AND has({types:Array(String)}, type)' : ''}
       AND dateDiff('millisecond', created_at, {now:DateTime64(3, 'UTC')}) >= {minShare:Float64} * dateDiff('millisecond', created_at, due_at)
     ORDER BY share DESC
     LIMIT 20000`,
    {
      now: chTime(q.now),
      since: chTime(q.now - 45 * 86_400_000),
      org: q.orgCode.slice(0, 6),
      minShare: q.minShare,
      ...(q.types?.length ? { types: q.types } : {}),
    },
    orderRow,
  );
}

const outageRow = z.object({
  outage_id: z.string(),
  outage_type: z.string(),
  county_code: z.string(),
  feeder: z.string(),
  planned_start: chTimestamp,
  affected: chNumber,
  unnotified: chNumber,
});
export type UnnotifiedOutage = z.infer<typeof outageRow>;

/** Outages starting within the horizon (or already started, not yet ended) with customers not yet notified. */
export function outagesWithUnnotified(ch: ClickHouse, q: { orgCode: string; now: number; horizonHours: number; types?: string[] }) {
  const f = outageFamily;
  const where = `planned_start >= {from:DateTime64(3, 'UTC')} AND planned_start < {to:DateTime64(3, 'UTC')}
    AND ${q.orgCode.length === 2 ? 'province_code = {org:String}' : orgPredicate(q.orgCode)}
    ${q.types?.length ? 'AND has({types:Array(String)}, outage_type)' : ''}`;
  return ch.query(
    'repo.alerts.outages-unnotified',
    `SELECT outage_id, any(outage_type) AS outage_type, any(county_code) AS county_code, any(feeder) AS feeder,
            any(planned_start) AS planned_start, count() AS affected, countIf(${f.measures.unnotified!.where}) AS unnotified
     FROM ${f.from.replaceAll('{{where}}', where)}
     WHERE outage_status != 'restored'
     GROUP BY outage_id
     HAVING unnotified > 0
     ORDER BY planned_start
     LIMIT 20000`,
    {
      from: chTime(q.now - 6 * 3_600_000),
      to: chTime(q.now + q.horizonHours * 3_600_000),
      org: q.orgCode,
      ...(q.types?.length ? { types: q.types } : {}),
    },
    outageRow,
  );
}

const reconnectRow = z.object({
  disconnection_id: z.string(),
  county_code: z.string(),
  class: z.string(),
  paid: chTimestamp,
  hours: chNumber,
});

/** Disconnected customers who paid at least `minHours` ago and are still not reconnected. */
export function awaitingReconnection(ch: ClickHouse, q: { orgCode: string; now: number; minHours: number }) {
  return ch.query(
    'repo.alerts.awaiting-reconnection',
    `SELECT disconnection_id, county_code, class, assumeNotNull(paid_at) AS paid,
            dateDiff('second', assumeNotNull(paid_at), {now:DateTime64(3, 'UTC')}) / 3600 AS hours
     FROM fact_reconnection FINAL
     WHERE paid_at IS NOT NULL AND reconnected_at IS NULL AND ${orgPredicate(q.orgCode)}
       AND disconnected_at >= {since:DateTime64(3, 'UTC')}
       AND paid_at <= {cutoff:DateTime64(3, 'UTC')}
     ORDER BY paid_at
     LIMIT 20000`,
    { now: chTime(q.now), since: chTime(q.now - 120 * 86_400_000), cutoff: chTime(q.now - q.minHours * 3_600_000), org: q.orgCode },
    reconnectRow,
  );
}

const ratingRow = z.object({
  ticket_id: z.string(),
  hall_code: z.string(),
  county_code: z.string(),
  business_type: z.string(),
  ended_at: chNullableTimestamp,
  issued_at: chTimestamp,
});

/** Hall tickets rated dissatisfied since `from`. */
export function dissatisfiedRatings(ch: ClickHouse, q: { orgCode: string; from: number; now: number }) {
  const col = q.orgCode.length === 9 ? 'hall_code = {org:String}' : orgPredicate(q.orgCode);
  return ch.query(
    'repo.alerts.dissatisfied-ratings',
    `SELECT ticket_id, hall_code, county_code, business_type, ended_at, issued_at
     FROM fact_queue_ticket FINAL
     WHERE rating = 'dissatisfied' AND issued_at >= {from:DateTime64(3, 'UTC')} AND issued_at <= {now:DateTime64(3, 'UTC')} AND ${col}
     ORDER BY issued_at DESC
     LIMIT 20000`,
    { from: chTime(q.from - 12 * 3_600_000), now: chTime(q.now), org: q.orgCode },
    ratingRow,
  );
}

const batchRow = z.object({
  outage_id: z.string(),
  county_code: z.string(),
  first_sent: chTimestamp,
  sent: chNumber,
  failed: chNumber,
});

/** SMS notice batches (all texts of one outage) sent since `from`, with how many the gateway failed. */
export function smsBatches(ch: ClickHouse, q: { orgCode: string; from: number; now: number }) {
  return ch.query(
    'repo.alerts.sms-batches',
    `SELECT n.outage_id AS outage_id, any(o.county_code) AS county_code, min(n.sent_at) AS first_sent, count() AS sent,
            countIf(if(r.msg_id != '', r.delivery_status, n.delivery_status) = 'failed') AS failed
     FROM (SELECT outage_id, msg_id, sent_at, delivery_status FROM fact_notice FINAL
           WHERE channel = 'sms' AND sent_at >= {from:DateTime64(3, 'UTC')} AND sent_at <= {now:DateTime64(3, 'UTC')}) AS n
     INNER JOIN (SELECT outage_id, county_code FROM fact_outage FINAL WHERE ${orgPredicate(q.orgCode)}) AS o ON o.outage_id = n.outage_id
     LEFT JOIN (SELECT msg_id, delivery_status FROM fact_sms_report FINAL WHERE ${SMS_REPORT_SINCE}) AS r ON r.msg_id = n.msg_id
     GROUP BY n.outage_id
     ORDER BY first_sent DESC
     LIMIT 20000`,
    { from: chTime(q.from), now: chTime(q.now), org: q.orgCode },
    batchRow,
  );
}

const situationRow = z.object({
  county_code: z.string(),
  city: z.string(),
  outages: chNumber,
  affected: chNumber,
  first_start: chTimestamp,
});
const callMinuteRow = z.object({ county_code: z.string(), minute: chTimestamp, calls: chNumber });

/**
 * Counties with outages in progress (started within the window, not yet restored): affected customers, and
 * the fault-repair calls from that county since the first of them started, minute by minute.
 */
export async function outageSituations(ch: ClickHouse, q: { orgCode: string; from: number; now: number }) {
  const params = { from: chTime(q.from), now: chTime(q.now), org: q.orgCode };
  const [situations, minutes] = await Promise.all([
    ch.query(
      'repo.alerts.outage-situations',
      `SELECT county_code, any(city_code) AS city, count() AS outages, sum(affected_customers) AS affected,
              min(assumeNotNull(actual_start)) AS first_start
       FROM fact_outage FINAL
       WHERE actual_start IS NOT NULL AND actual_start >= {from:DateTime64(3, 'UTC')} AND actual_start <= {now:DateTime64(3, 'UTC')}
         AND (actual_end IS NULL OR actual_end > {now:DateTime64(3, 'UTC')}) AND status != 'cancelled' AND ${orgPredicate(q.orgCode)}
       GROUP BY county_code`,
      params,
      situationRow,
    ),
    ch.query(
      'repo.alerts.fault-call-minutes',
      `SELECT county_code, toStartOfMinute(ivr_at) AS minute, count() AS calls
       FROM fact_call FINAL
       WHERE category = 'fault_repair' AND ivr_at >= {from:DateTime64(3, 'UTC')} AND ivr_at <= {now:DateTime64(3, 'UTC')}
         AND ${orgPredicate(q.orgCode)}
       GROUP BY county_code, minute`,
      params,
      callMinuteRow,
    ),
  ]);
  return situations.map((s) => ({
    ...s,
    faultCalls: minutes
      .filter((m) => m.county_code === s.county_code && m.minute >= s.first_start - 60_000)
      .reduce((a, m) => a + m.calls, 0),
  }));
}

// Replays for the rule preview ("how often would this have fired over the last 30 days"): for each record
// of the period, the worst value it reached, so the caller can grade it by the rule's levels.

const replayRow = z.object({ id: z.string(), org: z.string(), at: chTimestamp, value: chNumber });
export type ReplayRow = z.infer<typeof replayRow>;

export function replayRecords(
  ch: ClickHouse,
  what: 'work_order_due' | 'reconnection' | 'dissatisfied_rating' | 'sms_batch_failed' | 'outage_notice' | 'balance_low',
  q: { orgCode: string; from: number; now: number; types?: string[]; minCount?: number; keyOnly?: boolean },
): Promise<ReplayRow[]> {
  const p = { from: chTime(q.from), now: chTime(q.now), org: q.orgCode.slice(0, 6) };
  const org = orgPredicate(q.orgCode.slice(0, 6));
  switch (what) {
    case 'work_order_due':
      return ch.query(
        'repo.alerts.replay-orders',
        `SELECT order_id AS id, county_code AS org, created_at AS at,
                dateDiff('millisecond', created_at, ifNull(${DONE_AT}, ifNull(closed_at, {now:DateTime64(3, 'UTC')}))) / greatest(1, dateDiff('millisecond', created_at, due_at)) AS value
         FROM fact_work_order FINAL
         WHERE created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {now:DateTime64(3, 'UTC')} AND ${org}
           ${q.types?.length ? 'AND has({types:Array(String)}, type)' : ''}`,
        { ...p, ...(q.types?.length ? { types: q.types } : {}) },
        replayRow,
      );
    case 'reconnection':
      return ch.query(
        'repo.alerts.replay-reconnection',
        `SELECT disconnection_id AS id, county_code AS org, assumeNotNull(paid_at) AS at,
                dateDiff('second', assumeNotNull(paid_at), ifNull(reconnected_at, {now:DateTime64(3, 'UTC')})) / 3600 AS value
         FROM fact_reconnection FINAL
         WHERE paid_at IS NOT NULL AND paid_at >= {from:DateTime64(3, 'UTC')} AND paid_at < {now:DateTime64(3, 'UTC')} AND ${org}`,
        p,
        replayRow,
      );
    case 'dissatisfied_rating':
      return ch.query(
        'repo.alerts.replay-ratings',
        `SELECT ticket_id AS id, hall_code AS org, issued_at AS at, 1 AS value
         FROM fact_queue_ticket FINAL
         WHERE rating = 'dissatisfied' AND issued_at >= {from:DateTime64(3, 'UTC')} AND issued_at < {now:DateTime64(3, 'UTC')} AND ${org}`,
        p,
        replayRow,
      );
    case 'sms_batch_failed':
      return ch.query(
        'repo.alerts.replay-sms',
        `SELECT n.outage_id AS id, any(o.county_code) AS org, min(n.sent_at) AS at,
                countIf(if(r.msg_id != '', r.delivery_status, n.delivery_status) = 'failed') / count() AS value
         FROM (SELECT outage_id, msg_id, sent_at, delivery_status FROM fact_notice FINAL
               WHERE channel = 'sms' AND sent_at >= {from:DateTime64(3, 'UTC')} AND sent_at < {now:DateTime64(3, 'UTC')}) AS n
         INNER JOIN (SELECT outage_id, county_code FROM fact_outage FINAL WHERE ${org}) AS o ON o.outage_id = n.outage_id
         LEFT JOIN (SELECT msg_id, delivery_status FROM fact_sms_report FINAL WHERE ${SMS_REPORT_SINCE}) AS r ON r.msg_id = n.msg_id
         GROUP BY n.outage_id
         HAVING count() >= {minSent:UInt32}`,
        { ...p, minSent: q.minCount ?? 0 },
        replayRow,
      );
    case 'balance_low':
      // One evaluation per fee-controlled customer and day: the day-end snapshots kept for history.
      return ch.query(
        'repo.alerts.replay-balances',
        `SELECT customer_id AS id, county_code AS org, snapshot_at AS at, toFloat64(balance) / toFloat64(expected_charge) AS value
         FROM fact_balance FINAL
         WHERE day_end = 1 AND snapshot_at >= {from:DateTime64(3, 'UTC')} AND snapshot_at < {now:DateTime64(3, 'UTC')}
           AND expected_charge > 0 AND ${org} ${q.keyOnly ? 'AND key_account = 1' : ''}`,
        p,
        replayRow,
      );
    case 'outage_notice': {
      // The value is the shortest notice an outage gave its customers: hours between the last customer's
      // first delivered notice (or the start, when someone never got one) and the planned start.
      const f = outageFamily;
      const where = `planned_start >= {from:DateTime64(3, 'UTC')} AND planned_start < {now:DateTime64(3, 'UTC')}
        AND ${q.orgCode.length === 2 ? 'province_code = {org:String}' : org} ${q.types?.length ? 'AND has({types:Array(String)}, outage_type)' : ''}`;
      return ch.query(
        'repo.alerts.replay-outage-notice',
        `SELECT outage_id AS id, any(county_code) AS org, any(planned_start) AS at,
                greatest(0, dateDiff('second', max(ifNull(first_delivered_at, planned_start)), any(planned_start)) / 3600) AS value
         FROM ${f.from.replaceAll('{{where}}', where)}
         GROUP BY outage_id`,
        {
          ...p,
          org: q.orgCode.length === 2 ? q.orgCode : p.org,
          ...(q.types?.length ? { types: q.types } : {}),
        },
        replayRow,
      );
    }
  }
}
