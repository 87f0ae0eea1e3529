import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { outageMapData } from '@/app/_components/wall/panels/outage-map-layers';
import { chTime, parseLocal } from '@/core/time';
import { seedStarterRules } from '@/server/alerts/starter-rules';
import type { ClickHouse } from '@/core/clickhouse/client';
import { ClickHouseQueryError } from '@/core/clickhouse/errors';
import { createDb, type Db } from '@/server/db/client';
import { applyMigrations } from '@/server/db/migrate';
import { KpiService } from '@/server/kpi/service';
import type { Runtime } from '@/server/runtime';
import type { Context, SessionUser } from '@/server/trpc/context';
import { createCaller } from '@/server/trpc/root';
import { DEMO_LAYOUTS } from '@/server/wall/demo-layouts';
import type { WallEvent } from '@/server/wall/events';
import { layoutSchema, type WallLayout } from '@/server/wall/layout';
import { PANEL_CATALOG } from '@/server/wall/panel-catalog';
import { activePanels } from '@/server/wall/rotation';
import { checkLayout } from '@/server/wall/layouts';
import { hallPositionsWithin } from '@/server/wall/zone-data';
import { MIGRATIONS_DIR } from '../db/helpers';
import { dropTestClickHouse, testClickHouse } from '../helpers/clickhouse';
import { testRuntime } from '../helpers/runtime';
import { trpcError } from '../helpers/trpc';

// wall.*: layouts as versioned, audited data; the console's control of a zone; the zone data call (one KPI
// batch per zone and refresh, shared by every screen; a visitor zone refuses non-visitor panels on the server
// and never carries an alert's words); the last good data when the store fails.

const TZ = 'Asia/Shanghai';
const NOW = parseLocal('2026-11-30 10:00:00', TZ)!;
let ch: ClickHouse;
let db: Db;
let rt: Runtime;
const ADMIN: SessionUser = { id: 'admin-li', name: '李管理', role: 'admin', orgCode: '53' };
const OPERATOR: SessionUser = { id: 'duty-wang', name: '王值班', role: 'duty_officer', orgCode: '53' };
const VIEWER: SessionUser = { id: 'viewer-zhao', name: '赵', role: 'viewer', orgCode: '53' };
const caller = (user: SessionUser, now = NOW) => createCaller({ rt, user, headers: new Headers(), now: () => now } satisfies Context);
const SECRET_TITLE = '昆明市五华区营业厅客户张某某投诉未处理';

beforeAll(async () => {
  ch = await testClickHouse();
  db = await createDb({ dataDir: '/nonexistent', memory: true });
  await applyMigrations(db, MIGRATIONS_DIR);
  // Up for an hour: sources that never delivered are past the lateness rule's start-up grace.
  rt = testRuntime({ ch, db, env: { BUSINESS_TZ: TZ }, bootedAt: NOW - 3_600_000 });
  // Three halls: one with its place, one without (0/0: never set), one in another city (曲靖).
  const hall = (code: string, name: string, lon: number, lat: number) => ({
    hall_code: code,
    hall_name: name,
    province_code: '53',
    city_code: code.slice(0, 4),
    county_code: code.slice(0, 6),
    lon,
    lat,
    windows: 4,
    src_updated_at: chTime(NOW - 86_400_000),
  });
  await ch.insert('test.halls', 'dim_hall', [
    hall('530102001', '五华供电营业厅', 102.703214, 25.042109),
    hall('530102002', '五华城东营业厅', 0, 0),
    hall('530302001', '麒麟供电营业厅', 103.79, 25.49),
  ]);
  await seedStarterRules(db);
  const ruleId = (await db.prisma.alertRule.findFirst())!.id;
  await db.prisma.alertEvent.create({
    data: {
      ruleId,
      ruleVersion: 1,
      dedupKey: 'k1',
      openKey: 'k1',
      condition: 'breach',
      subject: '530102001',
      orgCode: '530102',
      orgName: '五华区',
      severity: 'red',
      state: 'firing',
      title: SECRET_TITLE,
      titleEn: 'complaint of customer Zhang',
      figures: {},
      firedAt: new Date(NOW - 60_000),
      updatedAt: new Date(NOW),
    },
  });
}, 120_000);
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await db?.close();
  if (ch) await dropTestClickHouse(ch);
});

describe('layouts', () => {
  it('seeds the demo layouts once; they pass the full check, four zones each with scenes', async () => {
    expect(await rt.wall.seedDemoLayouts()).toEqual(['demo', 'demo-7680']);
    expect(await rt.wall.seedDemoLayouts()).toEqual([]);
    const list = await caller(VIEWER).wall.layouts();
    expect(list.map((l) => [l.id, l.canvas, l.version, l.valid])).toEqual([
      ['demo', { width: 3840, height: 2160 }, 1, true],
      ['demo-7680', { width: 7680, height: 2160 }, 1, true],
    ]);
    for (const l of DEMO_LAYOUTS) expect(checkLayout(l).issues).toEqual([]);
    const demo = await caller(VIEWER).wall.layout({ layoutId: 'demo' });
    expect(demo.layout.zones.map((z) => z.kind)).toEqual(['monitoring', 'analysis', 'visitor', 'indicator']);
    expect(demo.layout.zones.every((z) => z.scenes.length >= 1 && z.panels.length >= 2)).toBe(true);
    expect(demo.controls.monitoring).toMatchObject({ scene: null, pinned: null, paused: false, index: 0 });
  });

  it('saves a new version with an audit record; a stale version is a conflict; only administrators save', async () => {
    const demo = (await caller(ADMIN).wall.layout({ layoutId: 'demo' })).layout;
    const edited = { ...demo, zones: demo.zones.map((z) => (z.id === 'analysis' ? { ...z, refreshSec: 20 } : z)) };
    expect((await trpcError(caller(OPERATOR).wall.saveLayout({ spec: edited, expectedVersion: 1 }))).code).toBe('FORBIDDEN');
    expect(await caller(ADMIN).wall.saveLayout({ spec: edited, expectedVersion: 1, note: '分析区刷新 20 秒' })).toEqual({
      id: 'demo',
      version: 2,
    });
    const conflict = await trpcError(caller(ADMIN).wall.saveLayout({ spec: edited, expectedVersion: 1 }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toMatch(/version 2/);
    const again = await caller(ADMIN).wall.layout({ layoutId: 'demo' });
    expect([again.version, again.updatedBy, again.layout.zones.find((z) => z.id === 'analysis')!.refreshSec]).toEqual([2, 'admin-li', 20]);
    const history = await caller(ADMIN).wall.history({ layoutId: 'demo' });
    expect(history.map((h) => [h.action, h.version, h.actor, h.note])).toEqual([
      ['wall.layout.update', 2, 'admin-li', '分析区刷新 20 秒'],
      ['wall.layout.create', 1, 'system', 'demo layout'],
    ]);
    // A new layout needs expectedVersion null; an existing id with null is a conflict too.
    expect((await trpcError(caller(ADMIN).wall.saveLayout({ spec: edited, expectedVersion: null }))).code).toBe('CONFLICT');
  });

  it('refuses an invalid layout with the reasons and saves nothing', async () => {
    const demo = (await caller(ADMIN).wall.layout({ layoutId: 'demo' })).layout;
    const outside = { ...demo, id: 'bad', zones: [{ ...demo.zones[0]!, rect: { x: 3000, y: 0, w: 1920, h: 1080 } }] };
    const err = await trpcError(caller(ADMIN).wall.saveLayout({ spec: outside, expectedVersion: null }));
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/outside the canvas/);
    const check = await caller(ADMIN).wall.checkLayout({ spec: { ...demo, canvas: { width: 100, height: 100 } } });
    expect(check.ok).toBe(false);
    expect(check.issues.map((i) => i.path)).toContain('canvas.width');
    // A visitor zone may hold only visitor-safe panels, in its own list and in every scene.
    const visitor = demo.zones.find((z) => z.kind === 'visitor')!;
    const leaky = {
      ...demo,
      zones: demo.zones.map((z) =>
        z === visitor
          ? {
              ...z,
              scenes: [
                { ...z.scenes[0]!, panels: [...z.scenes[0]!.panels, { id: 'leak', type: 'alert_list', durationSec: 30, params: {} }] },
              ],
            }
          : z,
      ),
    };
    const refused = await caller(ADMIN).wall.checkLayout({ spec: leaky });
    expect(refused.issues).toEqual([
      { path: 'zones.2.scenes.0.panels.2.type', message: expect.stringMatching(/not allowed in a visitor zone/) },
    ]);
    expect((await trpcError(caller(ADMIN).wall.saveLayout({ spec: leaky, expectedVersion: 2 }))).code).toBe('BAD_REQUEST');
    expect((await caller(VIEWER).wall.layouts()).map((l) => l.id)).toEqual(['demo', 'demo-7680']);
    expect((await caller(VIEWER).wall.layout({ layoutId: 'demo' })).version).toBe(2);
  });
});

describe('zone control', () => {
  it('pins, advances, pauses and switches scenes; stored, audited and pushed to the layout’s screens', async () => {
    const events: WallEvent[] = [];
    const off = rt.wallEvents.subscribe('demo', (e) => events.push(e));
    const op = caller(OPERATOR);
    const pinned = await op.wall.control({ layoutId: 'demo', zoneId: 'monitoring', action: { type: 'pin', panelId: 'map' } });
    expect(pinned).toMatchObject({ pinned: 'map', since: NOW, updatedBy: 'duty-wang' });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'control',
        layoutId: 'demo',
        zoneId: 'monitoring',
        control: expect.objectContaining({ pinned: 'map' }),
      }),
    ]);
    const state = await caller(VIEWER).wall.state({ layoutId: 'demo' });
    expect(state.controls.monitoring).toMatchObject({ pinned: 'map' });
    expect(state.controls.analysis).toMatchObject({ pinned: null, updatedBy: null });

    const storm = await op.wall.control({ layoutId: 'demo', zoneId: 'monitoring', action: { type: 'scene', sceneId: 'storm' } });
    expect(storm).toMatchObject({ scene: 'storm', pinned: null, index: 0 });
    await op.wall.control({ layoutId: 'demo', zoneId: 'monitoring', action: { type: 'pause' } });
    expect((await caller(VIEWER).wall.state({ layoutId: 'demo' })).controls.monitoring).toMatchObject({ scene: 'storm', paused: true });
    off();
    expect(events).toHaveLength(3);
    const audit = await db.prisma.auditLog.findMany({ where: { target: 'demo/monitoring' }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['wall.control.pin', 'duty-wang'],
      ['wall.control.scene', 'duty-wang'],
      ['wall.control.pause', 'duty-wang'],
    ]);
  });

  it('refuses viewers, unknown zones, panels and scenes', async () => {
    expect((await trpcError(caller(VIEWER).wall.control({ layoutId: 'demo', zoneId: 'monitoring', action: { type: 'pause' } }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await trpcError(caller(OPERATOR).wall.control({ layoutId: 'demo', zoneId: 'nope', action: { type: 'pause' } }))).code).toBe(
      'NOT_FOUND',
    );
    const missing = await trpcError(caller(OPERATOR).wall.layout({ layoutId: 'nope' }));
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', '没有大屏布局 nope (no wall layout nope)']);
    const pin = await trpcError(
      caller(OPERATOR).wall.control({ layoutId: 'demo', zoneId: 'analysis', action: { type: 'pin', panelId: 'map' } }),
    );
    expect([pin.code, pin.message]).toEqual(['BAD_REQUEST', expect.stringMatching(/no panel map/)]);
    expect(
      (await trpcError(caller(OPERATOR).wall.control({ layoutId: 'demo', zoneId: 'analysis', action: { type: 'scene', sceneId: 'x' } })))
        .code,
    ).toBe('BAD_REQUEST');
  });

  it('refuses a zone of a unit the user may not see', async () => {
    const city: SessionUser = { id: 'km-zhao', name: '赵', role: 'viewer', orgCode: '5301' };
    const err = await trpcError(caller(city).wall.zoneData({ layoutId: 'demo', zoneId: 'indicator' }));
    expect([err.code, err.message]).toEqual(['FORBIDDEN', '无权查看该单位 (no access to org 53)']);
  });
});

describe('zone data', () => {
  it('is ONE KPI batch for every panel of the zone, shared by every screen asking within the refresh', async () => {
    const spy = vi.spyOn(KpiService.prototype, 'query');
    const screens = Array.from({ length: 6 }, () => caller(VIEWER).wall.zoneData({ layoutId: 'demo', zoneId: 'indicator' }));
    const answers = await Promise.all(screens);
    expect(spy).toHaveBeenCalledTimes(1);
    const demo = layoutSchema.parse((await db.prisma.wallLayout.findUnique({ where: { id: 'demo' } }))!.spec);
    const zone = demo.zones.find((z) => z.id === 'indicator')!;
    const expected = zone.panels.flatMap((p) => PANEL_CATALOG[p.type]!.needs(p, zone).kpi);
    expect(spy.mock.calls[0]![0]).toHaveLength(expected.length);
    expect(new Set(answers.map((a) => a.asOf)).size).toBe(1);
    const data = answers[0]!;
    expect(Object.keys(data.panels).sort()).toEqual(zone.panels.map((p) => p.id).sort());
    expect(data).toMatchObject({ layoutId: 'demo', zoneId: 'indicator', version: 2, scene: null, degraded: null, refreshSec: 10 });
    expect(data.businessDay).toEqual({ date: '2026-11-30', from: '2026-11-29T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' });
    // KPI panels carry their results; the banner carries the alert; the freshness panel its sources.
    expect(data.panels['kpi-queue']!.kpi[0]!.kpis.map((s) => s.kpi)).toEqual(expect.arrayContaining(['queue.tickets', 'queue.avg_wait']));
    expect(data.panels.banner!.alerts![0]!.title).toBe(SECRET_TITLE);
    expect(Array.isArray(data.panels.fresh!.freshness)).toBe(true);
    // No source has delivered in this empty store: the KPI panels say they are stale.
    expect(data.panels['kpi-queue']!.stale).toBe(true);
  });

  it('answers for the scene a screen shows (its own batch), and only that scene’s panels', async () => {
    const spy = vi.spyOn(KpiService.prototype, 'query');
    const storm = await caller(VIEWER).wall.zoneData({ layoutId: 'demo', zoneId: 'indicator', scene: 'storm' });
    expect(Object.keys(storm.panels).sort()).toEqual(['st-banner', 'st-call', 'st-outage']);
    expect(storm.scene).toBe('storm');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('in a visitor zone: refuses a non-visitor panel on the server and never carries alert titles or rows', async () => {
    // Written past the layout check, as an older build or a hand edit of the database might have.
    const demo = layoutSchema.parse((await db.prisma.wallLayout.findUnique({ where: { id: 'demo' } }))!.spec);
    const leaky: WallLayout = {
      ...demo,
      zones: demo.zones.map((z) =>
        z.kind === 'visitor'
          ? {
              ...z,
              panels: [
                ...z.panels,
                { id: 'leak-alerts', type: 'alert_list', durationSec: 30, params: {} },
                { id: 'leak-banner', type: 'alert_banner', durationSec: 30, params: {} },
                { id: 'leak-queue', type: 'queue_board', durationSec: 30, params: {} },
              ],
            }
          : z,
      ),
    };
    await db.prisma.wallLayout.update({ where: { id: 'demo' }, data: { spec: leaky as object, version: 3 } });
    await new Promise((r) => setTimeout(r, 2100)); // the layout cache (2 s)
    const spy = vi.spyOn(KpiService.prototype, 'query');
    const data = await caller(VIEWER).wall.zoneData({ layoutId: 'demo', zoneId: 'visitor' });
    expect(data.version).toBe(3);
    for (const id of ['leak-alerts', 'leak-banner', 'leak-queue']) {
      expect(data.panels[id]).toEqual({ kpi: [], dataAsOf: null, stale: false, refused: 'not_visitor_safe' });
    }
    const text = JSON.stringify(data);
    expect(text).not.toContain(SECRET_TITLE);
    expect(text).not.toContain('Zhang');
    expect(text).not.toContain('530102001');
    // The visitor-safe panels are served, from one batch that holds none of the refused panels' queries.
    const visitor = leaky.zones.find((z) => z.kind === 'visitor')!;
    const safe = activePanels(visitor, null).filter((p) => PANEL_CATALOG[p.type]?.visitorSafe);
    expect(safe.length).toBeGreaterThanOrEqual(2);
    for (const p of safe) expect(data.panels[p.id]!.refused).toBeUndefined();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![0]).toHaveLength(safe.flatMap((p) => PANEL_CATALOG[p.type]!.needs(p, visitor).kpi).length);
    await db.prisma.wallLayout.update({ where: { id: 'demo' }, data: { spec: demo as object, version: 4 } });
  });

  it('rolls over at the business day reset even inside the refresh interval', async () => {
    const before = await caller(VIEWER).wall.zoneData({ layoutId: 'demo', zoneId: 'visitor' });
    expect(before.businessDay.date).toBe('2026-11-30');
    const cached = await caller(VIEWER, NOW + 5_000).wall.zoneData({ layoutId: 'demo', zoneId: 'visitor' });
    expect(cached.asOf).toBe(before.asOf);
    const midnight = parseLocal('2026-12-01 00:00:01', TZ)!;
    const after = await caller(VIEWER, midnight).wall.zoneData({ layoutId: 'demo', zoneId: 'visitor' });
    expect(after.businessDay).toEqual({ date: '2026-12-01', from: '2026-11-30T16:00:00.000Z', to: '2026-12-01T16:00:00.000Z' });
  });

  it('marks a panel stale, with its data time, once its source is later than its lag limit; the others stay fresh', async () => {
    // The CTI delivered at 09:59:30, then its system went down: every run since failed.
    const run = (source: string, at: number, status: 'ok' | 'failed', error = '') => ({
      run_id: randomUUID(),
      source,
      job: source.split('.')[1]!,
      started_at: chTime(at - 1_000),
      finished_at: chTime(at),
      status,
      rows_read: 10,
      rows_loaded: status === 'ok' ? 10 : 0,
      rows_quarantined: 0,
      watermark_from: '',
      watermark_to: '',
      error,
    });
    const okAt = NOW - 30_000;
    await ch.insert('test.runs', 'etl_run', [
      run('cti.calls', okAt, 'ok'),
      run('cti.agent-states', okAt, 'ok'),
      ...[1, 2, 3, 4, 5].map((i) => run('cti.calls', okAt + i * 30_000, 'failed', 'connect ECONNREFUSED 10.1.2.3:8443')),
    ]);
    const at = (t: number) => caller(VIEWER, t).wall.zoneData({ layoutId: 'demo', zoneId: 'indicator' });

    // Past the KPI layer's 3 s result cache: the first zone-data test asked this zone's very batch, before these
    // runs, maybe less than 3 s ago (on an idle machine it was, and this answer came from before the CTI runs).
    const realNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 5_000);
    const fresh = await at(NOW);
    expect(fresh.panels['kpi-call']).toMatchObject({ stale: false, dataAsOf: new Date(okAt - 1_000).toISOString() });
    // 2 min 30 s after the last delivery: past the calls' 120 s limit (and past the KPI layer's short cache).
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 65_000);
    const late = await at(NOW + 120_000);
    expect(late.panels['kpi-call']).toMatchObject({ stale: true, dataAsOf: new Date(okAt - 1_000).toISOString() });
    expect(late.panels['kpi-call']!.kpi.length).toBeGreaterThan(0);
    // Queue figures never had a source here: stale too, without a data time; the freshness panel shows the CTI late.
    expect(late.panels['kpi-queue']).toMatchObject({ stale: true, dataAsOf: null });
    const cti = late.panels.fresh!.freshness!.find((f) => f.source === 'cti.calls')!;
    expect(cti).toMatchObject({ ok: false, lastSuccessAt: new Date(okAt).toISOString() });
    expect(cti.lagSeconds).toBeGreaterThan(120);
  });

  it('keeps the last good answer, marked stale and degraded, when the data store fails', async () => {
    const good = await caller(VIEWER).wall.zoneData({ layoutId: 'demo', zoneId: 'analysis' });
    expect(good.degraded).toBeNull();
    vi.spyOn(KpiService.prototype, 'query').mockRejectedValue(new ClickHouseQueryError('unavailable', 'kpi.batch', 'connection refused'));
    const realNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 60_000); // past the zone's refresh interval
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const bad = await caller(VIEWER).wall.zoneData({ layoutId: 'demo', zoneId: 'analysis' });
    expect(bad.degraded).toMatch(/last good data/);
    expect(bad.asOf).toBe(good.asOf);
    expect(Object.keys(bad.panels)).toEqual(Object.keys(good.panels));
    expect(Object.values(bad.panels).every((p) => p.stale)).toBe(true);
    expect(bad.panels['rank-city']!.kpi).toEqual(good.panels['rank-city']!.kpi);
  });
});

describe('outage map hall positions', () => {
  const zone = (id: string, kind: string, x: number, over: object = {}) => ({
    id,
    kind,
    name: { zh: id, en: id },
    rect: { x, y: 0, w: 1920, h: 1080 },
    panels: [
      { id: 'map', type: 'outage_map' },
      { id: 'kpis', type: 'kpi_tiles' },
    ],
    ...over,
  });
  const spec = {
    id: 'halls-map',
    name: { zh: '营业厅地图', en: 'Hall map' },
    canvas: { width: 5760, height: 1080 },
    zones: [zone('ops', 'monitoring', 0), zone('city', 'analysis', 1920, { orgCode: '5301' }), zone('guests', 'visitor', 3840)],
  };

  it('sends each hall’s place (dim_hall) with the outage map, read once for every zone, never to a visitor zone', async () => {
    expect(await caller(ADMIN).wall.saveLayout({ spec, expectedVersion: null })).toEqual({ id: 'halls-map', version: 1 });
    const query = ch.query.bind(ch);
    const reads = vi.spyOn(ch, 'query');
    const data = (zoneId: string) => caller(VIEWER).wall.zoneData({ layoutId: 'halls-map', zoneId });

    const ops = await data('ops');
    // The zone's halls with a real place, rounded to 1e-5°; the hall without one (0/0) is left out.
    expect(ops.panels.map!.hallPositions).toEqual({ '530102001': [102.70321, 25.04211], '530302001': [103.79, 25.49] });
    expect(ops.panels.kpis!.hallPositions).toBeUndefined(); // only the panels that ask
    // What the map draws from it: every hall of the KPI answer, at its place or (no place) at its county.
    const sites = outageMapData(ops.panels.map).sites!;
    expect([...sites.keys()].sort()).toEqual(['530102001', '530102002', '530302001']);
    expect(sites.get('530102001')).toMatchObject({ name: '五华供电营业厅', countyCode: '530102', position: [102.70321, 25.04211] });
    expect(sites.get('530102002')).toMatchObject({ name: '五华城东营业厅', position: null });

    // A city zone: its own halls only.
    const city = await data('city');
    expect(city.panels.map!.hallPositions).toEqual({ '530102001': [102.70321, 25.04211] });

    // A visitor zone: no positions; the map keeps one dot per county.
    const guests = await data('guests');
    expect(guests.panels.map!.refused).toBeUndefined();
    expect(guests.panels.map!.hallPositions).toBeUndefined();
    expect(JSON.stringify(guests)).not.toContain('102.70321');
    expect(outageMapData(guests.panels.map).sites).toBeNull();

    // Halls change rarely: their places are read once for all three zones (cached by the wall service).
    expect(reads.mock.calls.filter(([tag]) => tag === 'repo.queue.halls')).toHaveLength(1);

    // 5 minutes on the halls cannot be read: the zone is served, with the last places read.
    const realNow = Date.now;
    vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 301_000);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    reads.mockImplementation(((tag: string, ...rest: Parameters<typeof query> extends [string, ...infer R] ? R : never) =>
      tag === 'repo.queue.halls' ? Promise.reject(new Error('dim_hall unreadable')) : query(tag, ...rest)) as typeof ch.query);
    const later = await data('ops');
    expect(later.degraded).toBeNull();
    expect(later.panels.map!.hallPositions).toEqual(ops.panels.map!.hallPositions);
    expect(reads.mock.calls.filter(([tag]) => tag === 'repo.queue.halls')).toHaveLength(2);
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/hall positions unavailable: dim_hall unreadable/));
  });

  it('keeps only places that can be real, within the zone’s org', () => {
    const h = (hall_code: string, lon: number, lat: number) => ({ hall_code, county_code: hall_code.slice(0, 6), lon, lat });
    const halls = [h('530102001', 102.7, 25), h('530102003', Number.NaN, 25), h('530102004', 200, 25), h('530302001', 103.8, 25.5)];
    expect(hallPositionsWithin(halls, '53')).toEqual({ '530102001': [102.7, 25], '530302001': [103.8, 25.5] });
    expect(hallPositionsWithin(halls, '530302')).toEqual({ '530302001': [103.8, 25.5] });
  });
});
