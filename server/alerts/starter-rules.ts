import type { Db } from '../db/client';
import { PROVINCE } from '@/core/org/divisions';
import { ruleInput, type RuleInput } from './spec';

// The rules a province's monitoring hall starts with (DOMAIN.md §2 thresholds, §3 early warning): one or
// more of every kind, configured the way a utility would. Seeded once into an empty rule table; after that
// they are the administrators' to edit.

const P = PROVINCE.code;
const HALL_HOURS = { days: 'all' as const, hours: { from: '08:30', to: '18:00' } };

export const STARTER_RULES: RuleInput[] = [
  {
    name: '营业厅等候超时',
    nameEn: 'Hall wait over limit',
    spec: {
      kind: 'threshold',
      kpi: 'queue.longest_wait_now',
      window: { preset: 'today' },
      scope: { orgCode: P, by: 'hall' },
      comparator: '>=',
      levels: { yellow: 20, red: 30 },
      hysteresis: { fireAfter: 2, recoverAfter: 2 },
      calendar: HALL_HOURS,
      recipients: [{ kind: 'hall_manager' }, { kind: 'duty_officer' }],
    },
  },
  {
    name: '营业厅排队积压',
    nameEn: 'Hall queue building up',
    spec: {
      kind: 'change',
      kpi: 'queue.tickets',
      baseKpi: 'queue.called',
      mode: 'versus_kpi',
      windowMinutes: 30,
      minCount: 15,
      scope: { orgCode: P, by: 'hall' },
      comparator: '>=',
      levels: { yellow: 1.5, orange: 2 },
      hysteresis: { fireAfter: 2, recoverAfter: 2 },
      calendar: HALL_HOURS,
      recipients: [{ kind: 'hall_manager' }],
    },
  },
  {
    name: '95598呼损率',
    nameEn: '95598 call loss',
    spec: {
      kind: 'threshold',
      kpi: 'call.loss_rate',
      window: { minutes: 15 },
      minCount: 20,
      scope: { orgCode: P, by: 'city' },
      comparator: '>=',
      levels: { yellow: 0.05, orange: 0.1, red: 0.2 },
      hysteresis: { fireAfter: 2, recoverAfter: 3 },
      recipients: [{ kind: 'call_center' }, { kind: 'duty_officer' }],
    },
  },
  {
    name: '95598服务水平',
    nameEn: '95598 service level',
    spec: {
      kind: 'threshold',
      kpi: 'call.service_level',
      window: { minutes: 30 },
      minCount: 50,
      scope: { orgCode: P, by: 'total' },
      comparator: '<',
      levels: { yellow: 0.8, orange: 0.7, red: 0.6 },
      hysteresis: { fireAfter: 2, recoverAfter: 2 },
      recipients: [{ kind: 'call_center' }],
    },
  },
  {
    name: '话务量激增',
    nameEn: 'Call volume surge',
    spec: {
      kind: 'change',
      kpi: 'call.inbound',
      mode: 'previous_window',
      windowMinutes: 60,
      minCount: 60,
      scope: { orgCode: P, by: 'city' },
      comparator: '>=',
      levels: { yellow: 2, orange: 3 },
      recipients: [{ kind: 'call_center' }],
    },
  },
  {
    name: '故障报修话务异常',
    nameEn: 'Unusual fault-repair calls',
    spec: {
      kind: 'anomaly',
      kpi: 'call.inbound',
      windowMinutes: 60,
      weeks: 4,
      direction: 'up',
      minSpread: 5,
      minCount: 20,
      scope: { orgCode: P, by: 'city', filters: { category: ['fault_repair'] } },
      comparator: '>=',
      levels: { yellow: 3, orange: 5, red: 8 },
      recipients: [{ kind: 'call_center' }, { kind: 'duty_officer' }],
    },
  },
  {
    name: '工单量同比上升',
    nameEn: 'Work orders up year on year',
    spec: {
      kind: 'compare',
      kpi: 'wo.orders',
      window: { preset: 'today' },
      against: 'yoy',
      mode: 'relative',
      minCount: 30,
      scope: { orgCode: P, by: 'city' },
      comparator: '>=',
      levels: { blue: 0.5, yellow: 1 },
      recipients: [{ kind: 'duty_officer' }],
    },
  },
  {
    name: '工单时限（临期/超期）',
    nameEn: 'Work order time limit',
    spec: {
      kind: 'time_limit',
      check: 'work_order_due',
      scope: { orgCode: P },
      comparator: '>=',
      levels: { red: 1, yellow: 0.8 },
      recipients: [{ kind: 'unit' }],
    },
  },
  {
    name: '临时停电未通知',
    nameEn: 'Temporary outage not notified',
    spec: {
      kind: 'time_limit',
      check: 'outage_notice',
      outageTypes: ['temporary', 'peak_shifting'],
      scope: { orgCode: P },
      comparator: '<=',
      levels: { red: 2, orange: 12, yellow: 24 },
      recipients: [{ kind: 'unit' }, { kind: 'duty_officer' }],
    },
  },
  {
    name: '计划停电未提前7天通知',
    nameEn: 'Planned outage not notified 7 days ahead',
    spec: {
      kind: 'time_limit',
      check: 'outage_notice',
      outageTypes: ['planned'],
      scope: { orgCode: P },
      comparator: '<=',
      levels: { red: 24, orange: 72, yellow: 168 },
      calendar: { days: 'workdays' },
      recipients: [{ kind: 'unit' }],
    },
  },
  {
    name: '欠费复电超时',
    nameEn: 'Reconnection after payment overdue',
    spec: {
      kind: 'time_limit',
      check: 'reconnection',
      scope: { orgCode: P },
      comparator: '>=',
      levels: { red: 24, yellow: 20 },
      recipients: [{ kind: 'unit' }],
    },
  },
  {
    name: '营业厅不满意评价',
    nameEn: 'Dissatisfied hall rating',
    spec: {
      kind: 'record_event',
      event: 'dissatisfied_rating',
      windowMinutes: 120,
      scope: { orgCode: P },
      comparator: '>=',
      levels: { yellow: 1 },
      calendar: HALL_HOURS,
      recipients: [{ kind: 'hall_manager' }],
    },
  },
  {
    name: '大客户电费余额预警',
    nameEn: 'Key account balance at the warning point',
    spec: {
      kind: 'record_event',
      event: 'balance_low',
      keyOnly: true,
      scope: { orgCode: P },
      comparator: '<=',
      // DOMAIN.md §2.4: balance ÷ expected charge ≤ 0.2 is the warning point; owing (≤ 0) is red.
      levels: { red: 0, orange: 0.2 },
      recipients: [{ kind: 'unit' }],
    },
  },
  {
    name: '停电短信批量失败',
    nameEn: 'Outage SMS batch failed',
    spec: {
      kind: 'record_event',
      event: 'sms_batch_failed',
      windowMinutes: 240,
      minCount: 10,
      scope: { orgCode: P },
      comparator: '>=',
      levels: { red: 0.3, orange: 0.1 },
      recipients: [{ kind: 'unit' }, { kind: 'duty_officer' }],
    },
  },
  {
    name: '停电引发话务（关联研判）',
    nameEn: 'Outage situation and its calls',
    spec: {
      kind: 'correlation',
      windowMinutes: 180,
      scope: { orgCode: P },
      comparator: '>=',
      levels: { red: 5000, orange: 1000, yellow: 200 },
      recipients: [{ kind: 'call_center' }, { kind: 'duty_officer' }],
    },
  },
].map((r) => ruleInput.parse(r));

/** Seeds the starter rules into an empty rule table; returns how many were written. */
export async function seedStarterRules(db: Db, actor = 'system'): Promise<number> {
  if ((await db.prisma.alertRule.count()) > 0) return 0;
  for (const r of STARTER_RULES) {
    await db.prisma.alertRule.create({
      data: {
        name: r.name,
        nameEn: r.nameEn,
        kind: r.spec.kind,
        enabled: r.enabled,
        scopeCode: r.spec.scope.orgCode,
        spec: r.spec as object,
        updatedBy: actor,
        versions: {
          create: { version: 1, name: r.name, enabled: r.enabled, spec: r.spec as object, changedBy: actor, note: 'starter rule' },
        },
      },
    });
  }
  return STARTER_RULES.length;
}
