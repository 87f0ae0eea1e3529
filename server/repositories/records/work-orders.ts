import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { chParamTime, isoTime, LIST_LIMIT, num } from './common';

// One work order (转办工单, DOMAIN.md §2.5): its newest version in fact_work_order (each step the API reports
// adds a version; FINAL reads the newest) and its steps with their actors from fact_work_order_step.

const orderRow = z.object({
  order_id: z.string(),
  source: z.string(),
  type: z.string(),
  province_code: z.string(),
  city_code: z.string(),
  county_code: z.string(),
  area_class: z.string(),
  created_at: isoTime,
  limit_value: num,
  limit_unit: z.string(),
  time_limit_minutes: num,
  arrive_due_at: isoTime,
  due_at: isoTime,
  due_step: z.string(),
  accepted_at: isoTime,
  dispatched_at: isoTime,
  arrived_at: isoTime,
  handled_at: isoTime,
  replied_at: isoTime,
  callback_at: isoTime,
  closed_at: isoTime,
  status: z.string(),
  result: z.string(),
  cause_tag: z.string(),
  satisfaction: z.string(),
  src_updated_at: isoTime,
  loaded_at: isoTime,
});
export type WorkOrderRow = z.infer<typeof orderRow>;

const stepRow = z.object({
  step: z.string(),
  actor: z.string(),
  actor_name: z.string(),
  at: isoTime,
});
export type WorkOrderStepRow = z.infer<typeof stepRow>;

const ORDER_COLUMNS = Object.keys(orderRow.shape).join(', ');

export async function findWorkOrder(ch: ClickHouse, id: string): Promise<WorkOrderRow | null> {
  const rows = await ch.query(
    'repo.records.work-order',
    `SELECT ${ORDER_COLUMNS} FROM fact_work_order FINAL WHERE order_id = {id:String} LIMIT 1`,
    { id },
    orderRow,
  );
  return rows[0] ?? null;
}

export function workOrderSteps(ch: ClickHouse, id: string): Promise<WorkOrderStepRow[]> {
  return ch.query(
    'repo.records.work-order-steps',
    `SELECT step, actor, actor_name, at FROM fact_work_order_step FINAL WHERE order_id = {id:String} ORDER BY at, step`,
    { id },
    stepRow,
  );
}

const relatedOrderRow = z.object({
  order_id: z.string(),
  type: z.string(),
  county_code: z.string(),
  created_at: isoTime,
  due_at: isoTime,
  status: z.string(),
});
export type RelatedOrderRow = z.infer<typeof relatedOrderRow>;

/** Work orders of one county and type created in [from, to): e.g. the repair orders during an outage. */
export function ordersInWindow(
  ch: ClickHouse,
  q: { countyCode: string; type: string; from: string; to: string },
): Promise<RelatedOrderRow[]> {
  return ch.query(
    'repo.records.orders-in-window',
    `SELECT order_id, type, county_code, created_at, due_at, status FROM fact_work_order FINAL
     WHERE county_code = {county:String} AND type = {type:String}
       AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
     ORDER BY created_at LIMIT {limit:UInt32}`,
    { county: q.countyCode, type: q.type, from: chParamTime(q.from), to: chParamTime(q.to), limit: LIST_LIMIT },
    relatedOrderRow,
  );
}
