import type { Family } from './types';

// Lead time an outage type needs (DOMAIN.md §2.3); fault outages have none and stay out of the timely rate.
const LEAD_H = `multiIf(outage_type = 'planned', {leadPlannedH:UInt32}, outage_type = 'temporary', {leadTemporaryH:UInt32},
  outage_type = 'peak_shifting', {leadPeakH:UInt32}, 0)`;
const NOTIFIED = 'first_delivered_at IS NOT NULL';
/** A fault outage whose power has gone: the notice clock starts when it went (DOMAIN.md §2.3). */
const FAULT_GONE = "outage_type = 'fault' AND actual_start IS NOT NULL";

/**
 * 停电通知 (DOMAIN.md §2.3): one row per affected customer of an outage, with that customer's notices.
 * Public announcements reach an area, not a household, so only notices addressed to the customer count.
 */
export const outageFamily: Family = {
  id: 'outage',
  label: { zh: '停电通知', en: 'Outage notification' },
  sources: ['outage.events', 'outage.customers', 'outage.notices', 'outage.sms-reports'],
  sourceTables: ['fact_outage', 'fact_outage_customer', 'fact_notice', 'fact_sms_report'],
  from: `(
    SELECT o.outage_id AS outage_id, o.city_code AS city_code, o.county_code AS county_code, o.outage_type AS outage_type,
           o.feeder AS feeder, o.area AS area, o.planned_start AS planned_start, o.actual_start AS actual_start, o.status AS outage_status,
           c.customer_id AS customer_id, c.important AS important,
           n.first_delivered_at AS first_delivered_at, n.attempts AS attempts, n.sms_failed AS sms_failed, n.last_failure AS last_failure
    FROM (SELECT * FROM fact_outage FINAL WHERE status != 'cancelled' AND {{where}}) AS o
    INNER JOIN (
      -- Only the period's outages: the customers of every outage ever (a year's back-fill: millions of rows) were read
      -- and merged (FINAL) for each rollup pass and raw query.
      SELECT outage_id, customer_id, important FROM fact_outage_customer FINAL
      WHERE outage_id IN (SELECT outage_id FROM fact_outage WHERE {{where}})
    ) AS c ON c.outage_id = o.outage_id
    LEFT JOIN (
      SELECT outage_id, customer_id,
             if(countIf(st = 'delivered') = 0, NULL, minIf(sent_at, st = 'delivered')) AS first_delivered_at,
             count() AS attempts,
             countIf(channel = 'sms' AND st = 'failed') AS sms_failed,
             argMaxIf(reason, sent_at, st = 'failed') AS last_failure
      FROM (
        -- An SMS is delivered when the gateway's report says so; other channels carry their own status.
        SELECT nt.outage_id AS outage_id, nt.customer_id AS customer_id, nt.sent_at AS sent_at, nt.channel AS channel,
               if(nt.channel = 'sms' AND r.msg_id != '', r.delivery_status, nt.delivery_status) AS st,
               if(r.failure_reason != '', r.failure_reason, nt.failure_reason) AS reason
        FROM (SELECT * FROM fact_notice FINAL
              WHERE customer_id != '' AND outage_id IN (SELECT outage_id FROM fact_outage WHERE {{where}})) AS nt
        LEFT JOIN (
          SELECT msg_id, delivery_status, failure_reason FROM fact_sms_report FINAL
          WHERE msg_id IN (SELECT msg_id FROM fact_notice WHERE channel = 'sms' AND outage_id IN (SELECT outage_id FROM fact_outage WHERE {{where}}))
        ) AS r ON r.msg_id = nt.msg_id AND nt.channel = 'sms'
      )
      GROUP BY outage_id, customer_id
    ) AS n ON n.outage_id = c.outage_id AND n.customer_id = c.customer_id
  )`,
  timeColumn: 'planned_start',
  timeType: 'datetime',
  leaf: 'county',
  dims: {
    outage_type: {
      sql: 'outage_type',
      label: { zh: '停电类型', en: 'Outage type' },
      values: ['planned', 'temporary', 'peak_shifting', 'fault'],
    },
    important: { sql: 'toString(important)', label: { zh: '重要客户', en: 'Important customer' }, values: ['0', '1'] },
  },
  measures: {
    outages: { kind: 'uniq', expr: 'outage_id', where: '1', rowsOf: 'affected' },
    affected: { kind: 'count', where: '1' },
    notified: { kind: 'count', where: NOTIFIED },
    timely_base: { kind: 'count', where: `${LEAD_H} > 0` },
    timely: {
      kind: 'count',
      where: `${LEAD_H} > 0 AND ${NOTIFIED} AND first_delivered_at <= planned_start - toIntervalHour(${LEAD_H})`,
    },
    unnotified: { kind: 'count', where: `NOT ${NOTIFIED}` },
    sms_failed: { kind: 'sum', expr: 'sms_failed', where: 'sms_failed > 0', rowsOf: 'with_sms_failure' },
    with_sms_failure: { kind: 'count', where: 'sms_failed > 0' },
    // Fault outages cannot be announced: their own rate, notified within N minutes after the power went.
    fault_base: { kind: 'count', where: FAULT_GONE },
    fault_timely: {
      kind: 'count',
      where: `${FAULT_GONE} AND ${NOTIFIED} AND first_delivered_at <= assumeNotNull(actual_start) + toIntervalMinute({faultNotifyMin:UInt32})`,
    },
  },
  params: (p) => ({
    leadPlannedH: p['outage.leadHours'].planned,
    leadTemporaryH: p['outage.leadHours'].temporary,
    leadPeakH: p['outage.leadHours'].peak_shifting,
    faultNotifyMin: p['outage.faultNotifyMinutes'],
  }),
  grains: ['hour', 'day'],
  rows: {
    outage_id: { sql: 'outage_id', label: { zh: '停电事件', en: 'Outage' }, type: 'string' },
    outage_type: { sql: 'outage_type', label: { zh: '类型', en: 'Type' }, type: 'string' },
    county_code: { sql: 'county_code', label: { zh: '区县', en: 'County' }, type: 'string' },
    feeder: { sql: 'feeder', label: { zh: '线路', en: 'Feeder' }, type: 'string' },
    planned_start: { sql: 'planned_start', label: { zh: '计划停电', en: 'Planned start' }, type: 'time' },
    actual_start: { sql: 'actual_start', label: { zh: '实际停电', en: 'Actual start' }, type: 'time' },
    customer_id: { sql: 'customer_id', label: { zh: '客户编号', en: 'Customer' }, type: 'string', personal: true },
    important: { sql: 'important', label: { zh: '重要客户', en: 'Important' }, type: 'number' },
    first_delivered_at: { sql: 'first_delivered_at', label: { zh: '首次送达', en: 'First delivered' }, type: 'time' },
    attempts: { sql: 'attempts', label: { zh: '通知次数', en: 'Attempts' }, type: 'number' },
    sms_failed: { sql: 'sms_failed', label: { zh: '短信失败', en: 'SMS failed' }, type: 'number' },
    last_failure: { sql: 'last_failure', label: { zh: '失败原因', en: 'Failure reason' }, type: 'string' },
  },
  defaultSort: 'planned_start',
  // Marks name an outage, or (gateway reports, which know only the message) the hour the SMS was sent.
  resolveKeys: `SELECT DISTINCT toStartOfHour(planned_start) AS bucket FROM fact_outage
    WHERE outage_id IN {keys:Array(String)}
       OR outage_id IN (SELECT outage_id FROM fact_notice WHERE has({keys:Array(String)}, concat('sms:', toString(toStartOfHour(sent_at)))))`,
};
