import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { loadEnv } from '@/core/env';
import { runEtlJob } from '@/etl/runtime/run-job';
import { etlJobs, startSimulator, type Simulator } from '@/etl/simulator/start';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import type { Runtime } from '@/server/runtime';
import type { Context } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { trpcError } from '../helpers/trpc';
import { MIGRATIONS_DIR } from '../db/helpers';
import { testRuntime } from '../helpers/runtime';
import {
  bj,
  bjDate,
  bjMidnight,
  readBilling,
  readCti,
  readOutages,
  readTickets,
  readWorkOrders,
  type BillingSource,
  type OutageSource,
  type Ticket,
} from './recount/sources';

// Issue 12: every figure equals its definition. Every KPI that kpi.definitions lists is recounted here from
// the simulated source systems themselves (their SQLite files, API pages and drop files), with the formula as
// DOMAIN.md §2 words it and code that shares nothing with the KPI layer (no families, predicates, rollups), at
// the province, a city and a county, and compared with kpi.query, and with the number of kpi.rows where the
// figure has records. A KPI with no recount registered fails the test.

/** The user the in-process callers act as (the user type is being reworked: adapt it here only). */
const TEST_USER = { id: 'test-admin', name: 'admin', role: 'admin', orgCode: '53' } as Context['user'];

const NOW = Date.parse('2026-11-23T14:00:00+08:00'); // a Monday afternoon, Beijing
const TODAY = '2026-11-23';
/** The fixed day of the period KPIs: yesterday, complete in every source. */
const DAY = '2026-11-22';
/** The month of the monthly KPIs: this month to date. */
const MONTH = { from: '2026-11-01', to: TODAY };
/** Bill-month KPIs: last month, the latest bill month the billing run has issued. */
const BILL_MONTH = { from: '2026-10-01', to: '2026-10-31' };
const H = 3_600_000;
const MIN = 60_000;

// DOMAIN.md defaults (the parameters an administrator has not changed).
const WAIT_WARN_MIN = 20;
const HANDLE_WARN_MIN = 30;
const SHORT_ABANDON_S = 5;
const SERVICE_LEVEL_S = 20;
const LEAD_H: Record<string, number> = { 计划停电: 7 * 24, 临时停电: 24, 错峰停电: 24 };
const FAULT_NOTIFY_MIN = 30;
const LARGE_MIN_BILL = 10_000;
const DUNNING_DAYS = 7;
const RECONNECT_LIMIT_H = 24;
const BALANCE_WARN_RATIO = 0.2;
const NEAR_DUE_SHARE = 0.8;

let ch: ClickHouse;
let db: Db;
let rt: Runtime;
let sim: Simulator;
let dataDir: string;
let src: Sources;
let definitions: { id: string; digits: number; domain: string; dimensions: { name: string; values: readonly string[] | null }[] }[];
const caller = () => createCaller({ rt, user: TEST_USER, headers: new Headers(), now: () => NOW } satisfies Context);

interface Sources {
  tickets: Ticket[];
  calls: Record<string, unknown>[];
  agents: Record<string, unknown>[];
  outage: OutageSource;
  billing: BillingSource;
  orders: Record<string, unknown>[];
}

/**
 * What a recount gives: the figure, and how many records kpi.rows lists behind each drill part where it has
 * them (for a distinct count, the distinct entities: outages, customers).
 */
interface Recount {
  value: number | null;
  rows?: { numerator?: number; denominator?: number };
}
type RecountFn = (org: string) => Recount;

const inOrg = (county: string, org: string) => county.startsWith(org);
const ratio = (num: number, den: number): Recount => ({ value: den === 0 ? null : num / den, rows: { numerator: num, denominator: den } });
const count = (n: number): Recount => ({ value: n, rows: { numerator: n } });
const avg = (xs: number[], scale: number): Recount => ({
  value: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length / scale : null,
  rows: { numerator: xs.length },
});
const inDay = (ms: number | null, ymd: string) => ms !== null && bjDate(ms) === ymd;
const inMonth = (ms: number | null) => ms !== null && bjDate(ms) >= MONTH.from && bjDate(ms) <= MONTH.to;

// ---- 2.1 queue ----
const tickets = (org: string, ymd: string) => src.tickets.filter((t) => inOrg(t.county, org) && inDay(t.take, ymd));
const called = (org: string) => tickets(org, DAY).filter((t) => t.call !== null);
const waits = (org: string) => called(org).map((t) => t.call! - t.take!);
const handled = (org: string) => tickets(org, DAY).filter((t) => t.state === 2 && t.call !== null && t.finish !== null);
const waitingNow = (org: string) => tickets(org, TODAY).filter((t) => t.state === 0);
const rated = (org: string) => tickets(org, DAY).filter((t) => t.evaluation === 1 || t.evaluation === 2 || t.evaluation === 3);

// ---- 2.2 calls: vendor labels (releaseCause) as the CTI ships them ----
const callOf = (r: Record<string, unknown>) => {
  const ivr = bj(r.ivrStartTime);
  const requested = bj(r.queueStartTime);
  const answered = bj(r.answerTime);
  const ended = bj(r.releaseTime);
  const cause = String(r.releaseCause);
  const requestedAgent = cause !== 'IVR_SELF_SERVICE';
  const abandoned = cause === 'QUEUE_ABANDON' || cause === 'RING_ABANDON';
  const short = abandoned && requested !== null && ended !== null && ended - requested < SHORT_ABANDON_S * 1000;
  return { county: String(r.callerArea), ivr, requested, answered, cause, requestedAgent, short, manual: requestedAgent && !short };
};
type Call = ReturnType<typeof callOf>;
let callsCache: Call[] = [];
const calls = (org: string) => callsCache.filter((c) => inOrg(c.county, org) && inDay(c.ivr, DAY));
const manual = (org: string) => calls(org).filter((c) => c.manual);
const answered = (org: string) => calls(org).filter((c) => c.cause === 'NORMAL_CLEARING');
const lost = (org: string) => manual(org).filter((c) => c.cause !== 'NORMAL_CLEARING');

/** Each agent's state now: its latest spell started in the last 7 days, up to now. */
function agentStatesNow(): Map<string, string> {
  const latest = new Map<string, { at: number; state: string }>();
  for (const r of src.agents) {
    const at = bj(r.stateStartTime);
    if (at === null || at > NOW || at < NOW - 7 * 24 * H) continue;
    const prev = latest.get(String(r.agentId));
    if (!prev || prev.at < at) latest.set(String(r.agentId), { at, state: String(r.state) });
  }
  return new Map([...latest].map(([a, v]) => [a, v.state]));
}
const agents = (code: string | null) => [...agentStatesNow().values()].filter((s) => (code === null ? s !== 'LOGOUT' : s === code)).length;

/** Σ length of the spells in a state that started on the fixed day; a spell still going counts to now. */
function timeInState(code: string): Recount {
  let ms = 0;
  let spells = 0;
  for (const r of src.agents) {
    const start = bj(r.stateStartTime);
    if (String(r.state) !== code || !inDay(start, DAY) || start! > NOW) continue;
    ms += Math.min(bj(r.stateEndTime) ?? NOW, NOW) - start!;
    spells++;
  }
  return { value: ms / H, rows: { numerator: spells } };
}

// ---- 2.3 outages: an affected customer of an outage, with that customer's notices ----
interface Affected {
  outage: string;
  county: string;
  type: string;
  plannedStart: number;
  actualStart: number | null;
  firstDelivered: number | null;
  smsFailed: number;
}
let affectedCache: Affected[] = [];
function buildAffected(o: OutageSource): Affected[] {
  const outages = new Map(o.outages.filter((x) => String(x.status) !== '09').map((x) => [String(x.outage_id), x]));
  const notices = new Map<string, { delivered: number[]; smsFailed: number }>();
  for (const n of o.notices) {
    if (!n.cust_no) continue; // a public announcement reaches an area, not a household
    const channel = String(n.channel);
    let status: string;
    if (channel === '短信' && n.msg_id && o.smsStatus.has(String(n.msg_id)))
      status = o.smsStatus.get(String(n.msg_id)) === 'DELIVRD' ? 'ok' : 'failed';
    else status = n.send_result === null || n.send_result === undefined ? 'pending' : Number(n.send_result) === 1 ? 'ok' : 'failed';
    const key = `${String(n.outage_id)}|${String(n.cust_no)}`;
    const e = notices.get(key) ?? { delivered: [], smsFailed: 0 };
    const sent = bj(n.send_time);
    if (status === 'ok' && sent !== null) e.delivered.push(sent);
    if (status === 'failed' && channel === '短信') e.smsFailed++;
    notices.set(key, e);
  }
  const seen = new Set<string>();
  const out: Affected[] = [];
  for (const c of o.customers) {
    const ev = outages.get(String(c.outage_id));
    const key = `${String(c.outage_id)}|${String(c.cust_no)}`;
    if (!ev || seen.has(key)) continue;
    seen.add(key);
    const n = notices.get(key);
    out.push({
      outage: String(ev.outage_id),
      county: String(ev.county_code),
      type: String(ev.outage_type),
      plannedStart: bj(ev.plan_start)!,
      actualStart: bj(ev.actual_start),
      firstDelivered: n?.delivered.length ? Math.min(...n.delivered) : null,
      smsFailed: n?.smsFailed ?? 0,
    });
  }
  return out;
}
const affected = (org: string) => affectedCache.filter((a) => inOrg(a.county, org) && inDay(a.plannedStart, DAY));
const leadDue = (org: string) => affected(org).filter((a) => LEAD_H[a.type] !== undefined);
const faultAffected = (org: string) => affected(org).filter((a) => a.type === '故障停电' && a.actualStart !== null);

// ---- 2.4 arrears: the export's own labels ----
interface Bill {
  id: string;
  customer: string;
  county: string;
  cls: string;
  month: string;
  amount: number;
  due: string;
  paid: number;
}
let billsCache: Bill[] = [];
function buildBills(b: BillingSource): Bill[] {
  const paid = new Map<string, number>();
  for (const p of b.payments)
    if (p['扣款结果'] === '成功') paid.set(p['账单编号']!, (paid.get(p['账单编号']!) ?? 0) + Number(p['缴费金额']));
  return b.bills.map((r) => {
    const c = b.customers.get(r['户号']!);
    return {
      id: r['账单编号']!,
      customer: r['户号']!,
      county: c?.county ?? '',
      cls: c?.cls ?? '',
      month: r['电费年月']!.slice(0, 7),
      amount: Number(r['应收金额']),
      due: r['缴费截止日']!.slice(0, 10),
      paid: paid.get(r['账单编号']!) ?? 0,
    };
  });
}
const countyOf = (customer: string) => src.billing.customers.get(customer)?.county ?? '';
const monthBills = (org: string) => billsCache.filter((b) => inOrg(b.county, org) && b.month === BILL_MONTH.from.slice(0, 7));
const collectedOf = (b: Bill) => Math.min(b.paid, b.amount);
/** The arrears book: bills past their due date (due before today) with something unpaid. */
const overdue = (org: string) => billsCache.filter((b) => inOrg(b.county, org) && b.due < TODAY && b.amount - collectedOf(b) > 0.0001);
const isKey = (b: Bill) => b.cls === '大客户' || b.amount >= LARGE_MIN_BILL;
const debits = (org: string) =>
  src.billing.payments.filter((p) => p['缴费渠道'] === '银行代扣' && inOrg(countyOf(p['户号']!), org) && inMonth(bj(p['缴费时间'])));
const dunned = (org: string) => src.billing.dunning.filter((d) => inOrg(countyOf(d['户号']!), org) && inMonth(bj(d['催费时间'])));
function paidWithin(customer: string, at: number): boolean {
  return src.billing.payments.some((p) => {
    const t = bj(p['缴费时间']);
    return p['户号'] === customer && p['扣款结果'] === '成功' && t !== null && t >= at && t < at + DUNNING_DAYS * 24 * H;
  });
}
const cases = (org: string) => src.billing.reconnections.filter((x) => inOrg(countyOf(x['户号']!), org));
const paidCases = (org: string) => cases(org).filter((x) => inMonth(bj(x['缴费时间'])));
const settled = (org: string) =>
  paidCases(org).filter((x) => bj(x['复电时间']) !== null || NOW - bj(x['缴费时间'])! > RECONNECT_LIMIT_H * H);
const reconnected = (org: string) => paidCases(org).filter((x) => bj(x['复电时间']) !== null);
const reconnectMs = (x: Record<string, string>) => bj(x['复电时间'])! - bj(x['缴费时间'])!;
const disconnections = (org: string) => cases(org).filter((x) => inMonth(bj(x['停电时间'])));

/** Each fee-controlled customer's latest balance snapshot. */
function latestBalances(org: string) {
  const latest = new Map<string, Record<string, string>>();
  for (const s of src.billing.balances) {
    const prev = latest.get(s['户号']!);
    if (!prev || prev['快照时间']! <= s['快照时间']!) latest.set(s['户号']!, s);
  }
  return [...latest.values()].filter((s) => bj(s['快照时间'])! <= NOW && inOrg(countyOf(s['户号']!), org));
}
const atWarningPoint = (s: Record<string, string>) =>
  Number(s['预计电费']) > 0 && Number(s['账户余额']) / Number(s['预计电费']) <= BALANCE_WARN_RATIO;

// ---- 2.5 work orders: the CRM's own labels ----
const stepAt = (o: Record<string, unknown>, code: string) => {
  const n = (o.nodeList as { nodeCode: string; operateTime: string }[]).find((s) => s.nodeCode === code);
  return n ? bj(n.operateTime) : null;
};
/** The limited step: power restored for repairs and reconnections, the reply for the others. */
const doneAt = (o: Record<string, unknown>) => stepAt(o, o.orderType === '故障报修' || o.orderType === '欠费复电' ? 'CL' : 'HF');
const orders = (org: string) => src.orders.filter((o) => inOrg(String(o.orgCode), org) && inDay(bj(o.createTime), DAY));
const openOrders = (org: string) =>
  src.orders.filter(
    (o) => inOrg(String(o.orgCode), org) && !o.archiveTime && bj(o.createTime)! >= NOW - 45 * 24 * H && bj(o.createTime)! <= NOW,
  );
const atRisk = (org: string) => openOrders(org).filter((o) => doneAt(o) === null);
const arrived = (org: string) => orders(org).filter((o) => bj(o.arriveDeadline) !== null && stepAt(o, 'DD') !== null);
const done = (org: string) => orders(org).filter((o) => doneAt(o) !== null);
const ratedOrders = (org: string) => orders(org).filter((o) => ['满意', '基本满意', '不满意'].includes(String(o.satisfaction)));
const repairs = (org: string) => orders(org).filter((o) => o.orderType === '故障报修' && stepAt(o, 'CL') !== null);

/** KPI id → its recount. A KPI of kpi.definitions missing here fails the test. */
const RECOUNTS: Record<string, RecountFn> = {
  'queue.tickets': (org) => count(tickets(org, DAY).length),
  'queue.called': (org) => count(called(org).length),
  'queue.length': (org) => count(waitingNow(org).length),
  'queue.longest_wait_now': (org) => {
    const w = waitingNow(org);
    return { value: w.length ? (NOW - Math.min(...w.map((t) => t.take!))) / MIN : null, rows: { numerator: w.length } };
  },
  'queue.avg_wait': (org) => avg(waits(org), MIN),
  'queue.max_wait': (org) => ({ value: waits(org).length ? Math.max(...waits(org)) / MIN : null, rows: { numerator: waits(org).length } }),
  'queue.avg_handle': (org) =>
    avg(
      handled(org).map((t) => t.finish! - t.call!),
      MIN,
    ),
  'queue.over_threshold': (org) =>
    count(
      tickets(org, DAY).filter(
        (t) =>
          (t.call !== null && t.call - t.take! > WAIT_WARN_MIN * MIN) ||
          (t.state === 2 && t.call !== null && t.finish !== null && t.finish - t.call > HANDLE_WARN_MIN * MIN),
      ).length,
    ),
  'queue.wait_over_rate': (org) => ratio(waits(org).filter((w) => w > WAIT_WARN_MIN * MIN).length, waits(org).length),
  'queue.satisfaction': (org) => ratio(rated(org).filter((t) => t.evaluation === 1).length, rated(org).length),
  'queue.dissatisfied': (org) => count(rated(org).filter((t) => t.evaluation === 3).length),

  'call.inbound': (org) => count(calls(org).length),
  'call.ivr_only': (org) => count(calls(org).filter((c) => !c.requestedAgent).length),
  'call.manual': (org) => count(calls(org).filter((c) => c.requestedAgent).length),
  'call.manual_share': (org) => ratio(calls(org).filter((c) => c.requestedAgent).length, calls(org).length),
  'call.loss_rate': (org) => ratio(lost(org).length, manual(org).length),
  'call.connection_rate': (org) => ({ value: manual(org).length ? 1 - lost(org).length / manual(org).length : null }),
  'call.service_level': (org) =>
    ratio(
      answered(org).filter((c) => c.answered! - c.requested! <= SERVICE_LEVEL_S * 1000).length,
      calls(org).filter((c) => c.requestedAgent && !c.short).length,
    ),
  'call.asa': (org) =>
    avg(
      answered(org).map((c) => c.answered! - c.requested!),
      1000,
    ),
  'call.lost_queue': (org) => count(manual(org).filter((c) => c.cause === 'QUEUE_ABANDON').length),
  'call.lost_ringing': (org) => count(manual(org).filter((c) => c.cause === 'RING_ABANDON').length),
  'call.blocked': (org) => count(calls(org).filter((c) => c.cause === 'OVERFLOW_BLOCKED').length),
  'call.short_abandon': (org) => count(calls(org).filter((c) => c.short).length),
  // One call centre for the province: agents are counted at the province only.
  'call.agents_logged_in': () => count(agents(null)),
  'call.agents_ready': () => count(agents('IDLE')),
  'call.agents_talking': () => count(agents('TALKING')),
  'call.agents_after_call_work': () => count(agents('WRAPUP')),
  'call.agents_away': () => count(agents('BUSY')),
  'call.agent_hours_ready': () => timeInState('IDLE'),
  'call.agent_hours_talking': () => timeInState('TALKING'),
  'call.agent_hours_after_call_work': () => timeInState('WRAPUP'),
  'call.agent_hours_away': () => timeInState('BUSY'),

  'outage.events': (org) => count(new Set(affected(org).map((a) => a.outage)).size),
  'outage.affected': (org) => count(affected(org).length),
  'outage.notified_rate': (org) => ratio(affected(org).filter((a) => a.firstDelivered !== null).length, affected(org).length),
  'outage.timely_rate': (org) =>
    ratio(
      leadDue(org).filter((a) => a.firstDelivered !== null && a.plannedStart - a.firstDelivered >= LEAD_H[a.type]! * H).length,
      leadDue(org).length,
    ),
  'outage.fault_timely_rate': (org) =>
    ratio(
      faultAffected(org).filter((a) => a.firstDelivered !== null && a.firstDelivered - a.actualStart! <= FAULT_NOTIFY_MIN * MIN).length,
      faultAffected(org).length,
    ),
  'outage.unnotified': (org) => count(affected(org).filter((a) => a.firstDelivered === null).length),
  'outage.sms_failed': (org) => {
    const f = affected(org).filter((a) => a.smsFailed > 0);
    return { value: f.reduce((s, a) => s + a.smsFailed, 0), rows: { numerator: f.length } };
  },

  'arrears.billed': (org) => ({ value: monthBills(org).reduce((s, b) => s + b.amount, 0), rows: { numerator: monthBills(org).length } }),
  'arrears.collected': (org) => {
    const paid = monthBills(org).filter((b) => b.paid > 0);
    return { value: paid.reduce((s, b) => s + collectedOf(b), 0), rows: { numerator: paid.length } };
  },
  'arrears.recovery_rate': (org) => {
    const bills = monthBills(org);
    const billed = bills.reduce((s, b) => s + b.amount, 0);
    return {
      value: billed ? bills.reduce((s, b) => s + collectedOf(b), 0) / billed : null,
      rows: { numerator: bills.filter((b) => b.paid > 0).length, denominator: bills.length },
    };
  },
  'arrears.amount': (org) => ({
    value: overdue(org).reduce((s, b) => s + b.amount - collectedOf(b), 0),
    rows: { numerator: overdue(org).length },
  }),
  'arrears.customers': (org) => count(new Set(overdue(org).map((b) => b.customer)).size),
  'arrears.key_accounts': (org) => {
    return count(
      new Set(
        overdue(org)
          .filter(isKey)
          .map((b) => b.customer),
      ).size,
    );
  },
  'arrears.debit_success_rate': (org) => ratio(debits(org).filter((p) => p['扣款结果'] === '成功').length, debits(org).length),
  'arrears.dunning_effect': (org) => {
    const d = dunned(org);
    const paid = d.filter((x) => paidWithin(x['户号']!, bj(x['催费时间'])!));
    // Customers, not dunning contacts; kpi.rows of a distinct count numbers the distinct customers too.
    return ratio(new Set(paid.map((x) => x['户号'])).size, new Set(d.map((x) => x['户号'])).size);
  },
  'arrears.reconnect_in_limit': (org) =>
    ratio(reconnected(org).filter((x) => reconnectMs(x) <= RECONNECT_LIMIT_H * H).length, settled(org).length),
  'arrears.reconnect_hours': (org) => avg(reconnected(org).map(reconnectMs), H),
  'arrears.disconnect_notice_rate': (org) =>
    ratio(disconnections(org).filter((x) => bj(x['停电时间'])! - bj(x['停电通知时间'])! >= 7 * 24 * H).length, disconnections(org).length),
  'arrears.balance_warning_rate': (org) => ratio(latestBalances(org).filter(atWarningPoint).length, latestBalances(org).length),
  'arrears.balance_warning': (org) => count(latestBalances(org).filter(atWarningPoint).length),

  'wo.orders': (org) => count(orders(org).length),
  'wo.arrive_on_time': (org) => ratio(arrived(org).filter((o) => stepAt(o, 'DD')! <= bj(o.arriveDeadline)!).length, arrived(org).length),
  'wo.on_time': (org) => ratio(done(org).filter((o) => doneAt(o)! <= bj(o.deadline)!).length, done(org).length),
  'wo.avg_repair': (org) =>
    avg(
      repairs(org).map((o) => stepAt(o, 'CL')! - bj(o.createTime)!),
      MIN,
    ),
  'wo.satisfaction': (org) => ratio(ratedOrders(org).filter((o) => o.satisfaction === '满意').length, ratedOrders(org).length),
  'wo.breach': (org) => count(orders(org).filter((o) => o.responsibility === '违诺').length),
  'wo.work_error': (org) => count(orders(org).filter((o) => o.responsibility === '工作差错').length),
  'wo.non_standard': (org) => count(orders(org).filter((o) => o.responsibility === '工作不规范').length),
  'wo.open': (org) => count(openOrders(org).length),
  'wo.near_due': (org) =>
    count(
      atRisk(org).filter((o) => {
        const created = bj(o.createTime)!;
        const due = bj(o.deadline)!;
        return due >= NOW && NOW - created >= NEAR_DUE_SHARE * (due - created);
      }).length,
    ),
  'wo.overdue': (org) => count(atRisk(org).filter((o) => bj(o.deadline)! < NOW).length),
};

/** The KPIs whose figure is of the whole call centre (no org below the province). */
const PROVINCE_ONLY = (id: string) => id.startsWith('call.agent');
const MONTHLY = (id: string) => id.startsWith('arrears.');

const BILL_MONTH_KPIS = new Set(['arrears.billed', 'arrears.collected', 'arrears.recovery_rate']);
function timeOf(id: string) {
  if (BILL_MONTH_KPIS.has(id)) return BILL_MONTH;
  return MONTHLY(id) ? MONTH : { from: DAY, to: DAY };
}

/** Served values are rounded to the KPI's digits; sums of money also carry float noise. */
function tolerance(digits: number): number {
  return 0.5 * 10 ** -digits + 1e-9;
}

let levels: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'kpi-recount-'));
  const env = loadEnv({ DATA_DIR: dataDir, SIMULATOR_CUSTOMERS: '2000', SIMULATOR_HISTORY_DAYS: '0' });
  sim = await startSimulator(env, () => NOW);
  ch = await testClickHouse();
  for (const t of sim.tasks) await t.tick(NOW);
  const outcomes = [];
  for (const j of etlJobs(env, sim.vars)) outcomes.push(await runEtlJob(ch, j, NOW));
  expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);

  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: 'Asia/Shanghai' }, bootedAt: NOW - H });

  // The sources, read plainly; the APIs over the window the ETL's first run read (from yesterday's start).
  const cti = sim.vars.SIMULATOR_CTI_URL!;
  const since = bjMidnight(DAY);
  src = {
    tickets: await readTickets(dataDir),
    calls: await readCti(cti, 'cdr', since, NOW),
    agents: await readCti(cti, 'agent-states', since, NOW),
    outage: await readOutages(dataDir),
    billing: await readBilling(dataDir),
    orders: await readWorkOrders(sim.vars.SIMULATOR_WORKORDER_URL!, since, NOW),
  };
  callsCache = src.calls.map(callOf);
  affectedCache = buildAffected(src.outage);
  billsCache = buildBills(src.billing);
  expect(src.billing.rejected).toEqual([]);

  // A city and the county of that city with the most tickets on the fixed day.
  const city = '5301';
  const byCounty = new Map<string, number>();
  for (const t of tickets(city, DAY)) byCounty.set(t.county, (byCounty.get(t.county) ?? 0) + 1);
  const county = [...byCounty].sort((a, b) => b[1] - a[1])[0]![0];
  levels = ['53', city, county];

  definitions = await caller().kpi.definitions();
}, 900_000);

afterAll(async () => {
  await sim?.close();
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('every KPI of kpi.definitions equals an independent recount from the sources', () => {
  it('has a recount for every KPI', () => {
    expect(definitions.length).toBeGreaterThan(40);
    expect(definitions.map((d) => d.id).filter((id) => !(id in RECOUNTS))).toEqual([]);
  });

  it('the sources hold data in every domain', () => {
    expect(tickets('53', DAY).length).toBeGreaterThan(0);
    expect(calls('53').length).toBeGreaterThan(0);
    expect(agentStatesNow().size).toBeGreaterThan(0);
    expect(affected('53').length).toBeGreaterThan(0);
    expect(monthBills('53').length).toBeGreaterThan(0);
    expect(overdue('53').length).toBeGreaterThan(0);
    expect(dunned('53').length).toBeGreaterThan(0);
    expect(latestBalances('53').length).toBeGreaterThan(0);
    expect(orders('53').length).toBeGreaterThan(0);
    expect(levels).toHaveLength(3);
  });

  it('kpi.query serves the recounted figure at the province, a city and a county, and kpi.rows numbers its records', async () => {
    const table: { kpi: string; recounted: string; served: string; level: string }[] = [];
    const mismatches: string[] = [];
    const rowChecks: { kpi: string; org: string; part: 'numerator' | 'denominator'; n: number }[] = [];
    let nonZero = 0;
    for (const org of levels) {
      const defs = definitions.filter((d) => org === '53' || !PROVINCE_ONLY(d.id));
      // One query per time range (a batch, like a wall zone's), each KPI's figure at the node itself.
      const groups = new Map<string, string[]>();
      for (const d of defs) groups.set(JSON.stringify(timeOf(d.id)), [...(groups.get(JSON.stringify(timeOf(d.id))) ?? []), d.id]);
      const r = await caller().kpi.query({
        queries: [...groups].map(([time, kpis]) => ({
          key: time,
          kpis: kpis as [string, ...string[]],
          orgCode: org,
          time: JSON.parse(time),
        })),
      });
      const servedOf = (id: string) => r.results.flatMap((x) => x.kpis).find((k) => k.kpi === id)?.points[0]?.value ?? null;
      for (const d of defs) {
        const fn = RECOUNTS[d.id];
        if (!fn) continue; // reported by the first test
        const expected = fn(org);
        const served = servedOf(d.id);
        const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(d.digits));
        if (org === '53') table.push({ kpi: d.id, recounted: fmt(expected.value), served: fmt(served), level: 'province 53' });
        if (org === '53' && expected.value) nonZero++;
        const ok =
          expected.value === null || served === null ? expected.value === served : Math.abs(expected.value - served) <= tolerance(d.digits);
        if (!ok) mismatches.push(`${d.id} @${org}: recounted ${fmt(expected.value)}, served ${fmt(served)}`);
        for (const part of ['numerator', 'denominator'] as const) {
          const n = expected.rows?.[part];
          if (n !== undefined) rowChecks.push({ kpi: d.id, org, part, n });
        }
      }
    }
    // The drill-down after every figure (each asks for one row of records and their total).
    expect(rowChecks.length).toBeGreaterThan(definitions.length);
    for (const { kpi, org, part, n } of rowChecks) {
      const rows = await caller().kpi.rows({ kpi: kpi as never, orgCode: org, time: timeOf(kpi), part, pageSize: 1 });
      if (rows.total !== n) mismatches.push(`${kpi} @${org} rows(${part}): recounted ${n}, served ${rows.total}`);
    }
    console.log(`recount ${DAY} (monthly: ${MONTH.from}..${MONTH.to}; live: ${TODAY} 14:00 Beijing)`);
    console.table(table);
    // Not a vacuous comparison: most figures of the fixed day are not zero.
    expect(nonZero).toBeGreaterThan(definitions.length * 0.7);
    expect(mismatches).toEqual([]);
  });
});

// ---- arrears by age bucket (DOMAIN.md §2.4: "arrears amount and customers by age bucket") ----

/** The ageing of the arrears book: days a bill is past its due date today, in buckets of at most hi days. */
const AGE_BUCKETS = [
  ['d0_30', 30],
  ['d31_90', 90],
  ['d91_180', 180],
  ['d181_365', 365],
  ['over_365', Infinity],
] as const;
type AgeBucket = (typeof AGE_BUCKETS)[number][0];
/** Whole days from the due date to today (both Beijing calendar dates). */
const daysOverdue = (b: Bill) => (Date.parse(`${TODAY}T00:00:00Z`) - Date.parse(`${b.due}T00:00:00Z`)) / (24 * H);
function ageOf(b: Bill): AgeBucket | 'not_due' {
  const d = daysOverdue(b);
  if (d <= 0) return 'not_due';
  return AGE_BUCKETS.find(([, hi]) => d <= hi)![0];
}
/** The KPIs of the arrears book, and their recount for one bucket. */
const AGED: Record<string, (org: string, age: AgeBucket) => Recount> = {
  'arrears.amount': (org, age) => {
    const bills = overdue(org).filter((b) => ageOf(b) === age);
    return { value: bills.reduce((s, b) => s + b.amount - collectedOf(b), 0), rows: { numerator: bills.length } };
  },
  // A customer with overdue bills of two ages is in both buckets: distinct counts do not add up.
  'arrears.customers': (org, age) =>
    count(
      new Set(
        overdue(org)
          .filter((b) => ageOf(b) === age)
          .map((b) => b.customer),
      ).size,
    ),
  'arrears.key_accounts': (org, age) =>
    count(
      new Set(
        overdue(org)
          .filter((b) => ageOf(b) === age && isKey(b))
          .map((b) => b.customer),
      ).size,
    ),
};

describe('arrears by age bucket: each bucket equals its recount, the others refuse the filter', () => {
  const arrearsKpis = () => definitions.filter((d) => d.domain === 'arrears');

  it('lists the age dimension, with the overdue buckets, exactly for the KPIs of the arrears book', () => {
    expect(arrearsKpis().length).toBeGreaterThan(10);
    const listed = Object.fromEntries(arrearsKpis().map((d) => [d.id, d.dimensions.find((x) => x.name === 'age')?.values ?? null]));
    const expected = Object.fromEntries(arrearsKpis().map((d) => [d.id, d.id in AGED ? AGE_BUCKETS.map(([a]) => a) : null]));
    // Before: billed, collected and the recovery rate listed it too, and every bucket list began with not_due.
    expect(listed).toEqual(expected);
  });

  it('every bucket of every arrears-book KPI at the province, a city and a county; the amounts add up to the book', async () => {
    const mismatches: string[] = [];
    const rowChecks: { kpi: string; org: string; age: AgeBucket; n: number }[] = [];
    let nonEmpty = 0;
    for (const org of levels) {
      const kpis = Object.keys(AGED) as [string, ...string[]];
      const r = await caller().kpi.query({
        queries: [
          { key: 'all', kpis, orgCode: org, time: MONTH },
          ...AGE_BUCKETS.map(([age]) => ({ key: age, kpis, orgCode: org, time: MONTH, filters: { age: [age] } })),
        ],
      });
      const served = (key: string, kpi: string) =>
        r.results.find((x) => x.key === key)!.kpis.find((k) => k.kpi === kpi)!.points[0]?.value ?? null;
      for (const [kpi, fn] of Object.entries(AGED)) {
        const digits = definitions.find((d) => d.id === kpi)!.digits;
        for (const [age] of AGE_BUCKETS) {
          const e = fn(org, age);
          const got = served(age, kpi) ?? 0;
          if (org === '53' && kpi === 'arrears.amount' && e.value) nonEmpty++;
          if (Math.abs((e.value ?? 0) - got) > tolerance(digits))
            mismatches.push(`${kpi} @${org} ${age}: recounted ${e.value}, served ${got}`);
          rowChecks.push({ kpi, org, age, n: e.rows!.numerator! });
        }
      }
      // The arrears amount is a sum over bills, each in one bucket: the buckets are the whole book.
      const book = AGE_BUCKETS.reduce((s, [age]) => s + (served(age, 'arrears.amount') ?? 0), 0);
      const whole = served('all', 'arrears.amount') ?? 0;
      if (Math.abs(book - whole) > 0.01 * AGE_BUCKETS.length)
        mismatches.push(`arrears.amount @${org}: buckets add up to ${book}, the book is ${whole}`);
      // Distinct customers: no bucket has more than the book, together they have at least as many.
      for (const kpi of ['arrears.customers', 'arrears.key_accounts']) {
        const each = AGE_BUCKETS.map(([age]) => served(age, kpi) ?? 0);
        const all = served('all', kpi) ?? 0;
        if (Math.max(...each) > all || each.reduce((a, b) => a + b, 0) < all)
          mismatches.push(`${kpi} @${org}: buckets ${each.join('+')} vs ${all}`);
      }
    }
    // Not vacuous: the simulator's book has debts of several ages.
    expect(nonEmpty).toBeGreaterThanOrEqual(3);
    for (const { kpi, org, age, n } of rowChecks) {
      const rows = await caller().kpi.rows({ kpi: kpi as never, orgCode: org, time: MONTH, filters: { age: [age] }, pageSize: 1 });
      if (rows.total !== n) mismatches.push(`${kpi} @${org} ${age} rows: recounted ${n}, served ${rows.total}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('an arrears KPI the age does not describe refuses the filter, figure and records, and says why', async () => {
    const others = arrearsKpis().filter((d) => !(d.id in AGED));
    expect(others.map((d) => d.id)).toEqual(expect.arrayContaining(['arrears.billed', 'arrears.collected', 'arrears.recovery_rate']));
    for (const d of others) {
      for (const [age] of AGE_BUCKETS) {
        const q = await trpcError(
          caller().kpi.query({ queries: [{ kpis: [d.id], orgCode: '53', time: timeOf(d.id), filters: { age: [age] } }] }),
        );
        expect(q.code, `${d.id} ${age}`).toBe('BAD_REQUEST');
        // Bills of a bill month: refused by name; other families have no age at all.
        expect(q.message, d.id).toMatch(BILL_MONTH_KPIS.has(d.id) ? /不能按欠费账龄筛选.*takes no age filter/ : /没有维度 age/);
      }
      const rows = await trpcError(
        caller().kpi.rows({ kpi: d.id as never, orgCode: '53', time: timeOf(d.id), filters: { age: ['d0_30'] } }),
      );
      expect(rows.message, d.id).toMatch(/age/);
    }
    // With an arrears-book KPI in the same question, the billed amount is still refused, not answered unfiltered.
    const mixed = await trpcError(
      caller().kpi.query({
        queries: [{ kpis: ['arrears.amount', 'arrears.recovery_rate'], orgCode: '53', time: BILL_MONTH, filters: { age: ['d0_30'] } }],
      }),
    );
    expect(mixed.message).toContain('电费回收率不能按欠费账龄筛选');
  });
});
