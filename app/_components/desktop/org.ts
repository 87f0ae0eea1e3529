// The org tree as the dashboards walk it: names, the breadcrumb from the user's own node down, the unit one
// level up, the picker's options — all limited to the user's scope (the server refuses the rest anyway).
// Pure; unit-tested in tests/desktop/org.test.ts.
import { CITIES, findCity, findCounty, PROVINCE } from '@/core/org/divisions';

export const inScope = (code: string, scope: string) => code.startsWith(scope);

/** The known name of a province, city or county code; null for a hall (its name comes with the figures). */
export function orgName(code: string): string | null {
  if (code === PROVINCE.code) return PROVINCE.name;
  if (code.length === 4) return findCity(code)?.name ?? null;
  if (code.length === 6) return findCounty(code)?.name ?? null;
  return null;
}

/** The ancestors of a unit, from the user's own node down to the unit itself. */
export function breadcrumb(code: string, scope: string): string[] {
  const chain = [PROVINCE.code];
  if (code.length >= 4) chain.push(code.slice(0, 4));
  if (code.length >= 6) chain.push(code.slice(0, 6));
  if (code.length === 9) chain.push(code);
  return chain.filter((c) => c.length >= scope.length && inScope(c, scope));
}

/** One level up, or null at the user's own node. */
export function parentOf(code: string, scope: string): string | null {
  const chain = breadcrumb(code, scope);
  return chain.length >= 2 ? chain[chain.length - 2]! : null;
}

export interface UnitOption {
  code: string;
  name: string;
  depth: number;
}

/** The picker: the user's node and every city and county below it, in tree order. */
export function unitOptions(scope: string): UnitOption[] {
  const out: UnitOption[] = [];
  if (scope === PROVINCE.code) out.push({ code: PROVINCE.code, name: PROVINCE.name, depth: 0 });
  for (const city of CITIES) {
    if (!inScope(city.code, scope) && !inScope(scope, city.code)) continue;
    if (inScope(city.code, scope)) out.push({ code: city.code, name: city.name, depth: 1 });
    for (const county of city.counties) {
      if (inScope(county.code, scope)) out.push({ code: county.code, name: county.name, depth: 2 });
    }
  }
  return out;
}

/** The page's unit: the asked one when inside the user's scope, else the user's own node. */
export function effectiveOrg(asked: string | null, scope: string): string {
  return asked && inScope(asked, scope) ? asked : scope;
}
