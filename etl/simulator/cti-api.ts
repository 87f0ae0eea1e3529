import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatLocal, startOfLocalDay } from '@/core/time';
import {
  AGENT_STATE_CODE,
  CATEGORY_LABEL,
  CTI_AGENT_STATE_EXPORT_COLUMNS,
  CTI_AGENT_STATES_PATH,
  CTI_CDR_EXPORT_COLUMNS,
  CTI_CDR_PATH,
  RELEASE_CAUSE,
} from '../sources/cti/source-schema';
import { backfillRange } from '../runtime/backfill';
import { SKILL_GROUPS, planCtiDay, type AgentStateEvent, type Anomaly, type CtiDay, type PlannedCall } from './cti-day';
import { CsvBytes, writeExport } from './export-csv';
import { Lru } from './lru';
import { parseInstant, sendJson as send, serveVendorApi, type VendorApi, type VendorRecord } from './vendor-api';

// Plays the 95598 CTI vendor's reporting API: call detail records and agent state events, paged, by the
// time of their last change, as the vendor's system would show them at `now()`. A call appears once it
// has ended; an agent state appears when it starts (no end yet) and again when it ends.

export type { VendorRecord };

export interface CtiApiOptions {
  seed: number;
  tz: string;
  /** 0 (default): an ephemeral port. */
  port?: number;
  host?: string;
  now: () => number;
  /** Anomalies per local date; defaults to the seed's own (see defaultAnomalies). */
  anomalies?: (ymd: string) => Anomaly[];
  /** Test hook: rewrite records on their way out, e.g. to corrupt one. */
  mutate?: { cdr?: (r: VendorRecord) => VendorRecord; agentStates?: (r: VendorRecord) => VendorRecord };
  maxPageSize?: number;
  /** Plans a day (planCtiDay unless a test counts the plans). */
  planDay?: typeof planCtiDay;
}

export interface CtiApi extends VendorApi {
  /**
   * One past local day of a listing as the vendor's export file (CSV, CTI_CDR_EXPORT_COLUMNS or
   * CTI_AGENT_STATE_EXPORT_COLUMNS): the records a back-fill window of that day would page through. Returns
   * the number of records.
   */
  exportDay(kind: 'cdr' | 'agent-states', ymd: string, file: string): Promise<number>;
}

const DAY = 86_400_000;
const local = (ms: number | null, tz: string) => (ms === null ? null : formatLocal(ms, tz).slice(0, 19));
const groupName = new Map(SKILL_GROUPS.map((g) => [g.code, g.name]));

export function cdrRecord(c: PlannedCall, tz: string): VendorRecord {
  return {
    callId: c.callId,
    callerNo: c.callerNo,
    calledNo: '95598',
    callerArea: c.countyCode,
    skillGroup: c.skillGroup,
    skillGroupName: groupName.get(c.skillGroup) ?? '',
    category: CATEGORY_LABEL[c.category],
    ivrStartTime: local(c.ivrAt, tz),
    queueStartTime: local(c.requestedAt, tz),
    ringStartTime: local(c.ringAt, tz),
    answerTime: local(c.answeredAt, tz),
    releaseTime: local(c.endedAt, tz),
    releaseCause: RELEASE_CAUSE[c.outcome],
    agentId: c.agentId ?? '',
  };
}

export function agentStateRecord(e: AgentStateEvent, tz: string, now: number): VendorRecord {
  const ended = e.endedAt !== null && e.endedAt <= now ? e.endedAt : null;
  return {
    agentId: e.agentId,
    skillGroup: e.skillGroup,
    state: AGENT_STATE_CODE[e.state],
    stateStartTime: local(e.startedAt, tz),
    stateEndTime: local(ended, tz),
    updateTime: local(ended ?? e.startedAt, tz),
  };
}

/** cdrRecord's fields in CTI_CDR_EXPORT_COLUMNS' order, as one CSV line of `out`. */
function cdrLine(out: CsvBytes, c: PlannedCall, tz: string): void {
  out
    .field(c.callId)
    .field(c.callerNo)
    .field('95598')
    .field(c.countyCode)
    .field(c.skillGroup)
    .field(groupName.get(c.skillGroup) ?? '')
    .field(CATEGORY_LABEL[c.category])
    .field(local(c.ivrAt, tz))
    .field(local(c.requestedAt, tz))
    .field(local(c.ringAt, tz))
    .field(local(c.answeredAt, tz))
    .field(local(c.endedAt, tz))
    .field(RELEASE_CAUSE[c.outcome])
    .field(c.agentId ?? '')
    .end();
}

/** agentStateRecord's fields in CTI_AGENT_STATE_EXPORT_COLUMNS' order, as one CSV line of `out`. */
function stateLine(out: CsvBytes, e: AgentStateEvent, tz: string, now: number): void {
  const ended = e.endedAt !== null && e.endedAt <= now ? e.endedAt : null;
  out
    .field(e.agentId)
    .field(e.skillGroup)
    .field(AGENT_STATE_CODE[e.state])
    .field(local(e.startedAt, tz))
    .field(local(ended, tz))
    .field(local(ended ?? e.startedAt, tz))
    .end();
}

/** An item of a listing: a call (CDR) or an agent state event. */
type Listed = { call: PlannedCall } | { state: AgentStateEvent };

interface DayIndex {
  day: CtiDay;
  /** Calls by release time. */
  calls: PlannedCall[];
}

export async function startCtiApi(opts: CtiApiOptions): Promise<CtiApi> {
  const { tz } = opts;
  const maxPageSize = opts.maxPageSize ?? 5000;
  const planDay = opts.planDay ?? planCtiDay;
  // Recently used planned days and listings, least recently used dropped first. The live job (today and
  // yesterday) and the history back-fill (a day a year back and the one before it) ask in turns: dropping the
  // oldest day instead made every history window plan its two days again (seconds each).
  const days = new Lru<number, DayIndex>(6);
  const listings = new Lru<string, VendorRecord[]>(4);

  const dayAt = (dayStart: number): DayIndex => {
    let idx = days.get(dayStart);
    if (!idx) {
      const ymd = formatLocal(dayStart + 12 * 3_600_000, tz).slice(0, 10);
      const day = planDay(ymd, opts.seed, tz, { anomalies: opts.anomalies?.(ymd) });
      idx = { day, calls: day.calls.slice().sort((a, b) => a.endedAt - b.endedAt || (a.callId < b.callId ? -1 : 1)) };
      days.set(dayStart, idx);
    }
    return idx;
  };

  /** Planned days that can hold a change in [from, to): a call or state of the previous day can end today. */
  const daysFor = (from: number, to: number): DayIndex[] => {
    const out: DayIndex[] = [];
    for (let d = startOfLocalDay(from - DAY / 2, tz); d < to; d = startOfLocalDay(d + DAY + 3_600_000, tz)) out.push(dayAt(d));
    return out;
  };

  /** What a listing shows, in its order: the calls ended, or the agent states last changed, in [from, to). */
  const listed = (kind: 'cdr' | 'agent-states', from: number, to: number, now: number): Listed[] => {
    const end = Math.min(to, now);
    const out: { at: number; key: string; item: Listed }[] = [];
    if (end <= from) return [];
    for (const { day, calls } of daysFor(from, end)) {
      if (kind === 'cdr') {
        for (const c of calls) {
          if (c.endedAt < from) continue;
          if (c.endedAt >= end) break;
          out.push({ at: c.endedAt, key: c.callId, item: { call: c } });
        }
      } else {
        for (const e of day.agentStates) {
          if (e.startedAt >= end) break;
          const last = e.endedAt !== null && e.endedAt <= now ? e.endedAt : e.startedAt;
          if (last < from || last >= end) continue;
          out.push({ at: last, key: `${e.agentId}|${e.startedAt}`, item: { state: e } });
        }
      }
    }
    out.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out.map((o) => o.item);
  };

  const list = (kind: 'cdr' | 'agent-states', from: number, to: number, now: number): VendorRecord[] =>
    listed(kind, from, to, now).map((item) => {
      if ('call' in item) {
        const rec = cdrRecord(item.call, tz);
        return opts.mutate?.cdr ? opts.mutate.cdr(rec) : rec;
      }
      const rec = agentStateRecord(item.state, tz, now);
      return opts.mutate?.agentStates ? opts.mutate.agentStates(rec) : rec;
    });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const kind = url.pathname === CTI_CDR_PATH ? 'cdr' : url.pathname === CTI_AGENT_STATES_PATH ? 'agent-states' : null;
    if (req.method !== 'GET' || !kind) return send(res, 404, { code: 404, msg: 'not found' });
    const from = parseInstant(url.searchParams.get('start'), tz);
    const to = parseInstant(url.searchParams.get('end'), tz);
    const pageNo = Number(url.searchParams.get('pageNo') ?? '1');
    const pageSize = Number(url.searchParams.get('pageSize') ?? '100');
    if (from === null || to === null || !Number.isInteger(pageNo) || pageNo < 1 || !Number.isInteger(pageSize) || pageSize < 1)
      return send(res, 400, { code: 400, msg: 'start, end (time), pageNo, pageSize (positive integers) are required' });
    if (pageSize > maxPageSize) return send(res, 400, { code: 400, msg: `pageSize must be at most ${maxPageSize}` });
    if (to - from > 7 * DAY) return send(res, 400, { code: 400, msg: 'window longer than 7 days' });
    const now = opts.now();
    // Paging asks the same question once per page; answer it from the previous listing while time stands still.
    const key = `${kind}|${from}|${to}|${Math.min(to, now)}`;
    let all = listings.get(key);
    if (!all) listings.set(key, (all = list(kind, from, to, now)));
    send(res, 200, {
      code: 0,
      msg: 'success',
      data: {
        records: all.slice((pageNo - 1) * pageSize, pageNo * pageSize),
        total: all.length,
        pages: Math.ceil(all.length / pageSize),
        pageNo,
        pageSize,
      },
    });
  };

  const api = await serveVendorApi({
    host: opts.host,
    port: opts.port,
    handle,
    error: (res, status, message) => send(res, status, { code: status, msg: status === 503 ? 'CTI service unavailable' : message }),
  });
  // Added to the served API itself: its `requests` is a live getter, which a spread copy would freeze.
  const exportDay: CtiApi['exportDay'] = async (kind, ymd, file) => {
    const { from, to } = backfillRange(ymd, ymd, tz);
    const now = opts.now();
    const columns = kind === 'cdr' ? CTI_CDR_EXPORT_COLUMNS : CTI_AGENT_STATE_EXPORT_COLUMNS;
    const out = new CsvBytes();
    out.raw(columns.join(',')).end();
    if (opts.mutate?.cdr || opts.mutate?.agentStates) {
      // What the API would send (a test's garbled records), field by field.
      for (const r of list(kind, from, to, now)) {
        for (const c of columns) out.field(r[c]);
        out.end();
      }
    } else {
      // Straight from the plan: the fields cdrRecord and agentStateRecord would give, in the export's columns,
      // without the records (a day is some 50,000 of them, and the simulator's collector was its largest cost).
      for (const item of listed(kind, from, to, now)) {
        if ('call' in item) cdrLine(out, item.call, tz);
        else stateLine(out, item.state, tz, now);
      }
    }
    await writeExport(file, out.bytes());
    return out.lines - 1;
  };
  return Object.assign(api, { exportDay });
}
