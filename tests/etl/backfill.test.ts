import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { parseLocal } from '@/core/time';
import { backfillKey, backfillRange, runBackfill } from '@/etl/runtime/backfill';
import type { BackfillProgress, EtlJob, JobContext } from '@/etl/runtime/job';
import { readWatermark, writeWatermark } from '@/etl/runtime/watermark';
import { startCtiApi, type CtiApi } from '@/etl/simulator/cti-api';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { ctiJobs } from '@/etl/sources/cti/jobs';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
const count = z.object({ n: z.coerce.number() });
const LIVE = { ts: '2026-11-01 00:00:00', id: 'live' };

const ctx = (ch: ClickHouse, runId = '00000000-0000-0000-0000-000000000001'): JobContext => ({ ch, now: Date.now(), runId });

/** A progress callback that stops the backfill after its first committed page or window, like a Ctrl-C. */
function interruptAfterFirst() {
  return (p: BackfillProgress) => {
    if (p.rows > 0) throw new Error('interrupted');
  };
}

describe('backfill and reconcile: hall queue tickets (SQL)', () => {
  let ch: ClickHouse;
  let url: string;
  let tickets: EtlJob;

  async function sourceCount(sql: string, args: string[] = []): Promise<number> {
    const db = openSqlite(url);
    try {
      return Number((await db.execute({ sql, args })).rows[0]![0]);
    } finally {
      db.close();
    }
  }
  const rowsInCh = async (sql: string) => (await ch.query('t.n', sql, {}, count))[0]!.n;

  beforeAll(async () => {
    ch = await testClickHouse();
    url = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'bf-')), 'hall-queue.db')}`;
    const db = openSqlite(url);
    // No faulty tickets: every source row has a ClickHouse row, so reconcile can come out even.
    const sim = new HallQueueSimulator(db, { seed: 11, tz: TZ, faultRate: 0 });
    await sim.init();
    // Fills the Sunday before, then Monday morning.
    await sim.advanceTo(parseLocal('2026-11-23 10:00:00', TZ)!);
    db.close();
    // Page by page: these tests are about the paged back-fill (progress per page, resuming after a page), which
    // mysql and postgresql sources use; the one-statement SQLite back-fill has its own (hall-queue-bulk.test.ts).
    tickets = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ, pageSize: 1000, bulk: false })[1]!;
    await writeWatermark(ch, 'hall-queue.tickets', LIVE);
  });
  afterAll(() => dropTestClickHouse(ch));

  it('loads exactly the rows of a one-day range, and reconcile finds no difference', async () => {
    const inDay = await sourceCount("SELECT count(*) FROM q_ticket WHERE take_time >= '2026-11-22' AND take_time < '2026-11-23'");
    expect(inDay).toBeGreaterThan(2000);
    const seen: BackfillProgress[] = [];
    const run = await runBackfill(ch, tickets, { from: '2026-11-22', to: '2026-11-22', tz: TZ, progress: (p) => seen.push(p) });
    expect(run.status).toBe('ok');
    expect(run.rowsRead).toBe(inDay);
    expect(await rowsInCh('SELECT count() AS n FROM fact_queue_ticket FINAL')).toBe(inDay);
    expect(seen.at(-1)).toEqual({ rows: inDay, done: Math.ceil(inDay / 1000), total: Math.ceil(inDay / 1000) });

    const rec = await tickets.reconcile!(ch, '2026-11-22');
    expect(rec.differences).toEqual([]);
    expect(rec.counts[0]).toEqual({ key: 'total', source: inDay, clickhouse: inDay });
    expect(rec.counts.length).toBeGreaterThan(2);
    // The next day has not been loaded: reconcile says so.
    expect((await tickets.reconcile!(ch, '2026-11-23')).differences[0]!.clickhouse).toBe(0);

    const runs = await ch.query(
      't.runs',
      "SELECT count() AS n FROM etl_run WHERE job = 'backfill' AND source = 'hall-queue.tickets' AND status = 'ok'",
      {},
      count,
    );
    expect(runs[0]!.n).toBe(1);
  });

  it('resumes an interrupted backfill from its committed page, without reading anything twice', async () => {
    const range = backfillRange('2026-11-23', '2026-11-23', TZ);
    const key = backfillKey('hall-queue.tickets', '2026-11-23', '2026-11-23');
    const inDay = await sourceCount("SELECT count(*) FROM q_ticket WHERE take_time >= '2026-11-23'");
    expect(inDay).toBeGreaterThan(1000);

    await expect(tickets.backfill!(ctx(ch), range, interruptAfterFirst(), key)).rejects.toThrow('interrupted');
    expect(await rowsInCh("SELECT count() AS n FROM fact_queue_ticket WHERE issued_at >= '2026-11-22 16:00:00'")).toBe(1000);
    expect(await readWatermark(ch, key)).not.toBeNull();

    const seen: BackfillProgress[] = [];
    const rest = await tickets.backfill!(ctx(ch), range, (p) => seen.push(p), key);
    expect(rest.rowsRead).toBe(inDay - 1000);
    // The bar picks up after the page committed before the interruption.
    expect(seen[0]!.done).toBe(1);
    expect(seen.at(-1)!.done).toBe(Math.ceil(inDay / 1000));
    // Not FINAL: a page loaded twice would show here (the table is too young to have merged).
    expect(await rowsInCh("SELECT count() AS n FROM fact_queue_ticket WHERE issued_at >= '2026-11-22 16:00:00'")).toBe(inDay);
    expect((await tickets.reconcile!(ch, '2026-11-23')).differences).toEqual([]);

    // Once complete, the same command has nothing left to do.
    const again = await tickets.backfill!(ctx(ch), range, () => undefined, key);
    expect(again.rowsRead).toBe(0);
  });

  it('leaves the live watermark alone', async () => {
    expect(await readWatermark(ch, 'hall-queue.tickets')).toEqual(LIVE);
  });

  it('reconcile reports a ticket missing from ClickHouse, and a restarted backfill repairs it', async () => {
    const ids = await ch.query(
      't.id',
      "SELECT ticket_id, status FROM fact_queue_ticket FINAL WHERE issued_at < '2026-11-22 16:00:00' ORDER BY ticket_id LIMIT 1",
      {},
      z.object({ ticket_id: z.string(), status: z.string() }),
    );
    const gone = ids[0]!;
    await ch.command('t.delete', 'ALTER TABLE fact_queue_ticket DELETE WHERE ticket_id = {id:String} SETTINGS mutations_sync = 1', {
      id: gone.ticket_id,
    });
    const rec = await tickets.reconcile!(ch, '2026-11-22');
    expect(rec.differences.map((d) => [d.key, d.source - d.clickhouse])).toEqual([
      ['total', 1],
      [`status:${gone.status}`, 1],
    ]);
    // A plain re-run resumes after the end and loads nothing; --restart loads the range again.
    expect((await runBackfill(ch, tickets, { from: '2026-11-22', to: '2026-11-22', tz: TZ })).rowsRead).toBe(0);
    expect((await runBackfill(ch, tickets, { from: '2026-11-22', to: '2026-11-22', tz: TZ, restart: true })).rowsRead).toBeGreaterThan(0);
    expect((await tickets.reconcile!(ch, '2026-11-22')).differences).toEqual([]);
  });
});

describe('backfill and reconcile: CTI calls (HTTP windows)', () => {
  let ch: ClickHouse;
  let api: CtiApi;
  let calls: EtlJob;
  const rowsInCh = async (sql: string) => (await ch.query('t.n', sql, {}, count))[0]!.n;

  beforeAll(async () => {
    ch = await testClickHouse();
    api = await startCtiApi({ seed: 7, tz: TZ, now: () => parseLocal('2026-11-23 10:30:00', TZ)!, anomalies: () => [] });
    calls = ctiJobs({ http: { baseUrl: api.url }, tz: TZ, windowMs: 6 * 3_600_000, backfillWindowMs: 6 * 3_600_000 })[0]!;
    await writeWatermark(ch, 'cti.calls', LIVE);
  });
  afterAll(async () => {
    await api.close();
    await dropTestClickHouse(ch);
  });

  it('loads a day window by window, resumes after an interruption, and reconciles with the API total', async () => {
    const range = backfillRange('2026-11-22', '2026-11-22', TZ);
    const key = backfillKey('cti.calls', '2026-11-22', '2026-11-22');
    await expect(calls.backfill!(ctx(ch), range, interruptAfterFirst(), key)).rejects.toThrow('interrupted');
    const firstWindow = await rowsInCh('SELECT count() AS n FROM fact_call');
    expect(firstWindow).toBeGreaterThan(0);
    expect((await calls.reconcile!(ch, '2026-11-22')).differences).toHaveLength(1);

    const seen: BackfillProgress[] = [];
    const rest = await calls.backfill!(ctx(ch), range, (p) => seen.push(p), key);
    expect(seen[0]).toEqual({ rows: 0, done: 1, total: 4 });
    expect(seen.at(-1)!.done).toBe(4);
    const rec = await calls.reconcile!(ch, '2026-11-22');
    expect(rec.differences).toEqual([]);
    const total = rec.counts[0]!.source;
    expect(total).toBeGreaterThan(10_000);
    expect(firstWindow + rest.rowsRead!).toBe(total);
    // Windows do not overlap: nothing was loaded twice.
    expect(await rowsInCh('SELECT count() AS n FROM fact_call')).toBe(total);
    expect(await readWatermark(ch, 'cti.calls')).toEqual(LIVE);
  });

  it('reconcile reports a call deleted from ClickHouse', async () => {
    await ch.command('t.delete', 'DELETE FROM fact_call WHERE call_id IN (SELECT call_id FROM fact_call ORDER BY call_id LIMIT 3)');
    const rec = await calls.reconcile!(ch, '2026-11-22');
    expect(rec.differences).toHaveLength(1);
    expect(rec.differences[0]!.source - rec.differences[0]!.clickhouse).toBe(3);
  });

  it('resumes where it was left when the window length changed in between, skipping nothing', async () => {
    const range = backfillRange('2026-11-21', '2026-11-21', TZ);
    const key = backfillKey('cti.calls', '2026-11-21', '2026-11-21');
    await expect(calls.backfill!(ctx(ch), range, interruptAfterFirst(), key)).rejects.toThrow('interrupted');
    // The rest with the default back-fill window (a day): one window, from 06:00 to the end of the day.
    const daily = ctiJobs({ http: { baseUrl: api.url }, tz: TZ })[0]!;
    const seen: BackfillProgress[] = [];
    const rest = await daily.backfill!(ctx(ch), range, (p) => seen.push(p), key);
    expect(seen.at(-1)).toMatchObject({ done: 2, total: 2 });
    expect(rest.rowsRead).toBeGreaterThan(5_000);
    expect((await calls.reconcile!(ch, '2026-11-21')).differences).toEqual([]);
  });
});
