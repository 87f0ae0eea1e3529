// The org tree (province, cities, counties) as plain data for the administration pages' unit picker,
// built on the server page and passed to the client component (as app/admin/rules/page.tsx does).
import { CITIES, PROVINCE } from '@/core/org/divisions';
import type { OrgNode } from '../rules/org-options';

export interface OrgTree {
  province: { code: string; name: string };
  cities: OrgNode[];
}

export function orgTree(): OrgTree {
  return {
    province: { code: PROVINCE.code, name: PROVINCE.name },
    cities: CITIES.map((c) => ({ code: c.code, name: c.name, counties: c.counties.map((k) => ({ code: k.code, name: k.name })) })),
  };
}
