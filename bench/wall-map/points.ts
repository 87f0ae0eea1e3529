// Synthetic data for the outage-map bench (bench/wall-map.ts): point clouds spread over the real counties,
// with the panel's own colours and radius rules, and a seeded random source so every run draws the same map.
// Used in Node (timing the layer build) and in the browser page (bench/wall-map/page.ts).
import type { CountyCollection, LonLat } from '@/app/_components/map/queue-map-layers';
import {
  areaRadius,
  CALL_COLOR,
  callCloud,
  hallCloud,
  HALL_STATUS_COLORS,
  type CountyHalls,
  type OutageMapData,
} from '@/app/_components/wall/panels/outage-map-layers';
import type { PointStatus } from '@/app/_components/wall/panels/kpi-data';
import { rng } from '../../etl/simulator/random';

export interface PointItem {
  id: string;
  position: LonLat;
  radius: number;
  color: readonly number[];
}

/** Seeded randomness: the simulator's (mulberry32). */
export const random = (seed: number): (() => number) => rng(seed);

/** Log-normal sample (median 1): a few big values, many small ones, like calls or queues per place. */
function logNormal(rnd: () => number, sigma: number): number {
  const u = Math.max(1e-12, rnd());
  const v = rnd();
  return Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

interface CountyShape {
  code: string;
  west: number;
  south: number;
  east: number;
  north: number;
  rings: number[][][];
}

function countyShapes(counties: CountyCollection): CountyShape[] {
  return counties.features.map((f) => {
    const rings = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat();
    let west = Infinity;
    let south = Infinity;
    let east = -Infinity;
    let north = -Infinity;
    for (const ring of rings)
      for (const p of ring) {
        west = Math.min(west, p[0]!);
        east = Math.max(east, p[0]!);
        south = Math.min(south, p[1]!);
        north = Math.max(north, p[1]!);
      }
    return { code: f.properties.code, west, south, east, north, rings };
  });
}

/** Even-odd rule over every ring of the county (holes and multi-polygons included). */
function inside(rings: number[][][], x: number, y: number): boolean {
  let c = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const xi = ring[i]![0]!;
      const yi = ring[i]![1]!;
      const xj = ring[j]![0]!;
      const yj = ring[j]![1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
    }
  }
  return c;
}

function randomPointIn(shape: CountyShape, rnd: () => number): LonLat {
  for (let k = 0; k < 64; k++) {
    const x = shape.west + rnd() * (shape.east - shape.west);
    const y = shape.south + rnd() * (shape.north - shape.south);
    if (inside(shape.rings, x, y)) return [x, y];
  }
  return [(shape.west + shape.east) / 2, (shape.south + shape.north) / 2];
}

const STATUSES: [PointStatus, number][] = [
  ['ok', 0.75],
  ['warn', 0.15],
  ['alarm', 0.06],
  ['none', 0.04],
];

function status(rnd: () => number): PointStatus {
  let r = rnd();
  for (const [s, p] of STATUSES) {
    if (r < p) return s;
    r -= p;
  }
  return 'ok';
}

/**
 * `n` points over the province, counties in turn, each at a random place inside its county: half call circles
 * (area ∝ a log-normal count, the largest 30·scale px, as callCloud), half hall dots (the panel's status
 * colours, 35–100 % of 11·scale px by a log-normal queue, as hallCloud), in the panel's drawing order.
 */
export function syntheticItems(counties: CountyCollection, n: number, scale: number, seed = 1): { calls: PointItem[]; halls: PointItem[] } {
  const rnd = random(seed);
  const shapes = countyShapes(counties);
  const nCalls = Math.ceil(n / 2);
  const callValues: { id: string; position: LonLat; v: number }[] = [];
  const hallValues: { id: string; position: LonLat; v: number; status: PointStatus }[] = [];
  for (let i = 0; i < n; i++) {
    const shape = shapes[i % shapes.length]!;
    const position = randomPointIn(shape, rnd);
    if (i < nCalls) callValues.push({ id: shape.code, position, v: logNormal(rnd, 0.8) });
    else hallValues.push({ id: shape.code, position, v: logNormal(rnd, 0.8), status: status(rnd) });
  }
  const maxCall = callValues.reduce((m, c) => Math.max(m, c.v), 0);
  const maxHall = hallValues.reduce((m, c) => Math.max(m, c.v), 0);
  const rank: Record<PointStatus, number> = { none: 0, ok: 1, warn: 2, alarm: 3 };
  const calls = callValues
    .sort((a, b) => b.v - a.v) // big circles first, small ones on top (as callCloud)
    .map((c) => ({ id: c.id, position: c.position, radius: areaRadius(c.v, maxCall, 30 * scale), color: CALL_COLOR }));
  const hallPx = 11 * scale;
  const halls = hallValues
    .sort((a, b) => rank[a.status] - rank[b.status]) // alarms drawn last, on top (as hallCloud)
    .map((h) => ({
      id: h.id,
      position: h.position,
      radius: Math.max(hallPx * 0.35, areaRadius(h.v, maxHall, hallPx, hallPx * 0.35)),
      color: HALL_STATUS_COLORS[h.status],
    }));
  return { calls, halls };
}

/** The map as the panel draws it in a visitor zone: one call circle and one hall dot per county (callCloud, hallCloud). */
export function panelClouds(counties: CountyCollection, centroids: Map<string, LonLat>, scale: number, seed = 2) {
  const rnd = random(seed);
  const d: Pick<OutageMapData, 'calls' | 'halls'> = { calls: new Map(), halls: new Map() };
  for (const f of counties.features) {
    const code = f.properties.code;
    d.calls.set(code, Math.round(400 * logNormal(rnd, 0.8)));
    const halls = 2 + Math.floor(rnd() * 8);
    const h: CountyHalls = {
      halls,
      warn: 0,
      alarm: 0,
      waiting: Math.round(30 * logNormal(rnd, 0.8)),
      longestWait: 10 * rnd(),
      dayWait: null,
      status: status(rnd),
    };
    d.halls.set(code, h);
  }
  return { calls: callCloud(d.calls, centroids, 30 * scale), halls: hallCloud(d.halls, centroids, 11 * scale) };
}

/** Customers affected per county: most counties 0, a third with an outage, a few without a figure. */
export function syntheticAffected(counties: CountyCollection, seed = 3): Map<string, number | null> {
  const rnd = random(seed);
  const out = new Map<string, number | null>();
  for (const f of counties.features) {
    const r = rnd();
    out.set(f.properties.code, r < 0.05 ? null : r < 0.4 ? Math.round(500 * logNormal(rnd, 1.2)) : 0);
  }
  return out;
}
