import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { findCounty } from '@/core/org/divisions';
import { formatLocal, startOfLocalDay } from '@/core/time';
import {
  AREA_TYPE_LABEL,
  CAUSE_TAG_LABEL,
  LIMIT_UNIT_CODE,
  ORDER_STATUS_CODE,
  ORDER_TYPE_LABEL,
  RESULT_LABEL,
  SATISFACTION_LABEL,
  STEP_CODE,
  NODE_FIELDS,
  WORK_ORDER_EXPORT_COLUMNS,
  WORK_ORDER_STEP_EXPORT_COLUMNS,
  WORK_ORDERS_PATH,
} from '../sources/workorder/source-schema';
import { backfillRange } from '../runtime/backfill';
import { csvField, writeExport } from './export-csv';
import { Lru } from './lru';
import { parseInstant, sendJson as send, serveVendorApi, type VendorApi, type VendorRecord } from './vendor-api';
import { supervisionDesk } from './workorder-supervision';
import { MAX_ORDER_LIFETIME_MS, changeTimes, planWorkOrderDay, type PlannedWorkOrder, type WorkOrderStep } from './workorder-day';

// Plays the customer-service system's work-order API: transferred orders, paged, by the time of their last
// change, as the system would show them at `now()`. An order appears when it is created and again each
// time a step is added, until it is closed (archived). A different vendor from the CTI: other parameter
// names, another envelope ({ success, result: { list, totalPages, total } }), local times to the second.

export type { VendorRecord };

export interface WorkOrderApiOptions {
  seed: number;
  tz: string;
  /** 0 (default): an ephemeral port. */
  port?: number;
  host?: string;
  now: () => number;
  /** Test hook: rewrite records on their way out, e.g. to corrupt one. */
  mutate?: (r: VendorRecord) => VendorRecord;
  maxPageSize?: number;
  /** Plans a day (planWorkOrderDay unless a test counts the plans). */
  planDay?: typeof planWorkOrderDay;
}

export interface WorkOrderApi extends VendorApi {
  /**
   * One past local day of the listing as the vendor's export (WORK_ORDER_EXPORT_COLUMNS and
   * WORK_ORDER_STEP_EXPORT_COLUMNS): the records a back-fill window of that day would page through, written to
   * `dir` as orders_YYYYMMDD.csv and steps_YYYYMMDD.csv. Returns both paths, orders first.
   */
  exportDay(ymd: string, dir: string): Promise<[orders: string, steps: string]>;
}

const DAY = 86_400_000;
const SNAPSHOT_MS = 30_000;
const local = (ms: number | null, tz: string) => (ms === null ? null : formatLocal(ms, tz).slice(0, 19));

const STEP_NAME: Record<WorkOrderStep, string> = {
  accept: '接单',
  dispatch: '派工',
  arrive: '到达现场',
  handle: '处理完成',
  reply: '回复',
  callback: '回访',
};
const STATUS_AFTER: Record<WorkOrderStep, keyof typeof ORDER_STATUS_CODE> = {
  accept: 'accepted',
  dispatch: 'dispatched',
  arrive: 'arrived',
  handle: 'handled',
  reply: 'replied',
  callback: 'callback',
};

/** What the system shows of an order at `now`: the steps done so far, whether it is archived, its status. */
function shown(o: PlannedWorkOrder, now: number) {
  const steps = o.steps.filter((s) => s.at <= now);
  const closed = o.closedAt <= now;
  const last = steps.at(-1);
  return { steps, closed, status: closed ? 'closed' : last ? STATUS_AFTER[last.step] : ('created' as const) };
}

/** The order as the system shows it at `now`: the steps done so far; result and responsibility once archived. */
export function workOrderRecord(o: PlannedWorkOrder, tz: string, now: number): VendorRecord {
  const { steps, closed, status } = shown(o, now);
  const county = findCounty(o.countyCode);
  return {
    orderNo: o.orderId,
    orderType: ORDER_TYPE_LABEL[o.type],
    orgCode: o.countyCode,
    orgName: county?.name ?? '',
    areaType: AREA_TYPE_LABEL[o.area],
    createTime: local(o.createdAt, tz),
    limitValue: o.limit.value,
    limitUnit: LIMIT_UNIT_CODE[o.limit.unit],
    arriveDeadline: local(o.arriveDueAt, tz),
    deadline: local(o.dueAt, tz),
    orderStatus: ORDER_STATUS_CODE[status],
    nodeList: steps.map((s) => ({
      nodeCode: STEP_CODE[s.step],
      nodeName: STEP_NAME[s.step],
      operatorId: s.actor,
      operatorName: s.actorName,
      operateTime: local(s.at, tz),
    })),
    archiveTime: closed ? local(o.closedAt, tz) : null,
    handleResult: closed ? RESULT_LABEL[o.result] : '',
    responsibility: closed && o.causeTag ? CAUSE_TAG_LABEL[o.causeTag] : '',
    satisfaction: closed ? SATISFACTION_LABEL[o.satisfaction] : '',
    updateTime: local(lastChange(o, now), tz),
  };
}

/** The order's latest change at or before `now` (its creation when nothing happened since). */
export function lastChange(o: PlannedWorkOrder, now: number): number {
  let last = o.createdAt;
  for (const t of changeTimes(o)) if (t <= now && t > last) last = t;
  return last;
}

export async function startWorkOrderApi(opts: WorkOrderApiOptions): Promise<WorkOrderApi> {
  const { tz } = opts;
  const maxPageSize = opts.maxPageSize ?? 1000;
  const lookbackDays = Math.ceil(MAX_ORDER_LIFETIME_MS / DAY) + 1;
  const planDay = opts.planDay ?? planWorkOrderDay;
  // A window needs the days of one order lifetime before it, and two readers ask in turns: the live job (the
  // last lifetime before now) and the history back-fill (the lifetime before a day a year back). Room for
  // both, least recently used dropped first: with room for one, each turn planned a lifetime of days again.
  const days = new Lru<number, PlannedWorkOrder[]>(2 * (lookbackDays + 1) + 2);
  /** Each window's pages answered from one snapshot; a few windows, as live and history page in turns. */
  const snapshots = new Lru<string, { at: number; records: VendorRecord[] }>(4);

  const dayAt = (dayStart: number): PlannedWorkOrder[] => {
    let orders = days.get(dayStart);
    if (!orders) {
      orders = planDay(formatLocal(dayStart + 12 * 3_600_000, tz).slice(0, 10), opts.seed, tz).orders;
      days.set(dayStart, orders);
    }
    return orders;
  };

  /** The orders a window lists, in the listing's order. */
  const listed = (from: number, to: number, now: number): PlannedWorkOrder[] => {
    const end = Math.min(to, now);
    if (end <= from) return [];
    const out: { at: number; key: string; o: PlannedWorkOrder }[] = [];
    for (let d = startOfLocalDay(from - MAX_ORDER_LIFETIME_MS, tz); d < end; d = startOfLocalDay(d + DAY + 3_600_000, tz)) {
      for (const o of dayAt(d)) {
        if (o.createdAt >= end) break;
        const at = lastChange(o, now);
        if (at >= from && at < end) out.push({ at, key: o.orderId, o });
      }
    }
    out.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out.map(({ o }) => o);
  };

  const list = (from: number, to: number, now: number): VendorRecord[] =>
    listed(from, to, now).map((o) => {
      const rec = workOrderRecord(o, tz, now);
      return opts.mutate ? opts.mutate(rec) : rec;
    });

  const fail = (res: ServerResponse, status: number, message: string) =>
    send(res, status, { success: false, errorCode: String(status), errorMessage: message, result: null });

  // 督办 write-back: POST /api/supervision, GET /api/supervision/{id} (workorder-supervision.ts).
  const supervision = supervisionDesk({ seed: opts.seed, tz, now: opts.now, fail });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (supervision.route(req, res, url)) return;
    if (req.method !== 'GET' || url.pathname !== WORK_ORDERS_PATH) return fail(res, 404, 'not found');
    const from = parseInstant(url.searchParams.get('updatedFrom'), tz);
    const to = parseInstant(url.searchParams.get('updatedTo'), tz);
    const page = Number(url.searchParams.get('page') ?? '1');
    const size = Number(url.searchParams.get('size') ?? '50');
    if (from === null || to === null || !Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1)
      return fail(res, 400, 'updatedFrom, updatedTo (time), page, size (positive integers) are required');
    if (size > maxPageSize) return fail(res, 400, `size must be at most ${maxPageSize}`);
    if (to - from > 3 * DAY) return fail(res, 400, 'window longer than 3 days');
    const now = opts.now();
    // Paging asks the same question once per page: answer the pages of one window from one snapshot (held
    // for a few seconds, as the vendor's query cache does), so an order that changes between two page
    // requests cannot shift the rest of the list under the reader.
    const key = `${from}|${to}`;
    let snap = snapshots.get(key);
    if (!snap || now < snap.at || now - snap.at > SNAPSHOT_MS) snapshots.set(key, (snap = { at: now, records: list(from, to, now) }));
    const all = snap.records;
    send(res, 200, {
      success: true,
      result: {
        list: all.slice((page - 1) * size, page * size),
        total: all.length,
        totalPages: Math.ceil(all.length / size),
        page,
        size,
      },
    });
  };

  const api = await serveVendorApi({ host: opts.host, port: opts.port, handle, error: fail });
  // Added to the served API itself: its `requests` is a live getter, which a spread copy would freeze.
  const exportDay: WorkOrderApi['exportDay'] = async (ymd, dir) => {
    const { from, to } = backfillRange(ymd, ymd, tz);
    const now = opts.now();
    const day = ymd.replaceAll('-', '');
    const files: [string, string] = [path.join(dir, `orders_${day}.csv`), path.join(dir, `steps_${day}.csv`)];
    const orders = [WORK_ORDER_EXPORT_COLUMNS.join(',')];
    const steps = [WORK_ORDER_STEP_EXPORT_COLUMNS.join(',')];
    if (opts.mutate) {
      // What the API would send (a test's garbled records), field by field.
      for (const r of list(from, to, now)) {
        orders.push(WORK_ORDER_EXPORT_COLUMNS.map((c) => csvField(r[c])).join(','));
        const nodes = Array.isArray(r.nodeList) ? (r.nodeList as unknown[]) : [];
        nodes.forEach((n, i) => {
          const node = typeof n === 'object' && n !== null ? (n as Record<string, unknown>) : {};
          steps.push(`${csvField(r.orderNo)},${i + 1},${NODE_FIELDS.map((c) => csvField(node[c])).join(',')}`);
        });
      }
    } else {
      // Straight from the plan: the lines workOrderRecord's fields would give, without the records.
      for (const o of listed(from, to, now)) {
        const { steps: done, closed, status } = shown(o, now);
        const no = csvField(o.orderId);
        orders.push(
          [
            no,
            csvField(ORDER_TYPE_LABEL[o.type]),
            csvField(o.countyCode),
            csvField(findCounty(o.countyCode)?.name ?? ''),
            csvField(AREA_TYPE_LABEL[o.area]),
            csvField(local(o.createdAt, tz)),
            csvField(o.limit.value),
            csvField(LIMIT_UNIT_CODE[o.limit.unit]),
            csvField(local(o.arriveDueAt, tz)),
            csvField(local(o.dueAt, tz)),
            csvField(ORDER_STATUS_CODE[status]),
            csvField(closed ? local(o.closedAt, tz) : null),
            csvField(closed ? RESULT_LABEL[o.result] : ''),
            csvField(closed && o.causeTag ? CAUSE_TAG_LABEL[o.causeTag] : ''),
            csvField(closed ? SATISFACTION_LABEL[o.satisfaction] : ''),
            csvField(local(lastChange(o, now), tz)),
          ].join(','),
        );
        done.forEach((s, i) =>
          steps.push(
            `${no},${i + 1},${csvField(STEP_CODE[s.step])},${csvField(STEP_NAME[s.step])},${csvField(s.actor)},${csvField(s.actorName)},${csvField(local(s.at, tz))}`,
          ),
        );
      }
    }
    await writeExport(files[0], `${orders.join('\n')}\n`);
    await writeExport(files[1], `${steps.join('\n')}\n`);
    return files;
  };
  return Object.assign(api, { exportDay });
}

export interface WorkOrderSimulator {
  /** Nothing to tick: the API answers from its deterministic plan up to "now". */
  tasks: never[];
  /** Placeholder values for the sources file. */
  vars: { SIMULATOR_WORKORDER_URL: string };
  /** A past day as the vendor's export files (WorkOrderApi.exportDay): the history in bulk. */
  exportDay: WorkOrderApi['exportDay'];
  close(): Promise<void>;
}

/** The work-order API as part of the built-in simulator (shaped like etl/simulator/start.ts's Simulator). */
export async function startWorkOrderSimulator(opts: {
  seed: number;
  tz: string;
  host?: string;
  now?: () => number;
}): Promise<WorkOrderSimulator> {
  const api = await startWorkOrderApi({ seed: opts.seed, tz: opts.tz, host: opts.host ?? '127.0.0.1', now: opts.now ?? Date.now });
  return { tasks: [], vars: { SIMULATOR_WORKORDER_URL: api.url }, exportDay: api.exportDay, close: () => api.close() };
}
