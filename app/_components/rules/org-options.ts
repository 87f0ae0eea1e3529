// The org tree as options for a unit picker: the province, each city and its counties. Pure.

export interface OrgNode {
  code: string;
  name: string;
  counties?: { code: string; name: string }[];
}

export interface OrgOption {
  code: string;
  name: string;
  depth: 0 | 1 | 2;
}

export function orgOptions(province: { code: string; name: string }, cities: readonly OrgNode[]): OrgOption[] {
  return [
    { code: province.code, name: province.name, depth: 0 },
    ...cities.flatMap((c) => [
      { code: c.code, name: c.name, depth: 1 as const },
      ...(c.counties ?? []).map((k) => ({ code: k.code, name: k.name, depth: 2 as const })),
    ]),
  ];
}

/** Name of an org code from the options, or the code itself (a hall, or a unit not in the tree). */
export function orgNameOf(options: readonly OrgOption[]): (code: string) => string {
  const m = new Map(options.map((o) => [o.code, o.name]));
  return (code) => m.get(code) ?? code;
}
