import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouse } from '@/core/clickhouse/client';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { loadEnv } from '@/core/env';
import { checkHealth } from '@/server/health';
import type { Infra } from '@/server/infra';
import { chTime } from '@/core/time';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';

let ch: ClickHouse;
let db: Db;
/** A process up for `upMs` (an hour unless said): sources that never delivered are past their start-up grace. */
const runtime = (clickhouse: ClickHouse, upMs = 3_600_000): Infra => ({
  env: loadEnv({}),
  ch: clickhouse,
  db,
  bootedAt: Date.now() - upMs,
  jobs: { schedulerRunning: true, role: 'web', lastTick: {}, history: { state: 'off', daysTotal: 0, daysDone: 0, oldestDay: null } },
});

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db);
});
afterAll(async () => {
  await dropTestClickHouse(ch);
  await db.close();
});

const run = (source: string, status: 'ok' | 'failed', startedAgoMs: number, rows: number, error = '') => ({
  run_id: crypto.randomUUID(),
  source,
  job: source,
  started_at: chTime(Date.now() - startedAgoMs),
  finished_at: chTime(Date.now() - startedAgoMs + 500),
  status,
  rows_read: rows,
  rows_loaded: rows,
  rows_quarantined: 0,
  watermark_from: '',
  watermark_to: '',
  error,
});

describe('/api/health', () => {
  it('reports each source: last success, its rows, lag, and failures since', async () => {
    await ch.insert('test.runs', 'etl_run', [
      run('hall-queue.tickets', 'ok', 20_000, 42),
      run('hall-queue.halls', 'ok', 3_600_000, 600),
      run('hall-queue.halls', 'failed', 60_000, 0, 'connect ECONNREFUSED'),
    ]);
    const h = await checkHealth(runtime(ch), ['hall-queue.tickets', 'hall-queue.halls', 'cti.calls']);
    expect(h.clickhouse).toMatchObject({ ok: true, engine: 'embedded' });
    expect(h.database).toMatchObject({ ok: true, kind: 'embedded-pglite' });
    // This process's memory, as /proc sees it (the heap bound is V8's, so above what the heap uses).
    const vmRss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
    expect(Math.abs(h.memory.rssMb - vmRss)).toBeLessThan(Math.max(64, vmRss * 0.2));
    expect(h.memory.heapUsedMb).toBeGreaterThan(0);
    expect(h.memory.heapLimitMb).toBeGreaterThan(h.memory.heapUsedMb);
    expect(h.memory.heapTotalMb).toBeGreaterThanOrEqual(h.memory.heapUsedMb);
    // The embedded engine's own memory is part of this process's, and V8 does not count it.
    expect(h.memory.engineMb).toBeGreaterThan(0);
    expect(h.memory.engineMb!).toBeLessThan(h.memory.rssMb);
    const tickets = h.sources.find((s) => s.source === 'hall-queue.tickets')!;
    expect(tickets).toMatchObject({ ok: true, rowsInLastSuccess: 42, lastStatus: 'ok' });
    expect(tickets.lagSeconds).toBeGreaterThanOrEqual(19);
    expect(tickets.lagSeconds).toBeLessThan(60);
    // The hourly reference job last succeeded an hour ago and failed since: late, with the error shown.
    const halls = h.sources.find((s) => s.source === 'hall-queue.halls')!;
    expect(halls).toMatchObject({
      ok: false,
      lastStatus: 'failed',
      lastError: 'connect ECONNREFUSED',
      failuresSinceSuccess: 1,
      rowsInLastSuccess: 600,
    });
    // A configured source that never ran is not silently fine.
    expect(h.sources.find((s) => s.source === 'cti.calls')).toMatchObject({ ok: false, lastStatus: 'never', lagSeconds: null });
    expect(h.status).toBe('degraded');
    // Just after a start, the same never-run source is not late yet (the one lateness rule's grace), but says it never ran.
    const fresh = await checkHealth(runtime(ch, 5_000), ['cti.calls']);
    expect(fresh.sources.find((s) => s.source === 'cti.calls')).toMatchObject({ ok: true, lastStatus: 'never', lagSeconds: null });
    expect(h.scheduler.lastAlertRoundAt).toBeNull();
  });

  it("tells when the alert engine last finished a round (failed rounds and other jobs don't count)", async () => {
    const rt = runtime(ch);
    rt.jobs.lastTick = {
      'cti.calls': { at: Date.parse('2026-12-04T10:00:09Z'), ok: true },
      'alerts.cti.calls.facts': { at: Date.parse('2026-12-04T10:00:05Z'), ok: true },
      'alerts.clock': { at: Date.parse('2026-12-04T10:00:07Z'), ok: false, message: 'boom' },
    };
    expect((await checkHealth(rt, [])).scheduler.lastAlertRoundAt).toBe('2026-12-04T10:00:05.000Z');
  });

  it('marks a live source late, and health degraded, once its data is older than its limit, even while a run is going', async () => {
    // Only this test's runs: the first test leaves a late source behind.
    await ch.command('t.truncate', 'TRUNCATE TABLE etl_run');
    const now = Date.now();
    const okRun = (source: string, startedAgoS: number) => ({
      ...run(source, 'ok', 0, 10),
      started_at: chTime(now - startedAgoS * 1000),
      finished_at: chTime(now - startedAgoS * 1000 + 2000),
    });
    // outage.events (limit 900 s): its last successful run started 901 s ago; its job has been stuck in a long
    // run since (nothing recorded until it ends), and a history back-fill run of today does not count.
    await ch.insert('test.runs', 'etl_run', [
      okRun('outage.events', 901),
      { ...okRun('outage.events', 10), job: 'backfill' },
      okRun('workorder.orders', 899),
    ]);
    const h = await checkHealth(runtime(ch), ['outage.events', 'workorder.orders'], now);
    expect(h.sources.find((s) => s.source === 'outage.events')).toMatchObject({ ok: false, lagSeconds: 901, limitSeconds: 900 });
    expect(h.sources.find((s) => s.source === 'workorder.orders')).toMatchObject({ ok: true, lagSeconds: 899 });
    expect(h.status).toBe('degraded');

    // 899 s: within the limit.
    const later = await checkHealth(runtime(ch), ['outage.events', 'workorder.orders'], now - 2000);
    expect(later.sources.find((s) => s.source === 'outage.events')).toMatchObject({ ok: true, lagSeconds: 899 });
    expect(later.status).toBe('ok');
  });

  it('says down, without throwing, when ClickHouse is unreachable', async () => {
    const dead = new ClickHouse({ url: 'http://127.0.0.1:9', database: 'monitor', queryTimeoutMs: 2000 });
    const h = await checkHealth(runtime(dead), ['hall-queue.tickets']);
    expect(h.status).toBe('down');
    expect(h.clickhouse.ok).toBe(false);
    expect(h.clickhouse.engine).toBe('server');
    expect(h.clickhouse.error).toMatch(/ECONNREFUSED|connect/i);
    expect(h.database.ok).toBe(true);
    // Each call tries again rather than replaying a remembered failure.
    await expect(dead.version()).rejects.toMatchObject({ kind: 'unavailable' });
    await expect(dead.version()).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
