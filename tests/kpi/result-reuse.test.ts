import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { loadEnv } from '@/core/env';
import { parseLocal } from '@/core/time';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { KpiService } from '@/server/kpi/service';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { answeredCall } from '../helpers/fact-rows';

// The KPI layer reuses a batch's answer while nothing it reads has committed (up to 15 s), and drops it the
// moment its data commits: 200 desktops refreshing every 5 s otherwise recompute the same figures 3 s apart.
// Calls are written straight into the facts, so the figure the answer should show is known by count.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-24 16:00:00', TZ)!;
let ch: ClickHouse;
let db: Db;
let kpi: KpiService;
let n = 0;

async function addCalls(count: number) {
  const rows = Array.from({ length: count }, () => answeredCall(`reuse-${n}`, NOW - 1_800_000 + n++ * 1000));
  await ch.insert('test.calls', 'fact_call', rows);
}

/** 五华区's inbound calls today, as a desktop asks. */
async function inbound(): Promise<number | null> {
  const r = await kpi.query(
    [{ kpis: ['call.inbound'], orgCode: '530102', by: 'total', time: { preset: 'today' }, granularity: 'total', filters: {}, compare: [] }],
    NOW,
  );
  return r.results[0]!.kpis[0]!.points[0]!.value;
}

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  kpi = new KpiService(ch, db, loadEnv({ BUSINESS_TZ: TZ }));
});
afterAll(async () => {
  await db?.close();
  await dropTestClickHouse(ch);
});
afterEach(() => void vi.useRealTimers());

describe('KPI answers reused until their data commits', () => {
  it('serves the same answer while nothing it reads commits, a new one once its source commits', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    await addCalls(3);
    expect(await inbound()).toBe(3);
    await addCalls(2);
    // Past the few-second burst window, no commit said: the answer stands (the facts have 5 now).
    vi.setSystemTime(NOW + 5_000);
    expect(await inbound()).toBe(3);
    // Another domain's commit leaves it alone.
    kpi.dataCommitted({ sources: ['hall-queue.tickets'], families: ['queue'] });
    expect(await inbound()).toBe(3);
    // Its own source's commit does not.
    kpi.dataCommitted({ sources: ['cti.calls'] });
    expect(await inbound()).toBe(5);
  });

  it('drops it on a rollup pass of its family, and after 15 s whatever happened', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW + 60_000 });
    const before = await inbound();
    await addCalls(1);
    vi.setSystemTime(NOW + 65_000);
    expect(await inbound()).toBe(before);
    kpi.dataCommitted({ families: ['call'] });
    expect(await inbound()).toBe(before! + 1);
    await addCalls(1);
    vi.setSystemTime(NOW + 65_000 + 14_000);
    expect(await inbound()).toBe(before! + 1);
    vi.setSystemTime(NOW + 65_000 + 15_500);
    expect(await inbound()).toBe(before! + 2);
  });
});
