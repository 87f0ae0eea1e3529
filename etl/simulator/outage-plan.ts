import { findCounty, isUrbanDistrict } from '@/core/org/divisions';
import { parseLocal } from '@/core/time';
import type { NoticeChannel, OutageType } from '../sources/outage/source-schema';
import { logNormal, pick, rng, seedOf, weighted, type Rng } from './random';

// What the outage management system (综合停电) holds, derived only from (seed, county, day): the outages that
// start on a local day in a county, the customers each affects and every notice sent to them, with the SMS
// gateway's delivery report for each text message. Pure and deterministic, so the simulator can write any
// stretch of time in any order and another simulator (the CTI's fault-repair calls) can ask the same plan.

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Outages starting per county per day, by type: a handful per county per week. */
const RATE_PER_DAY: Record<OutageType, number> = { planned: 0.25, temporary: 0.1, peak_shifting: 0.03, fault: 0.2 };
const TYPES: OutageType[] = ['planned', 'temporary', 'peak_shifting', 'fault'];

/** The longest an outage's records keep changing after its planned start (restoration, late notices). */
export const OUTAGE_MAX_TAIL_MS = 2 * DAY;
/** The longest before its start an outage is planned (announced). */
export const OUTAGE_MAX_LEAD_MS = 13 * DAY;

export interface PlannedOutage {
  outageId: string;
  type: OutageType;
  countyCode: string;
  feederName: string;
  areaDesc: string;
  /** When the record was created and the notices went out (发布时间); for a fault, when it was logged. */
  createdAt: number;
  plannedStart: number;
  plannedEnd: number;
  actualStart: number;
  actualEnd: number;
  affectedCustomers: number;
  feederNo: number;
  firstCustomerSeq: number;
}

export interface PlannedCustomer {
  customerId: string;
  important: boolean;
}

export type SmsFailure = '空号' | '停机' | '黑名单拦截' | '关机超时';
export const SMS_FAILURE_CODE: Record<SmsFailure, string> = { 空号: 'UNDELIV', 停机: 'MK:0001', 黑名单拦截: 'BLACK', 关机超时: 'EXPIRED' };

export interface PlannedNotice {
  noticeId: string;
  outageId: string;
  /** '' for a public announcement (张贴公告), which reaches an area, not a household. */
  customerId: string;
  channel: NoticeChannel;
  sentAt: number;
  /** What the outage system records at once: phone and app results; null for SMS (the gateway reports). */
  result: 'delivered' | 'failed' | null;
  failDesc: string;
  sms: { msgId: string; phone: string; reportAt: number; failure: SmsFailure | null } | null;
}

const wholeSecond = (ms: number) => Math.round(ms / 1000) * 1000;

function poisson(r: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = r(); p > limit; p *= r()) k++;
  return k;
}

const FEEDER_NAMES = [
  '城东',
  '城西',
  '城南',
  '城北',
  '新村',
  '工业园',
  '矿区',
  '河口',
  '大坪',
  '小河',
  '凤凰',
  '龙泉',
  '松林',
  '白塔',
  '水库',
  '沙坝',
];
const ROMAN = ['Ⅰ', 'Ⅱ', 'Ⅲ'];

/** Customers per feeder in the simulator's customer numbering; an outage takes a contiguous run of them. */
const FEEDER_CUSTOMERS = 20_000;

const at = (ymd: string, hh: number, mm: number, tz: string) =>
  parseLocal(`${ymd} ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00`, tz)!;

function shiftDays(ymd: string, days: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Outages whose planned start falls on local day `ymd` (YYYY-MM-DD) in the county, in a stable order. */
export function planOutageDay(countyCode: string, ymd: string, seed: number, tz: string): PlannedOutage[] {
  const county = findCounty(countyCode);
  if (!county) return [];
  const r = rng(seedOf(seed, 'outage-day', countyCode, ymd));
  const urban = isUrbanDistrict(county);
  const out: PlannedOutage[] = [];
  for (const type of TYPES) {
    // Rural networks fail more often; urban districts have more planned work.
    const mean = RATE_PER_DAY[type] * (type === 'fault' ? (urban ? 0.7 : 1.3) : urban ? 1.2 : 1);
    const n = poisson(r, mean);
    for (let i = 0; i < n; i++) {
      const seq = out.length + 1;
      const feederNo = 1 + Math.floor(r() * 40);
      const feederName = `10kV${pick(r, FEEDER_NAMES)}${pick(r, ROMAN)}回线`;
      const areaDesc = `${county.name}${feederName}#${1 + Math.floor(r() * 30)}杆至#${31 + Math.floor(r() * 60)}杆供电区域`;
      let plannedStart: number;
      let plannedEnd: number;
      let createdAt: number;
      let actualStart: number;
      let actualEnd: number;
      if (type === 'fault') {
        actualStart = at(ymd, 0, 0, tz) + Math.floor(r() * DAY);
        const lasts = Math.min(10 * HOUR, Math.max(30 * MIN, logNormal(r, 2 * HOUR, 0.6)));
        actualEnd = actualStart + lasts;
        plannedStart = actualStart;
        // The estimate given to customers, rounded to the half hour.
        plannedEnd = actualStart + Math.max(1, Math.round(logNormal(r, lasts, 0.3) / (30 * MIN))) * 30 * MIN;
        createdAt = actualStart + (2 + Math.floor(r() * 9)) * MIN;
      } else {
        if (type === 'planned') {
          plannedStart = at(ymd, pick(r, [7, 8, 8, 9]), pick(r, [0, 30]), tz);
          plannedEnd = plannedStart + (4 + Math.floor(r() * 7)) * HOUR;
          // Announced during office hours 8 to 12 days ahead; now and then only 3 to 7 days ahead (late).
          const late = r() < 0.08;
          const daysAhead = late ? 3 + Math.floor(r() * 5) : 8 + Math.floor(r() * 5);
          createdAt = at(shiftDays(ymd, -daysAhead), 9 + Math.floor(r() * 8), Math.floor(r() * 60), tz);
        } else {
          plannedStart =
            type === 'peak_shifting' ? at(ymd, pick(r, [10, 18]), 0, tz) : at(ymd, 8 + Math.floor(r() * 10), pick(r, [0, 30]), tz);
          plannedEnd = plannedStart + (type === 'peak_shifting' ? 2 + Math.floor(r() * 3) : 2 + Math.floor(r() * 5)) * HOUR;
          const late = r() < 0.1;
          createdAt = plannedStart - (late ? 6 + r() * 14 : 26 + r() * 22) * HOUR;
        }
        actualStart = plannedStart + Math.round(-10 + r() * 30) * MIN;
        actualEnd = Math.max(actualStart + 30 * MIN, plannedEnd + Math.round(-60 + r() * 105) * MIN);
      }
      const affected = Math.round(Math.min(4000, Math.max(60, logNormal(r, type === 'fault' ? 250 : 380, 0.75))));
      out.push({
        outageId: `TD${ymd.replace(/-/g, '')}${countyCode}${String(seq).padStart(2, '0')}`,
        type,
        countyCode,
        feederName,
        areaDesc,
        createdAt: wholeSecond(createdAt),
        plannedStart: wholeSecond(plannedStart),
        plannedEnd: wholeSecond(plannedEnd),
        actualStart: wholeSecond(actualStart),
        actualEnd: wholeSecond(actualEnd),
        affectedCustomers: affected,
        feederNo,
        firstCustomerSeq: Math.floor(r() * (FEEDER_CUSTOMERS - affected)),
      });
    }
  }
  return out;
}

/** Share of customers with one property, stable per customer across outages. */
const trait = (seed: number, what: string, customerId: string) => seedOf(seed, what, customerId) / 4294967296;

/** The customers an outage affects (a contiguous run of its feeder's customers). */
export function outageCustomers(o: PlannedOutage, seed: number): PlannedCustomer[] {
  const out: PlannedCustomer[] = [];
  for (let i = 0; i < o.affectedCustomers; i++) {
    const customerId = `${o.countyCode}${String(o.feederNo).padStart(2, '0')}${String(o.firstCustomerSeq + i).padStart(5, '0')}`;
    out.push({ customerId, important: trait(seed, 'important', customerId) < 0.02 });
  }
  return out;
}

const MOBILE_PREFIXES = [
  '138',
  '139',
  '135',
  '136',
  '137',
  '150',
  '151',
  '152',
  '158',
  '159',
  '187',
  '188',
  '133',
  '153',
  '180',
  '189',
  '177',
  '199',
];

function mobileOf(seed: number, customerId: string): string | null {
  if (trait(seed, 'mobile', customerId) >= 0.93) return null;
  const h = seedOf(seed, 'mobile-no', customerId);
  return `${MOBILE_PREFIXES[h % MOBILE_PREFIXES.length]}${String(h % 100_000_000).padStart(8, '0')}`;
}

export interface NoticeOptions {
  /** Share of text messages the gateway fails to deliver (空号, 停机, blocked, switched off). */
  smsFailureRate?: number;
}

/** Every notice of an outage, with SMS delivery reports, in sending order. */
export function outageNotices(o: PlannedOutage, seed: number, opts: NoticeOptions = {}): PlannedNotice[] {
  const failureRate = opts.smsFailureRate ?? 0.045;
  const r = rng(seedOf(seed, 'outage-notices', o.outageId));
  const notices: PlannedNotice[] = [];
  const add = (n: Omit<PlannedNotice, 'noticeId' | 'outageId'>) => {
    const seq = String(notices.length + 1).padStart(5, '0');
    // Written out field by field: spreading `n` into each notice made V8 build slow objects (as the planners'
    // tickets and calls did).
    notices.push({
      noticeId: `${o.outageId}N${seq}`,
      outageId: o.outageId,
      customerId: n.customerId,
      channel: n.channel,
      sentAt: wholeSecond(n.sentAt),
      result: n.result,
      failDesc: n.failDesc,
      sms: n.sms,
    });
  };
  const phone = (customerId: string, sentAt: number, answered: number) => {
    const ok = r() < answered;
    add({ customerId, channel: 'phone', sentAt, result: ok ? 'delivered' : 'failed', failDesc: ok ? '' : '无人接听', sms: null });
  };
  const sms = (customerId: string, mobile: string, sentAt: number) => {
    const sent = wholeSecond(sentAt);
    const failure: SmsFailure | null =
      r() < failureRate
        ? weighted<SmsFailure>(r, [
            ['空号', 3],
            ['停机', 3],
            ['黑名单拦截', 2],
            ['关机超时', 2],
          ])
        : null;
    const reportAt = wholeSecond(sent + (failure ? 10 + r() * 290 : 2 + r() * 88) * 1000);
    const msgId = `${o.outageId.slice(2)}${String(notices.length + 1).padStart(5, '0')}`;
    add({ customerId, channel: 'sms', sentAt: sent, result: null, failDesc: '', sms: { msgId, phone: mobile, reportAt, failure } });
    return failure;
  };

  if (o.type !== 'fault')
    add({
      customerId: '',
      channel: 'announcement',
      sentAt: o.createdAt + (1 + r() * 20) * HOUR,
      result: 'delivered',
      failDesc: '',
      sms: null,
    });
  for (const c of outageCustomers(o, seed)) {
    const mobile = mobileOf(seed, c.customerId);
    const app = trait(seed, 'app', c.customerId) < 0.3;
    if (o.type === 'fault') {
      // After the fact: a text to most of the area once the fault is logged, an app push to app users.
      if (mobile && r() < 0.9) sms(c.customerId, mobile, o.createdAt + (5 + r() * 35) * MIN);
      if (app)
        add({
          customerId: c.customerId,
          channel: 'app',
          sentAt: o.createdAt + (3 + r() * 10) * MIN,
          result: 'delivered',
          failDesc: '',
          sms: null,
        });
      continue;
    }
    // Some customers are missing from the contact list altogether.
    if (r() < 0.015) continue;
    const batch = o.createdAt + r() * 30 * MIN;
    if (app) add({ customerId: c.customerId, channel: 'app', sentAt: batch, result: 'delivered', failDesc: '', sms: null });
    if (mobile) {
      // A failed text is followed up by a call from the county's customer service.
      if (sms(c.customerId, mobile, batch)) phone(c.customerId, batch + (1 + r() * 2) * HOUR, 0.8);
    } else phone(c.customerId, o.createdAt + (0.5 + r() * 3.5) * HOUR, 0.85);
    if (c.important) phone(c.customerId, o.createdAt + (0.5 + r() * 1.5) * HOUR, 0.95);
  }
  return notices.sort((a, b) => a.sentAt - b.sentAt || (a.noticeId < b.noticeId ? -1 : 1));
}

const localYmd = (ms: number, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(ms));

/** Local days (YYYY-MM-DD) from the one containing `from` to the one containing `to`. */
export function localDays(from: number, to: number, tz: string): string[] {
  const days: string[] = [];
  for (let d = localYmd(from, tz), last = localYmd(to, tz); d <= last; d = shiftDays(d, 1)) days.push(d);
  return days;
}

/**
 * Outages in a county whose actual interruption overlaps [from, to) (epoch ms), by actual start. Pure: for the
 * CTI simulator to add the fault-repair call surge (an outage brings calls from its area minutes later).
 */
export function outagesAffecting(countyCode: string, from: number, to: number, seed: number, tz: string): PlannedOutage[] {
  return localDays(from - OUTAGE_MAX_TAIL_MS, to, tz)
    .flatMap((ymd) => planOutageDay(countyCode, ymd, seed, tz))
    .filter((o) => o.actualStart < to && o.actualEnd > from)
    .sort((a, b) => a.actualStart - b.actualStart);
}
