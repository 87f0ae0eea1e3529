import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { formatLocal, parseLocal } from '@/core/time';
import { addWorkingDays } from '@/core/working-days';
import { runBackfill } from '@/etl/runtime/backfill';
import { runEtlJob } from '@/etl/runtime/run-job';
import { readWatermark } from '@/etl/runtime/watermark';
import { startWorkOrderApi, type WorkOrderApi } from '@/etl/simulator/workorder-api';
import { metLimits, planWorkOrderDay, type PlannedWorkOrder } from '@/etl/simulator/workorder-day';
import { source as workorder } from '@/etl/sources/workorder';
import { WORK_ORDER_SOURCE } from '@/etl/sources/workorder/config';
import { workOrderJobs } from '@/etl/sources/workorder/jobs';
import { WORK_ORDERS_PATH } from '@/etl/sources/workorder/source-schema';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;
const at = (text: string) => parseLocal(text, TZ)!;
const localDate = (ms: number) => formatLocal(ms, TZ).slice(0, 10);
const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');
const stepAt = (o: PlannedWorkOrder, step: string) => o.steps.find((s) => s.step === step)?.at ?? null;

describe('work-order simulator', () => {
  // A Monday.
  const monday = planWorkOrderDay('2026-11-23', 7, TZ);

  it('replays the same day from the same seed, and a different one from another seed', () => {
    expect(digest(planWorkOrderDay('2026-11-23', 7, TZ))).toBe(digest(monday));
    expect(digest(planWorkOrderDay('2026-11-23', 8, TZ).orders)).not.toBe(digest(monday.orders));
  });

  it('has the shape of a province-day of transferred orders', () => {
    const orders = monday.orders;
    expect(orders.length).toBeGreaterThan(2000);
    expect(orders.length).toBeLessThan(6000);
    expect(new Set(orders.map((o) => o.type)).size).toBe(5);
    expect(new Set(orders.map((o) => o.cityCode)).size).toBe(16);
    expect(new Set(orders.map((o) => o.area))).toEqual(new Set(['urban', 'rural', 'remote']));
    expect(new Set(orders.map((o) => o.orderId)).size).toBe(orders.length);
    for (const o of orders) {
      // Steps in order, none before creation; the order closes after its last step.
      const times = o.steps.map((s) => s.at);
      expect(times[0]!).toBeGreaterThanOrEqual(o.createdAt);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(o.closedAt).toBeGreaterThanOrEqual(times.at(-1)!);
      expect(o.steps.every((s) => s.actor !== '' && s.actorName !== '')).toBe(true);
    }
  });

  it('uses the published commitments as limits, by area class', () => {
    const repairs = monday.orders.filter((o) => o.type === 'fault_repair');
    const minutes = (o: PlannedWorkOrder) => (o.arriveDueAt! - o.createdAt) / 60_000;
    expect(new Set(repairs.filter((o) => o.area === 'urban').map(minutes))).toEqual(new Set([45]));
    expect(new Set(repairs.filter((o) => o.area === 'rural').map(minutes))).toEqual(new Set([90]));
    expect(new Set(repairs.filter((o) => o.area === 'remote').map(minutes))).toEqual(new Set([120]));
    expect(new Set(repairs.filter((o) => o.area === 'urban').map((o) => (o.dueAt - o.createdAt) / HOUR))).toEqual(new Set([3]));
    expect(new Set(repairs.filter((o) => o.area !== 'urban').map((o) => (o.dueAt - o.createdAt) / HOUR))).toEqual(new Set([4]));
  });

  it('meets most limits, misses some, and tags a few closed orders with a cause', () => {
    const orders = monday.orders;
    const onTime = orders.filter(metLimits).length / orders.length;
    expect(onTime).toBeGreaterThan(0.94);
    expect(onTime).toBeLessThan(0.985);
    const lateArrivals = orders.filter((o) => o.type === 'fault_repair' && stepAt(o, 'arrive')! > o.arriveDueAt!);
    expect(lateArrivals.length).toBeGreaterThan(10);
    expect(orders.filter((o) => o.type === 'complaint' && !metLimits(o)).length).toBeGreaterThan(0);
    // Late orders are the ones tagged 违诺 (breach of commitment).
    const breach = orders.filter((o) => o.causeTag === 'breach');
    expect(breach.length).toBeGreaterThan(5);
    expect(breach.every((o) => !metLimits(o))).toBe(true);
    expect(new Set(orders.map((o) => o.causeTag))).toEqual(new Set([null, 'breach', 'work_error', 'non_standard']));
    expect(orders.filter((o) => o.causeTag !== null).length).toBeLessThan(orders.length * 0.1);
    // Some counties run late more often than others (what a drill-down is for).
    const lateShare = new Map<string, [number, number]>();
    for (const o of orders.filter((x) => x.type === 'fault_repair')) {
      const e = lateShare.get(o.countyCode) ?? [0, 0];
      e[0]++;
      if (!metLimits(o)) e[1]++;
      lateShare.set(o.countyCode, e);
    }
    const shares = [...lateShare.values()].filter(([n]) => n >= 15).map(([n, late]) => late / n);
    expect(Math.max(...shares)).toBeGreaterThan(3 * Math.min(...shares) + 0.02);
  });

  it('counts complaint limits in working days, skipping weekends and holidays', () => {
    // Friday 15:00 + 1 working day → Monday 15:00; Saturday → end of Monday; 7 working days from a Monday →
    // the Wednesday of the week after next.
    expect(formatLocal(addWorkingDays(at('2026-11-20 15:00:00'), 1, TZ), TZ)).toBe('2026-11-23 15:00:00.000');
    expect(formatLocal(addWorkingDays(at('2026-11-21 10:00:00'), 1, TZ), TZ)).toBe('2026-11-24 00:00:00.000');
    expect(formatLocal(addWorkingDays(at('2026-11-23 09:00:00'), 7, TZ), TZ)).toBe('2026-12-02 09:00:00.000');
    // The day before National Day: 1–7 October are holidays or a weekend.
    expect(formatLocal(addWorkingDays(at('2026-09-30 11:00:00'), 1, TZ), TZ)).toBe('2026-10-08 11:00:00.000');

    const friday = planWorkOrderDay('2026-11-20', 7, TZ).orders.filter((o) => o.type === 'complaint');
    expect(friday.length).toBeGreaterThan(50);
    for (const o of friday) {
      // Contact is due on the Monday, not the Saturday; the reply 7 working days on: Tuesday the week after next.
      expect(localDate(o.arriveDueAt!)).toBe('2026-11-23');
      expect(localDate(o.dueAt)).toBe('2026-12-01');
      expect(o.limit).toEqual({ value: 7, unit: 'working_days' });
    }
  });

  it('has open orders at any moment', () => {
    const now = at('2026-11-23 10:30:00');
    const open = monday.orders.filter((o) => o.createdAt <= now && o.closedAt > now);
    expect(open.length).toBeGreaterThan(200);
    // Some still waiting for their first step, some half-way.
    expect(open.some((o) => o.steps[0]!.at > now)).toBe(true);
    expect(open.some((o) => stepAt(o, 'handle') !== null && stepAt(o, 'handle')! <= now)).toBe(true);
  });
});

const count = z.object({ n: z.coerce.number() });

describe('work-order API → HTTP connector → ClickHouse', () => {
  let ch: ClickHouse;
  let api: WorkOrderApi;
  let now = at('2026-11-23 10:30:00');
  const firstFrom = at('2026-11-22 00:00:00');
  // Three orders the system garbles: an org unit that does not exist, a creation time that is not a date,
  // a step dated before the order was created.
  const BAD_ORG = 'GD20261122000100';
  const BAD_DATE = 'GD20261122000200';
  const EARLY_STEP = 'GD20261122000300';

  beforeAll(async () => {
    ch = await testClickHouse();
    api = await startWorkOrderApi({
      seed: 7,
      tz: TZ,
      now: () => now,
      mutate: (r) => {
        if (r.orderNo === BAD_ORG) return { ...r, orgCode: '539999' };
        if (r.orderNo === BAD_DATE) return { ...r, createTime: '2026-11-22 24:61:00' };
        if (r.orderNo === EARLY_STEP) {
          const [first, ...rest] = r.nodeList as Record<string, unknown>[];
          return { ...r, nodeList: [{ ...first, operateTime: '2026-11-21 08:00:00' }, ...rest] };
        }
        return r;
      },
    });
  });
  afterAll(async () => {
    await api?.close();
    await dropTestClickHouse(ch);
  });

  const job = () =>
    workOrderJobs({ http: { baseUrl: api.url, pageSize: 500, retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 } }, tz: TZ })[0]!;
  const apiTotal = async (from: number, to: number) => {
    const q = new URLSearchParams({
      updatedFrom: new Date(from).toISOString(),
      updatedTo: new Date(to).toISOString(),
      page: '1',
      size: '1',
    });
    const body = (await (await fetch(`${api.url}${WORK_ORDERS_PATH}?${q}`)).json()) as { success: boolean; result: { total: number } };
    expect(body.success).toBe(true);
    return body.result.total;
  };
  const finalCount = async (table: 'fact_work_order' | 'fact_work_order_step', where = '1') =>
    (await ch.query('t.n', `SELECT count() AS n FROM ${table} FINAL WHERE ${where}`, {}, count))[0]!.n;

  it('is configured from a sources-file entry', () => {
    const entry = workorder.configSchema.parse({ id: 'crm', kind: 'http', domain: 'workorder', baseUrl: 'http://x' });
    const [j] = workorder.jobs(entry);
    expect(j!.source).toBe(WORK_ORDER_SOURCE);
    expect(j!.schedule).toBe('0 */5 * * * *');
    expect(typeof j!.backfill).toBe('function');
    expect(workorder.configSchema.safeParse({ id: 'crm', kind: 'sql', domain: 'workorder', baseUrl: 'x' }).success).toBe(false);
    // Sources files written before the domain names were unified spell it `work-orders`.
    expect(workorder.configSchema.parse({ ...entry, domain: 'work-orders' }).domain).toBe('workorder');
  });

  it('loads every order changed since the start of yesterday, quarantining the garbled ones', async () => {
    const run = await runEtlJob(ch, job(), now);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('ok');
    const total = await apiTotal(firstFrom, now);
    expect(total).toBeGreaterThan(3000);
    expect(run.rowsRead).toBe(total);
    expect(run.rowsQuarantined).toBe(3);
    expect(await finalCount('fact_work_order')).toBe(total - 3);
    const reasons = await ch.query(
      't.q',
      'SELECT record_key, reason FROM etl_quarantine FINAL WHERE source = {s:String} ORDER BY record_key',
      { s: WORK_ORDER_SOURCE },
      z.object({ record_key: z.string(), reason: z.string() }),
    );
    expect(reasons).toEqual([
      { record_key: BAD_ORG, reason: 'unknown org unit 539999' },
      { record_key: BAD_DATE, reason: 'bad date in createTime: "2026-11-22 24:61:00"' },
      { record_key: EARLY_STEP, reason: 'accept step before createTime' },
    ]);
    expect((await readWatermark(ch, WORK_ORDER_SOURCE))!.ts).toBe(new Date(now).toISOString());

    // Open orders are loaded with the steps done so far; orders created before yesterday that changed since
    // are in too (complaints run for days).
    expect(await finalCount('fact_work_order', 'closed_at IS NULL')).toBeGreaterThan(200);
    expect(await finalCount('fact_work_order', "created_at < '2026-11-21 16:00:00'")).toBeGreaterThan(50);
    const types = await ch.query(
      't.t',
      'SELECT DISTINCT type FROM fact_work_order FINAL ORDER BY type',
      {},
      z.object({ type: z.string() }),
    );
    expect(types.map((t) => t.type)).toEqual(['arrears_reconnection', 'complaint', 'fault_repair', 'inquiry', 'opinion']);
    // Each order's step rows match its step columns.
    const mismatched = await ch.query(
      't.s',
      `SELECT count() AS n FROM fact_work_order AS o FINAL
       LEFT JOIN (SELECT order_id, count() AS steps FROM fact_work_order_step FINAL GROUP BY order_id) AS s USING order_id
       WHERE s.steps != (isNotNull(accepted_at) + isNotNull(dispatched_at) + isNotNull(arrived_at) + isNotNull(handled_at)
                         + isNotNull(replied_at) + isNotNull(callback_at))`,
      {},
      count,
    );
    expect(mismatched[0]!.n).toBe(0);
  });

  it('re-reading the same window adds no duplicates', async () => {
    const before = await finalCount('fact_work_order');
    const steps = await finalCount('fact_work_order_step');
    await ch.raw('t.reset', 'TRUNCATE TABLE etl_watermark');
    expect((await runEtlJob(ch, job(), now)).status).toBe('ok');
    expect(await finalCount('fact_work_order')).toBe(before);
    expect(await finalCount('fact_work_order_step')).toBe(steps);
    const q = await ch.query(
      't.q',
      'SELECT count() AS n FROM etl_quarantine FINAL WHERE source = {s:String}',
      { s: WORK_ORDER_SOURCE },
      count,
    );
    expect(q[0]!.n).toBe(3);
  });

  it('records a failed run while the API is down; the next run catches up, and a progressing order is one row', async () => {
    // A fault repair that was dispatched but nobody had arrived at the first load, and is handled within the hour.
    const progressing = planWorkOrderDay('2026-11-23', 7, TZ).orders.find(
      (o) =>
        o.type === 'fault_repair' &&
        stepAt(o, 'dispatch')! <= now &&
        stepAt(o, 'arrive')! > now &&
        stepAt(o, 'handle')! <= now + HOUR &&
        o.closedAt > now + 2 * HOUR,
    )!;
    expect(progressing).toBeDefined();
    const status = z.object({ status: z.string(), arrived: z.string().nullable(), n: z.coerce.number() });
    const stateOf = async () =>
      (
        await ch.query(
          't.st',
          'SELECT any(status) AS status, toString(any(arrived_at)) AS arrived, count() AS n FROM fact_work_order FINAL WHERE order_id = {id:String}',
          { id: progressing.orderId },
          status,
        )
      )[0]!;
    expect(await stateOf()).toEqual({ status: 'dispatched', arrived: null, n: 1 });

    const watermark = await readWatermark(ch, WORK_ORDER_SOURCE);
    api.setDown(true);
    now += HOUR;
    const failed = await runEtlJob(ch, job(), now);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/HTTP 503/);
    expect(failed.error).toContain(api.url);
    expect(await readWatermark(ch, WORK_ORDER_SOURCE)).toEqual(watermark);
    const recorded = await ch.query(
      't.f',
      "SELECT count() AS n FROM etl_run WHERE source = {s:String} AND status = 'failed'",
      { s: WORK_ORDER_SOURCE },
      count,
    );
    expect(recorded[0]!.n).toBe(1);

    api.setDown(false);
    now += 10 * 60_000;
    const caughtUp = await runEtlJob(ch, job(), now);
    expect(caughtUp.status).toBe('ok');
    const total = await apiTotal(firstFrom, now);
    // Only the missed stretch (plus the overlap) was read, and everything up to now is in.
    expect(caughtUp.rowsRead!).toBeLessThan(total / 3);
    expect(await finalCount('fact_work_order')).toBe(total - 3);

    // The order that gained steps is one row with its latest state, and its new steps are in.
    const latest = await stateOf();
    expect(latest.n).toBe(1);
    const lastStep = progressing.steps.filter((s) => s.at <= now).at(-1)!.step;
    expect(latest.status).toBe(
      { accept: 'accepted', dispatch: 'dispatched', arrive: 'arrived', handle: 'handled', reply: 'replied', callback: 'callback' }[
        lastStep
      ],
    );
    expect(['handled', 'replied', 'callback']).toContain(latest.status);
    expect(latest.arrived).not.toBeNull();
    expect(await finalCount('fact_work_order_step', `order_id = '${progressing.orderId}'`)).toBe(
      progressing.steps.filter((s) => s.at <= now).length,
    );
  });

  it('backfills a day in one window (the back-fill default) without touching the live watermark', async () => {
    const live = await readWatermark(ch, WORK_ORDER_SOURCE);
    const windows: number[] = [];
    const out = await runBackfill(ch, job(), { from: '2026-11-22', to: '2026-11-22', tz: TZ, now, progress: (p) => windows.push(p.done) });
    expect(out.status).toBe('ok');
    expect(out.rowsRead).toBe(await apiTotal(firstFrom, at('2026-11-23 00:00:00')));
    expect(windows).toEqual([0, 1]);
    expect(await readWatermark(ch, WORK_ORDER_SOURCE)).toEqual(live);
    expect(await finalCount('fact_work_order')).toBe((await apiTotal(firstFrom, now)) - 3);
  });
});

describe('work-order API while the live job and the history back-fill ask in turns', () => {
  it('plans each day once, however the two readers alternate', async () => {
    const HOUR = 3_600_000;
    const now = parseLocal('2026-11-23 10:30:00', TZ)!;
    const planned: string[] = [];
    const plans = new Map<string, ReturnType<typeof planWorkOrderDay>>();
    const api = await startWorkOrderApi({
      seed: 7,
      tz: TZ,
      now: () => now,
      // Counts the API's plans; each real plan is computed once here, so the count is the API's alone.
      planDay: (ymd, seed, tz) => {
        planned.push(ymd);
        if (!plans.has(ymd)) plans.set(ymd, planWorkOrderDay(ymd, seed, tz));
        return plans.get(ymd)!;
      },
    });
    try {
      const ask = async (from: number, to: number, page = 1) => {
        const q = new URLSearchParams({
          updatedFrom: new Date(from).toISOString(),
          updatedTo: new Date(to).toISOString(),
          page: String(page),
          size: '1000',
        });
        const body = (await (await fetch(`${api.url}${WORK_ORDERS_PATH}?${q}`)).json()) as {
          result: { total: number; totalPages: number };
        };
        return body.result;
      };
      let historyOrders = 0;
      for (const ymd of ['2026-09-10', '2026-09-09', '2026-09-08'])
        for (let h = 0; h < 24; h += 6) {
          const from = parseLocal(`${ymd} 00:00:00`, TZ)! + h * HOUR;
          const first = await ask(from, from + 6 * HOUR);
          historyOrders += first.total;
          for (let page = 2; page <= first.totalPages; page++) {
            // The live job's poll between two pages of the back-fill.
            await ask(now - HOUR, now);
            await ask(from, from + 6 * HOUR, page);
          }
          await ask(now - HOUR, now);
        }
      expect(historyOrders).toBeGreaterThan(3000);
      // The live window's lifetime of days and each history window's, every one planned once.
      expect(planned.length).toBeGreaterThan(40);
      expect(planned.length).toBe(new Set(planned).size);
    } finally {
      await api.close();
    }
  }, 180_000);
});
