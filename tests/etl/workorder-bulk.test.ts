import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { formatLocal, parseLocal } from '@/core/time';
import type { JobContext } from '@/etl/runtime/job';
import { lastChange, startWorkOrderApi, type VendorRecord, type WorkOrderApi } from '@/etl/simulator/workorder-api';
import { planWorkOrderDay, type PlannedWorkOrder } from '@/etl/simulator/workorder-day';
import { exportPairs } from '@/etl/sources/workorder/bulk';
import { WORK_ORDER_SOURCE } from '@/etl/sources/workorder/config';
import { workOrderJobs } from '@/etl/sources/workorder/jobs';
import {
  NODE_FIELDS,
  NODE_LIST_AFTER,
  WORK_ORDER_EXPORT_COLUMNS,
  WORK_ORDER_STEP_EXPORT_COLUMNS,
} from '@/etl/sources/workorder/source-schema';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

// The work-order history in bulk: a day of the listing as the vendor's export (orders and steps, two CSV files)
// read and checked by the engine (etl/sources/workorder/bulk.ts), against the API's pages through the row path
// (transformWorkOrder). One simulated day, with records garbled to break each rule of transformWorkOrder, records
// SQL must leave to the row path and records that load despite oddities, loaded both ways into two databases
// with the same run id and clock: facts, steps and quarantine must come out identical.
//
// A CSV holds text or nothing, so the reference is the row path over the records as the files hold them: the
// API's garbled records written the way the export writes them (every field text or null, nodeList's entries
// with the export's fields), as in tests/etl/cti-bulk.test.ts.

const TZ = 'Asia/Shanghai';
const SEED = 7;
const YMD = '2026-11-23';
const NOW = parseLocal('2026-11-24 20:00:00', TZ)!;
const RUN = '7d2e9f3a-8c4b-4d6e-9f0a-1b2c3d4e5f60';
const DAY = { from: parseLocal(`${YMD} 00:00:00`, TZ)!, to: parseLocal('2026-11-24 00:00:00', TZ)! };
/** A record's local time moved by `delta` ms, written to the millisecond. */
const shift = (text: unknown, delta: number) => formatLocal(parseLocal(String(text), TZ)! + delta, TZ);

type Mutation = (r: VendorRecord) => VendorRecord;
const set =
  (fields: Record<string, unknown>): Mutation =>
  (r) => ({ ...r, ...fields });
const nodes = (r: VendorRecord) => r.nodeList as Record<string, unknown>[];
/** Changes nodeList's entry `j` (the record's steps so far, oldest first). */
const setNode =
  (j: number, fields: (r: VendorRecord) => Record<string, unknown>): Mutation =>
  (r) => ({ ...r, nodeList: nodes(r).map((n, k) => (k === j ? { ...n, ...fields(r) } : n)) });
const before = (r: VendorRecord) => shift(r.createTime, -1);

// The orders the day's window lists at NOW: changed last on the day (created then or the day before).
const listed = [...planWorkOrderDay('2026-11-22', SEED, TZ).orders, ...planWorkOrderDay(YMD, SEED, TZ).orders].filter((o) => {
  const at = lastChange(o, NOW);
  return at >= DAY.from && at < DAY.to;
});
// Closed fault repairs: every step, an arrival deadline, an archive time.
const repairs = listed.filter((o) => o.closedAt <= NOW && o.type === 'fault_repair' && o.steps.length === 6);
let next = 0;
const repair = (): PlannedWorkOrder => repairs[next++]!;

// [mutation, expected reason on the row path (a prefix; null: loaded), its key (quarantine, or fact) when not the
// order's number]
type Case = [Mutation, string | null, string?];
const CASES = new Map<string, Case>();
const add = (m: Mutation, reason: string | null, key?: string) => {
  const orderNo = repair().orderId;
  CASES.set(orderNo, [m, reason, key]);
  return orderNo;
};

// Each rule of transformWorkOrder broken once, in SQL.
add(set({ orderNo: '' }), 'malformed record: orderNo', '');
add(set({ orgCode: '539999' }), 'unknown org unit 539999');
add(set({ orderType: '咨 询' }), 'unknown order type 咨 询');
add(set({ areaType: 'X/"Y' }), 'unknown area type X/"Y');
add(set({ orderStatus: '99' }), 'unknown order status 99');
add(set({ limitUnit: 'DAY' }), 'unknown limit unit DAY');
add(set({ handleResult: '已解决\n' }), 'unknown handle result 已解决\n');
add(set({ responsibility: '违 诺' }), 'unknown responsibility 违 诺');
add(set({ satisfaction: 'a\\b' }), 'unknown satisfaction a\\b');
add(set({ createTime: '' }), 'createTime, deadline and updateTime are required');
add(set({ deadline: '' }), 'createTime, deadline and updateTime are required');
add(set({ updateTime: '' }), 'createTime, deadline and updateTime are required');
add((r) => ({ ...r, deadline: before(r) }), 'deadline before createTime');
add((r) => ({ ...r, arriveDeadline: before(r) }), 'arriveDeadline before createTime');
add(set({ archiveTime: null }), 'closed order without archiveTime');
add(set({ archiveTime: '' }), 'closed order without archiveTime');
add((r) => ({ ...r, archiveTime: before(r) }), 'archiveTime before createTime');
add(
  setNode(2, () => ({ nodeCode: 'XX' })),
  'unknown step XX',
);
add(
  setNode(0, (r) => ({ operateTime: before(r) })),
  'accept step before createTime',
);
add((r) => setNode(3, () => ({ nodeCode: nodes(r)[1]!.nodeCode }))(r), 'dispatch step twice');
// The rules' order: the order's before its steps', and the first step that breaks one.
add((r) => ({ ...r, orgCode: '539999', deadline: '' }), 'unknown org unit 539999');
add((r) => ({ ...setNode(1, () => ({ nodeCode: 'ZZ' }))(r), handleResult: '?' }), 'unknown handle result ?');
add((r) => setNode(3, () => ({ nodeCode: 'ZZ' }))(setNode(1, (x) => ({ operateTime: before(x) }))(r)), 'dispatch step before createTime');
add((r) => {
  // nodeList out of time order (seq keeps it): an unknown step second, a step before creation fifth.
  const n = [...nodes(r)].reverse();
  n[1] = { ...n[1], nodeCode: 'YY' };
  n[4] = { ...n[4], operateTime: before(r) };
  return { ...r, nodeList: n };
}, 'unknown step YY');
// Loaded in SQL: boundaries (equal is allowed), Math.round of half minutes, parseLocal's leniency, absent values.
const ROUNDED = [
  [
    add((r) => ({ ...setNode(0, (x) => ({ operateTime: x.createTime }))(r), deadline: r.createTime, arriveDeadline: r.createTime }), null),
    0,
  ],
  [add((r) => ({ ...r, deadline: shift(r.createTime, 30_000) }), null), 1],
  [add((r) => ({ ...r, deadline: shift(r.createTime, 150_000) }), null), 3],
  [add((r) => ({ ...r, deadline: shift(r.createTime, 89_999) }), null), 1],
] as const;
add(
  (r) => ({
    ...setNode(1, (x) => ({ operateTime: `\u00a0${String(nodes(x)[1]!.operateTime).replace(' ', 'T')} ` }))(r),
    createTime: ` ${String(r.createTime).replace(' ', 'T').slice(0, 16)}\u3000`,
    updateTime: `${String(r.updateTime)}.5`,
  }),
  null,
);
add(set({ nodeList: [] }), null);
add(
  setNode(2, () => ({ operatorName: null, nodeName: null })),
  null,
);
add(set({ handleResult: null, satisfaction: '', responsibility: null, arriveDeadline: null }), null);
add(set({ orgName: '昆明\u2028"x",\\N' }), null);
add((r) => ({ ...r, nodeList: [...nodes(r)].reverse() }), null);
// The row path's: what zod coerces or refuses, times that do not parse or that ClickHouse cannot hold.
add(set({ limitValue: '0' }), 'malformed record: limitValue');
add(set({ limitValue: 'abc' }), 'malformed record: limitValue');
add(set({ limitValue: 1.5 }), 'malformed record: limitValue');
add(set({ limitValue: ' 7 ' }), null);
add(set({ createTime: '2026-11-23 25:00:00' }), 'bad date in createTime: "2026-11-23 25:00:00"');
add(set({ createTime: ' ' }), 'bad date in createTime: " "');
add(set({ archiveTime: 'soon "/"' }), 'bad date in archiveTime: "soon \\"/\\""');
add(
  setNode(1, () => ({ operateTime: '2026-02-30 10:00' })),
  'bad date in dispatch operateTime: "2026-02-30 10:00"',
);
add(
  setNode(2, () => ({ operateTime: '' })),
  'bad date in arrive operateTime: ""',
);
add(set({ orderType: null }), 'malformed record: orderType');
add(
  setNode(0, () => ({ nodeCode: null })),
  'malformed record: nodeList.0.nodeCode',
);
add(
  setNode(0, () => ({ operatorId: null })),
  null,
);
add(set({ orderNo: null }), null, 'null');
add(set({ updateTime: undefined }), 'malformed record: updateTime');
add(set({ deadline: '1800-01-01 00:00:00' }), 'deadline before createTime');
add(
  setNode(4, () => ({ operateTime: '1800-01-01 00:00:00' })),
  'reply step before createTime',
);
add(set({ orgCode: '539999', createTime: '2026-11-23 25:00:00' }), 'unknown org unit 539999');

/** A record as the export files hold it: every field text or null, nodeList's entries with the export's fields. */
const txt = (v: unknown) => (v === null || v === undefined ? null : String(v));
function held(r: VendorRecord): VendorRecord {
  const out: VendorRecord = {};
  for (const c of WORK_ORDER_EXPORT_COLUMNS) {
    out[c] = txt(r[c]);
    if (c === NODE_LIST_AFTER)
      out.nodeList = (Array.isArray(r.nodeList) ? (r.nodeList as Record<string, unknown>[]) : []).map((n) =>
        Object.fromEntries(NODE_FIELDS.map((f) => [f, txt(n[f])])),
      );
  }
  return out;
}

const anyRow = z.record(z.string(), z.unknown());
const dump = (ch: ClickHouse, sql: string) => ch.query('test.dump', sql, {}, anyRow);
const FACTS = `SELECT * EXCEPT loaded_at FROM fact_work_order FINAL ORDER BY ALL`;
const STEPS = `SELECT * EXCEPT loaded_at FROM fact_work_order_step FINAL ORDER BY ALL`;
const QUARANTINE = `SELECT record_key, reason, raw, run_id, quarantined_at FROM etl_quarantine FINAL WHERE source = {source:String} ORDER BY ALL`;
// raw is compared as the JSON it encodes (escaping of '/' or U+2028 may differ, never the values).
const quarantined = async (ch: ClickHouse) =>
  (await ch.query('test.q', QUARANTINE, { source: WORK_ORDER_SOURCE }, anyRow)).map((r): Record<string, unknown> => ({
    ...r,
    raw: JSON.parse(r.raw as string) as unknown,
  }));
const job = (api: WorkOrderApi) => workOrderJobs({ http: { baseUrl: api.url, pageSize: 1000 }, tz: TZ })[0]!;

describe('work-order export files loaded by the engine', () => {
  let api: WorkOrderApi;
  let paged: ClickHouse;
  let exported: ClickHouse;
  let files: [string, string];
  beforeAll(async () => {
    api = await startWorkOrderApi({
      seed: SEED,
      tz: TZ,
      now: () => NOW,
      mutate: (r) => held(CASES.get(String(r.orderNo))?.[0](r) ?? r),
    });
    [paged, exported] = [await testClickHouse(), await testClickHouse()];
    files = await api.exportDay(YMD, mkdtempSync(path.join(tmpdir(), 'workorder-export-')));
  });
  afterAll(async () => {
    await api?.close();
    for (const ch of [paged, exported]) if (ch) await dropTestClickHouse(ch);
  });

  it("loads the day's files with the facts, steps and quarantine the row path gives the same records through the API", async () => {
    expect(files.map((f) => path.basename(f))).toEqual(['orders_20261123.csv', 'steps_20261123.csv']);
    expect(readFileSync(files[0], 'utf8').split('\n', 1)[0]).toBe(WORK_ORDER_EXPORT_COLUMNS.join(','));
    expect(readFileSync(files[1], 'utf8').split('\n', 1)[0]).toBe(WORK_ORDER_STEP_EXPORT_COLUMNS.join(','));

    const ctx: JobContext = { ch: exported, now: NOW, runId: RUN };
    const reference = await job(api).backfill!({ ch: paged, now: NOW, runId: RUN }, DAY, () => undefined, 'backfill:test');
    const requests = api.requests;
    const r = await job(api).loadExport!(ctx, [...files]);
    expect(api.requests).toBe(requests);
    expect(r).toMatchObject({ rowsRead: reference.rowsRead, rowsLoaded: reference.rowsLoaded, rowsQuarantined: reference.rowsQuarantined });
    expect(reference.rowsRead).toBeGreaterThan(2000);
    expect(reference.rowsQuarantined).toBe([...CASES.values()].filter((c) => c[1] !== null).length);

    const [fa, fb] = [await dump(paged, FACTS), await dump(exported, FACTS)];
    expect(fa.length).toBe(reference.rowsLoaded);
    expect(fa.length).toBeGreaterThan(1000);
    expect(fb).toEqual(fa);
    const [sa, sb] = [await dump(paged, STEPS), await dump(exported, STEPS)];
    expect(sa.length).toBeGreaterThan(5000);
    expect(sb).toEqual(sa);
    const [qa, qb] = [await quarantined(paged), await quarantined(exported)];
    expect(qb).toEqual(qa);
    expect(qa.length).toBe(reference.rowsQuarantined);

    // Each case as expected: quarantined with its reason (under its key), or loaded.
    const reasons = new Map(qa.map((q) => [String(q.record_key), String(q.reason)]));
    const loaded = new Set(fa.map((f) => String(f.order_id)));
    for (const [orderNo, [, reason, key = orderNo]] of CASES) {
      if (reason === null) {
        expect(reasons.has(orderNo), orderNo).toBe(false);
        expect(loaded.has(key), orderNo).toBe(true);
      } else expect((reasons.get(key) ?? '').startsWith(reason), `${orderNo}: ${reasons.get(key)} for ${reason}`).toBe(true);
    }
    // Rounded as Math.round does: half a minute up, two and a half minutes to three.
    const limits = new Map(fb.map((f) => [String(f.order_id), Number(f.time_limit_minutes)]));
    expect(ROUNDED.map(([orderNo]) => limits.get(orderNo))).toEqual(ROUNDED.map(([, minutes]) => minutes));
    // Some records went through the row transform: only it says "bad date".
    expect(qb.filter((x) => String(x.reason).startsWith('bad date in ')).length).toBeGreaterThan(3);
    // Nothing of the load is left behind.
    expect(
      await dump(
        exported,
        `SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'etl_checked_workorder_')`,
      ),
    ).toEqual([]);

    // The same files again add nothing visible; nor do they with the steps file's rows in another order (seq
    // says nodeList's, whatever the order of the lines: no step of the day holds a line break).
    await job(api).loadExport!(ctx, [...files]);
    const again = mkdtempSync(path.join(tmpdir(), 'workorder-export-'));
    const [header, ...lines] = readFileSync(files[1], 'utf8').trimEnd().split('\n');
    const shuffled = [path.join(again, path.basename(files[0])), path.join(again, path.basename(files[1]))];
    copyFileSync(files[0], shuffled[0]!);
    writeFileSync(shuffled[1]!, `${[header, ...lines.reverse()].join('\n')}\n`);
    await job(api).loadExport!(ctx, shuffled);
    expect(await dump(exported, FACTS)).toEqual(fb);
    expect(await dump(exported, STEPS)).toEqual(sb);
    expect(await quarantined(exported)).toEqual(qb);
  });

  it.each([0, 1])('fails on a file that is not whole CSV, loading nothing (file %i of the pair)', async (which) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'workorder-export-'));
    const pair = await api.exportDay(YMD, dir);
    const text = readFileSync(pair[which]!, 'utf8');
    writeFileSync(pair[which]!, `${text.slice(0, text.indexOf('\n', 200))}\n"unclosed,\n`);
    const count = `SELECT (SELECT count() FROM fact_work_order) AS o, (SELECT count() FROM fact_work_order_step) AS s,
      (SELECT count() FROM etl_quarantine) AS q`;
    const before = await dump(exported, count);
    await expect(job(api).loadExport!({ ch: exported, now: NOW, runId: RUN }, pair)).rejects.toThrow(/Cannot parse|CSV|quote/i);
    expect(await dump(exported, count)).toEqual(before);
    expect(
      await dump(
        exported,
        `SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, 'etl_checked_workorder_')`,
      ),
    ).toEqual([]);
  });
});

describe('work-order export files', () => {
  it('are written straight from the plan as from the records', async () => {
    // The same day without a test hook (lines from the planned orders) and with one that changes nothing (lines
    // from the records the API would send): the same bytes.
    const plain = await startWorkOrderApi({ seed: SEED, tz: TZ, now: () => NOW });
    const hooked = await startWorkOrderApi({ seed: SEED, tz: TZ, now: () => NOW, mutate: (r) => r });
    try {
      const [a, b] = [
        await plain.exportDay(YMD, mkdtempSync(path.join(tmpdir(), 'workorder-export-'))),
        await hooked.exportDay(YMD, mkdtempSync(path.join(tmpdir(), 'workorder-export-'))),
      ];
      for (const i of [0, 1]) expect(readFileSync(a[i]!, 'utf8')).toBe(readFileSync(b[i]!, 'utf8'));
      const orders = readFileSync(a[0], 'utf8').trimEnd().split('\n').length - 1;
      expect(orders).toBeGreaterThan(2000);
      expect(readFileSync(a[1], 'utf8').trimEnd().split('\n').length - 1).toBeGreaterThan(orders * 3);
    } finally {
      await plain.close();
      await hooked.close();
    }
  });

  it('come in pairs: orders_<day> with steps_<day> beside it', () => {
    expect(exportPairs(['/x/steps_1.csv', '/x/orders_1.csv', '/x/orders_2.csv', '/x/steps_2.csv'])).toEqual([
      ['/x/orders_1.csv', '/x/steps_1.csv'],
      ['/x/orders_2.csv', '/x/steps_2.csv'],
    ]);
    expect(() => exportPairs(['/x/orders_1.csv'])).toThrow(/without its steps file/);
    expect(() => exportPairs(['/x/orders_1.csv', '/y/steps_1.csv'])).toThrow(/without its steps file/);
    expect(() => exportPairs(['/x/orders_1.csv', '/x/steps_1.csv', '/x/calls.csv'])).toThrow(/not an orders_ file/);
  });
});
