import { COUNTIES, isUrbanDistrict, type County } from '@/core/org/divisions';
import { addWorkingDays } from '@/core/working-days';
import { offsetMs, parseLocal } from '@/core/time';
import { HOURLY, WEEKDAY } from './cti-day';
import { exponential, logNormal, pick, rng, seedOf, weighted, type Rng } from './random';

// One day of work orders (转办工单) that 95598 transfers to the county units: fault repairs, complaints,
// opinions, reconnections after arrears are paid and inquiry follow-ups. Each order gets the time limit
// of the published commitments (DOMAIN §2.5) for its type and the urban/rural/remote class of its area,
// then its whole flow is planned at once (accept, dispatch, arrive, handle, reply, callback, close); the
// API shows the part of it that has happened by "now". Counties differ in how close to the limit they
// work, so most orders meet their limits (~96%) and some counties run late more often than others.

export type WorkOrderType = 'fault_repair' | 'complaint' | 'opinion' | 'arrears_reconnection' | 'inquiry';
export type AreaClass = 'urban' | 'rural' | 'remote';
export type WorkOrderStep = 'accept' | 'dispatch' | 'arrive' | 'handle' | 'reply' | 'callback';
export type LimitUnit = 'minutes' | 'hours' | 'working_days';
export type WorkOrderResult = 'resolved' | 'partly_resolved' | 'unresolved';
export type CauseTag = 'breach' | 'work_error' | 'non_standard';
export type Satisfaction = 'satisfied' | 'basically_satisfied' | 'dissatisfied' | 'unreachable';

export const STEPS: readonly WorkOrderStep[] = ['accept', 'dispatch', 'arrive', 'handle', 'reply', 'callback'];

export interface PlannedStep {
  step: WorkOrderStep;
  at: number;
  actor: string;
  actorName: string;
}

export interface PlannedWorkOrder {
  orderId: string;
  type: WorkOrderType;
  countyCode: string;
  cityCode: string;
  area: AreaClass;
  createdAt: number;
  limit: { value: number; unit: LimitUnit };
  /** Deadline of the first contact: crew on site (fault repair) or customer contacted (complaint). */
  arriveDueAt: number | null;
  /** Deadline of the order: power restored (handle) for repairs and reconnections, the reply otherwise. */
  dueAt: number;
  dueStep: 'handle' | 'reply';
  /** In time order; `arrive` is absent where nobody goes out (remote reconnection, opinions, inquiries). */
  steps: PlannedStep[];
  closedAt: number;
  result: WorkOrderResult;
  causeTag: CauseTag | null;
  satisfaction: Satisfaction;
}

export interface WorkOrderDay {
  date: string;
  orders: PlannedWorkOrder[];
}

/** Province-wide transferred orders on an average weekday. */
export const DAILY_ORDERS = 3000;
/** No order stays open longer than this (the API looks back this far for changes). */
export const MAX_ORDER_LIFETIME_MS = 20 * 86_400_000;

const MIN = 60_000;
const HOUR = 3_600_000;

const TYPE_MIX: readonly (readonly [WorkOrderType, number])[] = [
  ['fault_repair', 0.56],
  ['arrears_reconnection', 0.14],
  ['complaint', 0.07],
  ['opinion', 0.1],
  ['inquiry', 0.13],
];

/** Counties far from any depot (怒江, 迪庆 mountain counties): the 120-minute on-site commitment applies. */
export const REMOTE_COUNTIES: ReadonlySet<string> = new Set(['533323', '533324', '533325', '533422', '533423']);

export function areaClassOf(county: County): AreaClass {
  if (REMOTE_COUNTIES.has(county.code)) return 'remote';
  return isUrbanDistrict(county) ? 'urban' : 'rural';
}

/** Published commitments (DOMAIN §2.5): crew on site 45/90/120 min, power restored in 3 h urban / 4 h elsewhere. */
export const ARRIVE_LIMIT_MIN: Record<AreaClass, number> = { urban: 45, rural: 90, remote: 120 };
export const RESTORE_LIMIT_H: Record<AreaClass, number> = { urban: 3, rural: 4, remote: 4 };
/** Working-day limits: complaint contact 1 / reply 7; opinions and inquiry follow-ups are the simulator's own. */
export const CONTACT_LIMIT_WD = 1;
export const REPLY_LIMIT_WD: Record<'complaint' | 'opinion' | 'inquiry', number> = { complaint: 7, opinion: 7, inquiry: 2 };
/** Reconnection once the arrears are paid. */
export const RECONNECT_LIMIT_H = 24;

export interface TimeLimits {
  limit: { value: number; unit: LimitUnit };
  arriveDueAt: number | null;
  dueAt: number;
  dueStep: 'handle' | 'reply';
}

export function timeLimits(type: WorkOrderType, area: AreaClass, createdAt: number, tz: string): TimeLimits {
  switch (type) {
    case 'fault_repair':
      return {
        limit: { value: RESTORE_LIMIT_H[area], unit: 'hours' },
        arriveDueAt: createdAt + ARRIVE_LIMIT_MIN[area] * MIN,
        dueAt: createdAt + RESTORE_LIMIT_H[area] * HOUR,
        dueStep: 'handle',
      };
    case 'arrears_reconnection':
      return {
        limit: { value: RECONNECT_LIMIT_H, unit: 'hours' },
        arriveDueAt: null,
        dueAt: createdAt + RECONNECT_LIMIT_H * HOUR,
        dueStep: 'handle',
      };
    case 'complaint':
      return {
        limit: { value: REPLY_LIMIT_WD.complaint, unit: 'working_days' },
        arriveDueAt: addWorkingDays(createdAt, CONTACT_LIMIT_WD, tz),
        dueAt: addWorkingDays(createdAt, REPLY_LIMIT_WD.complaint, tz),
        dueStep: 'reply',
      };
    case 'opinion':
    case 'inquiry':
      return {
        limit: { value: REPLY_LIMIT_WD[type], unit: 'working_days' },
        arriveDueAt: null,
        dueAt: addWorkingDays(createdAt, REPLY_LIMIT_WD[type], tz),
        dueStep: 'reply',
      };
  }
}

const COUNTY_WEIGHTS: readonly (readonly [County, number])[] = COUNTIES.map((c) => [c, isUrbanDistrict(c) ? 2.5 : 1] as const);

const SURNAMES =
  '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力林波斌宇浩凯鹏琳晶燕云飞鑫倩亮松';

const SURNAME_LIST = [...SURNAMES];
const GIVEN_LIST = [...GIVEN];
const names = new Map<string, string>();

/** A stable person name for an actor id. */
export function actorName(seed: number, actor: string): string {
  const key = `${seed}|${actor}`;
  let name = names.get(key);
  if (name === undefined) {
    const r = rng(seedOf(seed, 'actor', actor));
    name = pick(r, SURNAME_LIST) + pick(r, GIVEN_LIST) + (r() < 0.6 ? pick(r, GIVEN_LIST) : '');
    if (names.size > 200_000) names.clear();
    names.set(key, name);
  }
  return name;
}

/** Local hour of an instant (cheap: the zone offset is cached per hour). */
const localHour = (ms: number, tz: string) => new Date(ms + offsetMs(ms, tz)).getUTCHours();

/** 95598 calls customers back between 08:00 and 21:00: a later time moves to the next morning. */
function daytime(ms: number, tz: string, r: Rng): number {
  const h = localHour(ms, tz);
  if (h >= 8 && h < 21) return ms;
  const add = h >= 21 ? 24 - h + 8 : 8 - h;
  const hourStart = ms - (ms % HOUR);
  return hourStart + add * HOUR + Math.floor(r() * 90 * MIN);
}

function planOrder(
  r: Rng,
  seed: number,
  tz: string,
  orderId: string,
  county: County,
  type: WorkOrderType,
  createdAt: number,
  /** Median share of the limit this county takes: its performance. */
  pace: number,
): PlannedWorkOrder {
  const area = areaClassOf(county);
  const limits = timeLimits(type, area, createdAt, tz);
  const cap = createdAt + MAX_ORDER_LIFETIME_MS - 2 * HOUR;
  const clamp = (ms: number) => Math.min(cap, Math.round(ms / 1000) * 1000);
  const fieldWork = type === 'fault_repair' || type === 'arrears_reconnection';
  const dispatcher = `${county.code}D${String(1 + Math.floor(r() * 3)).padStart(2, '0')}`;
  const worker = `${county.code}${fieldWork ? 'Q' : 'K'}${String(1 + Math.floor(r() * (fieldWork ? 12 : 4))).padStart(2, '0')}`;
  const agent = `C${String(1 + Math.floor(r() * 400)).padStart(4, '0')}`;

  const accept = clamp(createdAt + Math.max(30_000, logNormal(r, 4 * MIN, 0.6)));
  const dispatch = clamp(accept + Math.max(30_000, logNormal(r, fieldWork ? 3 * MIN : 40 * MIN, 0.6)));
  let arrive: number | null = null;
  let handle: number;
  let reply: number;
  const span = limits.dueAt - createdAt;
  if (type === 'fault_repair') {
    arrive = clamp(Math.max(dispatch + 2 * MIN, createdAt + logNormal(r, pace * (limits.arriveDueAt! - createdAt), 0.37)));
    handle = clamp(Math.max(arrive + 10 * MIN, createdAt + logNormal(r, pace * span, 0.33)));
    reply = clamp(handle + Math.max(MIN, logNormal(r, 8 * MIN, 0.5)));
  } else if (type === 'arrears_reconnection') {
    // Most meters reconnect remotely (费控); the rest need a visit.
    if (r() < 0.3) arrive = clamp(dispatch + logNormal(r, 90 * MIN, 0.5));
    handle = clamp(Math.max((arrive ?? dispatch) + 5 * MIN, createdAt + logNormal(r, pace * 0.3 * span, 0.9)));
    reply = clamp(handle + Math.max(MIN, logNormal(r, 10 * MIN, 0.5)));
  } else {
    if (type === 'complaint')
      arrive = clamp(Math.max(dispatch + 5 * MIN, createdAt + logNormal(r, 0.7 * pace * (limits.arriveDueAt! - createdAt), 0.45)));
    const from = arrive ?? dispatch;
    reply = clamp(Math.max(from + 2 * HOUR, createdAt + logNormal(r, pace * span, 0.35)));
    handle = clamp(from + (reply - from) * (0.6 + 0.35 * r()));
  }
  const callback = clamp(daytime(reply + logNormal(r, type === 'fault_repair' ? 3 * HOUR : 20 * HOUR, 0.6), tz, r));
  const closedAt = clamp(callback + Math.max(MIN, logNormal(r, 20 * MIN, 0.7)));

  const late =
    (limits.arriveDueAt !== null && arrive !== null && arrive > limits.arriveDueAt) ||
    (limits.dueStep === 'handle' ? handle : reply) > limits.dueAt;
  const satisfaction = weighted<Satisfaction>(r, [
    ['satisfied', late ? 0.55 : 0.86],
    ['basically_satisfied', 0.08],
    ['dissatisfied', late ? 0.3 : 0.02],
    ['unreachable', 0.04],
  ]);
  const result = weighted<WorkOrderResult>(r, [
    ['resolved', satisfaction === 'dissatisfied' ? 0.5 : 0.93],
    ['partly_resolved', 0.05],
    ['unresolved', satisfaction === 'dissatisfied' ? 0.3 : 0.02],
  ]);
  let causeTag: CauseTag | null = null;
  if (late && r() < 0.5) causeTag = 'breach';
  else if (type === 'complaint')
    causeTag = weighted<CauseTag | null>(r, [
      [null, 0.83],
      ['non_standard', 0.12],
      ['work_error', 0.05],
    ]);
  else if (r() < 0.003) causeTag = 'non_standard';

  const steps: PlannedStep[] = [];
  const add = (step: WorkOrderStep, at: number | null, actor: string) => {
    if (at !== null) steps.push({ step, at, actor, actorName: actorName(seed, actor) });
  };
  add('accept', accept, dispatcher);
  add('dispatch', dispatch, dispatcher);
  add('arrive', arrive, worker);
  add('handle', handle, worker);
  add('reply', reply, worker);
  add('callback', callback, agent);
  return {
    orderId,
    type,
    countyCode: county.code,
    cityCode: county.cityCode,
    area,
    createdAt,
    ...limits,
    steps,
    closedAt,
    result,
    causeTag,
    satisfaction,
  };
}

/** Median share of its limits a county takes: most counties keep well inside, a few run close to the edge. */
export function countyPace(seed: number, countyCode: string): number {
  const r = rng(seedOf(seed, 'workorder-pace', countyCode));
  return 0.43 + 0.25 * r() * r();
}

/** The orders created on local date `ymd` (YYYY-MM-DD), with their whole planned flow. */
export function planWorkOrderDay(ymd: string, seed: number, tz: string): WorkOrderDay {
  const r = rng(seedOf(seed, 'workorders', ymd));
  const dayStart = parseLocal(`${ymd} 00:00:00`, tz);
  if (dayStart === null) throw new Error(`not a date: ${ymd}`);
  const weekday = new Date(`${ymd}T12:00:00Z`).getUTCDay();
  const hourlySum = HOURLY.reduce((s, x) => s + x, 0);
  const perDay = DAILY_ORDERS * WEEKDAY[weekday]!;
  const compact = ymd.replaceAll('-', '');
  const orders: PlannedWorkOrder[] = [];
  for (let h = 0; h < 24; h++) {
    const mean = HOUR / ((perDay * HOURLY[h]!) / hourlySum);
    const hourStart = dayStart + h * HOUR;
    for (let t = hourStart + exponential(r, mean); t < hourStart + HOUR; t += exponential(r, mean)) {
      const county = weighted(r, COUNTY_WEIGHTS);
      const type = weighted(r, TYPE_MIX);
      const orderId = `GD${compact}${String(orders.length + 1).padStart(6, '0')}`;
      const createdAt = Math.floor(t / 1000) * 1000;
      orders.push(planOrder(r, seed, tz, orderId, county, type, createdAt, countyPace(seed, county.code)));
    }
  }
  return { date: ymd, orders };
}

/** Every change of an order, oldest first: created, each step, closed. */
export function changeTimes(o: PlannedWorkOrder): number[] {
  return [o.createdAt, ...o.steps.map((s) => s.at), o.closedAt];
}

/** Whether the order met every limit it had (judged on its full plan). */
export function metLimits(o: PlannedWorkOrder): boolean {
  const at = (s: WorkOrderStep) => o.steps.find((x) => x.step === s)?.at ?? null;
  const arrive = at('arrive');
  if (o.arriveDueAt !== null && arrive !== null && arrive > o.arriveDueAt) return false;
  return at(o.dueStep)! <= o.dueAt;
}
