import { describe, expect, it } from 'vitest';
import type { KpiPoint, KpiQueryResult, KpiSeries } from '@/server/kpi/query/result';
import type { PanelData, ZoneData } from '@/server/wall/types';
import { contentVersion, forScreen, packColumn, packZone, unpackColumn, unpackZone } from '@/server/wall/zone-pack';

// The packed zone answer (server/wall/zone-pack.ts): what a screen decodes must be the very ZoneData the
// server computed (key order included: the panels read it as before), and a refresh of a monitoring-sized zone
// must be a small fraction of the full answer.

const ASOF = '2026-11-30T02:00:00.000Z';
const RANGE = { from: '2026-11-29T16:00:00.000Z', to: '2026-11-30T16:00:00.000Z' };

/** A seeded random source, so the zone is the same on every run. */
function rnd(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const halls = Array.from({ length: 600 }, (_, i) => {
  const county = `53${String(1 + Math.floor(i / 40)).padStart(2, '0')}${String(1 + (Math.floor(i / 5) % 8)).padStart(2, '0')}`;
  return { code: `${county}${String(1 + (i % 5)).padStart(3, '0')}`, name: `第${i + 1}供电营业厅` };
});
const counties = [...new Set(halls.map((h) => h.code.slice(0, 6)))].map((code) => ({ code, name: `${code}区` }));

const pt = (
  org: { code: string; name: string },
  value: number | null,
  count: number,
  measures: Record<string, number | null>,
  over: Partial<KpiPoint> = {},
): KpiPoint => ({
  orgCode: org.code,
  orgName: org.name,
  bucket: null,
  value,
  count,
  measures,
  compare: {},
  status: value === null ? null : value > 30 ? 'alarm' : value > 20 ? 'warn' : 'ok',
  ...over,
});
const series = (kpi: string, points: KpiPoint[], over: Partial<KpiSeries> = {}): KpiSeries => ({
  kpi,
  granularity: 'total',
  engine: 'rollup',
  grain: 'day',
  range: RANGE,
  points,
  ...over,
});
const result = (key: string | undefined, by: string, kpis: KpiSeries[], over: Partial<KpiQueryResult> = {}): KpiQueryResult => ({
  ...(key !== undefined ? { key } : {}),
  orgCode: '53',
  by,
  granularity: 'total',
  kpis,
  ...over,
});

/** A monitoring zone as the server answers it: the queue board and the map asking the same ~600 halls. */
function monitoringZone(seed = 7): ZoneData {
  const r = rnd(seed);
  const hallSeries = () => [
    series(
      'queue.length',
      halls.map((h) => {
        const w = r() < 0.8 ? 0 : Math.floor(r() * 12);
        return pt(h, w, w, { waiting: w });
      }),
    ),
    series(
      'queue.longest_wait_now',
      halls.map((h) => {
        const w = r() < 0.85 ? 0 : Math.floor(r() * 6);
        return w
          ? pt(h, Math.round(r() * 400) / 10, w, { oldest_waiting: 1_795_412_000_000 + Math.floor(r() * 1e6), waiting: w })
          : pt(h, null, 0, { oldest_waiting: null, waiting: 0 });
      }),
    ),
    series(
      'queue.avg_wait',
      halls.map((h) => {
        const called = 40 + Math.floor(r() * 120);
        const sum = Math.floor(r() * 2e8);
        return pt(h, Math.round(sum / called / 6000) / 10, called, { wait_ms_sum: sum, called });
      }),
    ),
  ];
  const queue = hallSeries();
  const yesterday = [
    series(
      'queue.avg_wait',
      queue[2]!.points.map((p) => ({ ...p, value: p.value === null ? null : p.value + 1 })),
    ),
  ];
  const dayTickets = (key: string) =>
    result(key, 'total', [series('queue.tickets', [pt({ code: '53', name: '云南省' }, 18_234, 18_234, { tickets: 18_234 })])]);
  const hours = Array.from({ length: 24 }, (_, h) => new Date(Date.parse(RANGE.from) + h * 3_600_000).toISOString());
  const hourly = (kpi: string) =>
    series(
      kpi,
      hours.map((b) =>
        pt(
          { code: '53', name: '云南省' },
          Math.floor(r() * 300),
          0,
          { inbound: 10 },
          { bucket: b, compare: { previous: Math.floor(r() * 300) }, status: null },
        ),
      ),
      { granularity: 'hour', grain: 'hour' },
    );
  const countySeries = (kpi: string) =>
    series(
      kpi,
      counties.map((c) => pt(c, r() < 0.9 ? 0 : Math.floor(r() * 900), 0, { affected: 0 }, { status: null })),
    );
  const positions = Object.fromEntries(halls.map((h, i) => [h.code, [100 + (i % 50) / 10, 22 + i / 300] as [number, number]]));
  const p = (kpi: KpiQueryResult[], over: Partial<PanelData> = {}): PanelData => ({
    kpi,
    dataAsOf: '2026-11-30T01:59:30.000Z',
    stale: false,
    ...over,
  });
  return {
    asOf: ASOF,
    layoutId: 'demo',
    zoneId: 'monitoring',
    version: 3,
    scene: null,
    businessDay: { date: '2026-11-30', ...RANGE },
    refreshSec: 10,
    degraded: null,
    panels: {
      alerts: {
        kpi: [],
        dataAsOf: ASOF,
        stale: false,
        alertCounts: { red: 1, orange: 0, yellow: 2, blue: 0 },
        alerts: [
          {
            id: 'a1',
            severity: 'red',
            title: '五华区排队超时',
            titleEn: 'Wuhua queue',
            orgName: '五华区',
            firedAt: ASOF,
            condition: 'breach',
            situationId: null,
          },
        ],
      },
      queue: p([
        result('queue', 'hall', queue),
        result('queue~yesterday', 'hall', yesterday),
        dayTickets('queue:day-tickets'),
        dayTickets('queue:day-before'),
      ]),
      calls: p([result('calls', 'total', ['call.inbound', 'call.manual'].map(hourly), { granularity: 'hour' })], {
        stale: true,
        dataAsOf: null,
      }),
      map: {
        ...p([
          result('map:outage', 'county', [countySeries('outage.affected'), countySeries('outage.events')]),
          result('map:halls', 'hall', queue),
          result('map:halls~yesterday', 'hall', yesterday),
          dayTickets('map:day-tickets'),
        ]),
        hallPositions: positions,
      },
      orders: { kpi: [], dataAsOf: null, stale: false, refused: 'bad_params' },
      fresh: {
        kpi: [],
        dataAsOf: ASOF,
        stale: false,
        freshness: [{ source: 'cti.calls', ok: false, lagSeconds: 300, lastSuccessAt: null }],
      },
    },
    seq: 12,
  };
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

describe('packed zone answer', () => {
  it('decodes to exactly the answer the server computed, key order included', () => {
    const data = monitoringZone();
    const packed = packZone(data);
    const back = unpackZone(packed);
    expect(back).toEqual(data);
    expect(JSON.stringify(back)).toBe(JSON.stringify(data));
    // A screen holding the static part gets the figures alone and decodes them with what it holds.
    const refresh = forScreen(packed, packed.sv);
    expect(refresh.st).toBeUndefined();
    expect(JSON.stringify(unpackZone(refresh, packed.st))).toBe(JSON.stringify(data));
  });

  it('sends names and hall places once: a refresh is a small fraction of the full answer', () => {
    const data = monitoringZone();
    const packed = packZone(data);
    const full = bytes(data);
    const refresh = bytes(forScreen(packed, packed.sv));
    expect(full).toBeGreaterThan(500_000);
    expect(refresh).toBeLessThan(100_000);
    expect(refresh * 10).toBeLessThan(full);
    // The halls asked by both the queue board and the map travel once.
    expect(packed.s.filter((s) => s.k === 'queue.avg_wait' && s.n === halls.length)).toHaveLength(2); // today, yesterday
    // First load, static part included, stays under the bound too.
    expect(bytes(packed)).toBeLessThan(100_000);
  });

  it('includes the static part only when the screen’s version is not the current one; refuses to guess', () => {
    const packed = packZone(monitoringZone());
    expect(forScreen(packed, null).st).toEqual(packed.st);
    expect(forScreen(packed, 'an-older-version').st).toEqual(packed.st);
    // The same names and places give the same version on every answer; a renamed hall another one.
    expect(packZone(monitoringZone(8)).sv).toBe(packed.sv);
    const renamed = monitoringZone();
    renamed.panels.queue!.kpi[0]!.kpis[0]!.points[0]!.orgName = '新名称营业厅';
    expect(packZone(renamed).sv).not.toBe(packed.sv);
    expect(() => unpackZone(forScreen(packed, packed.sv), null)).toThrow(/does not hold/);
    expect(() => unpackZone(forScreen(packed, packed.sv), { ...packed.st, v: 'other' })).toThrow(/does not hold/);
  });

  it('keeps series whose points differ in shape whole, results without a key, degraded and visitor answers', () => {
    const odd = series('wo.overdue', [
      pt({ code: '5301', name: '昆明市' }, 3, 3, { overdue: 3 }, { compare: { previous: 2 } }),
      pt({ code: '5303', name: '曲靖市' }, 1, 1, { overdue: 1 }, { compare: {} }),
      pt({ code: '5304', name: '玉溪市' }, null, 0, { other: null }),
    ]);
    const data: ZoneData = {
      ...monitoringZone(),
      zoneId: 'visitor',
      degraded: '数据服务暂不可用 (data store unavailable)',
      panels: {
        a: { kpi: [result(undefined, 'city', [odd])], dataAsOf: ASOF, stale: true },
        b: {
          kpi: [result('b', 'total', [series('x', [])])],
          dataAsOf: null,
          stale: false,
          alertCounts: { red: 0, orange: 0, yellow: 0, blue: 3 },
        },
        c: { kpi: [], dataAsOf: null, stale: false, refused: 'not_visitor_safe' },
      },
    };
    delete data.seq;
    const back = unpackZone(packZone(data));
    expect(JSON.stringify(back)).toBe(JSON.stringify(data));
    expect('key' in back.panels.a!.kpi[0]!).toBe(false);
    expect(back.panels.a!.kpi[0]!.kpis[0]!.points[2]!.measures).toEqual({ other: null });
  });

  it('columns: runs, exceptions and statuses decode to the values', () => {
    const cases: [unknown[], 'any' | 'status'][] = [
      [[0, 1, 2, 3, 7, 8, 9], 'any'],
      [[0, 0, 0, 5, 0, 0, null, 0], 'any'],
      [[null, null, 1.5, null], 'any'],
      [['ok', 'warn', null, 'alarm'], 'status'],
      [['ok', 'odd'], 'status'],
      [[12.5, -3, 1e21, 0.1], 'any'],
      [[], 'any'],
    ];
    for (const [values, kind] of cases) {
      const col = JSON.parse(JSON.stringify(packColumn(values, kind)));
      expect(unpackColumn(col, values.length)).toEqual(values);
    }
    expect(packColumn([4, 5, 6, 7, 8, 9])).toEqual({ r: [4, 6] });
    const zeros = Array.from({ length: 20 }, (_, i) => (i === 5 ? 9 : 0));
    expect(packColumn(zeros)).toEqual({ z: 0, i: [5], x: [9] });
    expect(packColumn([0, 9, 0])).toEqual([0, 9, 0]); // shorter as it is
    expect(contentVersion('a')).not.toBe(contentVersion('b'));
  });
});
