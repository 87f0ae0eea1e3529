import { z } from 'zod';
import { HOLIDAYS, MAKEUP_WORKDAYS } from '@/core/working-days';

// The definition parameters an administrator may change without a deploy (DOMAIN.md: every default there
// is one). Stored in the relational store (kpi_parameters), validated here; anything absent takes its
// default. Parameters that change a rollup column make that family's rollups rebuild.

const hours = z
  .number()
  .int()
  .min(0)
  .max(24 * 30);

export const PARAM_SCHEMAS = {
  'queue.waitWarnMin': z.number().int().min(1).max(240),
  'queue.waitAlarmMin': z.number().int().min(1).max(240),
  'queue.lengthWarn': z.number().int().min(1).max(500),
  'queue.handleWarnMin': z.number().int().min(1).max(240),
  'call.shortAbandonSec': z.number().int().min(0).max(60),
  'call.countBlocked': z.boolean(),
  'call.serviceLevelSec': z.number().int().min(1).max(300),
  'outage.leadHours': z.object({ planned: hours, temporary: hours, peak_shifting: hours }),
  'outage.faultNotifyMinutes': z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  'arrears.largeCustomerMinBill': z.number().min(0).max(1e9),
  'arrears.dunningPaidWithinDays': z.number().int().min(1).max(60),
  'arrears.reconnectLimitHours': z.number().int().min(1).max(240),
  'arrears.balanceWarnRatio': z.number().min(0).max(1),
  'workorder.nearDueShare': z.number().gt(0).lt(1),
  'workorder.limits': z.object({
    arriveUrbanMin: z.number().int().min(1),
    arriveRuralMin: z.number().int().min(1),
    arriveRemoteMin: z.number().int().min(1),
    restoreUrbanHours: z.number().int().min(1),
    restoreRuralHours: z.number().int().min(1),
    complaintContactWorkingDays: z.number().int().min(1),
    complaintReplyWorkingDays: z.number().int().min(1),
  }),
  'calendar.dayResetHour': z.number().int().min(0).max(23),
  'calendar.holidays': z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates as YYYY-MM-DD')).max(400),
  'calendar.makeupWorkdays': z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates as YYYY-MM-DD')).max(100),
} as const;

export type ParamKey = keyof typeof PARAM_SCHEMAS;
export type KpiParams = { [K in ParamKey]: z.infer<(typeof PARAM_SCHEMAS)[K]> };

export const PARAM_DEFAULTS: KpiParams = {
  'queue.waitWarnMin': 20,
  'queue.waitAlarmMin': 30,
  'queue.lengthWarn': 15,
  'queue.handleWarnMin': 30,
  'call.shortAbandonSec': 5,
  'call.countBlocked': true,
  'call.serviceLevelSec': 20,
  'outage.leadHours': { planned: 168, temporary: 24, peak_shifting: 24 },
  'outage.faultNotifyMinutes': 30,
  'arrears.largeCustomerMinBill': 10_000,
  'arrears.dunningPaidWithinDays': 7,
  'arrears.reconnectLimitHours': 24,
  'arrears.balanceWarnRatio': 0.2,
  'workorder.nearDueShare': 0.8,
  'workorder.limits': {
    arriveUrbanMin: 45,
    arriveRuralMin: 90,
    arriveRemoteMin: 120,
    restoreUrbanHours: 3,
    restoreRuralHours: 4,
    complaintContactWorkingDays: 1,
    complaintReplyWorkingDays: 7,
  },
  'calendar.dayResetHour': 0,
  'calendar.holidays': [...HOLIDAYS].sort(),
  'calendar.makeupWorkdays': [...MAKEUP_WORKDAYS].sort(),
};

export const PARAM_LABELS: Record<ParamKey, { zh: string; en: string; unit?: string }> = {
  'queue.waitWarnMin': { zh: '等候超时预警（分钟）', en: 'Wait warning (min)', unit: 'min' },
  'queue.waitAlarmMin': { zh: '等候超时告警（分钟）', en: 'Wait alarm (min)', unit: 'min' },
  'queue.lengthWarn': { zh: '排队人数预警', en: 'Queue length warning' },
  'queue.handleWarnMin': { zh: '办理超时（分钟）', en: 'Handling over threshold (min)', unit: 'min' },
  'call.shortAbandonSec': { zh: '短时放弃阈值（秒）', en: 'Short-abandon cut-off (s)', unit: 's' },
  'call.countBlocked': { zh: '系统阻塞计入呼损', en: 'Blocked calls count as lost' },
  'call.serviceLevelSec': { zh: '服务水平应答时限（秒）', en: 'Service-level answer time (s)', unit: 's' },
  'outage.leadHours': { zh: '停电通知提前量（小时，按类型）', en: 'Notification lead time per outage type (h)', unit: 'h' },
  'outage.faultNotifyMinutes': { zh: '故障停电通知时限（分钟）', en: 'Fault outage: notify within (min)', unit: 'min' },
  'arrears.largeCustomerMinBill': { zh: '大客户月电费下限（元）', en: 'Large customer: monthly bill from (CNY)', unit: 'CNY' },
  'arrears.dunningPaidWithinDays': { zh: '催费后缴费统计天数', en: 'Dunning: paid within (days)', unit: 'd' },
  'arrears.reconnectLimitHours': { zh: '欠费复电时限（小时）', en: 'Reconnection limit after payment (h)', unit: 'h' },
  'arrears.balanceWarnRatio': { zh: '电费预警点（余额/预计电费）', en: 'Balance warning ratio' },
  'workorder.nearDueShare': { zh: '工单临期预警比例', en: 'Work order near-due share of limit' },
  'workorder.limits': { zh: '工单时限（承诺）', en: 'Work order time limits (commitments)' },
  'calendar.dayResetHour': { zh: '营业日切换时刻（时）', en: 'Business day starts at (hour)' },
  'calendar.holidays': { zh: '法定节假日', en: 'Public holidays' },
  'calendar.makeupWorkdays': { zh: '调休工作日', en: 'Make-up working days' },
};

export const PARAM_KEYS = Object.keys(PARAM_SCHEMAS) as ParamKey[];

/** Cross-field rules a single schema cannot state. */
export function checkParams(p: KpiParams): string[] {
  const problems: string[] = [];
  if (p['queue.waitAlarmMin'] <= p['queue.waitWarnMin']) problems.push('queue.waitAlarmMin must be greater than queue.waitWarnMin');
  return problems;
}

/** Stored values over the defaults; a stored value that no longer validates is ignored with a warning. */
export function resolveParams(stored: readonly { key: string; value: unknown }[]): KpiParams {
  const out: Record<string, unknown> = { ...PARAM_DEFAULTS };
  for (const { key, value } of stored) {
    if (!(key in PARAM_SCHEMAS)) continue;
    const parsed = PARAM_SCHEMAS[key as ParamKey].safeParse(value);
    if (parsed.success) out[key] = parsed.data;
    else console.warn(`[kpi] stored parameter ${key} is invalid, using the default: ${parsed.error.issues[0]?.message}`);
  }
  return out as KpiParams;
}
