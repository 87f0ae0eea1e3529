import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { homeBatch, homeThresholds, homeView, wantsPreviousDay, type HomeView } from '@/app/_components/home/home-batch';
import { findSeries, totalPoint } from '@/app/_components/wall/panels/kpi-data';
import { buildTiles } from '@/app/_components/wall/panels/kpi-tiles';
import { outageMapData } from '@/app/_components/wall/panels/outage-map-layers';
import { buildQueueBoard } from '@/app/_components/wall/panels/queue-board';
import { buildRanking } from '@/app/_components/wall/panels/ranking';
import { createTranslator } from '@/app/_i18n/locale';
import type { ClickHouse } from '@/core/clickhouse/client';
import { COUNTIES } from '@/core/org/divisions';
import { parseLocal } from '@/core/time';
import { openSqlite } from '@/etl/connectors/sqlite-source';
import { runEtlJob } from '@/etl/runtime/run-job';
import { HallQueueSimulator } from '@/etl/simulator/hall-queue-source';
import { hallQueueJobs } from '@/etl/sources/hall-queue/jobs';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { homeHallPlaces } from '@/server/desktop/home';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import type { PanelSpec, WallLayout } from '@/server/wall/layout';
import type { PanelData } from '@/server/wall/types';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';

// The desktop home (`/`) is one KPI batch through kpi.query, like a wall zone: for the same org node and
// moment, every figure it shares with the wall has the same value and the same status (the KPI layer's, with
// the thresholds an administrator sets), and moves with them. Also: the home's figures are DOMAIN.md §2.1's
// formulas over the source system's own records.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-24 15:20:00', TZ)!; // a Tuesday afternoon: halls open, queues, waits
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
let url: string;
const VIEWER: SessionUser = { id: 'viewer-zhao', name: '赵', role: 'viewer', orgCode: '53' };
const ADMIN: SessionUser = { id: 'admin-li', name: '李管理', role: 'admin', orgCode: '53' };
const caller = (user: SessionUser = VIEWER, now = NOW) =>
  createCaller({ rt, user, headers: new Headers(), now: () => now } satisfies Context);
const zh = createTranslator('zh-CN');
// The thresholds kpi.definitions gives with the default parameters.
const thresholds = homeThresholds([
  { id: 'queue.avg_wait', thresholds: { warn: 20, alarm: 30 } },
  { id: 'queue.length', thresholds: { warn: 15 } },
]);

beforeAll(async () => {
  ch = await testClickHouse();
  url = `file:${path.join(mkdtempSync(path.join(tmpdir(), 'home-')), 'hall-queue.db')}`;
  const src = openSqlite(url);
  const sim = new HallQueueSimulator(src, { seed: 11, tz: TZ, faultRate: 0 });
  await sim.init();
  await sim.advanceTo(NOW);
  src.close();
  for (const job of hallQueueJobs({ connection: { dialect: 'sqlite', url }, tz: TZ }))
    expect((await runEtlJob(ch, job, NOW)).status).toBe('ok');
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW });
  await rt.wall.seedDemoLayouts();
}, 300_000);
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

/** The home for an org node, exactly as the page builds it: its batch through kpi.query, thresholds from kpi.definitions. */
async function home(org: string, now = NOW): Promise<HomeView> {
  const c = caller(VIEWER, now);
  const [answer, defs] = await Promise.all([c.kpi.query({ queries: homeBatch(org, 'today') }), c.kpi.definitions()]);
  return homeView(org, 'today', answer, homeThresholds(defs));
}

async function fromSource<T>(sql: string): Promise<T> {
  const src = openSqlite(url);
  try {
    return (await src.execute(sql)).rows[0]![0] as T;
  } finally {
    src.close();
  }
}

/** A zone's panels with their data, as the wall's screens get them (one wall.zoneData call). */
async function zonePanels(layoutId: string, zoneId: string, now = NOW) {
  const [layout, data] = await Promise.all([
    caller(VIEWER, now).wall.layout({ layoutId }),
    caller(VIEWER, now).wall.zoneData({ layoutId, zoneId }),
  ]);
  const zone = layout.layout.zones.find((z) => z.id === zoneId)!;
  return (id: string): { spec: PanelSpec; data: PanelData } => {
    const spec = zone.panels.find((p) => p.id === id)!;
    expect(spec, id).toBeDefined();
    expect(data.panels[id]?.refused, id).toBeUndefined();
    return { spec, data: data.panels[id]! };
  };
}

/** A figure the two screens show: what each shows, for one KPI of one unit. */
interface Shown {
  what: string;
  home: { value: number | null; status: string };
  wall: { value: number | null; status: string };
}

/** The home shows a volume as neutral ('info'); the wall gives it no status ('none'): the KPI layer gives it none. */
const kpiStatus = (s: string) => (s === 'info' ? 'none' : s);

/**
 * Every figure the home shares with the wall's panels for the node: the queue tiles (kpi_tiles), the
 * break-down ranking on the average wait (ranking), each hall's queue and longest wait (queue_board) and
 * each hall's colour on the map (outage_map).
 */
function compare(
  view: HomeView,
  wall: {
    tiles: { spec: PanelSpec; data: PanelData };
    ranking: { spec: PanelSpec; data: PanelData };
    board: { spec: PanelSpec; data: PanelData };
    map?: { spec: PanelSpec; data: PanelData };
  },
): Shown[] {
  const shown: Shown[] = [];
  const tiles = buildTiles(wall.tiles.spec, wall.tiles.data, 'zh-CN', zh);
  for (const [kpi, fig] of [
    ['queue.tickets', view.tiles.tickets],
    ['queue.length', view.tiles.queue],
    ['queue.avg_wait', view.tiles.avgWait],
    ['queue.satisfaction', view.tiles.satisfaction],
  ] as const) {
    const tile = tiles.find((x) => x.kpi === kpi)!;
    const p = totalPoint(findSeries(wall.tiles.data, kpi));
    shown.push({
      what: `tile ${kpi}`,
      home: { value: fig.value, status: kpiStatus(fig.status) },
      wall: { value: p?.value ?? null, status: tile.status },
    });
  }
  const ranked = new Map(buildRanking(wall.ranking.data, 1000).rows.map((r) => [r.point.orgCode, r.point]));
  expect(ranked.size).toBe(view.areas.length);
  for (const a of view.areas) {
    const p = ranked.get(a.code);
    shown.push({
      what: `avg wait ${a.code}`,
      home: { value: a.avgWait, status: a.status },
      wall: { value: p?.value ?? null, status: p?.status ?? 'none' },
    });
  }
  const board = new Map(buildQueueBoard(wall.board.data).rows.map((r) => [r.code, r]));
  const sites = wall.map ? outageMapData(wall.map.data).sites! : null;
  expect(board.size).toBe(view.halls.length);
  for (const h of view.halls) {
    const r = board.get(h.code);
    shown.push({
      what: `queue ${h.code}`,
      home: { value: h.queue, status: h.queueStatus },
      wall: { value: r?.queue ?? null, status: r?.queueStatus ?? '-' },
    });
    shown.push({
      what: `longest wait ${h.code}`,
      home: { value: h.longestWait, status: h.waitStatus },
      wall: { value: r?.longestWait ?? null, status: r?.waitStatus ?? '-' },
    });
    if (sites) {
      const s = sites.get(h.code);
      shown.push({
        what: `map ${h.code}`,
        home: { value: h.queue, status: h.status },
        wall: { value: s?.waiting ?? null, status: s?.status ?? '-' },
      });
    }
  }
  return shown;
}

function expectSame(shown: Shown[]) {
  const differ = shown.filter((s) => s.home.value !== s.wall.value || s.home.status !== s.wall.status);
  expect(differ, JSON.stringify(differ.slice(0, 5))).toEqual([]);
}

const nonOk = (shown: Shown[]) => shown.filter((s) => s.home.status === 'warn' || s.home.status === 'alarm');

describe('the home’s figures', () => {
  it('are DOMAIN.md §2.1’s formulas over the source system’s own records', async () => {
    const view = await home('53');
    const today = "take_time >= '2026-11-24 00:00:00' AND take_time < '2026-11-25 00:00:00'";
    const issued = Number(await fromSource(`SELECT count(*) FROM q_ticket WHERE ${today}`));
    const waiting = Number(await fromSource(`SELECT count(*) FROM q_ticket WHERE ${today} AND state = 0`));
    const avgWait = Number(
      await fromSource(
        `SELECT avg((julianday(call_time) - julianday(take_time)) * 1440.0) FROM q_ticket WHERE ${today} AND call_time IS NOT NULL`,
      ),
    );
    const satisfied = Number(await fromSource(`SELECT count(*) FROM q_ticket WHERE ${today} AND evaluation = 1`));
    const rated = Number(await fromSource(`SELECT count(*) FROM q_ticket WHERE ${today} AND evaluation IS NOT NULL`));

    expect(issued).toBeGreaterThan(10_000);
    expect(view.tiles.tickets.value).toBe(issued);
    expect(view.tiles.queue.value).toBe(waiting);
    expect(view.tiles.avgWait.value).toBeCloseTo(avgWait, 1);
    expect(view.tiles.satisfaction.value).toBeCloseTo(satisfied / rated, 3);
    expect(view.tiles.ratings).toBe(rated);
    expect(view.areas).toHaveLength(16);
    expect(view.areas.reduce((s, c) => s + (c.tickets ?? 0), 0)).toBe(issued);
    expect(view.counties.length).toBeGreaterThan(100);
    expect(view.halls.length).toBeGreaterThan(500);
    expect(view.hourly.map((h) => new Date(h.hour).getUTCHours() + 8)).toContain(10);
    expect(view.hourly.reduce((s, h) => s + (h.tickets ?? 0), 0)).toBe(issued);
    // Where each hall is: the hall reference data, for the map.
    expect(Object.keys(await homeHallPlaces(ch, '53')).length).toBe(view.halls.length);
  }, 120_000);

  it('are for the org node asked: a city’s figures are its own, and add up to the province’s', async () => {
    const [province, kunming] = await Promise.all([home('53'), home('5301')]);
    const km = province.areas.find((a) => a.code === '5301')!;
    expect(kunming.org).toEqual({ code: '5301', name: '昆明市', level: 'city' });
    expect(kunming.tiles.tickets.value).toBe(km.tickets);
    expect(kunming.tiles.avgWait.value).toBe(km.avgWait);
    expect(kunming.tiles.avgWait.status).toBe(km.status);
    expect(kunming.tiles.tickets.value!).toBeLessThan(province.tiles.tickets.value!);
    expect(kunming.areaLevel).toBe('county');
    expect(kunming.areas.every((a) => a.code.startsWith('5301'))).toBe(true);
    expect(kunming.halls.length).toBeGreaterThan(10);
    expect(kunming.halls.every((h) => h.code.startsWith('5301'))).toBe(true);
    expect(Object.keys(await homeHallPlaces(ch, '5301')).every((c) => c.startsWith('5301'))).toBe(true);
  }, 120_000);

  it('at night, before the halls open, come from the last business day, labelled so', async () => {
    // 曲靖市: a batch no other test asks (the KPI layer shares an identical batch's answer for a few seconds).
    const night = parseLocal('2026-11-25 03:00:00', TZ)!;
    const c = caller(VIEWER, night);
    const today = await c.kpi.query({ queries: homeBatch('5303', 'today') });
    expect(homeView('5303', 'today', today, thresholds).tiles.tickets.value).toBe(0);
    expect(wantsPreviousDay(today)).toBe(true);
    const view = homeView('5303', 'yesterday', await c.kpi.query({ queries: homeBatch('5303', 'yesterday') }), thresholds);
    expect([view.businessDate, view.isToday]).toEqual(['2026-11-24', false]);
    expect(view.tiles.tickets.value).toBeGreaterThan(1000);
    expect(view.hourly.length).toBeGreaterThan(6);
  }, 120_000);
});

describe('the home and the wall', () => {
  it('show the same value with the same status for every KPI both show (province, demo wall)', async () => {
    const [view, monitoring, analysis, indicator] = await Promise.all([
      home('53'),
      zonePanels('demo', 'monitoring'),
      zonePanels('demo', 'analysis'),
      zonePanels('demo', 'indicator'),
    ]);
    const shown = compare(view, {
      tiles: indicator('kpi-queue'),
      ranking: analysis('rank-city'),
      board: monitoring('queue'),
      map: monitoring('map'),
    });
    expect(shown.length).toBeGreaterThan(4 + 16 + 3 * 500);
    expectSame(shown);
    // Not a check on no data: real figures, and figures in warning or alarm among them.
    expect(shown.filter((s) => s.home.value !== null && s.home.value !== 0).length).toBeGreaterThan(100);
    expect(nonOk(shown).length).toBeGreaterThan(0);
    expect(view.tiles.queue.status).toBe('warn'); // as the wall's 当前排队人数 tile
    // The data time and the lateness verdict are the KPI layer's, as on the wall's panel.
    expect([view.dataAsOf, view.stale]).toEqual([indicator('kpi-queue').data.dataAsOf, indicator('kpi-queue').data.stale]);
    expect(view.stale).toBe(false);
  }, 120_000);

  it('show the same figures for a city (a wall zone of 昆明市)', async () => {
    const demo = (await caller(ADMIN).wall.layout({ layoutId: 'demo' })).layout;
    const spec: WallLayout = {
      id: 'kunming',
      name: { zh: '昆明大屏', en: 'Kunming wall' },
      canvas: { width: 1920, height: 1080 },
      zones: [
        {
          ...demo.zones.find((z) => z.id === 'monitoring')!,
          id: 'queues',
          orgCode: '5301',
          scenes: [],
          panels: [
            {
              id: 'tiles',
              type: 'kpi_tiles',
              durationSec: 30,
              params: { kpis: ['queue.tickets', 'queue.length', 'queue.avg_wait', 'queue.satisfaction'] },
            },
            { id: 'rank', type: 'ranking', durationSec: 30, params: { kpi: 'queue.avg_wait', by: 'county' } },
            { id: 'board', type: 'queue_board', durationSec: 30, params: {} },
            { id: 'map', type: 'outage_map', durationSec: 30, params: {} },
          ],
        },
      ],
    };
    await caller(ADMIN).wall.saveLayout({ spec, expectedVersion: null, note: 'home-vs-wall' });
    const [view, zone] = await Promise.all([home('5301'), zonePanels('kunming', 'queues')]);
    const shown = compare(view, { tiles: zone('tiles'), ranking: zone('rank'), board: zone('board'), map: zone('map') });
    expect(view.areas.map((a) => a.code).sort()).toEqual(
      COUNTIES.filter((c) => c.cityCode === '5301')
        .map((c) => c.code)
        .sort(),
    );
    expectSame(shown);
    expect(nonOk(shown).length).toBeGreaterThan(0);
  }, 120_000);

  it('move together when an administrator changes a threshold (kpi.setParameters)', async () => {
    const wall = async () => {
      const [monitoring, analysis, indicator] = await Promise.all([
        zonePanels('demo', 'monitoring'),
        zonePanels('demo', 'analysis'),
        zonePanels('demo', 'indicator'),
      ]);
      return { tiles: indicator('kpi-queue'), ranking: analysis('rank-city'), board: monitoring('queue'), map: monitoring('map') };
    };
    const before = await home('53');
    const shownBefore = compare(before, await wall());
    expectSame(shownBefore);
    const avg = before.tiles.avgWait.value!;
    expect(avg).toBeGreaterThan(1.5);
    expect(before.tiles.avgWait.status).toBe('ok');
    expect(before.thresholds.wait.warn).toBe(20);
    const warn = Math.max(1, Math.floor(avg) - 1);
    await caller(ADMIN).kpi.setParameters({ changes: { 'queue.waitWarnMin': warn } });
    try {
      // The zones' shared answers last their refresh interval: ask as a screen does after it.
      vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 600_000);
      const [view, after] = await Promise.all([home('53'), wall()]);
      expect(view.thresholds.wait.warn).toBe(warn);
      expect(view.tiles.avgWait).toEqual({ value: avg, status: 'warn' });
      expect(buildTiles(after.tiles.spec, after.tiles.data, 'zh-CN', zh).find((x) => x.kpi === 'queue.avg_wait')!.status).toBe('warn');
      const shown = compare(view, after);
      expectSame(shown);
      expect(nonOk(shown).length).toBeGreaterThan(nonOk(shownBefore).length);
    } finally {
      vi.restoreAllMocks();
      await caller(ADMIN).kpi.setParameters({ changes: { 'queue.waitWarnMin': 20 } });
    }
  }, 180_000);

  it('are both marked stale by the one lateness rule once the queue source stops delivering', async () => {
    const fresh = await home('53');
    expect(fresh.dataAsOf).not.toBeNull();
    // An hour after the queue data was last complete (the ETL runs record their own clock), no run since.
    const later = Date.parse(fresh.dataAsOf!) + 3_600_000;
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 1_200_000);
    const [view, indicator] = await Promise.all([home('53', later), zonePanels('demo', 'indicator', later)]);
    expect(view.stale).toBe(true);
    expect(indicator('kpi-queue').data.stale).toBe(true);
    expect(view.dataAsOf).toBe(fresh.dataAsOf);
    expect(indicator('kpi-queue').data.dataAsOf).toBe(fresh.dataAsOf);
  }, 120_000);
});
