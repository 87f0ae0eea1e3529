// deck.gl layers of the desktop home's map (`/`): the node's counties filled by their average wait, its halls as
// dots, unit names. Colours are the statuses the KPI layer returned with each point (home-batch.ts); the
// thresholds `kpi.definitions` gives only shade a colour within its band. Pure: builds layer instances from
// data (no React, no DOM, no WebGL until deck.gl draws them), so accessors and props are unit-tested in Node
// (queue-map-layers.test.ts). The geometry helpers here are shared with the wall's outage map.
import type { Color, PickingInfo } from '@deck.gl/core';
import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { findCity, PROVINCE } from '@/core/org/divisions';
import { escapeHtml, formatInt, formatMinutes, isNum, shortDivisionName } from '../../_i18n/format';
import type { Translate } from '../../_i18n/locale';
import { WALL } from '../charts/palette';
import type { Band, CountyRow, HallRow } from '../home/home-batch';
import type { PointStatus } from '../wall/panels/kpi-data';

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
 * Fill colour of a county by the status of its average wait (the KPI layer's): muted grey without a figure;
 * teal → green while ok; amber → orange in warning; red, deepening up to twice the alarm threshold, in alarm.
 * The thresholds only place the shade within the band (a missing threshold: the band's middle).
 */
export function countyFill(avgWait: number | null | undefined, status: PointStatus, band: Band): RGBA {
  if (!isNum(avgWait)) return COUNTY_NO_DATA;
  const { warn, alarm } = band;
  switch (status) {
    case 'none':
      return COUNTY_NO_DATA;
    case 'ok': {
      const top = warn ?? alarm;
      return mix(OK_LOW, OK_HIGH, isNum(top) && top > 0 ? avgWait / top : 0.5);
    }
    case 'warn':
      return mix(WARN_LOW, WARN_HIGH, isNum(warn) && isNum(alarm) && alarm > warn ? (avgWait - warn) / (alarm - warn) : 0.5);
    case 'alarm':
      return mix(ALARM_LOW, ALARM_HIGH, isNum(alarm) && alarm > 0 ? (avgWait - alarm) / alarm : 0.5);
  }
}

export const HALL_COLORS: Record<PointStatus, RGBA> = {
  ok: [90, 210, 255, 235],
  warn: [255, 190, 40, 245],
  alarm: [255, 60, 60, 255],
  none: [170, 180, 200, 200],
};

/** Hall dot colour: its status (the worse of its queue's and its longest wait's, as the wall colours a hall). */
export function hallColor(status: PointStatus): RGBA {
  return HALL_COLORS[status];
}

export const HALL_RADIUS_MIN_PX = 3;
export const HALL_RADIUS_MAX_PX = 15;
/** Hall dot radius in pixels, growing with the square root of the queue (area ∝ people waiting). */
export function hallRadius(queueLength: number | null | undefined): number {
  const q = Math.max(0, isNum(queueLength) ? queueLength : 0);
  return Math.min(HALL_RADIUS_MAX_PX, HALL_RADIUS_MIN_PX + 1.8 * Math.sqrt(q));
}

// ---- the node's counties ----

const levelOfCode = (code: string) => (code.length <= 2 ? 'province' : code.length === 4 ? 'city' : code.length === 6 ? 'county' : 'hall');

/** The counties of an org node (all for the province, a city's, a county itself, a hall's county). */
export function countiesOf(fc: CountyCollection, orgCode: string): CountyCollection {
  const level = levelOfCode(orgCode);
  if (level === 'province') return fc;
  const keep =
    level === 'city'
      ? (f: CountyFeature) => f.properties.cityCode === orgCode
      : (f: CountyFeature) => f.properties.code === orgCode.slice(0, 6);
  return { type: 'FeatureCollection', features: fc.features.filter(keep) };
}

/** The unit one level down a click on a county goes to: its city from the province, the county from a city. */
export function drillTarget(f: Pick<CountyFeature, 'properties'>, orgCode: string): string | null {
  const level = levelOfCode(orgCode);
  if (level === 'province') return f.properties.cityCode;
  if (level === 'city') return f.properties.code;
  return null;
}

// ---- centroids and labels ----
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

/** Area-weighted centroid of the outer rings of the features, grouped by `groupOf`. */
function centroidsBy(counties: CountyCollection, groupOf: (f: CountyFeature) => string): Map<string, LonLat> {
  const acc = new Map<string, { x: number; y: number; a: number }>();
  for (const f of counties.features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const poly of polys) {
      const outer = poly[0];
      if (!outer || outer.length < 3) continue;
      const c = ringCentroid(outer);
      const key = groupOf(f);
      const cur = acc.get(key) ?? { x: 0, y: 0, a: 0 };
      cur.x += c.x * c.a;
      cur.y += c.y * c.a;
      cur.a += c.a;
      acc.set(key, cur);
    }
  }
  const out = new Map<string, LonLat>();
  for (const [k, c] of acc) if (c.a > 0) out.set(k, [c.x / c.a, c.y / c.a]);
  return out;
}

export interface MapLabel {
  code: string;
  name: string;
  position: LonLat;
}

/**
 * Names on the map: the cities (at the centre of their counties) for the province, the counties otherwise,
 * short forms (红河州, 石林县).
 */
export function mapLabels(counties: CountyCollection, orgCode: string): MapLabel[] {
  const byCity = levelOfCode(orgCode) === 'province';
  const names = new Map(counties.features.map((f) => [f.properties.code, f.properties.name]));
  const centres = centroidsBy(counties, (f) => (byCity ? f.properties.cityCode : f.properties.code));
  return [...centres.entries()].map(([code, position]) => ({
    code,
    name: shortDivisionName((byCity ? findCity(code)?.name : names.get(code)) ?? code),
    position,
  }));
}

// ---- layers ----

/** A hall where it is drawn: its own place, else its county's centre. */
export interface MapHall extends HallRow {
  position: LonLat;
}

/** The halls with a place to draw them (their own, else their county's centre; halls with neither left out). */
export function placeHalls(
  halls: readonly HallRow[],
  positions: Readonly<Record<string, readonly [number, number]>> | null | undefined,
  counties: CountyCollection,
): MapHall[] {
  const centres = centroidsBy(counties, (f) => f.properties.code);
  const out: MapHall[] = [];
  for (const h of halls) {
    const own = positions && Object.hasOwn(positions, h.code) ? positions[h.code] : undefined;
    const at = own && isNum(own[0]) && isNum(own[1]) ? ([own[0], own[1]] as LonLat) : centres.get(h.countyCode);
    if (at) out.push({ ...h, position: at });
  }
  return out;
}

export interface QueueMapInput {
  /** The node's counties (countiesOf). */
  counties: CountyCollection;
  orgCode: string;
  countyRows: readonly CountyRow[];
  halls: readonly MapHall[];
  /** The average wait's thresholds (kpi.definitions), for the shade within a band. */
  band: Band;
  /** Draw unit names (needs the CJK web font loaded first: the glyph atlas is drawn once). Default true. */
  labels?: boolean;
  fontFamily?: string;
}

const BORDER: Color = [150, 175, 210, 150];
const HIGHLIGHT: number[] = [255, 255, 255, 60];

export function buildQueueMapLayers({
  counties,
  orgCode,
  countyRows,
  halls,
  band,
  labels = true,
  fontFamily = WALL.fontFamily,
}: QueueMapInput) {
  const countyByCode = new Map(countyRows.map((c) => [c.code, c]));
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
    getFillColor: (f) => {
      const c = countyByCode.get(f.properties.code);
      return countyFill(c?.avgWait, c?.status ?? 'none', band);
    },
    updateTriggers: { getFillColor: [countyRows, band.warn, band.alarm] },
    transitions: { getFillColor: 400 },
  });

  // Biggest dots first so that small ones stay visible on top.
  const sorted = [...halls].sort((a, b) => (b.queue ?? 0) - (a.queue ?? 0));
  const hallLayer = new ScatterplotLayer<MapHall>({
    id: 'halls',
    data: sorted,
    pickable: true,
    autoHighlight: true,
    highlightColor: [255, 255, 255, 200],
    radiusUnits: 'pixels',
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    getLineColor: [8, 16, 30, 220],
    getPosition: (h) => h.position,
    getRadius: (h) => hallRadius(h.queue),
    getFillColor: (h) => hallColor(h.status),
    updateTriggers: { getFillColor: [halls], getRadius: [halls] },
  });

  const layers: (GeoJsonLayer<CountyProperties> | ScatterplotLayer<MapHall> | TextLayer<MapLabel>)[] = [countyLayer, hallLayer];
  if (labels) {
    layers.push(
      new TextLayer<MapLabel>({
        id: 'unit-labels',
        data: mapLabels(counties, orgCode),
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

/** Tooltip for a picked county (name, average wait, queue, tickets) or hall (name, queue, longest wait); null elsewhere. */
export function mapTooltip(
  info: Pick<PickingInfo, 'object' | 'layer'>,
  countyRows: readonly CountyRow[],
  t: Translate,
  orgCode: string = PROVINCE.code,
): TooltipContentObject | null {
  const obj: unknown = info.object;
  if (!obj || !info.layer) return null;
  const minutes = (v: number | null) => (isNum(v) ? t('fmt.minutes', { v: formatMinutes(v) }) : formatMinutes(v));
  const people = (v: number | null) => (isNum(v) ? t('fmt.people', { v: formatInt(v) }) : formatInt(v));
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
    const c = countyRows.find((x) => x.code === f.properties.code);
    const lines = [
      `<div style="font-weight:600">${escapeHtml(f.properties.name)}</div>`,
      `<div>${escapeHtml(t('map.tooltip.avgWait', { v: minutes(c?.avgWait ?? null) }))}</div>`,
    ];
    if (c) {
      lines.push(`<div>${escapeHtml(t('map.tooltip.queue', { v: people(c.queue) }))}</div>`);
      lines.push(`<div>${escapeHtml(t('map.tooltip.tickets', { v: formatInt(c.tickets) }))}</div>`);
    }
    const to = drillTarget(f, orgCode);
    if (to) lines.push(`<div style="color:${WALL.textMuted}">${escapeHtml(t('map.tooltip.drill'))}</div>`);
    return { html: lines.join(''), style };
  }
  if (info.layer.id === 'halls') {
    const h = obj as MapHall;
    return {
      html: [
        `<div style="font-weight:600">${escapeHtml(h.name)}</div>`,
        `<div>${escapeHtml(t('map.tooltip.queue', { v: people(h.queue) }))}</div>`,
        `<div>${escapeHtml(t('map.tooltip.longestWait', { v: minutes(h.longestWait) }))}</div>`,
      ].join(''),
      style,
    };
  }
  return null;
}
