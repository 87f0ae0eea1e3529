import type { OrgUnitSeed } from '@/server/db/org';
import { CITIES, PROVINCE } from './divisions';

/**
 * The administrative part of the org tree (province → city supply bureaus → county companies) from the
 * GB/T 2260 reference data. Business halls join it from the hall queue system's reference data.
 */
export function divisionOrgUnits(): OrgUnitSeed[] {
  const units: OrgUnitSeed[] = [{ code: PROVINCE.code, name: PROVINCE.name, level: 'province', parentCode: null, sort: 0 }];
  CITIES.forEach((city, i) => {
    units.push({
      code: city.code,
      name: city.name,
      level: 'city',
      parentCode: PROVINCE.code,
      lon: city.center[0],
      lat: city.center[1],
      sort: i,
    });
    city.counties.forEach((county, j) =>
      units.push({
        code: county.code,
        name: county.name,
        level: 'county',
        parentCode: city.code,
        lon: county.center[0],
        lat: county.center[1],
        sort: j,
      }),
    );
  });
  return units;
}
