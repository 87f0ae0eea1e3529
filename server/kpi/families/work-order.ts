import type { Family } from './types';

const DONE_AT = "if(due_step = 'handle', handled_at, replied_at)";
const OPEN = 'closed_at IS NULL';
/** Still running against its limit: the limited step (power restored, or the reply) is not done. */
const AT_RISK = `closed_at IS NULL AND ${DONE_AT} IS NULL`;
const ARRIVE_BASE = 'arrive_due_at IS NOT NULL AND arrived_at IS NOT NULL';
const REPAIRED = "type = 'fault_repair' AND handled_at IS NOT NULL";
const REPAIR_MS = "dateDiff('millisecond', created_at, assumeNotNull(handled_at))";

/** 工单 (DOMAIN.md §2.5): one row per work order transferred to a local unit. */
export const workOrderFamily: Family = {
  id: 'work_order',
  label: { zh: '工单', en: 'Work orders' },
  sources: ['workorder.orders'],
  sourceTables: ['fact_work_order'],
  from: `(SELECT * FROM fact_work_order FINAL WHERE {{where}})`,
  timeColumn: 'created_at',
  timeType: 'datetime',
  leaf: 'county',
  dims: {
    type: {
      sql: 'type',
      label: { zh: '工单类型', en: 'Order type' },
      values: ['fault_repair', 'complaint', 'opinion', 'arrears_reconnection', 'inquiry'],
    },
    area_class: { sql: 'area_class', label: { zh: '区域', en: 'Area' }, values: ['urban', 'rural', 'remote'] },
  },
  measures: {
    orders: { kind: 'count', where: '1' },
    closed: { kind: 'count', where: 'closed_at IS NOT NULL' },
    arrive_base: { kind: 'count', where: ARRIVE_BASE },
    arrive_on_time: { kind: 'count', where: `${ARRIVE_BASE} AND arrived_at <= arrive_due_at` },
    done_base: { kind: 'count', where: `${DONE_AT} IS NOT NULL` },
    done_on_time: { kind: 'count', where: `${DONE_AT} IS NOT NULL AND ${DONE_AT} <= due_at` },
    repaired: { kind: 'count', where: REPAIRED },
    repair_ms_sum: { kind: 'sum', expr: REPAIR_MS, where: REPAIRED, rowsOf: 'repaired' },
    rated: { kind: 'count', where: "satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')" },
    satisfied: { kind: 'count', where: "satisfaction = 'satisfied'" },
    breach: { kind: 'count', where: "cause_tag = 'breach'" },
    work_error: { kind: 'count', where: "cause_tag = 'work_error'" },
    non_standard: { kind: 'count', where: "cause_tag = 'non_standard'" },
    open: { kind: 'count', where: OPEN, live: true },
    overdue_open: { kind: 'count', where: `${AT_RISK} AND due_at < {now:DateTime64(3, 'UTC')}`, live: true },
    near_due: {
      kind: 'count',
      where: `${AT_RISK} AND due_at >= {now:DateTime64(3, 'UTC')}
        AND dateDiff('millisecond', created_at, {now:DateTime64(3, 'UTC')}) >= {nearDueShare:Float64} * dateDiff('millisecond', created_at, due_at)`,
      live: true,
    },
  },
  params: (p) => ({ nearDueShare: p['workorder.nearDueShare'] }),
  grains: ['hour', 'day'],
  rows: {
    order_id: { sql: 'order_id', label: { zh: '工单编号', en: 'Order' }, type: 'string' },
    type: { sql: 'type', label: { zh: '类型', en: 'Type' }, type: 'string' },
    county_code: { sql: 'county_code', label: { zh: '区县', en: 'County' }, type: 'string' },
    area_class: { sql: 'area_class', label: { zh: '区域', en: 'Area' }, type: 'string' },
    created_at: { sql: 'created_at', label: { zh: '派单时间', en: 'Created' }, type: 'time' },
    arrive_due_at: { sql: 'arrive_due_at', label: { zh: '到场时限', en: 'Arrive by' }, type: 'time' },
    arrived_at: { sql: 'arrived_at', label: { zh: '到场时间', en: 'Arrived' }, type: 'time' },
    due_at: { sql: 'due_at', label: { zh: '办结时限', en: 'Due' }, type: 'time' },
    done_at: { sql: DONE_AT, label: { zh: '办结时间', en: 'Done' }, type: 'time' },
    status: { sql: 'status', label: { zh: '状态', en: 'Status' }, type: 'string' },
    cause_tag: { sql: 'cause_tag', label: { zh: '责任归类', en: 'Cause' }, type: 'string' },
    satisfaction: { sql: 'satisfaction', label: { zh: '回访满意度', en: 'Satisfaction' }, type: 'string' },
  },
  defaultSort: 'created_at',
};
