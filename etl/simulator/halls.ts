import { COUNTIES, PROVINCE, isUrbanDistrict, type County } from '@/core/org/divisions';
import { pick, rng, seedOf } from './random';

export interface Hall {
  code: string; // county code + 3 digits, the way the utility numbers its business halls
  name: string;
  countyCode: string;
  cityCode: string;
  provinceCode: string;
  lon: number;
  lat: number;
  windows: number;
  /** relative traffic: 1 = an average county-seat hall */
  size: number;
  urban: boolean;
}

const QUARTERS = ['城区', '城东', '城西', '城南', '城北', '新区', '开发区', '中心', '高新', '站前', '滨江', '工业园'];
const TOWNS = ['镇', '乡'];

function hallsOf(county: County, seed: number): Hall[] {
  const r = rng(seedOf(seed, 'halls', county.code));
  const urban = isUrbanDistrict(county);
  const count = urban ? 6 + Math.floor(r() * 4) : 3 + Math.floor(r() * 3);
  const short = county.name
    .replace(
      /(彝族|哈尼族|傣族|白族|回族|苗族|壮族|佤族|拉祜族|纳西族|傈僳族|藏族|景颇族|布朗族|独龙族|怒族|普米族|瑶族|布依族|阿昌族|蒙古族|水族|基诺族|德昂族)+自治县$/,
      '县',
    )
    .replace(/[县区市]$/, '');
  const used = new Set<string>();
  const halls: Hall[] = [];
  for (let i = 0; i < count; i++) {
    const main = i === 0;
    let quarter = main ? '' : pick(r, QUARTERS);
    if (!main && !urban && r() < 0.6) quarter = `${short.slice(0, 1)}${pick(r, ['家', '平', '坝', '山', '河', '营'])}${pick(r, TOWNS)}`;
    while (used.has(quarter)) quarter += '二';
    used.add(quarter);
    const name = main ? `${short}供电营业厅` : `${short}${quarter}营业厅`;
    const spread = urban ? 0.05 : 0.18;
    halls.push({
      code: `${county.code}${String(i + 1).padStart(3, '0')}`,
      name,
      countyCode: county.code,
      cityCode: county.code.slice(0, 4),
      provinceCode: PROVINCE.code,
      lon: Math.round((county.center[0] + (main ? 0 : (r() - 0.5) * spread)) * 1e5) / 1e5,
      lat: Math.round((county.center[1] + (main ? 0 : (r() - 0.5) * spread)) * 1e5) / 1e5,
      windows: main ? (urban ? 8 : 5) + Math.floor(r() * 3) : 2 + Math.floor(r() * 3),
      size: (main ? 1.6 : 0.7) * (urban ? 2.2 : 1) * (0.7 + r() * 0.6),
      urban,
    });
  }
  return halls;
}

const cache = new Map<number, Hall[]>();
/** All business halls of the province for a seed (about 600), stable across runs. */
export function allHalls(seed: number): Hall[] {
  let halls = cache.get(seed);
  if (!halls) {
    halls = COUNTIES.flatMap((c) => hallsOf(c, seed));
    cache.set(seed, halls);
  }
  return halls;
}
