// deck.gl layers of the wall's outage & service map, over the offline county boundaries (no tile server).
// Pure: builds layer instances from data (no React, no DOM, no WebGL until deck.gl draws them), so the props
// are unit-tested in Node (outage-map-layers.test.ts) and bench code can feed it synthetic points.
//
// Layers, bottom to top:
//   county-outage  counties filled by the customers affected by outages (log ramp; grey = no data)
//   call-density   one circle per point of a point cloud (here: a county's 95598 calls at its centroid),
//                  area ∝ calls
//   hall-status    one dot per point of a point cloud: each hall at its own place (hallSiteCloud; a hall
//                  without one at its county's centroid), coloured by its queue status (at night, while
//                  today has no ticket yet, by the last business day's average wait: business-day.ts), sized
//                  by people waiting; in a visitor zone (no hall positions in the data) one dot per county instead
//                  (hallCloud: the worst hall status of the county at its centroid)
//   county-labels  names of the counties with outages (optional: needs the CJK web font loaded first)
// The point layers take binary attributes (typed arrays, no per-point accessor calls), so 100k points
// upload as three buffers; what they cost per frame against the map alone: bench/wall-map.ts.

import type { Color, PickingInfo } from '@deck.gl/core';
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { PanelData } from '@/server/wall/types';
import { escapeHtml, formatInt, formatMinutes, isNum, NO_VALUE, shortDivisionName } from '../../../_i18n/format';
import type { Translate } from '../../../_i18n/locale';
import { WALL } from '../../charts/palette';
import { COUNTY_NO_DATA, type CountyCollection, type CountyFeature, type CountyProperties, type LonLat } from '../../map/queue-map-layers';
import { lastDayLabel, panelDay } from './business-day';
import { findSeries, pointsByOrg, type PointStatus } from './kpi-data';
import { worse } from './queue-board';

type RGBA = [number, number, number, number];

// ---- county aggregates from the panel's data ----

export interface CountyHalls {
  halls: number;
  warn: number;
  alarm: number;
  /** People waiting in the county's halls; null when none reported. */
  waiting: number | null;
  /** Longest wait now over the county's halls; null without any waiting ticket. */
  longestWait: number | null;
  /** At night (OutageMapData.day): the highest average wait of the county's halls that day; else null. */
  dayWait: number | null;
  status: PointStatus;
}

/** One hall with its place and queue now (drawn where it is when the server sent hall positions). */
export interface HallSite {
  code: string;
  /** The hall's name (the KPI layer's orgName). */
  name: string;
  countyCode: string;
  /** Its place from the hall reference data; null: drawn at its county's centroid. */
  position: LonLat | null;
  /** People waiting now; null when not reported. */
  waiting: number | null;
  /** Longest wait now (minutes); null without a waiting ticket. */
  longestWait: number | null;
  /** At night (OutageMapData.day): the hall's average wait that day (minutes); else null. */
  dayWait: number | null;
  /**
   * The worse of the queue length's and the longest wait's status (as the queue board); at night the status
   * of the last business day's average wait.
   */
  status: PointStatus;
}

export interface OutageMapData {
  /** County code → customers affected by outages in the period (null: the county has no figure). */
  affected: Map<string, number | null>;
  events: Map<string, number | null>;
  /** County code → 95598 calls today. */
  calls: Map<string, number | null>;
  /** County code → its halls' queue status. */
  halls: Map<string, CountyHalls>;
  /**
   * Hall code → the hall at its place, when the panel's data carries hall positions; null without them (a
   * visitor zone, or positions the server could not read): the map then draws `halls`, one dot per county.
   */
  sites: Map<string, HallSite> | null;
  /**
   * The last business day (YYYY-MM-DD, Beijing) the halls' colours describe while today has no ticket yet (the
   * halls are closed), as the queue board and ranking show it; null: the halls' queue now.
   */
  day: string | null;
  /** Whether the halls are coloured by the last business day (day may still be null when its date is unknown). */
  previousDay: boolean;
}

const validPosition = (p: unknown): p is LonLat =>
  Array.isArray(p) && p.length === 2 && isNum(p[0]) && isNum(p[1]) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;

/** Hall codes are the county code + 3 digits (etl/simulator/halls.ts). */
export const countyOfHall = (hallCode: string) => hallCode.slice(0, 6);

export function outageMapData(panelData: PanelData | undefined): OutageMapData {
  // The night rule: the day figures are the last business day's when today has no ticket yet (business-day.ts).
  const night = panelDay(panelData);
  const data = night.data;
  const values = (kpi: string, suffix: string) => {
    const m = new Map<string, number | null>();
    for (const [code, p] of pointsByOrg(findSeries(data, kpi, suffix))) m.set(code, p.value);
    return m;
  };
  const halls = new Map<string, CountyHalls>();
  const positions = data?.hallPositions;
  const sites = positions ? new Map<string, HallSite>() : null;
  const length = pointsByOrg(findSeries(data, 'queue.length', ':halls'));
  const longest = pointsByOrg(findSeries(data, 'queue.longest_wait_now', ':halls'));
  const dayWait = night.previousDay ? pointsByOrg(findSeries(data, 'queue.avg_wait', ':halls')) : new Map<string, never>();
  for (const code of new Set([...length.keys(), ...longest.keys(), ...dayWait.keys()])) {
    const county = countyOfHall(code);
    const l = length.get(code);
    const w = longest.get(code);
    const a = dayWait.get(code);
    const day = isNum(a?.value) ? a.value : null;
    const status = night.previousDay ? (a?.status ?? 'none') : worse(l?.status ?? 'none', w?.status ?? 'none');
    const empty: CountyHalls = { halls: 0, warn: 0, alarm: 0, waiting: null, longestWait: null, dayWait: null, status: 'none' };
    const c = halls.get(county) ?? empty;
    c.halls += 1;
    if (status === 'warn') c.warn += 1;
    if (status === 'alarm') c.alarm += 1;
    if (isNum(l?.value)) c.waiting = (c.waiting ?? 0) + l.value;
    if (isNum(w?.value)) c.longestWait = Math.max(c.longestWait ?? -Infinity, w.value);
    if (day !== null) c.dayWait = Math.max(c.dayWait ?? -Infinity, day);
    c.status = c.halls === 1 ? status : worse(c.status, status);
    halls.set(county, c);
    if (sites && positions) {
      const at = Object.hasOwn(positions, code) ? positions[code] : undefined;
      sites.set(code, {
        code,
        name: l?.orgName || w?.orgName || a?.orgName || code,
        countyCode: county,
        position: validPosition(at) ? [at[0], at[1]] : null,
        waiting: isNum(l?.value) ? l.value : null,
        longestWait: isNum(w?.value) ? w.value : null,
        dayWait: day,
        status,
      });
    }
  }
  return {
    affected: values('outage.affected', ':outage'),
    events: values('outage.events', ':outage'),
    calls: values('call.inbound', ':calls'),
    halls,
    sites,
    day: night.date,
    previousDay: night.previousDay,
  };
}

// ---- geometry ----

function ringCentroid(ring: number[][]): { x: number; y: number; a: number } {
  let a = 0;
  let x = 0;
  let y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[i]!;
    const q = ring[j]!;
    const cross = q[0]! * p[1]! - p[0]! * q[1]!;
    a += cross;
    x += (q[0]! + p[0]!) * cross;
    y += (q[1]! + p[1]!) * cross;
  }
  a /= 2;
  return a === 0 ? { x: ring[0]?.[0] ?? 0, y: ring[0]?.[1] ?? 0, a: 0 } : { x: x / (6 * a), y: y / (6 * a), a: Math.abs(a) };
}

/** Each county's area-weighted centroid of its outer rings (where its circles and dots are drawn). */
export function countyCentroids(counties: CountyCollection): Map<string, LonLat> {
  const out = new Map<string, LonLat>();
  for (const f of counties.features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    let x = 0;
    let y = 0;
    let a = 0;
    for (const poly of polys) {
      const outer = poly[0];
      if (!outer || outer.length < 3) continue;
      const c = ringCentroid(outer);
      x += c.x * c.a;
      y += c.y * c.a;
      a += c.a;
    }
    if (a > 0) out.set(f.properties.code, [x / a, y / a]);
  }
  return out;
}

// ---- colours and sizes ----

export const NO_OUTAGE: RGBA = [28, 58, 92, 170];
const OUTAGE_LOW: RGBA = [250, 190, 70, 215];
const OUTAGE_HIGH: RGBA = [215, 40, 40, 240];

const mix = (a: RGBA, b: RGBA, f: number): RGBA => {
  const k = Math.min(1, Math.max(0, f));
  return a.map((v, i) => Math.round(v + (b[i]! - v) * k)) as RGBA;
};

/**
 * Fill of a county by customers affected: grey without a figure (never the colour of 0), calm blue for 0,
 * amber → red on a log scale up to the largest county of the map.
 */
export function outageFill(affected: number | null | undefined, max: number): RGBA {
  if (!isNum(affected)) return COUNTY_NO_DATA;
  if (affected <= 0) return NO_OUTAGE;
  const f = max > 1 ? Math.log1p(affected) / Math.log1p(max) : 1;
  return mix(OUTAGE_LOW, OUTAGE_HIGH, f);
}

export const HALL_STATUS_COLORS: Record<PointStatus, RGBA> = {
  ok: [47, 207, 138, 255],
  warn: [245, 178, 27, 255],
  alarm: [255, 60, 60, 255],
  none: [150, 165, 190, 220],
};

export const CALL_COLOR: RGBA = [58, 184, 255, 70];
export const CALL_LINE: RGBA = [120, 210, 255, 200];

/** Circle radius in pixels for a count: area ∝ count, the largest `maxPx`, at least `minPx` when > 0. */
export function areaRadius(v: number | null | undefined, max: number, maxPx: number, minPx = 2): number {
  if (!isNum(v) || v <= 0 || max <= 0) return 0;
  return Math.max(minPx, maxPx * Math.sqrt(v / max));
}

// ---- point clouds (binary attributes) ----

/** Points as typed arrays: what deck.gl uploads directly, without calling an accessor per point. */
export interface PointCloud {
  length: number;
  /** lon, lat pairs (2 × length). */
  positions: Float32Array;
  /** Radius in pixels (length). */
  radii: Float32Array;
  /** RGBA 0–255 (4 × length). */
  colors: Uint8Array;
  /** What each point stands for (a county code here), for tooltips; optional. */
  ids?: string[];
}

export function buildPointCloud(items: readonly { id?: string; position: LonLat; radius: number; color: readonly number[] }[]): PointCloud {
  const n = items.length;
  const positions = new Float32Array(n * 2);
  const radii = new Float32Array(n);
  const colors = new Uint8Array(n * 4);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    positions[i * 2] = it.position[0];
    positions[i * 2 + 1] = it.position[1];
    radii[i] = it.radius;
    const c = it.color;
    colors[i * 4] = c[0]!;
    colors[i * 4 + 1] = c[1]!;
    colors[i * 4 + 2] = c[2]!;
    colors[i * 4 + 3] = c[3] ?? 255;
    if (it.id !== undefined) ids.push(it.id);
  }
  return { length: n, positions, radii, colors, ids: ids.length === n ? ids : undefined };
}

/** Counties' calls as circles at their centroids (the biggest county `maxPx` wide in radius). */
export function callCloud(calls: OutageMapData['calls'], centroids: Map<string, LonLat>, maxPx: number): PointCloud {
  const max = Math.max(0, ...[...calls.values()].filter(isNum));
  const items = [...calls.entries()]
    .filter(([code, v]) => isNum(v) && v > 0 && centroids.has(code))
    .sort((a, b) => (b[1] as number) - (a[1] as number)) // big circles first, small ones on top
    .map(([code, v]) => ({ id: code, position: centroids.get(code)!, radius: areaRadius(v, max, maxPx), color: CALL_COLOR }));
  return buildPointCloud(items);
}

const STATUS_RANK: Record<PointStatus, number> = { none: 0, ok: 1, warn: 2, alarm: 3 };

/** Counties' halls as one dot each at the centroid: colour = worst hall status, size by people waiting. */
export function hallCloud(halls: OutageMapData['halls'], centroids: Map<string, LonLat>, maxPx: number): PointCloud {
  const max = Math.max(0, ...[...halls.values()].map((h) => h.waiting).filter(isNum));
  const items = [...halls.entries()]
    .filter(([code]) => centroids.has(code))
    .sort((a, b) => STATUS_RANK[a[1].status] - STATUS_RANK[b[1].status]) // alarms drawn last, on top
    .map(([code, h]) => ({
      id: code,
      position: centroids.get(code)!,
      radius: Math.max(maxPx * 0.35, areaRadius(h.waiting, max, maxPx, maxPx * 0.35)),
      color: HALL_STATUS_COLORS[h.status],
    }));
  return buildPointCloud(items);
}

/**
 * Halls as one dot each at their own place (a hall without one at its county's centroid; without either it is
 * left out): colour = its queue status, size by people waiting as hallCloud (at least 35 % of `maxPx`, the
 * fullest hall `maxPx`). Alarms drawn last (on top); within a status big dots first, small ones on top.
 */
export function hallSiteCloud(sites: ReadonlyMap<string, HallSite>, centroids: Map<string, LonLat>, maxPx: number): PointCloud {
  const placed = [...sites.values()].flatMap((h) => {
    const position = h.position ?? centroids.get(h.countyCode);
    return position ? [{ h, position }] : [];
  });
  const max = Math.max(0, ...placed.map(({ h }) => h.waiting).filter(isNum));
  const items = placed
    .sort(
      (a, b) =>
        STATUS_RANK[a.h.status] - STATUS_RANK[b.h.status] || (b.h.waiting ?? 0) - (a.h.waiting ?? 0) || a.h.code.localeCompare(b.h.code),
    )
    .map(({ h, position }) => ({
      id: h.code,
      position,
      radius: Math.max(maxPx * 0.35, areaRadius(h.waiting, max, maxPx, maxPx * 0.35)),
      color: HALL_STATUS_COLORS[h.status],
    }));
  return buildPointCloud(items);
}

// ---- layers ----

export interface OutageMapInput {
  counties: CountyCollection;
  /** County code → affected customers (fill). */
  affected: Map<string, number | null>;
  calls: PointCloud;
  halls: PointCloud;
  /** Text labels of the counties with outages (needs the CJK font loaded); none by default. */
  labels?: { position: LonLat; text: string }[];
  /** Pixel scale of strokes and text (1 at a ~1000 px map). */
  scale?: number;
  fontFamily?: string;
}

const BORDER: Color = [150, 175, 210, 130];

function pointLayer(id: string, cloud: PointCloud, line: Color | null, lineWidth: number) {
  return new ScatterplotLayer({
    id,
    // Binary data: deck.gl reads the typed arrays as attributes (no accessor call per point).
    data: {
      length: cloud.length,
      attributes: {
        getPosition: { value: cloud.positions, size: 2 },
        getRadius: { value: cloud.radii, size: 1 },
        getFillColor: { value: cloud.colors, size: 4, normalized: true },
      },
    },
    radiusUnits: 'pixels',
    stroked: line !== null,
    getLineColor: line ?? [0, 0, 0, 0],
    lineWidthUnits: 'pixels',
    getLineWidth: lineWidth,
    pickable: true,
    autoHighlight: false,
  });
}

/** Counties filled by customers affected. Build it only when the figures change: a new instance re-checks
 * every polygon (seconds under software rendering), the same instance is skipped by deck.gl. */
export function countyOutageLayer(counties: CountyCollection, affected: Map<string, number | null>) {
  const max = Math.max(0, ...[...affected.values()].filter(isNum));
  return new GeoJsonLayer<CountyProperties>({
    id: 'county-outage',
    data: counties as unknown as GeoJsonLayer<CountyProperties>['props']['data'],
    filled: true,
    stroked: true,
    pickable: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    lineWidthMinPixels: 1,
    getLineColor: BORDER,
    getFillColor: (f) => outageFill(affected.get(f.properties.code), max),
    updateTriggers: { getFillColor: [affected, max] },
  });
}

/** The call circles and hall dots (binary attributes; 100k points upload as three buffers). */
export function pointLayers(calls: PointCloud, halls: PointCloud, scale = 1) {
  return [
    pointLayer('call-density', calls, CALL_LINE, Math.max(1, scale)),
    pointLayer('hall-status', halls, [8, 16, 30, 230], Math.max(1, 1.5 * scale)),
  ];
}

/** Names of the counties with outages; null without labels. */
export function labelLayer(labels: { position: LonLat; text: string }[], scale = 1, fontFamily: string = WALL.fontFamily) {
  if (!labels.length) return null;
  return new TextLayer<{ position: LonLat; text: string }>({
    id: 'county-labels',
    data: labels,
    characterSet: 'auto',
    fontFamily,
    fontWeight: 600,
    fontSettings: { sdf: true, fontSize: 64, buffer: 6 },
    outlineWidth: 4,
    outlineColor: [6, 12, 24, 230],
    getText: (d) => d.text,
    getPosition: (d) => d.position,
    getSize: Math.round(20 * scale),
    sizeUnits: 'pixels',
    getPixelOffset: [0, Math.round(-14 * scale)],
    getColor: [255, 236, 200, 255],
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'bottom',
    pickable: false,
  });
}

/** Every layer of the map, bottom to top (the panel builds the parts separately to keep unchanged ones). */
export function buildOutageMapLayers({
  counties,
  affected,
  calls,
  halls,
  labels = [],
  scale = 1,
  fontFamily = WALL.fontFamily,
}: OutageMapInput) {
  const text = labelLayer(labels, scale, fontFamily);
  return [countyOutageLayer(counties, affected), ...pointLayers(calls, halls, scale), ...(text ? [text] : [])];
}

/** Labels for the `n` counties with the most customers affected (names shortened for the wall). */
export function outageLabels(counties: CountyCollection, affected: Map<string, number | null>, centroids: Map<string, LonLat>, n = 8) {
  const names = new Map(counties.features.map((f) => [f.properties.code, f.properties.name]));
  return [...affected.entries()]
    .filter(([code, v]) => isNum(v) && v > 0 && centroids.has(code) && names.has(code))
    .sort((a, b) => (b[1] as number) - (a[1] as number) || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([code]) => ({ position: centroids.get(code)!, text: shortDivisionName(names.get(code)!) }));
}

// ---- tooltip ----

const TOOLTIP_STYLE = {
  background: WALL.tooltipBg,
  border: `1px solid ${WALL.tooltipBorder}`,
  color: WALL.text,
  fontFamily: WALL.fontFamily,
  fontSize: '16px',
  lineHeight: '1.6',
  padding: '8px 12px',
  borderRadius: '6px',
  whiteSpace: 'nowrap',
} as Partial<CSSStyleDeclaration>;

const minutes = (v: number | null | undefined, t: Translate) => (isNum(v) ? `${formatMinutes(v)} ${t('wallp.unit.minutes')}` : NO_VALUE);

/**
 * Tooltip for a picked county, call circle or hall dot: a hall drawn at its place names the hall (its status
 * colour, its county) with its queue now and longest wait; a county, call circle or per-county hall dot gives
 * the county's figures. Null elsewhere.
 */
export function outageMapTooltip(
  info: Pick<PickingInfo, 'object' | 'layer' | 'index'>,
  d: OutageMapData,
  clouds: { calls: PointCloud; halls: PointCloud },
  names: Map<string, string>,
  t: Translate,
) {
  if (!info.layer) return null;
  let code: string | undefined;
  if (info.layer.id === 'county-outage') code = (info.object as CountyFeature | undefined)?.properties.code;
  else if (info.layer.id === 'call-density') code = clouds.calls.ids?.[info.index];
  else if (info.layer.id === 'hall-status') code = clouds.halls.ids?.[info.index];
  if (!code) return null;
  const site = info.layer.id === 'hall-status' ? d.sites?.get(code) : undefined;
  if (site) {
    const c = HALL_STATUS_COLORS[site.status];
    const dot = `<span style="display:inline-block;width:0.7em;height:0.7em;border-radius:50%;margin-right:0.4em;background:rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3] / 255).toFixed(2)})"></span>`;
    return {
      html: [
        `<div style="font-weight:600">${dot}${escapeHtml(site.name)}</div>`,
        `<div style="opacity:0.75">${escapeHtml(names.get(site.countyCode) ?? site.countyCode)}</div>`,
        ...(d.previousDay
          ? [`<div>${escapeHtml(t('wallp.map.tooltip.dayWait', { day: lastDayLabel(d.day, t), v: minutes(site.dayWait, t) }))}</div>`]
          : [
              `<div>${escapeHtml(t('wallp.map.tooltip.queue', { v: formatInt(site.waiting) }))}</div>`,
              `<div>${escapeHtml(t('wallp.map.tooltip.longest', { v: minutes(site.longestWait, t) }))}</div>`,
            ]),
      ].join(''),
      style: TOOLTIP_STYLE,
    };
  }
  const h = d.halls.get(code);
  const lines = [
    `<div style="font-weight:600">${escapeHtml(names.get(code) ?? code)}</div>`,
    `<div>${escapeHtml(t('wallp.map.tooltip.affected', { v: formatInt(d.affected.get(code)) }))}</div>`,
    `<div>${escapeHtml(t('wallp.map.tooltip.events', { v: formatInt(d.events.get(code)) }))}</div>`,
    `<div>${escapeHtml(t('wallp.map.tooltip.calls', { v: formatInt(d.calls.get(code)) }))}</div>`,
  ];
  if (h) {
    lines.push(`<div>${escapeHtml(t('wallp.map.tooltip.halls', { n: h.halls, warn: h.warn, alarm: h.alarm }))}</div>`);
    if (d.previousDay) {
      lines.push(`<div>${escapeHtml(t('wallp.map.tooltip.dayWaitMax', { day: lastDayLabel(d.day, t), v: minutes(h.dayWait, t) }))}</div>`);
    } else {
      lines.push(`<div>${escapeHtml(t('wallp.map.tooltip.queue', { v: formatInt(h.waiting) }))}</div>`);
      lines.push(`<div>${escapeHtml(t('wallp.map.tooltip.longest', { v: minutes(h.longestWait, t) }))}</div>`);
    }
  }
  return { html: lines.join(''), style: TOOLTIP_STYLE };
}
