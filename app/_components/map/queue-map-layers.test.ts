import { GeoJsonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../_i18n/locale';
import type { QueueOverviewData } from '../queue-overview/types';
import {
  buildQueueMapLayers,
  cityLabels,
  computeBounds,
  COUNTY_NO_DATA,
  countyFill,
  HALL_COLORS,
  HALL_RADIUS_MAX_PX,
  hallColor,
  hallRadius,
  mapTooltip,
  type CountyCollection,
  type CountyFeature,
} from './queue-map-layers';

const th = { waitWarnMin: 20, waitAlarmMin: 30, queueLengthWarn: 15 };
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

const data: Pick<QueueOverviewData, 'byCounty' | 'halls' | 'byCity'> = {
  byCity: [
    { code: '5301', name: '昆明市', ticketsIssued: 10, queueLength: 3, avgWaitMin: 10, maxWaitMin: 20, satisfactionRate: 1 },
    { code: '5334', name: '迪庆藏族自治州', ticketsIssued: 0, queueLength: 0, avgWaitMin: null, maxWaitMin: null, satisfactionRate: null },
  ],
  byCounty: [
    { code: '530102', name: '五华区', cityCode: '5301', ticketsIssued: 120, queueLength: 9, avgWaitMin: 12 },
    { code: '530103', name: '盘龙区', cityCode: '5301', ticketsIssued: 80, queueLength: 20, avgWaitMin: 35 },
  ],
  halls: [
    { code: 'h1', name: '五华营业厅', countyCode: '530102', lon: 102.5, lat: 25.5, queueLength: 4, longestWaitMin: 12 },
    { code: 'h2', name: '盘龙营业厅', countyCode: '530103', lon: 103.5, lat: 25.5, queueLength: 25, longestWaitMin: 30 },
    { code: 'h3', name: '德钦营业厅', countyCode: '533422', lon: 98.9, lat: 28.4, queueLength: 0, longestWaitMin: null },
  ],
};

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
    expect(countyFill(null, th)).toEqual(COUNTY_NO_DATA);
    expect(countyFill(0, th)).not.toEqual(COUNTY_NO_DATA);
  });

  it('moves from green through amber to red across the thresholds', () => {
    const ok = countyFill(10, th);
    const warn = countyFill(25, th);
    const alarm = countyFill(30.01, th);
    // green dominant up to warn, amber (red > blue, green still high) in the warn band, red dominant above alarm
    expect(ok[1]).toBeGreaterThan(ok[0]);
    expect(warn[0]).toBeGreaterThan(warn[2]);
    expect(warn[1]).toBeGreaterThan(80);
    expect(alarm[0]).toBeGreaterThan(200);
    expect(alarm[1]).toBeLessThan(80);
  });

  it('keeps a county exactly at a threshold in the lower band (strict >, DOMAIN.md §2.1)', () => {
    const atWarn = countyFill(20, th);
    const aboveWarn = countyFill(20.01, th);
    expect(atWarn[1]).toBeGreaterThan(atWarn[0]); // exactly 20: still green
    expect(aboveWarn[0]).toBeGreaterThan(aboveWarn[1]); // 20.01: amber
    const atAlarm = countyFill(30, th);
    const aboveAlarm = countyFill(30.01, th);
    expect(atAlarm[1]).toBeGreaterThan(80); // exactly 30: still amber
    expect(aboveAlarm[1]).toBeLessThan(80); // 30.01: red
  });

  it('deepens within a band and is clamped beyond twice the alarm', () => {
    expect(countyFill(2, th)).not.toEqual(countyFill(18, th));
    expect(countyFill(60, th)).toEqual(countyFill(600, th));
    for (const v of [0, 5, 20, 20.01, 29, 30, 30.01, 90]) for (const c of countyFill(v, th)) expect(c >= 0 && c <= 255).toBe(true);
  });
});

describe('hall style', () => {
  it('is red only above the alarm threshold and amber only above the warning threshold', () => {
    expect(hallColor(30.01, th)).toEqual(HALL_COLORS.alarm);
    expect(hallColor(30, th)).toEqual(HALL_COLORS.warn); // exactly at alarm: still amber
    expect(hallColor(29.9, th)).toEqual(HALL_COLORS.warn);
    expect(hallColor(20.01, th)).toEqual(HALL_COLORS.warn);
    expect(hallColor(20, th)).toEqual(HALL_COLORS.ok); // exactly at warning: still ok
    expect(hallColor(5, th)).toEqual(HALL_COLORS.ok);
    expect(hallColor(null, th)).toEqual(HALL_COLORS.none);
  });

  it('grows with the queue and is bounded', () => {
    expect(hallRadius(0)).toBeLessThan(hallRadius(4));
    expect(hallRadius(4)).toBeLessThan(hallRadius(25));
    expect(hallRadius(10_000)).toBe(HALL_RADIUS_MAX_PX);
    expect(hallRadius(-3)).toBe(hallRadius(0));
  });
});

describe('buildQueueMapLayers', () => {
  const layers = buildQueueMapLayers({ counties, data, thresholds: th });
  const county = layers.find((l) => l.id === 'county-wait') as GeoJsonLayer;
  const halls = layers.find((l) => l.id === 'halls') as ScatterplotLayer<QueueOverviewData['halls'][number]>;

  it('returns county polygons, hall dots and city labels, in drawing order', () => {
    expect(layers.map((l) => l.id)).toEqual(['county-wait', 'halls', 'city-labels']);
    expect(county).toBeInstanceOf(GeoJsonLayer);
    expect(halls).toBeInstanceOf(ScatterplotLayer);
    expect(layers[2]).toBeInstanceOf(TextLayer);
    expect(buildQueueMapLayers({ counties, data, thresholds: th, labels: false }).map((l) => l.id)).toEqual(['county-wait', 'halls']);
  });

  it('colours each county by its own average wait, grey when the county has no figures', () => {
    const getFill = county.props.getFillColor as unknown as (f: CountyFeature) => number[];
    const [wuhua, panlong, deqin] = counties.features as [CountyFeature, CountyFeature, CountyFeature];
    expect(getFill(wuhua)).toEqual(countyFill(12, th));
    expect(getFill(panlong)).toEqual(countyFill(35, th));
    expect(getFill(deqin)).toEqual(COUNTY_NO_DATA);
    expect(county.props.pickable).toBe(true);
    expect(county.props.updateTriggers.getFillColor).toContain(data.byCounty);
  });

  it('sizes halls by queue length, colours them by longest wait and draws big dots first', () => {
    const d = halls.props.data as QueueOverviewData['halls'];
    expect(d.map((h) => h.code)).toEqual(['h2', 'h1', 'h3']);
    const getRadius = halls.props.getRadius as unknown as (h: (typeof d)[number]) => number;
    const getFill = halls.props.getFillColor as unknown as (h: (typeof d)[number]) => number[];
    const getPosition = halls.props.getPosition as unknown as (h: (typeof d)[number]) => number[];
    expect(d.map(getRadius)).toEqual([hallRadius(25), hallRadius(4), hallRadius(0)]);
    // h2's longest wait is exactly the alarm threshold (30): amber, not red
    expect(d.map(getFill)).toEqual([HALL_COLORS.warn, HALL_COLORS.ok, HALL_COLORS.none]);
    expect(getPosition(d[0] as (typeof d)[number])).toEqual([103.5, 25.5]);
    expect(halls.props.radiusUnits).toBe('pixels');
  });

  it('does not reorder the caller’s halls', () => {
    expect(data.halls.map((h) => h.code)).toEqual(['h1', 'h2', 'h3']);
  });
});

describe('cityLabels', () => {
  it('puts one short-named label per city at the area-weighted centre of its counties', () => {
    const labels = cityLabels(counties, data.byCity);
    expect(labels.map((l) => l.name)).toEqual(['昆明市', '迪庆州']);
    const km = labels[0]?.position as [number, number];
    expect(km[0]).toBeCloseTo(103, 6);
    expect(km[1]).toBeCloseTo(25.5, 6);
  });
});

describe('mapTooltip', () => {
  const [county, hall] = buildQueueMapLayers({ counties, data, thresholds: th, labels: false });
  it('describes a county with its average wait', () => {
    const tip = mapTooltip({ object: counties.features[1], layer: county ?? null }, data, zh);
    expect(tip?.html).toContain('县530103');
    expect(tip?.html).toContain('平均等待：35.0 分钟');
    expect(tip?.html).toContain('当前排队：20 人');
  });

  it('shows — for a county without figures and a hall without a wait', () => {
    expect(mapTooltip({ object: counties.features[2], layer: county ?? null }, data, zh)?.html).toContain('平均等待：—');
    const tip = mapTooltip({ object: data.halls[2], layer: hall ?? null }, data, zh);
    expect(tip?.html).toContain('德钦营业厅');
    expect(tip?.html).toContain('最长等待：—');
  });

  it('returns null when nothing is picked', () => {
    expect(mapTooltip({ object: null, layer: null }, data, zh)).toBeNull();
  });
});
