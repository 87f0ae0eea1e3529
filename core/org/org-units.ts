import { CITIES, PROVINCE } from './divisions';

export type OrgLevelName = 'province' | 'city' | 'county' | 'hall';

/** One unit of the org tree as reference data gives it; the relational layer stores it (server/db/org.ts). */
export interface OrgUnitSeed {
  code: string;
  name: string;
  nameEn?: string | null;
  level: OrgLevelName;
  parentCode: string | null;
  lon?: number | null;
  lat?: number | null;
  sort?: number;
}

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
