import divisions from './reference/yunnan-divisions.json';

// The province the demo plays: 云南省 with its real 16 prefecture-level divisions and 129 counties
// (GB/T 2260 codes). Halls below county level are the utility's own, so the simulator generates them.

export interface County {
  code: string;
  name: string;
  cityCode: string;
  center: [number, number];
}
export interface City {
  code: string;
  name: string;
  center: [number, number];
  counties: County[];
}

export const PROVINCE = { code: divisions.province.code, name: divisions.province.name } as const;

export const CITIES: City[] = divisions.cities.map((c) => ({
  code: c.code,
  name: c.name,
  center: c.center as [number, number],
  counties: c.counties.map((k) => ({ code: k.code, name: k.name, cityCode: c.code, center: k.center as [number, number] })),
}));

export const COUNTIES: County[] = CITIES.flatMap((c) => c.counties);

const countyByCode = new Map(COUNTIES.map((c) => [c.code, c]));
const cityByCode = new Map(CITIES.map((c) => [c.code, c]));

export const findCounty = (code: string) => countyByCode.get(code);
export const findCity = (code: string) => cityByCode.get(code);

/** 市辖区 (urban districts) carry more halls and more traffic than rural counties. */
export const isUrbanDistrict = (county: County) => county.name.endsWith('区');
