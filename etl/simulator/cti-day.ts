import { CITIES, COUNTIES, isUrbanDistrict, type County } from '@/core/org/divisions';
import { localParts, parseLocal } from '@/core/time';
import { exponential, logNormal, rng, seedOf, weighted, type Rng } from './random';

// One day of the provincial 95598 CTI/ACD: calls enter the IVR, ~60% ask for an agent and queue in the
// skill group of their menu choice, agents work 4-hour shifts staffed from an Erlang C forecast (so the
// service level lands near the 80%/20 s target when the day goes as forecast), callers hang up when the
// wait exceeds their patience, and a full queue overflows (blocked). Anomalies (a storm's fault-repair
// surge in one city, a degraded CTI) are what the early warnings are meant to catch.

export type CallCategory = 'inquiry' | 'fault_repair' | 'arrears_reconnection' | 'complaint' | 'opinion';
export type CallOutcome = 'ivr_only' | 'answered' | 'abandoned_queue' | 'abandoned_ringing' | 'blocked';
export type AgentState = 'logged_out' | 'ready' | 'talking' | 'after_call_work' | 'away';

export interface SkillGroup {
  code: string;
  name: string;
}

export const SKILL_GROUPS: readonly SkillGroup[] = [
  { code: 'SG01', name: '综合咨询' },
  { code: 'SG02', name: '故障报修' },
  { code: 'SG03', name: '欠费复电' },
  { code: 'SG04', name: '投诉建议' },
];

const GROUP_OF: Record<CallCategory, string> = {
  inquiry: 'SG01',
  fault_repair: 'SG02',
  arrears_reconnection: 'SG03',
  complaint: 'SG04',
  opinion: 'SG04',
};

/** Share of all inbound calls by the IVR menu choice, and how often each asks for an agent. */
const CATEGORY: readonly (readonly [CallCategory, number])[] = [
  ['inquiry', 0.42],
  ['fault_repair', 0.3],
  ['arrears_reconnection', 0.14],
  ['complaint', 0.04],
  ['opinion', 0.1],
];
const REQUEST_AGENT: Record<CallCategory, number> = {
  inquiry: 0.5,
  fault_repair: 0.7,
  arrears_reconnection: 0.55,
  complaint: 0.95,
  opinion: 0.85,
};
const TALK_MEDIAN_S: Record<CallCategory, number> = {
  inquiry: 150,
  fault_repair: 120,
  arrears_reconnection: 140,
  complaint: 300,
  opinion: 180,
};
const TALK_SIGMA = 0.5;
const ACW_MEDIAN_S = 25;
const ACW_SIGMA = 0.4;
const RING_MEAN_S = 4;

/** Relative inbound intensity by local hour: a mid-morning peak, a lunch dip, a smaller afternoon peak. */
export const HOURLY = [
  0.15, 0.1, 0.08, 0.07, 0.08, 0.15, 0.4, 0.9, 1.6, 2.1, 2.2, 1.9, 1.3, 1.2, 1.6, 1.7, 1.6, 1.4, 1.2, 1.1, 1.0, 0.8, 0.5, 0.3,
];
/** Sunday first: Mondays carry the weekend's backlog. */
export const WEEKDAY = [0.8, 1.15, 1.02, 1.0, 0.98, 1.0, 0.85];
/** Province-wide inbound calls on an average weekday. */
export const DAILY_CALLS = 26_000;

export type Anomaly =
  /** Thunderstorm in one city: extra fault-repair calls per hour, which the forecast staffing did not expect. */
  | { kind: 'storm'; cityCode: string; fromHour: number; toHour: number; extraCallsPerHour: number }
  /** Trunk or ACD fault: a share of agent requests are refused (blocked) and more callers drop while ringing. */
  | { kind: 'cti_degraded'; fromHour: number; toHour: number; blockedShare: number }
  /** A fault outage in one county: its customers ring 95598 about it from minutes after the power goes. */
  | { kind: 'outage_surge'; countyCode: string; startsAt: number; calls: number };

export interface PlannedCall {
  callId: string;
  callerNo: string;
  countyCode: string;
  cityCode: string;
  category: CallCategory;
  skillGroup: string;
  ivrAt: number;
  /** Entered the agent queue; null for IVR-only calls. */
  requestedAt: number | null;
  /** An agent's phone started ringing. */
  ringAt: number | null;
  answeredAt: number | null;
  endedAt: number;
  outcome: CallOutcome;
  agentId: string | null;
}

export interface AgentStateEvent {
  agentId: string;
  skillGroup: string;
  state: AgentState;
  startedAt: number;
  /** null: the state is still open at the end of the day (logged out until the next shift). */
  endedAt: number | null;
}

export interface CtiDay {
  ymd: string;
  calls: PlannedCall[];
  agentStates: AgentStateEvent[];
  anomalies: Anomaly[];
}

export interface CtiDayOptions {
  /** Defaults to `defaultAnomalies(seed, ymd)`; pass [] for an undisturbed day. */
  anomalies?: Anomaly[];
}

const SEC = 1000;
const HOUR = 3_600_000;
const SHIFT_MS = 4 * HOUR;
const BREAK_MS = 15 * 60_000;

/**
 * The anomalies a seed puts on a date, so that the demo has incidents to warn about without anyone
 * scripting them: on about one day in four a storm hits one city in the afternoon, on about one in ten
 * the CTI degrades for an hour.
 */
export function defaultAnomalies(seed: number, ymd: string): Anomaly[] {
  const r = rng(seedOf(seed, 'cti-anomaly', ymd));
  const out: Anomaly[] = [];
  if (r() < 0.25) {
    const city = CITIES[Math.floor(r() * CITIES.length)]!;
    const fromHour = 14 + Math.floor(r() * 4);
    out.push({ kind: 'storm', cityCode: city.code, fromHour, toHour: fromHour + 2, extraCallsPerHour: 350 + Math.floor(r() * 300) });
  }
  if (r() < 0.1) {
    const fromHour = 9 + Math.floor(r() * 8);
    out.push({ kind: 'cti_degraded', fromHour, toHour: fromHour + 1, blockedShare: 0.15 + r() * 0.15 });
  }
  return out;
}

/** Probability that a caller waits (Erlang C) with `n` agents and `a` erlangs of load. */
function erlangC(n: number, a: number): number {
  if (n <= a) return 1;
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b / (1 - (a / n) * (1 - b));
}

/** Agents needed for the service-level target, given arrivals per second and handle time in seconds. */
function agentsFor(lambda: number, ahtS: number, target = 0.75, answerWithinS = 20): number {
  const a = lambda * ahtS;
  if (a <= 0) return 1;
  for (let n = Math.max(1, Math.ceil(a)); ; n++) {
    const sl = 1 - erlangC(n, a) * Math.exp((-(n - a) * answerWithinS) / ahtS);
    if (sl >= target) return n;
  }
}

const meanLogNormal = (median: number, sigma: number) => median * Math.exp((sigma * sigma) / 2);

interface Agent {
  id: string;
  group: string;
  shiftStart: number;
  shiftEnd: number;
  breakAt: number;
  breakTakenAt: number | null;
  freeAt: number;
  /** Busy segments in time order. */
  busy: { state: AgentState; start: number; end: number }[];
}

/** Minimal binary min-heap of instants: when the callers now in a queue leave it. */
class MinHeap {
  private a: number[] = [];
  get size() {
    return this.a.length;
  }
  push(v: number) {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= a[i]!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  peek() {
    return this.a[0];
  }
  pop() {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

const countyWeights = (): (readonly [County, number])[] =>
  COUNTIES.map((c) => [c, (isUrbanDistrict(c) ? 2.5 : 1) * (c.cityCode === '5301' ? 1.6 : 1)] as const);
let countyTable: (readonly [County, number])[] | undefined;

function callerNo(r: Rng): string {
  const d = () => Math.floor(r() * 10);
  return `1${3 + Math.floor(r() * 7)}${d()}****${d()}${d()}${d()}${d()}`;
}

/** The whole day of local date `ymd` ("YYYY-MM-DD") for the province, deterministic from `seed`. */
export function planCtiDay(ymd: string, seed: number, tz: string, opts: CtiDayOptions = {}): CtiDay {
  const dayStart = parseLocal(`${ymd} 00:00:00`, tz);
  if (dayStart === null) throw new Error(`bad date ${ymd}`);
  const dayEnd = parseLocal(`${ymd} 23:59:59`, tz)! + SEC;
  const anomalies = opts.anomalies ?? defaultAnomalies(seed, ymd);
  const { weekday } = localParts(dayStart + 12 * HOUR, tz);
  const r = rng(seedOf(seed, 'cti', ymd));
  countyTable ??= countyWeights();
  const hourOf = (t: number) => Math.min(23, Math.floor((t - dayStart) / HOUR));

  // ---- arrivals: non-homogeneous Poisson by thinning; the day's volume is off the forecast by up to ±8%
  const forecast = DAILY_CALLS * WEEKDAY[weekday]!;
  const actual = forecast * (0.92 + r() * 0.16);
  const hourlySum = HOURLY.reduce((a, b) => a + b, 0);
  const peak = Math.max(...HOURLY);
  const peakRatePerMs = ((actual / hourlySum) * peak) / HOUR;
  const arrivals: { at: number; county: County; category: CallCategory }[] = [];
  for (let t = dayStart; ;) {
    t += exponential(r, 1 / peakRatePerMs);
    if (t >= dayEnd) break;
    if (r() < HOURLY[hourOf(t)]! / peak)
      arrivals.push({ at: Math.round(t), county: weighted(r, countyTable), category: weighted(r, CATEGORY) });
  }
  for (const a of anomalies) {
    if (a.kind !== 'storm') continue;
    const city = CITIES.find((c) => c.code === a.cityCode);
    if (!city) continue;
    const start = dayStart + a.fromHour * HOUR;
    const end = dayStart + a.toHour * HOUR;
    // Ramp up over the first half hour: the calls follow the outages, not the clock.
    for (let t = start; ;) {
      t += exponential(r, HOUR / a.extraCallsPerHour);
      if (t >= end) break;
      if (r() < Math.min(1, (t - start) / (HOUR / 2) + 0.2))
        arrivals.push({ at: Math.round(t), county: city.counties[Math.floor(r() * city.counties.length)]!, category: 'fault_repair' });
    }
  }
  for (const a of anomalies) {
    if (a.kind !== 'outage_surge') continue;
    const county = COUNTIES.find((c) => c.code === a.countyCode);
    if (!county) continue;
    // Calls start a few minutes after the power goes and fade over the next hour or two (mean 25 min).
    for (let i = 0; i < a.calls; i++) {
      const at = a.startsAt + 3 * 60_000 + Math.round(exponential(r, 25 * 60_000));
      if (at >= dayStart && at < dayEnd) arrivals.push({ at, county, category: 'fault_repair' });
    }
  }
  arrivals.sort((x, y) => x.at - y.at);

  // ---- staffing: per skill group and hour from the forecast (not the actual volume), in 4-hour shifts
  const manualShare = new Map<string, number>();
  const ahtByGroup = new Map<string, number>();
  for (const [cat, share] of CATEGORY) {
    const g = GROUP_OF[cat];
    const s = share * REQUEST_AGENT[cat];
    const prev = manualShare.get(g) ?? 0;
    const aht = RING_MEAN_S + meanLogNormal(TALK_MEDIAN_S[cat], TALK_SIGMA) + meanLogNormal(ACW_MEDIAN_S, ACW_SIGMA);
    ahtByGroup.set(g, ((ahtByGroup.get(g) ?? 0) * prev + aht * s) / (prev + s));
    manualShare.set(g, prev + s);
  }
  const agentsByGroup = new Map<string, Agent[]>();
  for (const group of SKILL_GROUPS) {
    const agents: Agent[] = [];
    const onShift = new Array<number>(24).fill(0);
    for (let h = 0; h < 24; h++) {
      const lambda = (forecast * (HOURLY[h]! / hourlySum) * manualShare.get(group.code)!) / 3600;
      // Breaks take ~6% of a shift: staff for it.
      const need = Math.ceil(agentsFor(lambda, ahtByGroup.get(group.code)!) / 0.94);
      for (let k = onShift[h]!; k < need; k++) {
        const shiftStart = dayStart + h * HOUR;
        agents.push({
          id: `${group.code.slice(2)}${String(agents.length + 1).padStart(3, '0')}`,
          group: group.code,
          shiftStart,
          shiftEnd: shiftStart + SHIFT_MS,
          breakAt: shiftStart + 2 * HOUR - 30 * 60_000 + Math.floor(r() * 60 * 60_000),
          breakTakenAt: null,
          freeAt: shiftStart,
          busy: [],
        });
        for (let j = h; j < Math.min(24, h + SHIFT_MS / HOUR); j++) onShift[j]!++;
      }
    }
    agentsByGroup.set(group.code, agents);
  }

  // ---- the ACD: first come first served, each call to the agent who can take it soonest
  const queues = new Map(SKILL_GROUPS.map((g) => [g.code, new MinHeap()]));
  const ymdKey = ymd.replaceAll('-', '');
  // IVR first, in arrival order; then the ACD in the order callers asked for an agent, which differs
  // because IVR times differ.
  const calls = arrivals.map((arr, i): PlannedCall => {
    const { at: ivrAt, county, category } = arr;
    const callId = `${ymdKey}${String(i + 1).padStart(6, '0')}`;
    const caller = callerNo(r);
    // One literal shape for every call (as the hall queue's tickets): a spread shared base made slow objects.
    const call = (requestedAt: number | null, endedAt: number, outcome: CallOutcome): PlannedCall => ({
      callId,
      callerNo: caller,
      countyCode: county.code,
      cityCode: county.cityCode,
      category,
      skillGroup: GROUP_OF[category],
      agentId: null,
      ringAt: null,
      answeredAt: null,
      ivrAt,
      requestedAt,
      endedAt,
      outcome,
    });
    if (r() >= REQUEST_AGENT[category]) {
      const endedAt = ivrAt + Math.round(Math.max(15, logNormal(r, 70, 0.5)) * SEC);
      return call(null, endedAt, 'ivr_only');
    }
    const requestedAt = ivrAt + Math.round(Math.max(8, logNormal(r, 35, 0.4)) * SEC);
    // Placeholder outcome; the ACD pass below decides.
    return call(requestedAt, requestedAt, 'blocked');
  });
  const manual = calls
    .filter((c) => c.requestedAt !== null)
    .sort((x, y) => x.requestedAt! - y.requestedAt! || (x.callId < y.callId ? -1 : 1));
  for (const call of manual) {
    const requestedAt = call.requestedAt!;
    const hour = hourOf(requestedAt);
    const degraded = anomalies.find((a) => a.kind === 'cti_degraded' && hour >= a.fromHour && hour < a.toHour) as
      Extract<Anomaly, { kind: 'cti_degraded' }> | undefined;
    const agents = agentsByGroup.get(call.skillGroup)!;
    const queue = queues.get(call.skillGroup)!;
    while (queue.size > 0 && queue.peek()! <= requestedAt) queue.pop();
    let staffed = 0;
    for (const a of agents) if (a.shiftStart <= requestedAt && a.shiftEnd > requestedAt) staffed++;
    // Overflow: the ACD refuses a call when its queue already holds more callers than it has agents (and a
    // little), or when a degraded CTI drops the request.
    if (queue.size >= Math.max(8, Math.round(staffed * 1.2)) || (degraded !== undefined && r() < degraded.blockedShare)) {
      call.outcome = 'blocked';
      call.endedAt = requestedAt + Math.round((1 + r() * 3) * SEC);
      continue;
    }
    // A few callers hang up almost at once (wrong key, changed their mind): the short abandons.
    const patience = r() < 0.025 ? (0.5 + r() * 4.5) * SEC : Math.max(6, logNormal(r, 65, 0.8)) * SEC;

    let best: Agent | null = null;
    let bestStart = Infinity;
    let bestBreak: number | null = null;
    for (const a of agents) {
      if (a.shiftEnd <= requestedAt) continue;
      let start = Math.max(requestedAt, a.freeAt, a.shiftStart);
      let brk: number | null = null;
      if (a.breakTakenAt === null && start >= a.breakAt) {
        brk = Math.max(a.freeAt, a.breakAt);
        start = Math.max(start, brk + BREAK_MS);
      }
      if (start >= a.shiftEnd) continue;
      if (start < bestStart) {
        best = a;
        bestStart = start;
        bestBreak = brk;
      }
    }
    if (!best || bestStart - requestedAt > patience) {
      call.outcome = 'abandoned_queue';
      call.endedAt = requestedAt + Math.round(patience);
      queue.push(call.endedAt);
      continue;
    }
    if (bestBreak !== null) {
      best.breakTakenAt = bestBreak;
      best.busy.push({ state: 'away', start: bestBreak, end: bestBreak + BREAK_MS });
    }
    const ringAt = Math.round(bestStart);
    queue.push(ringAt);
    call.ringAt = ringAt;
    call.agentId = best.id;
    const ringMs = Math.round((2 + r() * 2 * (RING_MEAN_S - 2)) * SEC) * (degraded ? 3 : 1);
    const waited = ringAt - requestedAt;
    // Dropping while it rings gets likelier the longer the caller already waited.
    const pRingAbandon = 0.004 + Math.max(0, waited / SEC - 20) * 0.0008 + (degraded ? 0.05 : 0);
    if (r() < pRingAbandon) {
      call.outcome = 'abandoned_ringing';
      call.endedAt = ringAt + Math.round(ringMs * r());
      best.freeAt = call.endedAt + 2 * SEC;
      continue;
    }
    const answeredAt = ringAt + ringMs;
    const endedAt = answeredAt + Math.round(Math.max(20, logNormal(r, TALK_MEDIAN_S[call.category], TALK_SIGMA)) * SEC);
    const acwEnd = endedAt + Math.round(Math.max(5, logNormal(r, ACW_MEDIAN_S, ACW_SIGMA)) * SEC);
    best.busy.push({ state: 'talking', start: answeredAt, end: endedAt }, { state: 'after_call_work', start: endedAt, end: acwEnd });
    best.freeAt = acwEnd;
    Object.assign(call, { outcome: 'answered', answeredAt, endedAt });
  }

  // ---- agent state timelines: ready between busy segments, logged out after the shift (and the last call)
  const agentStates: AgentStateEvent[] = [];
  for (const agents of agentsByGroup.values()) {
    for (const a of agents) {
      const busy = a.busy.slice();
      if (a.breakTakenAt === null) {
        const brk = Math.max(a.freeAt, a.breakAt);
        if (brk + BREAK_MS <= a.shiftEnd) busy.push({ state: 'away', start: brk, end: brk + BREAK_MS });
      }
      busy.sort((x, y) => x.start - y.start);
      let t = a.shiftStart;
      for (const seg of busy) {
        if (seg.start > t) agentStates.push({ agentId: a.id, skillGroup: a.group, state: 'ready', startedAt: t, endedAt: seg.start });
        agentStates.push({ agentId: a.id, skillGroup: a.group, state: seg.state, startedAt: seg.start, endedAt: seg.end });
        t = seg.end;
      }
      const out = Math.max(t, a.shiftEnd);
      if (out > t) agentStates.push({ agentId: a.id, skillGroup: a.group, state: 'ready', startedAt: t, endedAt: out });
      agentStates.push({ agentId: a.id, skillGroup: a.group, state: 'logged_out', startedAt: out, endedAt: null });
    }
  }
  agentStates.sort((x, y) => x.startedAt - y.startedAt || (x.agentId < y.agentId ? -1 : 1));
  return { ymd, calls, agentStates, anomalies };
}
