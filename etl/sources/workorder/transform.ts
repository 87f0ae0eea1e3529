import { z } from 'zod';
import { findCounty } from '@/core/org/divisions';
import { chTime, parseLocal } from '@/core/time';
import {
  AREA_TYPE_LABEL,
  CAUSE_TAG_LABEL,
  LIMIT_UNIT_CODE,
  ORDER_STATUS_CODE,
  ORDER_TYPE_LABEL,
  RESULT_LABEL,
  SATISFACTION_LABEL,
  STEP_CODE,
  invert,
} from './source-schema';

// Work-order records → one fact_work_order row (the order's latest state) and one fact_work_order_step row
// per step done. Anything that cannot be trusted is returned as a reason instead, so one bad order is
// quarantined whole while the rest of the page loads.

const TYPE = invert(ORDER_TYPE_LABEL);
const AREA = invert(AREA_TYPE_LABEL);
const STEP = invert(STEP_CODE);
const STATUS = invert(ORDER_STATUS_CODE);
const LIMIT_UNIT = invert(LIMIT_UNIT_CODE);
const RESULT = invert(RESULT_LABEL);
const CAUSE_TAG = invert(CAUSE_TAG_LABEL);
const SATISFACTION = invert(SATISFACTION_LABEL);

/** The step whose time the order's deadline (due_at) applies to. */
export const DUE_STEP = {
  fault_repair: 'handle',
  arrears_reconnection: 'handle',
  complaint: 'reply',
  opinion: 'reply',
  inquiry: 'reply',
} as const;

const text = z.string().nullable().optional();

export const sourceWorkOrderSchema = z.object({
  orderNo: z.coerce.string().min(1),
  orderType: z.string(),
  orgCode: z.coerce.string(),
  areaType: z.string(),
  createTime: z.string(),
  limitValue: z.coerce.number().int().positive(),
  limitUnit: z.string(),
  arriveDeadline: text,
  deadline: z.string(),
  orderStatus: z.coerce.string(),
  nodeList: z.array(
    z.object({
      nodeCode: z.string(),
      operatorId: z.coerce.string(),
      operatorName: z.string().nullable().optional(),
      operateTime: z.string(),
    }),
  ),
  archiveTime: text,
  handleResult: text,
  responsibility: text,
  satisfaction: text,
  updateTime: z.string(),
});

export interface WorkOrderRows {
  order: Record<string, unknown>;
  steps: Record<string, unknown>[];
}

export type WorkOrderTransform = { ok: true; rows: WorkOrderRows } | { ok: false; reason: string };

const bad = (reason: string): WorkOrderTransform => ({ ok: false, reason });

/** A local time; null for absent or empty, undefined when unreadable. */
function timeOf(v: string | null | undefined, tz: string): number | null | undefined {
  if (v === null || v === undefined || v === '') return null;
  return parseLocal(v, tz) ?? undefined;
}

/** Maps an optional label; '' is absent; undefined when the label is unknown. */
function labelOf<K extends string>(map: Map<string, K>, v: string | null | undefined): K | '' | undefined {
  if (v === null || v === undefined || v === '') return '';
  return map.get(v);
}

export function transformWorkOrder(raw: unknown, tz: string, source = 'crm'): WorkOrderTransform {
  const parsed = sourceWorkOrderSchema.safeParse(raw);
  if (!parsed.success) return bad(`malformed record: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const w = parsed.data;
  const county = findCounty(w.orgCode);
  if (!county) return bad(`unknown org unit ${w.orgCode}`);
  const type = TYPE.get(w.orderType);
  if (!type) return bad(`unknown order type ${w.orderType}`);
  const area = AREA.get(w.areaType);
  if (!area) return bad(`unknown area type ${w.areaType}`);
  const status = STATUS.get(w.orderStatus);
  if (!status) return bad(`unknown order status ${w.orderStatus}`);
  const limitUnit = LIMIT_UNIT.get(w.limitUnit);
  if (!limitUnit) return bad(`unknown limit unit ${w.limitUnit}`);
  const result = labelOf(RESULT, w.handleResult);
  if (result === undefined) return bad(`unknown handle result ${w.handleResult}`);
  const causeTag = labelOf(CAUSE_TAG, w.responsibility);
  if (causeTag === undefined) return bad(`unknown responsibility ${w.responsibility}`);
  const satisfaction = labelOf(SATISFACTION, w.satisfaction);
  if (satisfaction === undefined) return bad(`unknown satisfaction ${w.satisfaction}`);

  const times: Record<string, number | null> = {};
  for (const f of ['createTime', 'arriveDeadline', 'deadline', 'archiveTime', 'updateTime'] as const) {
    const t = timeOf(w[f], tz);
    if (t === undefined) return bad(`bad date in ${f}: ${JSON.stringify(w[f])}`);
    times[f] = t;
  }
  const created = times.createTime;
  const due = times.deadline;
  const updated = times.updateTime;
  if (created == null || due == null || updated == null) return bad('createTime, deadline and updateTime are required');
  if (due < created) return bad('deadline before createTime');
  const arriveDue = times.arriveDeadline ?? null;
  if (arriveDue !== null && arriveDue < created) return bad('arriveDeadline before createTime');
  const closed = times.archiveTime ?? null;
  if (status === 'closed' && closed === null) return bad('closed order without archiveTime');
  if (closed !== null && closed < created) return bad('archiveTime before createTime');

  const at: Partial<Record<string, number>> = {};
  const steps: Record<string, unknown>[] = [];
  for (const node of w.nodeList) {
    const step = STEP.get(node.nodeCode);
    if (!step) return bad(`unknown step ${node.nodeCode}`);
    const t = timeOf(node.operateTime, tz);
    if (t == null) return bad(`bad date in ${step} operateTime: ${JSON.stringify(node.operateTime)}`);
    if (t < created) return bad(`${step} step before createTime`);
    if (at[step] !== undefined) return bad(`${step} step twice`);
    at[step] = t;
    steps.push({
      order_id: w.orderNo,
      source,
      step,
      actor: node.operatorId,
      actor_name: node.operatorName ?? '',
      at: chTime(t),
      created_at: chTime(created),
      src_updated_at: chTime(updated),
    });
  }
  const stepTime = (s: string) => (at[s] === undefined ? null : chTime(at[s]));

  return {
    ok: true,
    rows: {
      order: {
        order_id: w.orderNo,
        source,
        type,
        province_code: county.cityCode.slice(0, 2),
        city_code: county.cityCode,
        county_code: county.code,
        area_class: area,
        created_at: chTime(created),
        limit_value: w.limitValue,
        limit_unit: limitUnit,
        time_limit_minutes: Math.round((due - created) / 60_000),
        arrive_due_at: arriveDue === null ? null : chTime(arriveDue),
        due_at: chTime(due),
        due_step: DUE_STEP[type],
        accepted_at: stepTime('accept'),
        dispatched_at: stepTime('dispatch'),
        arrived_at: stepTime('arrive'),
        handled_at: stepTime('handle'),
        replied_at: stepTime('reply'),
        callback_at: stepTime('callback'),
        closed_at: closed === null ? null : chTime(closed),
        status,
        result,
        cause_tag: causeTag,
        satisfaction,
        src_updated_at: chTime(updated),
      },
      steps,
    },
  };
}

/** Stable key of a record for the quarantine (which deduplicates on it). */
export const workOrderKey = (raw: Record<string, unknown>) => String(raw.orderNo ?? '');
