import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../_i18n/locale';
import type { Band, CountyRow, HallRow } from '../home/home-batch';
import {
  buildQueueMapLayers,
  computeBounds,
  countiesOf,
  COUNTY_NO_DATA,
  countyFill,
  drillTarget,
  HALL_COLORS,
  HALL_RADIUS_MAX_PX,
  hallColor,
  hallRadius,
  mapLabels,
  mapTooltip,
  placeHalls,
  type CountyCollection,
  type CountyFeature,
  type MapHall,
} from './queue-map-layers';

// The average wait's thresholds as kpi.definitions gives them with the default parameters.
const band: Band = { warn: 20, alarm: 30, target: null };
const zh = createTranslator('zh-CN');

const square = (code: string, cityCode: string, x: number, y: number, size = 1): CountyFeature => ({
  type: 'Feature',
  properties: { code, name: `县${code}`, cityCode },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [x, y],
        [x + size, y],
        [x + size, y + size],
        [x, y + size],
        [x, y],
      ],
    ],
  },
});

const counties: CountyCollection = {
  type: 'FeatureCollection',
  features: [
    square('530102', '5301', 102, 25),
    square('530103', '5301', 103, 25),
    {
      type: 'Feature',
      properties: { code: '533422', name: '德钦县', cityCode: '5334' },
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [98.5, 28],
              [99, 28],
              [99, 28.8],
              [98.5, 28],
            ],
          ],
          [
            [
              [97.6, 27.5],
              [97.9, 27.5],
              [97.9, 27.9],
              [97.6, 27.5],
            ],
          ],
        ],
      },
    },
  ],
};

const countyRows: CountyRow[] = [
  { code: '530102', avgWait: 12, status: 'ok', queue: 9, tickets: 120 },
  { code: '530103', avgWait: 35, status: 'alarm', queue: 20, tickets: 80 },
];
const hall = (
  code: string,
  name: string,
  countyCode: string,
  queue: number,
  longestWait: number | null,
  status: HallRow['status'],
): HallRow => ({
  code,
  name,
  countyCode,
  countyName: null,
  cityName: null,
  queue,
  longestWait,
  queueStatus: 'ok',
  waitStatus: status,
  status,
});
const hallRows: HallRow[] = [
  hall('530102001', '五华营业厅', '530102', 4, 12, 'ok'),
  hall('530103001', '盘龙营业厅', '530103', 25, 30, 'warn'),
  hall('533422001', '德钦营业厅', '533422', 0, null, 'none'),
];
const places = { '530102001': [102.5, 25.5], '530103001': [103.5, 25.5] } as Record<string, [number, number]>;
const halls = placeHalls(hallRows, places, counties);

describe('computeBounds', () => {
  it('spans polygons and multipolygons of a FeatureCollection', () => {
    expect(computeBounds(counties)).toEqual([
      [97.6, 25],
      [104, 28.8],
    ]);
  });

  it('handles bare geometries and points, and returns null without positions', () => {
    expect(computeBounds({ type: 'Point', coordinates: [100, 24] })).toEqual([
      [100, 24],
      [100, 24],
    ]);
    expect(computeBounds({ type: 'FeatureCollection', features: [] })).toBeNull();
    expect(computeBounds(null)).toBeNull();
  });
});

describe('countyFill', () => {
  it('is muted grey without data, never the colour of 0 minutes', () => {
    expect(countyFill(null, 'none', band)).toEqual(COUNTY_NO_DATA);
    expect(countyFill(0, 'ok', band)).not.toEqual(COUNTY_NO_DATA);
  });

  it('takes its band from the status the KPI layer gave (green, amber, red)', () => {
    const ok = countyFill(10, 'ok', band);
    const warn = countyFill(25, 'warn', band);
    const alarm = countyFill(31, 'alarm', band);
    expect(ok[1]).toBeGreaterThan(ok[0]);
    expect(warn[0]).toBeGreaterThan(warn[2]);
    expect(warn[1]).toBeGreaterThan(80);
    expect(alarm[0]).toBeGreaterThan(200);
    expect(alarm[1]).toBeLessThan(80);
    // The value does not move a county out of the band its status says (no second judgement here).
    const statusWins = countyFill(5, 'warn', band);
    expect(statusWins[0]).toBeGreaterThan(statusWins[2]);
  });

  it('deepens within a band, is clamped beyond twice the alarm, and copes without thresholds', () => {
    expect(countyFill(2, 'ok', band)).not.toEqual(countyFill(18, 'ok', band));
    expect(countyFill(60, 'alarm', band)).toEqual(countyFill(600, 'alarm', band));
    const none: Band = { warn: null, alarm: null, target: null };
    for (const s of ['ok', 'warn', 'alarm'] as const) for (const c of countyFill(7, s, none)) expect(c >= 0 && c <= 255).toBe(true);
    for (const v of [0, 5, 20, 20.01, 29, 30, 30.01, 90])
      for (const c of countyFill(v, 'warn', band)) expect(c >= 0 && c <= 255).toBe(true);
  });
});

describe('hall style', () => {
  it('is the colour of the hall’s status', () => {
    expect(hallColor('alarm')).toEqual(HALL_COLORS.alarm);
    expect(hallColor('warn')).toEqual(HALL_COLORS.warn);
    expect(hallColor('ok')).toEqual(HALL_COLORS.ok);
    expect(hallColor('none')).toEqual(HALL_COLORS.none);
  });

  it('grows with the queue and is bounded', () => {
    expect(hallRadius(0)).toBeLessThan(hallRadius(4));
    expect(hallRadius(4)).toBeLessThan(hallRadius(25));
    expect(hallRadius(10_000)).toBe(HALL_RADIUS_MAX_PX);
    expect(hallRadius(-3)).toBe(hallRadius(0));
    expect(hallRadius(null)).toBe(hallRadius(0));
  });
});

describe('the node’s counties, drill-down and places', () => {
  it('keeps every county for the province, a city’s counties, a county itself, a hall’s county', () => {
    expect(countiesOf(counties, '53').features).toHaveLength(3);
    expect(countiesOf(counties, '5301').features.map((f) => f.properties.code)).toEqual(['530102', '530103']);
    expect(countiesOf(counties, '530103').features.map((f) => f.properties.code)).toEqual(['530103']);
    expect(countiesOf(counties, '530103001').features.map((f) => f.properties.code)).toEqual(['530103']);
  });

  it('goes from the province to the clicked county’s city, from a city to the county, no further', () => {
    const [wuhua] = counties.features as [CountyFeature];
    expect(drillTarget(wuhua, '53')).toBe('5301');
    expect(drillTarget(wuhua, '5301')).toBe('530102');
    expect(drillTarget(wuhua, '530102')).toBeNull();
  });

  it('draws a hall at its own place, else at its county’s centre', () => {
    expect(halls.map((h) => [h.code, h.position[0], h.position[1]])).toEqual([
      ['530102001', 102.5, 25.5],
      ['530103001', 103.5, 25.5],
      ['533422001', expect.any(Number), expect.any(Number)],
    ]);
    const deqin = halls[2]!.position;
    expect(deqin[0]).toBeGreaterThan(97.6);
    expect(deqin[0]).toBeLessThan(99);
    expect(placeHalls(hallRows, null, counties)[0]!.position).toEqual([102.5, 25.5]);
  });
});

describe('buildQueueMapLayers', () => {
  const layers = buildQueueMapLayers({ counties, orgCode: '53', countyRows, halls, band });
  const county = layers.find((l) => l.id === 'county-wait') as GeoJsonLayer;
  const hallLayer = layers.find((l) => l.id === 'halls') as ScatterplotLayer<MapHall>;

  it('returns county polygons, hall dots and unit labels, in drawing order', () => {
    expect(layers.map((l) => l.id)).toEqual(['county-wait', 'halls', 'unit-labels']);
    expect(county).toBeInstanceOf(GeoJsonLayer);
    expect(hallLayer).toBeInstanceOf(ScatterplotLayer);
    expect(layers[2]).toBeInstanceOf(TextLayer);
    expect(buildQueueMapLayers({ counties, orgCode: '53', countyRows, halls, band, labels: false }).map((l) => l.id)).toEqual([
      'county-wait',
      'halls',
    ]);
  });

  it('colours each county by its own row’s status, grey when the county has no figures', () => {
    const getFill = county.props.getFillColor as unknown as (f: CountyFeature) => number[];
    const [wuhua, panlong, deqin] = counties.features as [CountyFeature, CountyFeature, CountyFeature];
    expect(getFill(wuhua)).toEqual(countyFill(12, 'ok', band));
    expect(getFill(panlong)).toEqual(countyFill(35, 'alarm', band));
    expect(getFill(deqin)).toEqual(COUNTY_NO_DATA);
    expect(county.props.pickable).toBe(true);
    expect(county.props.updateTriggers.getFillColor).toContain(countyRows);
  });

  it('sizes halls by queue length, colours them by status and draws big dots first', () => {
    const d = hallLayer.props.data as MapHall[];
    expect(d.map((h) => h.code)).toEqual(['530103001', '530102001', '533422001']);
    const getRadius = hallLayer.props.getRadius as unknown as (h: MapHall) => number;
    const getFill = hallLayer.props.getFillColor as unknown as (h: MapHall) => number[];
    const getPosition = hallLayer.props.getPosition as unknown as (h: MapHall) => number[];
    expect(d.map(getRadius)).toEqual([hallRadius(25), hallRadius(4), hallRadius(0)]);
    expect(d.map(getFill)).toEqual([HALL_COLORS.warn, HALL_COLORS.ok, HALL_COLORS.none]);
    expect(getPosition(d[0]!)).toEqual([103.5, 25.5]);
    expect(hallLayer.props.radiusUnits).toBe('pixels');
  });

  it('does not reorder the caller’s halls', () => {
    expect(halls.map((h) => h.code)).toEqual(['530102001', '530103001', '533422001']);
  });
});

describe('mapLabels', () => {
  it('names the cities for the province, at the area-weighted centre of their counties, in short form', () => {
    const labels = mapLabels(counties, '53');
    expect(labels.map((l) => l.name)).toEqual(['昆明市', '迪庆州']);
    const km = labels[0]?.position as [number, number];
    expect(km[0]).toBeCloseTo(103, 6);
    expect(km[1]).toBeCloseTo(25.5, 6);
  });

  it('names the counties below a city', () => {
    expect(mapLabels(countiesOf(counties, '5301'), '5301').map((l) => [l.code, l.name])).toEqual([
      ['530102', '县530102'],
      ['530103', '县530103'],
    ]);
  });
});

describe('mapTooltip', () => {
  const [county, hallLayer] = buildQueueMapLayers({ counties, orgCode: '53', countyRows, halls, band, labels: false });
  it('describes a county with its average wait, queue and tickets, and says a click drills down', () => {
    const tip = mapTooltip({ object: counties.features[1], layer: county ?? null }, countyRows, zh, '53');
    expect(tip?.html).toContain('县530103');
    expect(tip?.html).toContain('平均等待：35.0 分钟');
    expect(tip?.html).toContain('当前排队：20 人');
    expect(tip?.html).toContain('点击查看下一级');
    expect(mapTooltip({ object: counties.features[1], layer: county ?? null }, countyRows, zh, '530103')?.html).not.toContain('点击');
  });

  it('shows — for a county without figures and a hall without a wait', () => {
    expect(mapTooltip({ object: counties.features[2], layer: county ?? null }, countyRows, zh)?.html).toContain('平均等待：—');
    const tip = mapTooltip({ object: halls[2], layer: hallLayer ?? null }, countyRows, zh);
    expect(tip?.html).toContain('德钦营业厅');
    expect(tip?.html).toContain('最长等待：—');
  });

  it('returns null when nothing is picked', () => {
    expect(mapTooltip({ object: null, layer: null }, countyRows, zh)).toBeNull();
  });
});
