import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../_i18n/locale';
import { COUNTY_NO_DATA, type CountyCollection, type CountyFeature } from '../../map/queue-map-layers';
import {
  areaRadius,
  buildOutageMapLayers,
  buildPointCloud,
  callCloud,
  countyCentroids,
  HALL_STATUS_COLORS,
  hallCloud,
  hallSiteCloud,
  NO_OUTAGE,
  outageFill,
  outageLabels,
  outageMapData,
  outageMapTooltip,
} from './outage-map-layers';
import { panelData, point, result, series } from './test-data';

const zh = createTranslator('zh-CN');
const square = (code: string, x: number, y: number): CountyFeature => ({
  type: 'Feature',
  properties: { code, name: `县${code}`, cityCode: code.slice(0, 4) },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y],
      ],
    ],
  },
});
const counties: CountyCollection = {
  type: 'FeatureCollection',
  features: [square('530102', 102, 25), square('530103', 103, 25), square('533422', 99, 28)],
};

const data = panelData([
  result(
    'map:outage',
    [
      series('outage.affected', [point('530102', 1200), point('530103', 0), point('533422', null)]),
      series('outage.events', [point('530102', 2), point('530103', 0)]),
    ],
    { by: 'county' },
  ),
  result('map:calls', [series('call.inbound', [point('530102', 400), point('530103', 100), point('533422', 0)])], { by: 'county' }),
  result(
    'map:halls',
    [
      series('queue.length', [
        point('530102001', 5, { status: 'ok', orgName: '五华供电营业厅' }),
        point('530102002', 20, { status: 'warn', orgName: '五华城东营业厅' }),
        point('530103001', 3, { status: 'ok', orgName: '盘龙供电营业厅' }),
      ]),
      series('queue.longest_wait_now', [
        point('530102001', 35, { status: 'alarm' }),
        point('530102002', 12, { status: 'ok' }),
        point('530103001', null),
      ]),
    ],
    { by: 'hall' },
  ),
]);

// The same figures with the hall positions the server sends outside a visitor zone: 530102002 has none (it is
// drawn at its county's centroid), 530103001's is not a place (drawn at the centroid too).
const withPlaces = {
  ...data,
  hallPositions: { '530102001': [102.71, 25.04], '530103001': [Number.NaN, 25], '539999001': [100, 24] },
} as typeof data;

describe('outageMapData', () => {
  it('reads affected customers and calls per county, and folds halls into their county with the worst status', () => {
    const d = outageMapData(data);
    expect(d.affected.get('530102')).toBe(1200);
    expect(d.affected.get('533422')).toBeNull();
    expect(d.calls.get('530103')).toBe(100);
    expect(d.halls.get('530102')).toEqual({ halls: 2, warn: 1, alarm: 1, waiting: 25, longestWait: 35, dayWait: null, status: 'alarm' });
    expect(d.halls.get('530103')).toMatchObject({ halls: 1, status: 'ok', longestWait: null });
    // No hall positions in the data (a visitor zone): no per-hall sites, the map draws one dot per county.
    expect(d.sites).toBeNull();
  });
  it('with hall positions, keeps each hall with its place (null when unknown or invalid), name and own status', () => {
    const d = outageMapData(withPlaces);
    expect([...d.sites!.keys()].sort()).toEqual(['530102001', '530102002', '530103001']); // a place alone draws nothing
    expect(d.sites!.get('530102001')).toEqual({
      code: '530102001',
      name: '五华供电营业厅',
      countyCode: '530102',
      position: [102.71, 25.04],
      waiting: 5,
      longestWait: 35,
      dayWait: null,
      status: 'alarm', // queue ok, longest wait alarm: the worse
    });
    expect(d.sites!.get('530102002')).toMatchObject({ position: null, status: 'warn', waiting: 20 });
    expect(d.sites!.get('530103001')).toMatchObject({ position: null, status: 'ok', longestWait: null });
    // The per-county aggregates are still there (county tooltips).
    expect(d.halls.get('530102')).toMatchObject({ halls: 2, status: 'alarm' });
  });
});

describe('colours and sizes', () => {
  it('fills a county grey without a figure, calm for 0, and redder with more customers affected', () => {
    expect(outageFill(null, 100)).toEqual(COUNTY_NO_DATA);
    expect(outageFill(0, 100)).toEqual(NO_OUTAGE);
    const few = outageFill(2, 10_000);
    const many = outageFill(10_000, 10_000);
    expect(many[1]).toBeLessThan(few[1]); // less green = redder
  });
  it('sizes circles by area and gives nothing to 0 or a missing value', () => {
    expect(areaRadius(100, 100, 30)).toBe(30);
    expect(areaRadius(25, 100, 30)).toBe(15);
    expect(areaRadius(0, 100, 30)).toBe(0);
    expect(areaRadius(null, 100, 30)).toBe(0);
  });
});

describe('point clouds', () => {
  const centroids = countyCentroids(counties);
  it('puts each county at the centroid of its polygon', () => {
    expect(centroids.get('530102')).toEqual([102.5, 25.5]);
  });
  it('packs calls as typed arrays, big circles first, skipping counties without calls', () => {
    const c = callCloud(outageMapData(data).calls, centroids, 30);
    expect(c.length).toBe(2);
    expect(c.ids).toEqual(['530102', '530103']);
    expect([...c.positions.slice(0, 2)]).toEqual([102.5, 25.5]);
    expect(c.radii[0]).toBe(30);
  });
  it('draws halls coloured by their worst status, alarms on top (last)', () => {
    const h = hallCloud(outageMapData(data).halls, centroids, 10);
    expect(h.ids).toEqual(['530103', '530102']);
    expect([...h.colors.slice(4, 8)]).toEqual(HALL_STATUS_COLORS.alarm);
  });
  it('draws each hall at its own place, a hall without one at its county centroid, coloured by its own status', () => {
    const h = hallSiteCloud(outageMapData(withPlaces).sites!, centroids, 10);
    // ok first, then warn, alarm last (on top).
    expect(h.ids).toEqual(['530103001', '530102002', '530102001']);
    const at = (i: number) => [...h.positions.slice(i * 2, i * 2 + 2)];
    const colour = (i: number) => [...h.colors.slice(i * 4, i * 4 + 4)];
    expect(at(2)[0]).toBeCloseTo(102.71, 4); // its own place, not the county's centroid (102.5, 25.5)
    expect(at(2)[1]).toBeCloseTo(25.04, 4);
    expect(at(1)).toEqual([102.5, 25.5]); // no place: 530102's centroid
    expect(at(0)).toEqual([103.5, 25.5]); // an invalid place: 530103's centroid
    expect(colour(2)).toEqual(HALL_STATUS_COLORS.alarm);
    expect(colour(1)).toEqual(HALL_STATUS_COLORS.warn);
    expect(colour(0)).toEqual(HALL_STATUS_COLORS.ok);
    // Sized by people waiting: the fullest hall (20) maxPx, 5 waiting half of it, never below 35 %.
    expect(h.radii[1]).toBe(10);
    expect(h.radii[2]).toBe(5);
    expect(h.radii[0]).toBeCloseTo(Math.max(3.5, 10 * Math.sqrt(3 / 20)), 5);
  });
  it('leaves out a hall with neither a place nor a known county', () => {
    const d = outageMapData(withPlaces);
    const h = hallSiteCloud(d.sites!, new Map([['530103', [103.5, 25.5] as [number, number]]]), 10);
    expect(h.ids).toEqual(['530103001', '530102001']);
  });
  // How fast is bench/wall-map.ts's business (its "layer build in Node" table); a test does not time the machine.
  it('builds 100k points into flat buffers (the bench feeds synthetic points through here)', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({
      position: [97.5 + (i % 1000) / 140, 21 + i / 12_000] as [number, number],
      radius: 2,
      color: [58, 184, 255, 160],
    }));
    const cloud = buildPointCloud(items);
    expect(cloud.length).toBe(100_000);
    expect(cloud.positions).toHaveLength(200_000);
    expect(cloud.colors).toHaveLength(400_000);
    // The last point landed at its own slots (not just buffers of the right size).
    expect(cloud.positions[199_998]).toBeCloseTo(97.5 + 999 / 140, 4);
    expect(cloud.positions[199_999]).toBeCloseTo(21 + 99_999 / 12_000, 4);
    expect([...cloud.colors.subarray(399_996)]).toEqual([58, 184, 255, 160]);
    const layers = buildOutageMapLayers({ counties, affected: new Map(), calls: cloud, halls: buildPointCloud([]) });
    const calls = layers.find((l) => l.id === 'call-density') as ScatterplotLayer;
    const d = calls.props.data as unknown as { length: number; attributes: { getPosition: { value: Float32Array } } };
    expect(d.length).toBe(100_000);
    expect(d.attributes.getPosition.value).toBe(cloud.positions); // no copy, no per-point objects
  });
});

describe('buildOutageMapLayers', () => {
  const centroids = countyCentroids(counties);
  const d = outageMapData(data);
  const layers = buildOutageMapLayers({
    counties,
    affected: d.affected,
    calls: callCloud(d.calls, centroids, 30),
    halls: hallCloud(d.halls, centroids, 10),
    labels: outageLabels(counties, d.affected, centroids),
  });
  it('stacks counties, call circles, hall dots and labels of counties with outages', () => {
    expect(layers.map((l) => l.id)).toEqual(['county-outage', 'call-density', 'hall-status', 'county-labels']);
    const fill = (layers[0] as GeoJsonLayer).props.getFillColor as unknown as (f: CountyFeature) => number[];
    expect(fill(counties.features[2]!)).toEqual(COUNTY_NO_DATA);
    expect(outageLabels(counties, d.affected, centroids).map((l) => l.text)).toEqual(['县530102']);
  });
  it('answers a hover with the county figures', () => {
    const clouds = { calls: callCloud(d.calls, centroids, 30), halls: hallCloud(d.halls, centroids, 10) };
    const names = new Map(counties.features.map((f) => [f.properties.code, f.properties.name]));
    const tip = outageMapTooltip({ layer: layers[2]!, index: 1, object: null }, d, clouds, names, zh);
    expect(tip?.html).toContain('县530102');
    expect(tip?.html).toContain('影响客户：1,200');
    expect(tip?.html).toContain('营业厅：2 个（预警 1，告警 1）');
    expect(outageMapTooltip({ layer: layers[0]!, index: -1, object: null }, d, clouds, names, zh)).toBeNull();
  });
  it('names the hall of a hall dot drawn at its place, with its own figures', () => {
    const ds = outageMapData(withPlaces);
    const clouds = { calls: callCloud(ds.calls, centroids, 30), halls: hallSiteCloud(ds.sites!, centroids, 10) };
    const names = new Map(counties.features.map((f) => [f.properties.code, f.properties.name]));
    const tip = outageMapTooltip({ layer: layers[2]!, index: clouds.halls.ids!.indexOf('530102001'), object: null }, ds, clouds, names, zh);
    expect(tip?.html).toContain('五华供电营业厅');
    expect(tip?.html).toContain('县530102');
    expect(tip?.html).toContain('排队：5 人');
    expect(tip?.html).toContain('最长等候：35.0 分钟');
    expect(tip?.html).toContain('rgba(255, 60, 60, 1.00)'); // its status colour: alarm
    expect(tip?.html).not.toContain('营业厅：'); // not the county's hall summary
    // A county under it still gives the county's figures.
    const county = outageMapTooltip({ layer: layers[0]!, index: 0, object: counties.features[0] }, ds, clouds, names, zh);
    expect(county?.html).toContain('营业厅：2 个（预警 1，告警 1）');
  });
});
