import type { Family } from './types';

const WAIT_MS = "dateDiff('millisecond', issued_at, assumeNotNull(called_at))";
const HANDLE_MS = "dateDiff('millisecond', assumeNotNull(called_at), assumeNotNull(ended_at))";
const CALLED = 'called_at IS NOT NULL';
const HANDLED = "called_at IS NOT NULL AND ended_at IS NOT NULL AND status = 'served'";

/** 营业厅排队 (DOMAIN.md §2.1): one row per ticket. */
export const queueFamily: Family = {
  id: 'queue',
  label: { zh: '营业厅排队', en: 'Business-hall queue' },
  sources: ['hall-queue.tickets'],
  sourceTables: ['fact_queue_ticket'],
  from: `(SELECT * FROM fact_queue_ticket FINAL WHERE {{where}})`,
  timeColumn: 'issued_at',
  timeType: 'datetime',
  leaf: 'hall',
  dims: {
    business_type: {
      sql: 'business_type',
      label: { zh: '业务类型', en: 'Business type' },
      values: ['fee', 'new_connection', 'change', 'inquiry', 'repair', 'other'],
    },
  },
  measures: {
    issued: { kind: 'count', where: '1' },
    waiting: { kind: 'count', where: "status = 'waiting'" },
    called: { kind: 'count', where: CALLED },
    voided: { kind: 'count', where: "status = 'voided'" },
    no_show: { kind: 'count', where: "status = 'no_show'" },
    wait_ms_sum: { kind: 'sum', expr: WAIT_MS, where: CALLED, rowsOf: 'called' },
    wait_ms_max: { kind: 'max', expr: WAIT_MS, where: CALLED, rowsOf: 'called' },
    oldest_waiting: { kind: 'min_time', expr: 'issued_at', where: "status = 'waiting'", rowsOf: 'waiting' },
    handled: { kind: 'count', where: HANDLED },
    handle_ms_sum: { kind: 'sum', expr: HANDLE_MS, where: HANDLED, rowsOf: 'handled' },
    wait_over_warn: { kind: 'count', where: `${CALLED} AND ${WAIT_MS} > {waitWarnMs:UInt64}` },
    wait_over_alarm: { kind: 'count', where: `${CALLED} AND ${WAIT_MS} > {waitAlarmMs:UInt64}` },
    over_threshold: {
      kind: 'count',
      where: `(${CALLED} AND ${WAIT_MS} > {waitWarnMs:UInt64}) OR (${HANDLED} AND ${HANDLE_MS} > {handleWarnMs:UInt64})`,
    },
    rated: { kind: 'count', where: "rating != 'none'" },
    satisfied: { kind: 'count', where: "rating = 'satisfied'" },
    dissatisfied: { kind: 'count', where: "rating = 'dissatisfied'" },
  },
  params: (p) => ({
    waitWarnMs: p['queue.waitWarnMin'] * 60_000,
    waitAlarmMs: p['queue.waitAlarmMin'] * 60_000,
    handleWarnMs: p['queue.handleWarnMin'] * 60_000,
  }),
  grains: ['hour', 'day'],
  rows: {
    ticket_id: { sql: 'ticket_id', label: { zh: '票号', en: 'Ticket' }, type: 'string' },
    hall_code: { sql: 'hall_code', label: { zh: '营业厅', en: 'Hall' }, type: 'string' },
    window_no: { sql: 'window_no', label: { zh: '窗口', en: 'Window' }, type: 'number' },
    business_type: { sql: 'business_type', label: { zh: '业务类型', en: 'Business type' }, type: 'string' },
    issued_at: { sql: 'issued_at', label: { zh: '取号时间', en: 'Issued' }, type: 'time' },
    called_at: { sql: 'called_at', label: { zh: '叫号时间', en: 'Called' }, type: 'time' },
    ended_at: { sql: 'ended_at', label: { zh: '办结时间', en: 'Ended' }, type: 'time' },
    wait_min: { sql: `if(${CALLED}, round(${WAIT_MS} / 60000, 1), NULL)`, label: { zh: '等候（分）', en: 'Wait (min)' }, type: 'number' },
    status: { sql: 'status', label: { zh: '状态', en: 'Status' }, type: 'string' },
    rating: { sql: 'rating', label: { zh: '评价', en: 'Rating' }, type: 'string' },
  },
  defaultSort: 'issued_at',
};
