import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ClickHouse } from '@/core/clickhouse/client';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { parseLocal } from '@/core/time';
import { runEtlJob } from '@/etl/runtime/run-job';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

const TZ = 'Asia/Shanghai';
const count = z.object({ n: z.coerce.number() });
let ch: ClickHouse;
let url: string;

beforeAll(async () => {
  ch = await testClickHouse();
  url = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'hq-')), 'hall-queue.db')}`;
});
afterAll(() => dropTestClickHouse(ch));

async function sourceCount(sql: string): Promise<number> {
  const db = openSqlite(url);
  try {
    return Number((await db.execute(sql)).rows[0]![0]);
  } finally {
    db.close();
  }
}

describe('hall queue: simulator → SQL source → ClickHouse', () => {
  it('loads every ticket exactly once, quarantines the faulty ones, and re-running adds nothing', async () => {
    const db = openSqlite(url);
    // A Monday morning: halls have been open since 08:30.
    const sim = new HallQueueSimulator(db, { seed: 7, tz: TZ, faultRate: 0.002 });
    await sim.init();
    const written = await sim.advanceTo(parseLocal('2026-11-23 10:30:00', TZ)!);
    db.close();
    expect(written).toBeGreaterThan(5000);

    const [halls, tickets] = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ, pageSize: 2000 });
    expect((await runEtlJob(ch, halls!)).status).toBe('ok');
    const first = await runEtlJob(ch, tickets!);
    expect(first.status).toBe('ok');

    const inSource = await sourceCount('SELECT count(*) FROM q_ticket');
    const faulty = await sourceCount('SELECT count(*) FROM q_ticket WHERE call_time < take_time');
    expect(faulty).toBeGreaterThan(0);
    expect(first.rowsRead).toBe(inSource);
    // A ticket called "before" it was issued is loaded without its call time (DOMAIN §2) and flagged.
    expect(first.rowsQuarantined).toBe(0);

    const loaded = async () => (await ch.query('t.n', 'SELECT count() AS n FROM fact_queue_ticket FINAL', {}, count))[0]!.n;
    expect(await loaded()).toBe(inSource);
    const uncalled = await ch.query(
      't.u',
      "SELECT count() AS n FROM fact_queue_ticket FINAL WHERE called_at IS NULL AND status IN ('serving', 'served', 'no_show')",
      {},
      count,
    );
    expect(uncalled[0]!.n).toBe(faulty);

    // Same window again (a retry, a restart): no duplicate rows, no duplicate quarantine entries.
    await ch.raw('t.reset', `TRUNCATE TABLE etl_watermark`);
    await runEtlJob(ch, tickets!);
    expect(await loaded()).toBe(inSource);
    const q = await ch.query('t.q', "SELECT count() AS n FROM etl_quarantine FINAL WHERE source = 'hall-queue.tickets'", {}, count);
    expect(q[0]!.n).toBe(faulty);
    const reasons = await ch.query('t.r', 'SELECT DISTINCT reason FROM etl_quarantine', {}, z.object({ reason: z.string() }));
    expect(reasons.map((r) => r.reason)).toEqual(['flagged, row loaded without call_time: call_time before take_time']);
  });

  it('picks up changes incrementally: called and finished tickets replace their waiting versions', async () => {
    const db = openSqlite(url);
    const sim = new HallQueueSimulator(db, { seed: 7, tz: TZ, faultRate: 0.002 });
    await sim.advanceTo(parseLocal('2026-11-23 11:00:00', TZ)!);
    db.close();
    const [, tickets] = hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ });
    const run = await runEtlJob(ch, tickets!);
    expect(run.status).toBe('ok');
    // Only the changes since the watermark (plus the lookback) are read, not the whole table.
    expect(run.rowsRead!).toBeLessThan(await sourceCount('SELECT count(*) FROM q_ticket'));

    const waitingInSource = await sourceCount('SELECT count(*) FROM q_ticket WHERE state = 0');
    // A ticket whose newer version was quarantined keeps its last good version, so leave those out.
    const src = openSqlite(url);
    const faultyIds = (await src.execute('SELECT ticket_id FROM q_ticket WHERE call_time < take_time')).rows.map((r) => String(r[0]));
    src.close();
    const waiting = await ch.query(
      't.w',
      "SELECT count() AS n FROM fact_queue_ticket FINAL WHERE status = 'waiting' AND ticket_id NOT IN {ids:Array(String)}",
      { ids: faultyIds },
      count,
    );
    expect(waiting[0]!.n).toBe(waitingInSource);
    const loaded = await ch.query(
      't.n',
      'SELECT count() AS n FROM fact_queue_ticket FINAL WHERE ticket_id NOT IN {ids:Array(String)}',
      { ids: faultyIds },
      count,
    );
    expect(loaded[0]!.n).toBe((await sourceCount('SELECT count(*) FROM q_ticket')) - faultyIds.length);
  });

  it('records a failed run when the source is unreachable, and carries on', async () => {
    const [, tickets] = hallQueueJobs({ connection: { dialect: 'sqlite', url: 'file:/nonexistent-dir/x/none.db' }, tz: TZ });
    const run = await runEtlJob(ch, tickets!);
    expect(run.status).toBe('failed');
    expect(run.error).toBeTruthy();
    const failed = await ch.query(
      't.f',
      "SELECT count() AS n FROM etl_run WHERE status = 'failed' AND source = 'hall-queue.tickets'",
      {},
      count,
    );
    expect(failed[0]!.n).toBe(1);
  });
});
