import {
  awaitingReconnection,
  dissatisfiedRatings,
  ordersNearLimit,
  outageSituations,
  outagesWithUnnotified,
  smsBatches,
} from '../../repositories/alert-records';
import { lowBalances } from '../../repositories/balances';
import { SEVERITIES, severityOf, type RuleSpec, type Severity } from '../spec';
import { fmtNum, localHm } from './format';
import type { EvalContext, Evaluation, Observation } from './types';

// Rules on individual records (DOMAIN.md §3: time limits and commitments, per-record events) and the
// cross-domain outage situation. Each record in the condition is its own subject, so its alert carries the
// record and recovers when the record leaves the condition (closed, notified, reconnected, aged out).

type RecordSpec = Extract<RuleSpec, { kind: 'time_limit' | 'record_event' | 'correlation' }>;

/** Work-order and outage types as staff say them (DOMAIN.md), in both languages; never the stored code. */
const ORDER_TYPE: Record<string, { zh: string; en: string }> = {
  fault_repair: { zh: '故障报修', en: 'fault-repair' },
  complaint: { zh: '投诉', en: 'complaint' },
  opinion: { zh: '意见', en: 'opinion' },
  arrears_reconnection: { zh: '欠费复电', en: 'arrears-reconnection' },
  inquiry: { zh: '咨询', en: 'inquiry' },
};
const OUTAGE_TYPE: Record<string, { zh: string; en: string }> = {
  planned: { zh: '计划停电', en: 'planned' },
  temporary: { zh: '临时停电', en: 'temporary' },
  fault: { zh: '故障停电', en: 'fault' },
  peak_shifting: { zh: '有序用电', en: 'peak-shifting' },
};
const typeName = (names: Record<string, { zh: string; en: string }>, code: string, lang: 'zh' | 'en') => names[code]?.[lang] ?? code;
/** "1 outage", "2 outages": English titles count things. */
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The loosest threshold of a rule: records beyond it are the ones worth reading from the store. */
function loosest(spec: RecordSpec): number {
  const ts = SEVERITIES.map((s) => spec.levels[s]).filter((t): t is number => t !== undefined);
  return spec.comparator.startsWith('>') ? Math.min(...ts) : Math.max(...ts);
}

/** Rules of one kind share one read per round: the group key and how far the widest of them reaches. */
export function recordGroup(spec: RecordSpec): { key: string; reach: number; lower: boolean } {
  switch (spec.kind) {
    case 'time_limit':
      return {
        key: `${spec.check}|${(spec.check === 'outage_notice' ? spec.outageTypes : spec.check === 'work_order_due' ? spec.orderTypes : [])?.join(',') ?? ''}`,
        reach: loosest(spec),
        // Orders and reconnections: the lowest threshold reads the most; outages: the longest horizon.
        lower: spec.check !== 'outage_notice',
      };
    case 'record_event':
      return spec.event === 'balance_low'
        ? { key: `balance_low|${spec.keyOnly ? 'key' : 'all'}`, reach: loosest(spec), lower: false }
        : { key: spec.event, reach: spec.windowMinutes, lower: false };
    case 'correlation':
      return { key: 'correlation', reach: spec.windowMinutes, lower: false };
  }
}

/** The widest reach per group over a round's record rules. */
export function groupReach(specs: RecordSpec[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of specs) {
    const g = recordGroup(s);
    const prev = out.get(g.key);
    out.set(g.key, prev === undefined ? g.reach : g.lower ? Math.min(prev, g.reach) : Math.max(prev, g.reach));
  }
  return out;
}

export interface RecordRound {
  /** The province (or the common ancestor of the rules' scopes): every group is read once at this node. */
  orgCode: string;
  reach: Map<string, number>;
  memo: Map<string, Promise<unknown>>;
}

function shared<T>(round: RecordRound, key: string, fetch: () => Promise<T>): Promise<T> {
  let p = round.memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = fetch();
    round.memo.set(key, p);
  }
  return p;
}

export async function evaluateRecordRule(spec: RecordSpec, ctx: EvalContext, round?: RecordRound): Promise<Evaluation> {
  const r0: RecordRound = round ?? { orgCode: spec.scope.orgCode, reach: groupReach([spec]), memo: new Map() };
  const group = recordGroup(spec);
  const reach = r0.reach.get(group.key) ?? group.reach;
  const org = r0.orgCode;
  const mine = (code: string) => code.startsWith(spec.scope.orgCode);
  const read = <T>(fetch: () => Promise<T>) => shared(r0, group.key, fetch);
  const sev = (v: number): Severity | null => severityOf(v, spec.levels, spec.comparator);
  const county = (code: string) => ctx.orgName(code);
  let observations: Observation[] = [];

  if (spec.kind === 'time_limit' && spec.check === 'work_order_due') {
    const all = await read(() => ordersNearLimit(ctx.ch, { orgCode: org, now: ctx.now, minShare: reach, types: spec.orderTypes }));
    const rows = all.filter((o) => mine(o.county_code) && o.share >= loosest(spec));
    observations = rows.map((o) => ({
      subject: `wo:${o.order_id}`,
      orgCode: o.county_code,
      orgName: county(o.county_code),
      value: o.share,
      severity: sev(o.share),
      figures: { share: o.share, type: o.type, dueAt: new Date(o.due_at).toISOString(), status: o.status },
      drill: { kind: 'record', table: 'work_order', id: o.order_id },
      text:
        o.share >= 1
          ? {
              zh: `${county(o.county_code)}${typeName(ORDER_TYPE, o.type, 'zh')}工单 ${o.order_id} 已超期（时限 ${localHm(o.due_at, ctx.tz)}）`,
              en: `${county(o.county_code)}: ${typeName(ORDER_TYPE, o.type, 'en')} order ${o.order_id} is overdue (due ${localHm(o.due_at, ctx.tz)})`,
            }
          : {
              zh: `${county(o.county_code)}${typeName(ORDER_TYPE, o.type, 'zh')}工单 ${o.order_id} 已用时限 ${Math.round(o.share * 100)}%（${localHm(o.due_at, ctx.tz)} 到期）`,
              en: `${county(o.county_code)}: ${typeName(ORDER_TYPE, o.type, 'en')} order ${o.order_id} has used ${Math.round(o.share * 100)}% of its limit (due ${localHm(o.due_at, ctx.tz)})`,
            },
    }));
  } else if (spec.kind === 'time_limit' && spec.check === 'outage_notice') {
    const all = await read(() =>
      outagesWithUnnotified(ctx.ch, { orgCode: org, now: ctx.now, horizonHours: reach, types: spec.outageTypes }),
    );
    const rows = all.filter((o) => mine(o.county_code) && o.planned_start < ctx.now + loosest(spec) * 3_600_000);
    observations = rows.map((o) => {
      const hours = (o.planned_start - ctx.now) / 3_600_000;
      return {
        subject: `outage:${o.outage_id}`,
        orgCode: o.county_code,
        orgName: county(o.county_code),
        value: hours,
        severity: sev(hours),
        figures: { hoursToStart: hours, affected: o.affected, unnotified: o.unnotified, type: o.outage_type, feeder: o.feeder },
        drill: { kind: 'record', table: 'outage', id: o.outage_id },
        text: {
          zh: `${county(o.county_code)}${typeName(OUTAGE_TYPE, o.outage_type, 'zh')} ${o.feeder}（${localHm(o.planned_start, ctx.tz)} 停电）尚有 ${o.unnotified}/${o.affected} 户未通知`,
          en: `${county(o.county_code)}: ${typeName(OUTAGE_TYPE, o.outage_type, 'en')} outage on ${o.feeder} at ${localHm(o.planned_start, ctx.tz)} has ${o.unnotified} of ${count(o.affected, 'customer')} not notified`,
        },
      };
    });
  } else if (spec.kind === 'time_limit' && spec.check === 'reconnection') {
    const all = await read(() => awaitingReconnection(ctx.ch, { orgCode: org, now: ctx.now, minHours: reach }));
    const rows = all.filter((x) => mine(x.county_code) && x.hours >= loosest(spec));
    observations = rows.map((r) => ({
      subject: `reconnect:${r.disconnection_id}`,
      orgCode: r.county_code,
      orgName: county(r.county_code),
      value: r.hours,
      severity: sev(r.hours),
      figures: { hoursSincePayment: r.hours, paidAt: new Date(r.paid).toISOString(), class: r.class },
      drill: { kind: 'record', table: 'reconnection', id: r.disconnection_id },
      text: {
        zh: `${county(r.county_code)}欠费停电客户缴费后 ${fmtNum(r.hours)} 小时仍未复电（${r.disconnection_id}）`,
        en: `${county(r.county_code)}: not reconnected ${fmtNum(r.hours)} h after payment (${r.disconnection_id})`,
      },
    }));
  } else if (spec.kind === 'record_event' && spec.event === 'dissatisfied_rating') {
    const from = ctx.now - spec.windowMinutes * 60_000;
    const all = await read(() => dissatisfiedRatings(ctx.ch, { orgCode: org, from: ctx.now - reach * 60_000, now: ctx.now }));
    const rows = all.filter((t) => mine(t.hall_code) && (t.ended_at ?? t.issued_at) >= from);
    observations = rows.map((t) => ({
      subject: `ticket:${t.ticket_id}`,
      orgCode: t.hall_code,
      orgName: ctx.orgName(t.hall_code),
      value: 1,
      severity: sev(1),
      figures: { businessType: t.business_type, at: new Date(t.ended_at ?? t.issued_at).toISOString() },
      drill: { kind: 'record', table: 'queue_ticket', id: t.ticket_id },
      text: {
        zh: `${ctx.orgName(t.hall_code)}客户评价“不满意”（${t.business_type}，${localHm(t.ended_at ?? t.issued_at, ctx.tz)}）`,
        en: `${ctx.orgName(t.hall_code)}: a customer rated the service dissatisfied (${t.business_type}, ${localHm(t.ended_at ?? t.issued_at, ctx.tz)})`,
      },
    }));
  } else if (spec.kind === 'record_event' && spec.event === 'sms_batch_failed') {
    const all = await read(() => smsBatches(ctx.ch, { orgCode: org, from: ctx.now - reach * 60_000, now: ctx.now }));
    const from = ctx.now - spec.windowMinutes * 60_000;
    observations = all
      .filter((b) => mine(b.county_code) && b.first_sent >= from && b.sent >= spec.minCount)
      .map((b) => {
        const share = b.sent === 0 ? 0 : b.failed / b.sent;
        return {
          subject: `sms:${b.outage_id}`,
          orgCode: b.county_code,
          orgName: county(b.county_code),
          value: share,
          severity: sev(share),
          figures: { sent: b.sent, failed: b.failed, share, firstSent: new Date(b.first_sent).toISOString() },
          drill: { kind: 'record', table: 'sms_batch', id: b.outage_id },
          text: {
            zh: `${county(b.county_code)}停电通知短信批次失败 ${b.failed}/${b.sent}（${(share * 100).toFixed(1)}%，停电事件 ${b.outage_id}）`,
            en: `${county(b.county_code)}: ${b.failed} of ${b.sent} outage SMS failed (${(share * 100).toFixed(1)}%, outage ${b.outage_id})`,
          },
        };
      });
  } else if (spec.kind === 'record_event' && spec.event === 'balance_low') {
    const all = await read(() => lowBalances(ctx.ch, { orgCode: org, ratio: reach, keyOnly: spec.keyOnly, limit: 20_000 }));
    observations = all
      .filter((b) => mine(b.county_code) && b.value <= loosest(spec))
      .map((b) => ({
        subject: `balance:${b.customer_id}`,
        orgCode: b.county_code,
        orgName: county(b.county_code),
        value: b.value,
        severity: sev(b.value),
        figures: {
          balance: b.balance,
          expectedCharge: b.expected_charge,
          ratio: b.value,
          keyAccount: b.key_account ? 1 : 0,
          control: b.control,
          snapshotAt: new Date(b.snapshot_at).toISOString(),
        },
        drill: { kind: 'record', table: 'balance', id: b.customer_id },
        text: {
          zh: `${county(b.county_code)}${b.key_account ? '大客户' : '费控客户'} ${b.customer_id} 电费余额 ${fmtNum(b.balance, 2)} 元，为预计电费的 ${(b.value * 100).toFixed(0)}%`,
          en: `${county(b.county_code)}: ${b.key_account ? 'key account' : 'fee-controlled customer'} ${b.customer_id} balance ${fmtNum(b.balance, 2)} CNY, ${(b.value * 100).toFixed(0)}% of the expected charge`,
        },
      }));
  } else if (spec.kind === 'correlation') {
    const all = await read(() => outageSituations(ctx.ch, { orgCode: org, from: ctx.now - reach * 60_000, now: ctx.now }));
    const rows = all.filter((x) => mine(x.county_code) && x.first_start >= ctx.now - spec.windowMinutes * 60_000);
    observations = rows.map((s) => {
      const minutes = Math.max(1, (ctx.now - s.first_start) / 60_000);
      return {
        subject: `county:${s.county_code}`,
        orgCode: s.county_code,
        orgName: county(s.county_code),
        value: s.affected,
        severity: sev(s.affected),
        figures: { outages: s.outages, affected: s.affected, faultCalls: s.faultCalls, faultCallsPerHour: (s.faultCalls / minutes) * 60 },
        drill: null,
        text: {
          zh: `${county(s.county_code)}停电 ${s.outages} 起、影响 ${s.affected} 户，已有故障报修来电 ${s.faultCalls} 个：预计话务继续上升，请95598提前排班`,
          en: `${county(s.county_code)}: ${count(s.outages, 'outage')} affecting ${count(s.affected, 'customer')}, ${count(s.faultCalls, 'fault-repair call')} so far — expect the call surge to grow`,
        },
      };
    });
  }
  return { observations, staleSources: [] };
}

export function recordRuleSources(spec: RecordSpec): string[] {
  switch (spec.kind) {
    case 'time_limit':
      return spec.check === 'work_order_due'
        ? ['workorder.orders']
        : spec.check === 'reconnection'
          ? ['billing.reconnections']
          : ['outage.events', 'outage.customers', 'outage.notices', 'outage.sms-reports'];
    case 'record_event':
      return spec.event === 'dissatisfied_rating'
        ? ['hall-queue.tickets']
        : spec.event === 'balance_low'
          ? ['billing.balances']
          : ['outage.notices', 'outage.sms-reports'];
    case 'correlation':
      return ['outage.events', 'cti.calls'];
  }
}
