// deck.gl layers of the province queue map. Pure: builds layer instances from data (no React, no DOM, no
// WebGL until deck.gl draws them), so accessors and props are unit-tested in Node (queue-map-layers.test.ts).
import type { Color, PickingInfo } from '@deck.gl/core';
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { escapeHtml, formatInt, formatMinutes, isNum, shortDivisionName } from '../../_i18n/format';
import type { Translate } from '../../_i18n/locale';
import { WALL, waitStatus, type Thresholds } from '../charts/palette';
import type { QueueOverviewData } from '../queue-overview/types';

// ---- GeoJSON (the subset the county file uses; structurally compatible with the `geojson` types) ----
export type LonLat = [number, number];
export interface CountyProperties {
  code: string;
  name: string;
  cityCode: string;
}
export type PolygonGeometry = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
export interface CountyFeature {
  type: 'Feature';
  properties: CountyProperties;
  geometry: PolygonGeometry;
}
export interface CountyCollection {
  type: 'FeatureCollection';
  features: CountyFeature[];
}
/** Any GeoJSON-like object: the bounds walk whatever coordinate nesting it finds. */
export interface GeoJsonLike {
  type: string;
  features?: GeoJsonLike[];
  geometry?: GeoJsonLike | null;
  geometries?: GeoJsonLike[];
  coordinates?: unknown;
}

export type Bounds = [LonLat, LonLat];

function walkPositions(coords: unknown, visit: (lon: number, lat: number) => void): void {
  if (!Array.isArray(coords)) return;
  if (coords.length >= 2 && typeof coords[0] === 'number' && typeof coords[1] === 'number') {
    if (Number.isFinite(coords[0]) && Number.isFinite(coords[1])) visit(coords[0], coords[1]);
    return;
  }
  for (const c of coords) walkPositions(c, visit);
}

/** [[west, south], [east, north]] of every position in a FeatureCollection / Feature / Geometry; null if none. */
export function computeBounds(geojson: GeoJsonLike | null | undefined): Bounds | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (lon: number, lat: number) => {
    if (lon < w) w = lon;
    if (lon > e) e = lon;
    if (lat < s) s = lat;
    if (lat > n) n = lat;
  };
  const walk = (g: GeoJsonLike | null | undefined) => {
    if (!g) return;
    g.features?.forEach(walk);
    if (g.geometry) walk(g.geometry);
    g.geometries?.forEach(walk);
    if (g.coordinates !== undefined) walkPositions(g.coordinates, visit);
  };
  walk(geojson);
  return Number.isFinite(w)
    ? [
        [w, s],
        [e, n],
      ]
    : null;
}

// ---- colour scales ----
type RGBA = [number, number, number, number];
const lerp = (a: number, b: number, f: number) => Math.round(a + (b - a) * f);
const mix = (from: RGBA, to: RGBA, f: number): RGBA => {
  const k = Math.min(1, Math.max(0, f));
  return [lerp(from[0], to[0], k), lerp(from[1], to[1], k), lerp(from[2], to[2], k), lerp(from[3], to[3], k)];
};

export const COUNTY_NO_DATA: RGBA = [62, 74, 96, 110];
const OK_LOW: RGBA = [20, 84, 96, 200];
const OK_HIGH: RGBA = [40, 168, 120, 215];
const WARN_LOW: RGBA = [235, 170, 30, 220];
const WARN_HIGH: RGBA = [245, 120, 30, 225];
const ALARM_LOW: RGBA = [235, 60, 60, 230];
const ALARM_HIGH: RGBA = [170, 20, 40, 235];

/**
 * Fill colour of a county by its average wait, banded by waitStatus (strict, DOMAIN.md §2.1): muted grey
 * without data; teal → green up to and including the warning threshold; amber → orange above warning up to and
 * including the alarm threshold; red (deepening up to twice the alarm) above the alarm threshold.
 */
export function countyFill(avgWaitMin: number | null | undefined, th: Thresholds): RGBA {
  switch (waitStatus(avgWaitMin, th)) {
    case 'none':
      return COUNTY_NO_DATA;
    case 'ok':
      return mix(OK_LOW, OK_HIGH, (avgWaitMin as number) / th.waitWarnMin);
    case 'warn':
      return mix(WARN_LOW, WARN_HIGH, ((avgWaitMin as number) - th.waitWarnMin) / Math.max(1e-9, th.waitAlarmMin - th.waitWarnMin));
    case 'alarm':
      return mix(ALARM_LOW, ALARM_HIGH, ((avgWaitMin as number) - th.waitAlarmMin) / Math.max(1e-9, th.waitAlarmMin));
  }
}

export const HALL_COLORS: Record<'ok' | 'warn' | 'alarm' | 'none', RGBA> = {
  ok: [90, 210, 255, 235],
  warn: [255, 190, 40, 245],
  alarm: [255, 60, 60, 255],
  none: [170, 180, 200, 200],
};

/** Hall dot colour by its current longest wait: red above the alarm threshold (>), amber above warning; the threshold itself is the lower level. */
export function hallColor(longestWaitMin: number | null | undefined, th: Thresholds): RGBA {
  return HALL_COLORS[waitStatus(longestWaitMin, th)];
}

export const HALL_RADIUS_MIN_PX = 3;
export const HALL_RADIUS_MAX_PX = 15;
/** Hall dot radius in pixels, growing with the square root of the queue (area ∝ people waiting). */
export function hallRadius(queueLength: number): number {
  const q = Math.max(0, Number.isFinite(queueLength) ? queueLength : 0);
  return Math.min(HALL_RADIUS_MAX_PX, HALL_RADIUS_MIN_PX + 1.8 * Math.sqrt(q));
}

// ---- labels ----
function ringCentroid(ring: number[][]): { x: number; y: number; a: number } {
  let a = 0;
  let x = 0;
  let y = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[i] as number[];
    const q = ring[j] as number[];
    const cross = (q[0] as number) * (p[1] as number) - (p[0] as number) * (q[1] as number);
    a += cross;
    x += ((q[0] as number) + (p[0] as number)) * cross;
    y += ((q[1] as number) + (p[1] as number)) * cross;
  }
  a /= 2;
  return a === 0 ? { x: ring[0]?.[0] ?? 0, y: ring[0]?.[1] ?? 0, a: 0 } : { x: x / (6 * a), y: y / (6 * a), a: Math.abs(a) };
}

export interface CityLabel {
  code: string;
  name: string;
  position: LonLat;
}

/** One label per city at the area-weighted centroid of its counties' outer rings, named from data.byCity. */
export function cityLabels(counties: CountyCollection, byCity: QueueOverviewData['byCity']): CityLabel[] {
  const acc = new Map<string, { x: number; y: number; a: number }>();
  for (const f of counties.features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const poly of polys) {
      const outer = poly[0];
      if (!outer || outer.length < 3) continue;
      const c = ringCentroid(outer);
      const cur = acc.get(f.properties.cityCode) ?? { x: 0, y: 0, a: 0 };
      cur.x += c.x * c.a;
      cur.y += c.y * c.a;
      cur.a += c.a;
      acc.set(f.properties.cityCode, cur);
    }
  }
  const labels: CityLabel[] = [];
  for (const city of byCity) {
    const c = acc.get(city.code);
    if (!c || c.a === 0) continue;
    labels.push({ code: city.code, name: shortDivisionName(city.name), position: [c.x / c.a, c.y / c.a] });
  }
  return labels;
}

// ---- layers ----
export type County = QueueOverviewData['byCounty'][number];
export type Hall = QueueOverviewData['halls'][number];

export interface QueueMapInput {
  counties: CountyCollection;
  data: Pick<QueueOverviewData, 'byCounty' | 'halls' | 'byCity'>;
  thresholds: Thresholds;
  /** Draw city names (needs the CJK web font loaded first: the glyph atlas is drawn once). Default true. */
  labels?: boolean;
  fontFamily?: string;
}

const BORDER: Color = [150, 175, 210, 150];
const HIGHLIGHT: number[] = [255, 255, 255, 60];

export function buildQueueMapLayers({ counties, data, thresholds, labels = true, fontFamily = WALL.fontFamily }: QueueMapInput) {
  const countyByCode = new Map(data.byCounty.map((c) => [c.code, c]));
  const countyLayer = new GeoJsonLayer<CountyProperties>({
    id: 'county-wait',
    data: counties as unknown as GeoJsonLayer<CountyProperties>['props']['data'],
    filled: true,
    stroked: true,
    pickable: true,
    autoHighlight: true,
    highlightColor: HIGHLIGHT,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    lineWidthMinPixels: 1,
    getLineColor: BORDER,
    getFillColor: (f) => countyFill(countyByCode.get(f.properties.code)?.avgWaitMin ?? null, thresholds),
    updateTriggers: { getFillColor: [data.byCounty, thresholds.waitWarnMin, thresholds.waitAlarmMin] },
    transitions: { getFillColor: 400 },
  });

  // Biggest dots first so that small ones stay visible on top.
  const halls = [...data.halls].sort((a, b) => b.queueLength - a.queueLength);
  const hallLayer = new ScatterplotLayer<Hall>({
    id: 'halls',
    data: halls,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 200],
    radiusUnits: 'pixels',
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    getLineColor: [8, 16, 30, 220],
    getPosition: (h) => [h.lon, h.lat],
    getRadius: (h) => hallRadius(h.queueLength),
    getFillColor: (h) => hallColor(h.longestWaitMin, thresholds),
    updateTriggers: {
      getFillColor: [data.halls, thresholds.waitWarnMin, thresholds.waitAlarmMin],
      getRadius: [data.halls],
    },
  });

  const layers: (GeoJsonLayer<CountyProperties> | ScatterplotLayer<Hall> | TextLayer<CityLabel>)[] = [countyLayer, hallLayer];
  if (labels) {
    layers.push(
      new TextLayer<CityLabel>({
        id: 'city-labels',
        data: cityLabels(counties, data.byCity),
        characterSet: 'auto',
        fontFamily,
        fontWeight: 600,
        fontSettings: { sdf: true, fontSize: 64, buffer: 6 },
        outlineWidth: 4,
        outlineColor: [6, 12, 24, 230],
        getText: (d) => d.name,
        getPosition: (d) => d.position,
        getSize: 15,
        sizeUnits: 'pixels',
        getColor: [235, 242, 252, 255],
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        pickable: false,
      }),
    );
  }
  return layers;
}

// ---- tooltip ----
export interface TooltipContentObject {
  html: string;
  className?: string;
  style?: Partial<CSSStyleDeclaration>;
}

/** Tooltip for a picked county (name + average wait) or hall (name + queue + longest wait); null elsewhere. */
export function mapTooltip(
  info: Pick<PickingInfo, 'object' | 'layer'>,
  data: Pick<QueueOverviewData, 'byCounty'>,
  t: Translate,
): TooltipContentObject | null {
  const obj: unknown = info.object;
  if (!obj || !info.layer) return null;
  const minutes = (v: number | null) => (isNum(v) ? t('fmt.minutes', { v: formatMinutes(v) }) : formatMinutes(v));
  const style: Partial<CSSStyleDeclaration> = {
    background: WALL.tooltipBg,
    border: `1px solid ${WALL.tooltipBorder}`,
    color: WALL.text,
    fontFamily: WALL.fontFamily,
    fontSize: '15px',
    lineHeight: '1.6',
    padding: '8px 12px',
    borderRadius: '6px',
    margin: '14px 0 0 14px', // keep the box clear of the cursor
    whiteSpace: 'nowrap',
  };
  if (info.layer.id === 'county-wait') {
    const f = obj as CountyFeature;
    const c = data.byCounty.find((x) => x.code === f.properties.code);
    const lines = [
      `<div style="font-weight:600">${escapeHtml(f.properties.name)}</div>`,
      `<div>${escapeHtml(t('map.tooltip.avgWait', { v: minutes(c?.avgWaitMin ?? null) }))}</div>`,
    ];
    if (c) {
      lines.push(`<div>${escapeHtml(t('map.tooltip.queue', { v: t('fmt.people', { v: formatInt(c.queueLength) }) }))}</div>`);
      lines.push(`<div>${escapeHtml(t('map.tooltip.tickets', { v: formatInt(c.ticketsIssued) }))}</div>`);
    }
    return { html: lines.join(''), style };
  }
  if (info.layer.id === 'halls') {
    const h = obj as Hall;
    return {
      html: [
        `<div style="font-weight:600">${escapeHtml(h.name)}</div>`,
        `<div>${escapeHtml(t('map.tooltip.queue', { v: t('fmt.people', { v: formatInt(h.queueLength) }) }))}</div>`,
        `<div>${escapeHtml(t('map.tooltip.longestWait', { v: minutes(h.longestWaitMin) }))}</div>`,
      ].join(''),
      style,
    };
  }
  return null;
}
