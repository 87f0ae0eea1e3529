import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClickHouse } from '@/core/clickhouse/client';
import { parseLocal } from '@/core/time';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { RollupRefresher } from '@/server/kpi/rollup/refresher';
import { KpiService } from '@/server/kpi/service';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import type { WallEvent } from '@/server/wall/events';
import { COMMIT_WINDOW_MS } from '@/server/wall/zone-answers';
import { unpackZone } from '@/server/wall/zone-pack';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { loadSimulatorData } from '../helpers/kpi-fixture';
import { testRuntime } from '../helpers/runtime';

// The demo wall's monitoring zone on the simulator's data (every domain loaded through the ETL): its answer is
// stored and served without recomputing, a commit makes exactly one recompute and one push, and the packed
// refresh is under 100 KB while decoding to the very answer `wall.zoneData` gives.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-23 14:00:00', TZ)!; // a Monday afternoon: halls open, queues and calls live
const VIEWER: SessionUser = { id: 'viewer-zhao', name: '赵', role: 'viewer', orgCode: '53' };
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
const caller = () => createCaller({ rt, user: VIEWER, headers: new Headers(), now: () => NOW } satisfies Context);
const ZONE = { layoutId: 'demo', zoneId: 'monitoring' } as const;

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  const { outcomes } = await loadSimulatorData(ch, NOW, { customers: 1000 });
  expect(outcomes.filter((o) => o.status !== 'ok')).toEqual([]);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
  await new RollupRefresher(ch, () => rt.kpi.context(NOW)).refresh();
  await rt.wall.seedDemoLayouts();
}, 300_000);
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  rt?.wall.zones.answers.stop();
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

/** The next `zone` event of the demo layout. */
function nextZoneEvent(): Promise<WallEvent> {
  return new Promise((resolve) => {
    const off = rt.wallEvents.subscribe('demo', (e) => {
      if (e.type !== 'zone') return;
      off();
      resolve(e);
    });
  });
}

describe('the demo monitoring zone’s stored answer', () => {
  it('is served to every request without recomputing: one KPI batch for many screens and both procedures', async () => {
    const batches = vi.spyOn(KpiService.prototype, 'query');
    const first = await caller().wall.zoneData(ZONE);
    expect(batches).toHaveBeenCalledTimes(1);
    const again = await Promise.all([
      caller().wall.zoneData(ZONE),
      caller().wall.zoneData(ZONE),
      caller().wall.zoneDataPacked({ ...ZONE, staticVersion: null }),
      caller().wall.zoneDataPacked({ ...ZONE, staticVersion: 'older' }),
    ]);
    expect(batches).toHaveBeenCalledTimes(1);
    expect(again[0].seq).toBe(first.seq);
    expect(again[2].seq).toBe(first.seq);
    // Real figures: the halls' queues and the map's hall places.
    expect(first.panels.queue!.kpi[0]!.kpis[0]!.points.length).toBeGreaterThan(100);
    expect(Object.keys(first.panels.map!.hallPositions ?? {}).length).toBeGreaterThan(100);
  });

  it('is recomputed exactly once after commits within a window, and pushed once with its number', async () => {
    const before = await caller().wall.zoneData(ZONE);
    const batches = vi.spyOn(KpiService.prototype, 'query');
    const events: WallEvent[] = [];
    const off = rt.wallEvents.subscribe('demo', (e) => events.push(e));
    const pushed = nextZoneEvent();
    // An ETL batch committed (the scheduler's call), its rollups refreshed, an alert round changed an alert.
    rt.wall.dataCommitted();
    rt.wall.dataCommitted();
    rt.alerts.notices.emit('alert', { type: 'fired', eventId: 'e1', ruleId: 'r1', severity: 'red', orgCode: '53', title: 't' });
    const e = await pushed;
    // Nothing more comes of those commits.
    await new Promise((r) => setTimeout(r, COMMIT_WINDOW_MS * 3));
    off();
    expect(batches).toHaveBeenCalledTimes(1);
    expect(batches.mock.calls[0]![2]).toEqual({ cached: false });
    expect(events).toEqual([e]);
    expect(e).toMatchObject({ type: 'zone', layoutId: 'demo', zoneId: 'monitoring', scene: null, version: 1 });
    const after = await caller().wall.zoneDataPacked({ ...ZONE, staticVersion: null });
    expect(batches).toHaveBeenCalledTimes(1);
    expect(e.type === 'zone' && e.seq).toBe(after.seq);
    expect(after.seq).toBeGreaterThan(before.seq!);
  });

  it('travels packed under 100 KB per refresh and decodes to exactly the full answer', async () => {
    const full = await caller().wall.zoneData(ZONE);
    const first = await caller().wall.zoneDataPacked({ ...ZONE, staticVersion: null });
    const refresh = await caller().wall.zoneDataPacked({ ...ZONE, staticVersion: first.sv });
    expect(first.st).toBeDefined();
    expect(refresh.st).toBeUndefined();
    const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
    expect(size(full)).toBeGreaterThan(300_000);
    expect(size(refresh)).toBeLessThan(100_000);
    expect(size(first)).toBeLessThan(150_000);
    expect(JSON.stringify(unpackZone(refresh, first.st))).toBe(JSON.stringify(full));
    expect(JSON.stringify(unpackZone(first))).toBe(JSON.stringify(full));
  });
});
